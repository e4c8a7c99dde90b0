"""``/retail/replenishment/``: suggestions per own store x product (DESIGN.md section 4), filtered by
region, store, warehouse and SKU, with an xlsx export; ticking stores and pressing "Create transfer
shipments" accepts them in one action (``replenishment_accept``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item
from erp.web import StaffPageMixin
from retail import services
from retail.forms.stores import ReplenishmentFilterForm
from retail.models import Store
from retail.selectors import replenishment_view

ACCEPT = "retail.accept_replenishment"
LINES_PER_PAGE = 100
FILTERS = ("region", "store", "warehouse", "sku", "only_needed")

EXPORT_COLUMNS = [
    SheetColumn("store", 14),
    SheetColumn("warehouse", 12),
    SheetColumn("sku", 16),
    SheetColumn("case_pack", 10, "0"),
    SheetColumn("on_hand", 10, "0"),
    SheetColumn("in_transit", 10, "0"),
    SheetColumn("sold_14_days", 12, "0"),
    SheetColumn("mean_per_day", 12, "0.00"),
    SheetColumn("cover_days", 10, "0"),
    SheetColumn("target", 10, "0"),
    SheetColumn("suggested", 10, "0"),
    SheetColumn("can_ship", 10, "0"),
    SheetColumn("short", 10, "0"),
    SheetColumn("warehouse_available", 12, "0"),
]


class ReplenishmentView(StaffPageMixin, TemplateView):
    permission_required = "retail.view_store"
    template_name = "retail/replenishment.html"

    def _form(self) -> ReplenishmentFilterForm:
        # Opened without filters the page (and its export) shows only what needs stock.
        filtered = any(key not in {"format", "page"} for key in self.request.GET)
        form = ReplenishmentFilterForm(self.request.GET if filtered else {"only_needed": "on"})
        form.is_valid()
        return form

    def get(self, request, *args, **kwargs):
        self.form = self._form()
        filters = {name: self.form.cleaned_data.get(name) for name in FILTERS}
        self.plan = replenishment_view(**filters)
        if request.GET.get("format") == "xlsx":
            return sheet_response(
                f"tempo-replenishment-{self.plan.on.isoformat()}", "Replenishment", EXPORT_COLUMNS, self._rows()
            )
        return super().get(request, *args, **kwargs)

    def _rows(self):
        for line in self.plan.lines:
            yield [
                line.store.location.code,
                line.warehouse.code if line.warehouse else "",
                line.item.sku,
                line.item.case_pack,
                line.on_hand,
                line.in_transit,
                line.sold_14,
                line.mean_daily,
                line.store.cover_days,
                line.target,
                line.suggested,
                line.shippable,
                line.short,
                line.warehouse_available,
            ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.plan.lines, LINES_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            form=self.form,
            plan=self.plan,
            page_obj=page,
            paginator=page.paginator,
            lines=page.object_list,
            can_accept=self.request.user.has_perm(ACCEPT),
            totals={
                "suggested": sum(p.suggested for p in self.plan.stores),
                "shippable": sum(p.shippable for p in self.plan.stores),
                "short": sum(p.short for p in self.plan.stores),
            },
        )
        return context


class ReplenishmentAcceptView(StaffPageMixin, TemplateView):
    permission_required = ("retail.view_store", ACCEPT)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = reverse("replenishment")
        filters = {name: request.POST.get(name, "") for name in FILTERS if request.POST.get(name)}
        if filters:
            back += "?" + urlencode(filters)
        codes = [code.strip().upper()[:32] for code in request.POST.getlist("stores")][:1000]
        store_ids = list(Store.objects.filter(location__code__in=codes).values_list("pk", flat=True))
        sku = request.POST.get("sku", "").strip().upper()
        item_ids = list(Item.objects.filter(sku=sku).values_list("pk", flat=True)) if sku else None
        if len(store_ids) != len(set(codes)):
            messages.error(request, _("Some of the stores chosen do not exist; reload the page and choose again."))
            return redirect(back)
        try:
            result = services.replenishment_accept(acting_user=request.user, store_ids=store_ids, item_ids=item_ids)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(back)
        if result.shipments:
            messages.success(
                request,
                _("%(count)s transfer shipments created (%(units)s units): %(numbers)s.")
                % {
                    "count": len(result.shipments),
                    "units": result.units,
                    "numbers": ", ".join(shipment.number for shipment in result.shipments),
                },
            )
        else:
            messages.info(request, _("Nothing to ship: the stores chosen have what they need on hand or on its way."))
        for line in result.short_lines:
            messages.warning(
                request,
                _("%(store)s %(sku)s: %(short)s of the %(suggested)s suggested could not be covered by %(warehouse)s.")
                % {
                    "store": line.store.location.code,
                    "sku": line.item.sku,
                    "short": line.short,
                    "suggested": line.suggested,
                    "warehouse": line.warehouse.code if line.warehouse else "-",
                },
            )
        return redirect(back)

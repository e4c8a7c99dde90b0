"""Staff pages of dispatch on arrival (mounted at /fulfilment/): the runs, one run, the waiting demand, Dispatch now."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import StaffPageMixin, TempoListView
from erp.weeks import business_date
from logistics.models import Location, LocationKind
from logistics.selectors import warehouse_list
from orders import selectors, services
from orders.filters import DispatchRunFilter, WaitingDemandFilterForm

VIEW = "orders.view_dispatchrun"
ADD = "orders.add_dispatchrun"

RUN_COLUMNS = [
    SheetColumn("run", 8, "0"),
    SheetColumn("started_at", 17),
    SheetColumn("warehouse", 10),
    SheetColumn("region", 12),
    SheetColumn("trigger", 11),
    SheetColumn("receipt", 16),
    SheetColumn("products", 24),
    SheetColumn("shipments", 10, "#,##0"),
    SheetColumn("lines_dispatched", 10, "#,##0"),
    SheetColumn("units_dispatched", 10, "#,##0"),
    SheetColumn("units_from_reservation", 10, "#,##0"),
    SheetColumn("lines_waiting", 10, "#,##0"),
    SheetColumn("units_waiting", 10, "#,##0"),
    SheetColumn("duration_ms", 10, "#,##0"),
    SheetColumn("started_by", 14),
]
LINE_COLUMNS = [
    SheetColumn("run", 8, "0"),
    SheetColumn("shipment", 16),
    SheetColumn("order_kind", 10),
    SheetColumn("order", 16),
    SheetColumn("consignee", 18),
    SheetColumn("sku", 16),
    SheetColumn("waiting_since", 17),
    SheetColumn("dispatched", 10, "#,##0"),
    SheetColumn("from_reservation", 10, "#,##0"),
    SheetColumn("cross_docked", 10, "#,##0"),
    SheetColumn("still_waiting", 10, "#,##0"),
]
WAITING_COLUMNS = [
    SheetColumn("region", 12),
    SheetColumn("sku", 16),
    SheetColumn("order_kind", 10),
    SheetColumn("order", 16),
    SheetColumn("consignee", 18),
    SheetColumn("waiting_since", 17),
    SheetColumn("waiting", 10, "#,##0"),
    SheetColumn("reserved", 24),
]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class DispatchRunListView(TempoListView):
    permission_required = VIEW
    filterset_class = DispatchRunFilter
    template_name = "orders/dispatch_run_list.html"
    sortable = (
        "started_at",
        "warehouse__code",
        "trigger",
        "shipments_created",
        "units_dispatched",
        "units_waiting",
        "duration_ms",
    )
    default_sort = "-started_at"
    queryset = selectors.dispatch_run_list()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        run.pk,
                        _when(run.started_at),
                        run.warehouse.code,
                        run.region,
                        run.trigger,
                        run.trigger_shipment.number if run.trigger_shipment_id else "",
                        run.skus,
                        run.shipments_created,
                        run.lines_dispatched,
                        run.units_dispatched,
                        run.units_from_reservation,
                        run.lines_waiting,
                        run.units_waiting,
                        run.duration_ms,
                        run.created_by.username if run.created_by_id else "",
                    ]
                    for run in filterset.qs.iterator(chunk_size=2000)
                )
                return sheet_response(
                    f"tempo-dispatch-runs-{business_date().isoformat()}", "Dispatch runs", RUN_COLUMNS, rows
                )
        return super().get(request, *args, **kwargs)


class DispatchRunDetailView(StaffPageMixin, TemplateView):
    """What one run cross-docked (each shipment with its order, product and quantity) and what it left waiting."""

    permission_required = VIEW
    template_name = "orders/dispatch_run_detail.html"
    lines_per_page = 100

    def get(self, request, *args, **kwargs):
        self.run = selectors.dispatch_run_get(kwargs["pk"])
        if self.run is None:
            raise Http404("No such dispatch run.")
        if request.GET.get("format") == "xlsx":
            run = self.run
            rows = (
                [
                    run.pk,
                    line.shipment.number if line.shipment_id else "",
                    line.order_kind,
                    line.order_number,
                    line.consignee,
                    line.item.sku,
                    _when(line.waiting_since),
                    line.quantity,
                    line.from_reservation,
                    line.cross_docked,
                    line.waiting_after,
                ]
                for line in run.lines.all()
            )
            return sheet_response(f"tempo-dispatch-run-{run.pk}", f"Dispatch run {run.pk}", LINE_COLUMNS, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = list(self.run.lines.all())
        dispatched = [line for line in lines if line.quantity]
        waiting = sorted(
            (line for line in lines if line.waiting_after),
            key=lambda line: (line.waiting_since or self.run.started_at, line.order_number, line.pk),
        )
        params = self.request.GET
        context.update(
            run=self.run,
            dispatched=Paginator(dispatched, self.lines_per_page).get_page(params.get("page")),
            waiting=Paginator(waiting, self.lines_per_page).get_page(params.get("wpage")),
            cross_docked=sum(line.cross_docked for line in dispatched),
        )
        return context


_WAITING_SORTS = {
    "since": lambda line: line.sort_key,
    "region": lambda line: (line.region, line.sort_key),
    "sku": lambda line: (line.sku, line.sort_key),
    "waiting": lambda line: (line.waiting, line.sort_key),
    "number": lambda line: (line.number, line.line_id),
}


class DispatchWaitingView(StaffPageMixin, TemplateView):
    """The waiting demand, oldest first (filters, sorting, export), per region and product, and the
    warehouses with their "Dispatch now" button."""

    permission_required = VIEW
    template_name = "orders/dispatch_waiting.html"
    paginate_by = 50

    def current_sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort.removeprefix("-") in _WAITING_SORTS else "since"

    def _lines(self, form: WaitingDemandFilterForm):
        if not form.is_valid():
            return []
        lines = selectors.waiting_demand(**form.selection())
        sort = self.current_sort()
        return sorted(lines, key=_WAITING_SORTS[sort.removeprefix("-")], reverse=sort.startswith("-"))

    def get(self, request, *args, **kwargs):
        self.form = WaitingDemandFilterForm(request.GET)
        if request.GET.get("format") == "xlsx" and self.form.is_valid():
            codes = dict(warehouse_list().values_list("pk", "code"))
            rows = (
                [
                    line.region,
                    line.sku,
                    line.kind,
                    line.number,
                    line.consignee,
                    _when(line.since),
                    line.waiting,
                    ", ".join(f"{codes.get(pk, pk)}: {qty}" for pk, qty in sorted(line.reservations.items())),
                ]
                for line in self._lines(self.form)
            )
            return sheet_response(
                f"tempo-waiting-demand-{business_date().isoformat()}", "Waiting demand", WAITING_COLUMNS, rows
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = self._lines(self.form)
        page = Paginator(lines, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            filter=SimpleNamespace(form=self.form),  # what partials/filter_form.html reads
            current_sort=self.current_sort(),
            page_obj=page,
            paginator=page.paginator,
            object_list=page.object_list,
            summary=selectors.waiting_summary(lines),
            units=sum(line.waiting for line in lines),
            warehouses=list(warehouse_list()),
            can_dispatch=self.request.user.has_perm(ADD),
        )
        return context


class DispatchNowView(StaffPageMixin, View):
    """POST: dispatch this warehouse's available stock to the waiting demand it may serve, now."""

    permission_required = (VIEW, ADD)
    http_method_names = ["post"]

    def post(self, request, code):
        warehouse = get_object_or_404(Location, code=code, kind=LocationKind.WAREHOUSE)
        skus = [sku for sku in request.POST.get("skus", "").replace(",", " ").split() if sku]
        back = reverse("dispatch-waiting")
        try:
            item_ids = services.dispatch_items_check(skus) if skus else None
            run = services.dispatch_run(acting_user=request.user, warehouse=warehouse, item_ids=item_ids)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(
            request,
            _("%(code)s dispatched %(units)s units on %(shipments)s shipments; %(waiting)s units still wait.")
            % {
                "code": warehouse.code,
                "units": f"{run.units_dispatched:,}",
                "shipments": f"{run.shipments_created:,}",
                "waiting": f"{run.units_waiting:,}",
            },
        )
        return redirect(run.get_absolute_url())

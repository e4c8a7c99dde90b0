"""Staff pages for product structure and cost: BOMs, the cost roll-up, cost outliers, components."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.filters import ItemFilter
from erp.models import Item
from erp.web import ServiceFormView, StaffPageMixin, TempoListView
from erp.weeks import business_date
from procurement import selectors, services
from procurement.filters import ComponentProfileFilter
from procurement.forms import BomLineForm, CostingParamsForm, OutlierParamsForm
from procurement.selectors.costing import CostRollup
from procurement.selectors.market import DEFAULT_COSTING_LOT

COST_PERMS = ("procurement.view_bomline", "procurement.view_supplieroffer")


class ParamsMixin:
    """Reads a small GET form of report parameters; bad values show on the form and the report stays empty."""

    params_form_class: type[forms.Form]

    @cached_property
    def params(self) -> forms.Form:
        data = (
            self.request.GET if any(name in self.request.GET for name in self.params_form_class.base_fields) else None
        )
        return self.params_form_class(data, initial={"date": business_date(), "lot": DEFAULT_COSTING_LOT})

    def param(self, name: str):
        if self.params.is_bound:
            return self.params.cleaned_data.get(name) if self.params.is_valid() else None
        return self.params.initial.get(name)


class BomListView(TempoListView):
    permission_required = "procurement.view_bomline"
    filterset_class = ItemFilter
    template_name = "procurement/bom_list.html"
    sortable = ("sku", "name", "kind", "family", "line_count")
    default_sort = "sku"

    def get_queryset(self):
        today = business_date()
        in_force = Q(bom_lines__valid_from__lte=today) & (
            Q(bom_lines__valid_to__isnull=True) | Q(bom_lines__valid_to__gte=today)
        )
        self.queryset = Item.objects.filter(bom_lines__isnull=False).annotate(
            line_count=Count("bom_lines", filter=in_force)
        )
        return super().get_queryset()


class BomDetailView(ParamsMixin, StaffPageMixin, TemplateView):
    """The exploded structure of one product or assembly on a date, with its own lines to maintain."""

    permission_required = "procurement.view_bomline"
    template_name = "procurement/bom_detail.html"
    params_form_class = CostingParamsForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = get_object_or_404(Item, sku=self.kwargs["sku"].upper())
        on = self.param("date")
        context.update(item=item, params=self.params, on=on)
        if on is not None:
            context["exploded"] = list(selectors.bom_explode(item_id=item.pk, on=on))
        context["lines"] = selectors.bom_line_list().filter(parent=item).order_by("child__sku", "-valid_from")
        context["used_in"] = selectors.bom_line_list().filter(child=item).order_by("parent__sku", "-valid_from")
        return context


class BomLineCreateView(ServiceFormView):
    permission_required = "procurement.add_bomline"
    form_class = BomLineForm
    success_message = _("BOM line %(object)s added.")

    @cached_property
    def parent(self) -> Item:
        return get_object_or_404(Item, sku=self.kwargs["sku"].upper())

    def get_initial(self):
        return {"valid_from": business_date(), "scrap_pct": 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add a line to %(sku)s") % {"sku": self.parent.sku}
        context["cancel_url"] = reverse("bom-detail", args=[self.parent.sku])
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        child = Item.objects.filter(sku=data.pop("child").strip().upper()).first()
        if child is None:
            raise ApplicationError("Unknown component SKU.", {"fields": {"child": ["No item with this SKU."]}})
        return services.bom_line_create(acting_user=self.request.user, parent=self.parent, child=child, **data)

    def get_success_url_for(self, obj) -> str:
        return reverse("bom-detail", args=[self.parent.sku])


def _percent(value) -> float | None:
    return None if value is None else float(value)


ROLLUP_COLUMNS = [
    SheetColumn("level", 7, "0"),
    SheetColumn("parent_sku", 16),
    SheetColumn("sku", 18),
    SheetColumn("name", 32),
    SheetColumn("qty_per", 10, "#,##0.0000"),
    SheetColumn("scrap_pct", 10, "0.00"),
    SheetColumn("qty_in_unit", 12, "#,##0.0000"),
    SheetColumn("buy_qty", 12, "#,##0"),
    SheetColumn("source", 9),
    SheetColumn("supplier", 14),
    SheetColumn("offer_currency", 9),
    SheetColumn("offer_unit_price", 14, "#,##0.000000"),
    SheetColumn("unit_cost_cny", 14, "#,##0.000000"),
    SheetColumn("extended_cost_cny", 16, "#,##0.000000"),
    SheetColumn("share", 9, "0.00%"),
]


def rollup_sheet_rows(rollup: CostRollup):
    parents = {id(child): line.row.sku for line in rollup.flat() for child in line.children}
    for line in rollup.flat():
        quote = line.quote
        yield [
            line.depth,
            parents.get(id(line), rollup.item.sku),
            line.row.sku,
            line.row.name,
            line.row.qty_per,
            line.row.scrap_pct,
            line.qty_in_top,
            line.buy_qty,
            line.source,
            quote.supplier_code if quote else "",
            quote.currency if quote else "",
            quote.unit_price if quote else None,
            line.unit_cost,
            line.extended_cost,
            _percent(line.share),
        ]
    blank = [None] * (len(ROLLUP_COLUMNS) - 2)
    for label, value in (
        ("material_cost", rollup.material_cost),
        ("conversion_cost", rollup.conversion_cost),
        ("logistics_cost", rollup.logistics_cost),
        ("unit_cost", rollup.unit_cost),
        ("list_price", rollup.list_price),
        ("retailer_price", rollup.retailer_price),
    ):
        yield [None, label, *blank[:-1], value]


class CostRollupView(ParamsMixin, StaffPageMixin, TemplateView):
    """Drill-down of one product's unit cost, with margins and a red flag when cost reaches a price."""

    permission_required = COST_PERMS
    template_name = "procurement/cost_rollup.html"
    params_form_class = CostingParamsForm

    def get(self, request, *args, **kwargs):
        item = get_object_or_404(Item, sku=self.kwargs["sku"].upper())
        on, lot, rollup, error = self.param("date"), self.param("lot") or DEFAULT_COSTING_LOT, None, None
        if on is not None:
            try:
                rollup = selectors.cost_rollup(item=item, on=on, lot=lot)
            except ApplicationError as refusal:
                error = refusal.message
        if rollup is not None and request.GET.get("format") == "xlsx":
            stem = f"tempo-cost-{item.sku}-{on.isoformat()}-lot{lot}"
            return sheet_response(stem, "Cost roll-up", ROLLUP_COLUMNS, rollup_sheet_rows(rollup))
        context = self.get_context_data(item=item, rollup=rollup, error=error, params=self.params, on=on, lot=lot)
        return self.render_to_response(context)


class CostOverviewView(ParamsMixin, StaffPageMixin, TemplateView):
    """Every product's unit cost and margins on one page, flagged ones first."""

    permission_required = COST_PERMS
    template_name = "procurement/cost_overview.html"
    params_form_class = CostingParamsForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on, lot = self.param("date"), self.param("lot") or DEFAULT_COSTING_LOT
        context.update(params=self.params, on=on, lot=lot, rollups=[], error=None)
        if on is None:
            return context
        products = list(Item.objects.filter(kind=Item.Kind.PRODUCT).order_by("sku"))
        try:
            rollups = selectors.cost_rollups(items=products, on=on, lot=lot)
        except ApplicationError as refusal:
            context["error"] = refusal.message
            return context
        context["rollups"] = sorted(rollups, key=lambda r: (not r.flagged, r.item.sku))
        context["without_bom"] = len(products) - len(rollups)
        return context


OUTLIER_COLUMNS = [
    SheetColumn("sku", 18),
    SheetColumn("name", 32),
    SheetColumn("category", 12),
    SheetColumn("supplier", 14),
    SheetColumn("offer_id", 9, "0"),
    SheetColumn("currency", 9),
    SheetColumn("qty", 12, "#,##0"),
    SheetColumn("unit_price", 14, "#,##0.000000"),
    SheetColumn("unit_price_cny", 14, "#,##0.000000"),
    SheetColumn("median_of_others_cny", 16, "#,##0.000000"),
    SheetColumn("other_offers", 9, "0"),
    SheetColumn("ratio", 9, "0.00"),
    SheetColumn("planned_qty", 12, "#,##0"),
    SheetColumn("excess_spend_cny", 16, "#,##0.00"),
]


class CostOutlierListView(ParamsMixin, StaffPageMixin, TemplateView):
    permission_required = "procurement.view_supplieroffer"
    template_name = "procurement/outlier_list.html"
    params_form_class = OutlierParamsForm
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        on, qty = self.param("date"), self.param("qty") or DEFAULT_COSTING_LOT
        outliers, error = [], None
        if on is not None:
            try:
                outliers = selectors.cost_outliers(on=on, qty=qty)
            except ApplicationError as refusal:
                error = refusal.message
        if on is not None and error is None and request.GET.get("format") == "xlsx":
            rows = (
                [
                    o.sku,
                    o.name,
                    o.category,
                    o.quote.supplier_code,
                    o.quote.offer_id,
                    o.quote.currency,
                    o.quote.qty,
                    o.quote.unit_price,
                    o.quote.unit_price_cny,
                    o.median_of_others,
                    o.other_offers,
                    o.ratio,
                    o.planned_qty,
                    o.excess_spend,
                ]
                for o in outliers
            )
            return sheet_response(f"tempo-cost-outliers-{on.isoformat()}", "Cost outliers", OUTLIER_COLUMNS, rows)
        page = Paginator(outliers, self.paginate_by).get_page(request.GET.get("page"))
        context = self.get_context_data(
            params=self.params, on=on, qty=qty, page_obj=page, paginator=page.paginator, error=error
        )
        context["object_list"] = page.object_list
        return self.render_to_response(context)


class ComponentListView(TempoListView):
    permission_required = "procurement.view_componentprofile"
    filterset_class = ComponentProfileFilter
    template_name = "procurement/component_list.html"
    sortable = ("item__sku", "item__name", "category", "customised", "default_lead_time_days", "offer_count")
    default_sort = "item__sku"

    def get_queryset(self):
        today = business_date()
        current = Q(item__supplier_offers__valid_from__lte=today) & (
            Q(item__supplier_offers__valid_to__isnull=True) | Q(item__supplier_offers__valid_to__gte=today)
        )
        self.queryset = selectors.component_profile_list().annotate(
            offer_count=Count("item__supplier_offers", filter=current)
        )
        return super().get_queryset()

"""Staff pages of allocation runs: the list, a new run (preview), a run's detail with Apply, xlsx exports."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item, ItemKind, ItemLifecycle
from erp.web import ServiceFormView, StaffPageMixin, TempoListView
from erp.weeks import business_date
from logistics.selectors import stock_available
from retail import selectors, services
from retail.filters_allocations import AllocationRunFilter
from retail.models import AllocationMethod, AllocationRun, AllocationRunStatus

VIEW = "retail.view_allocationrun"
ADD = "retail.add_allocationrun"
APPLY = "retail.apply_allocationrun"

RUN_COLUMNS = [
    SheetColumn("run", 8, "0"),
    SheetColumn("sku", 16),
    SheetColumn("product", 28),
    SheetColumn("method", 14),
    SheetColumn("tiers", 7),
    SheetColumn("quantity", 11, "#,##0"),
    SheetColumn("requested", 11, "#,##0"),
    SheetColumn("allocated", 11, "#,##0"),
    SheetColumn("fill_rate", 10, "0.0%"),
    SheetColumn("status", 9),
    SheetColumn("created_by", 14),
    SheetColumn("created_at", 17),
    SheetColumn("applied_by", 14),
    SheetColumn("applied_at", 17),
]
LINE_COLUMNS = [
    SheetColumn("run", 8, "0"),
    SheetColumn("sku", 16),
    SheetColumn("retailer", 12),
    SheetColumn("retailer_name", 30),
    SheetColumn("tier", 5, "0"),
    SheetColumn("order", 16),
    SheetColumn("requested_week", 12),
    SheetColumn("confirmed_at", 17),
    SheetColumn("requested", 11, "#,##0"),
    SheetColumn("weight", 16, "#,##0.00"),
    SheetColumn("allocated", 11, "#,##0"),
    SheetColumn("fill_rate", 10, "0.0%"),
]


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _fill(allocated: int, requested: int) -> float:
    return allocated / requested if requested else 1.0


class AllocationRunListView(TempoListView):
    permission_required = VIEW
    filterset_class = AllocationRunFilter
    template_name = "retail/allocation_run_list.html"
    sortable = ("created_at", "item__sku", "method", "quantity", "requested_total", "allocated_total", "status")
    default_sort = "-created_at"
    queryset = selectors.allocation_run_list()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        run.pk,
                        run.item.sku,
                        run.item.name,
                        run.method,
                        "yes" if run.use_tiers else "no",
                        run.quantity,
                        run.requested_total,
                        run.allocated_total,
                        _fill(run.allocated_total, run.requested_total),
                        run.status,
                        run.created_by.username if run.created_by else "",
                        _when(run.created_at),
                        run.applied_by.username if run.applied_by else "",
                        _when(run.applied_at),
                    ]
                    for run in filterset.qs.iterator(chunk_size=2000)
                )
                return sheet_response(
                    f"tempo-allocation-runs-{business_date().isoformat()}", "Allocation runs", RUN_COLUMNS, rows
                )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(ADD)
        return context


class ProductChoiceField(forms.ModelChoiceField):
    """Products with their warehouse stock and waiting demand in the label (set by the form)."""

    def label_from_instance(self, obj):
        available = self.available.get(obj.pk, 0)
        waiting = self.waiting.get(obj.pk)
        text = f"{obj.sku} {obj.name} — {available:,} available"
        return f"{text}, {waiting:,} waiting" if waiting else text


class AllocationRunForm(forms.Form):
    item = ProductChoiceField(queryset=Item.objects.none(), label=_("Product"), to_field_name="sku")
    quantity = forms.IntegerField(
        label=_("Quantity to allocate"),
        min_value=1,
        help_text=_("At most the stock available in the warehouses (on hand minus reserved)."),
    )
    method = forms.ChoiceField(choices=AllocationMethod.choices, widget=forms.RadioSelect, label=_("Method"))
    use_tiers = forms.BooleanField(
        required=False, label=_("Serve tiers in order (tier 1 in full before tier 2, then tier 3)")
    )

    def __init__(self, *args, waiting: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = Item.objects.filter(kind=ItemKind.PRODUCT).exclude(lifecycle_status=ItemLifecycle.OBSOLETE)
        field.queryset = field.queryset.order_by("sku")
        field.available = stock_available()
        field.waiting = {row["item_id"]: row["requested"] for row in waiting}


class AllocationRunCreateView(ServiceFormView):
    permission_required = (VIEW, ADD)
    template_name = "retail/allocation_run_form.html"
    form_class = AllocationRunForm
    title = _("New allocation run")
    cancel_url = reverse_lazy("allocation-run-list")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.waiting = selectors.allocation_waiting_demand()
        kwargs["waiting"] = self.waiting
        return kwargs

    def get_initial(self):
        params = self.request.GET
        initial = {"method": params.get("method") or AllocationMethod.PRO_RATA, "use_tiers": params.get("tiers") == "1"}
        if params.get("item"):
            initial["item"] = params["item"].strip().upper()
        if (params.get("quantity") or "").isdigit():
            initial["quantity"] = int(params["quantity"])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting"] = self.waiting
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.allocation_run_preview(
            acting_user=self.request.user,
            item=data["item"],
            quantity=data["quantity"],
            method=data["method"],
            use_tiers=data["use_tiers"],
        )


class AllocationRunDetailView(StaffPageMixin, DetailView):
    permission_required = VIEW
    template_name = "retail/allocation_run_detail.html"
    queryset = selectors.allocation_run_list()
    lines_per_page = 100

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.GET.get("format") == "xlsx":
            run = self.object
            rows = (
                [
                    run.pk,
                    run.item.sku,
                    line.retailer.code,
                    line.retailer.legal_name,
                    line.tier,
                    line.order_line.order.number,
                    line.order_line.requested_week.isoformat(),
                    _when(line.order_line.order.confirmed_at),
                    line.requested,
                    line.weight,
                    line.allocated,
                    line.fill_rate,
                ]
                for line in selectors.allocation_lines_of(run).iterator(chunk_size=2000)
            )
            return sheet_response(f"tempo-allocation-run-{run.pk}", f"Run {run.pk}", LINE_COLUMNS, rows)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run, user = self.object, self.request.user
        lines = selectors.allocation_lines_of(run)
        q = self.request.GET.get("q", "").strip()
        if q:
            lines = lines.filter(
                Q(retailer__code__icontains=q)
                | Q(retailer__legal_name__icontains=q)
                | Q(order_line__order__number__icontains=q)
            )
        page = Paginator(lines, self.lines_per_page).get_page(self.request.GET.get("page"))
        context.update(
            lines=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            q=q,
            fill_rate=_fill(run.allocated_total, run.requested_total),
            can_apply=run.status == AllocationRunStatus.PREVIEW and user.has_perm(APPLY),
            can_rerun=user.has_perm(ADD),
            rerun_url=(
                f"{reverse('allocation-run-create')}?item={run.item.sku}&quantity={run.quantity}"
                f"&method={run.method}&tiers={'1' if run.use_tiers else '0'}"
            ),
        )
        return context


class AllocationRunApplyView(StaffPageMixin, View):
    permission_required = (VIEW, APPLY)
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(AllocationRun, pk=pk)
        try:
            run = services.allocation_run_apply(acting_user=request.user, run=run)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Run %(pk)s applied: %(allocated)s units reserved; the retailers are notified.")
                % {"pk": run.pk, "allocated": f"{run.allocated_total:,}"},
            )
        return redirect(run.get_absolute_url())

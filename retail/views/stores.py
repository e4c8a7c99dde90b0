"""Staff pages of stores (nav *Stores*): the list with stock, transit, sales, cover and suggestions; one
store's stock per product, sales, shipments, history and count form; creating and editing stores.
Store ops and logistics act; planning, sales and finance read. Every write goes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_csv_response, sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import business_date
from logistics.models import Location, LocationKind
from retail import services
from retail.filters import StoreFilter
from retail.forms.stores import StoreCountForm, StoreEditForm, StoreForm
from retail.models import Retailer, Store
from retail.selectors import ALL_STORES, replenishment_plan, store_get, store_list
from retail.selectors.stores import products_by_sku, store_recent_sell_through, store_shipments

VIEW_STORE = "retail.view_store"
COUNT_STORE = "retail.count_store"

LIST_COLUMNS = [
    SheetColumn("store", 14),
    SheetColumn("name", 32),
    SheetColumn("run_by", 12),
    SheetColumn("region", 12),
    SheetColumn("warehouse", 12),
    SheetColumn("cover_days", 10, "0"),
    SheetColumn("on_hand", 10, "0"),
    SheetColumn("in_transit", 10, "0"),
    SheetColumn("sold_28_days", 12, "0"),
    SheetColumn("days_of_cover", 12, "0.0"),
    SheetColumn("suggested", 10, "0"),
]


def _suggested_by_store(stores) -> dict[int, int]:
    """Units suggested per own store among ``stores`` (the plan's fixed number of queries)."""
    own = [store for store in stores if store.is_own]
    if not own:
        return {}
    return {plan.store.pk: plan.suggested for plan in replenishment_plan(stores=own).stores}


class StoreListView(TempoListView):
    permission_required = VIEW_STORE
    filterset_class = StoreFilter
    template_name = "retail/store_list.html"
    sortable = (
        "location__code",
        "location__name",
        "retailer__code",
        "location__region",
        "replenished_from__code",
        "cover_days",
        "units_on_hand",
        "units_in_transit",
        "sold_recently",
        "days_of_cover",
    )
    default_sort = "location__code"

    def get_queryset(self):
        self.queryset = store_list()
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format")
        if export in {"xlsx", "csv"}:
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                stores = list(filterset.qs)
                suggested = _suggested_by_store(stores)
                rows = (
                    [
                        store.location.code,
                        store.location.name,
                        store.retailer.code if store.retailer else "own",
                        store.location.region,
                        store.replenished_from.code if store.replenished_from else "",
                        store.cover_days,
                        store.units_on_hand,
                        store.units_in_transit,
                        store.sold_recently,
                        None if store.days_of_cover is None else round(store.days_of_cover, 1),
                        suggested.get(store.pk) if store.is_own else None,
                    ]
                    for store in stores
                )
                stem = f"tempo-stores-{business_date().isoformat()}"
                if export == "csv":
                    return sheet_csv_response(stem, LIST_COLUMNS, rows)
                return sheet_response(stem, "Stores", LIST_COLUMNS, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        suggested = _suggested_by_store(rows)
        for store in rows:
            store.suggested = suggested.get(store.pk) if store.is_own else None
        context["object_list"] = rows
        return context


class StoreDetailView(StaffPageMixin, TemplateView):
    permission_required = VIEW_STORE
    template_name = "retail/store_detail.html"
    count_form = None

    @cached_property
    def store(self) -> Store:
        # Looked up only after the access checks, so a 404 never tells outsiders what exists.
        return store_get(scope=ALL_STORES, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        store = self.store
        plan = replenishment_plan(stores=[store]).of_store(store)
        user = self.request.user
        context.update(
            store=store,
            plan=plan,
            lines=plan.lines,
            stock_value=sum(line.stock_value or 0 for line in plan.lines),
            on_hand=sum(line.on_hand for line in plan.lines),
            sales=store_recent_sell_through(store=store),
            shipments=store_shipments(store=store),
            trail=audit_trail(store),
            can_count=user.has_perm(COUNT_STORE),
            count_form=self.count_form or StoreCountForm(),
            can_edit=user.has_perm("retail.change_store"),
            can_report=user.has_perm("retail.add_storesellthrough"),
            can_accept=store.is_own and user.has_perm("retail.accept_replenishment"),
        )
        return context


class StoreCountView(StoreDetailView):
    """The count form of the store page posts here: one posted stock count of the store."""

    permission_required = (VIEW_STORE, COUNT_STORE)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        store = self.store
        form = StoreCountForm(request.POST)
        if form.is_valid():
            try:
                counts = _count_inputs(store, form.cleaned_data["lines"])
                [count] = services.store_stock_counts_record(
                    acting_user=request.user, scope=ALL_STORES, counts=counts, note=form.cleaned_data["note"]
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Count %(pk)s of %(store)s posted: %(lines)s products counted.")
                    % {"pk": count.pk, "store": store.location.code, "lines": len(counts)},
                )
                return redirect(store.get_absolute_url())
        self.count_form = form
        return self.render_to_response(self.get_context_data(), status=400)


def _count_inputs(store: Store, lines: list[tuple[str, int]]) -> list[services.StoreCountInput]:
    items = products_by_sku([sku for sku, _n in lines], label="Line", field="lines")
    return [
        services.StoreCountInput(store.location.code, items[sku], counted, row=number)
        for number, (sku, counted) in enumerate(lines, start=1)
    ]


def _warehouse(code: str) -> Location | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    found = Location.objects.filter(code=code, kind=LocationKind.WAREHOUSE).first()
    if found is None:
        message = f"No warehouse has the code '{code}'."
        raise ApplicationError(message, {"fields": {"replenished_from": [message]}})
    return found


def _retailer(code: str) -> Retailer | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    found = Retailer.objects.filter(code=code).first()
    if found is None:
        message = f"No retailer has the code '{code}'."
        raise ApplicationError(message, {"fields": {"retailer": [message]}})
    return found


class StoreCreateView(ServiceFormView):
    permission_required = (VIEW_STORE, "retail.add_store")
    form_class = StoreForm
    cancel_url = reverse_lazy("store-list")
    title = _("New store")
    success_message = _("Store %(object)s created.")

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.store_create(
            acting_user=self.request.user,
            code=data["code"],
            name=data["name"],
            region=data["region"],
            retailer=_retailer(data["retailer"]),
            cover_days=data["cover_days"],
            replenished_from=_warehouse(data["replenished_from"]),
            is_active=data["is_active"],
        )


class StoreUpdateView(ServiceFormView):
    permission_required = (VIEW_STORE, "retail.change_store")
    form_class = StoreEditForm
    success_message = _("Store %(object)s saved.")

    @cached_property
    def store(self) -> Store:
        return store_get(scope=ALL_STORES, code=self.kwargs["code"])

    def get_initial(self):
        store = self.store
        return {
            "code": store.location.code,
            "name": store.location.name,
            "region": store.location.region,
            "retailer": store.retailer.code if store.retailer else "",
            "cover_days": store.cover_days,
            "replenished_from": store.replenished_from.code if store.replenished_from else "",
            "is_active": store.location.is_active,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(code)s") % {"code": self.store.location.code}
        context["cancel_url"] = self.store.get_absolute_url()
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.store_update(
            acting_user=self.request.user,
            store=self.store,
            reason=data["reason"],
            name=data["name"],
            region=data["region"],
            cover_days=data["cover_days"],
            replenished_from=_warehouse(data["replenished_from"]),
            is_active=data["is_active"],
        )

    def get_success_url_for(self, obj) -> str:
        return reverse("store-detail", args=[self.store.location.code])

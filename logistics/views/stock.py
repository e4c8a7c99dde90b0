"""Staff pages of the stock ledger: locations, stock levels, the move history per item and location,
the ledger of moves, and counts."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from erp import selectors as erp_selectors
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import business_date
from logistics import selectors, services
from logistics.filters import LocationFilter, StockCountFilter, StockLevelFilter, StockMoveFilter
from logistics.forms import PostCountForm, StockCountForm, StockMoveForm
from logistics.models import StockCount

LEVEL_COLUMNS = [
    SheetColumn("location", 12),
    SheetColumn("kind", 14),
    SheetColumn("region", 12),
    SheetColumn("sku", 18),
    SheetColumn("name", 32),
    SheetColumn("on_hand", 10, "0"),
    SheetColumn("reserved", 10, "0"),
    SheetColumn("available", 10, "0"),
]
MOVE_COLUMNS = [
    SheetColumn("moved_at", 18),
    SheetColumn("sku", 18),
    SheetColumn("qty", 10, "0"),
    SheetColumn("from", 12),
    SheetColumn("to", 12),
    SheetColumn("reason", 12),
    SheetColumn("reference", 28),
    SheetColumn("by", 14),
]


class LocationListView(TempoListView):
    permission_required = "logistics.view_location"
    filterset_class = LocationFilter
    template_name = "logistics/location_list.html"
    sortable = ("code", "name", "kind", "region")
    default_sort = "code"

    def get_queryset(self):
        self.queryset = selectors.location_list()
        return super().get_queryset()


class LocationDetailView(StaffPageMixin, DetailView):
    """A location: its facts, the stock it holds and its latest moves."""

    permission_required = "logistics.view_location"
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "logistics/location_detail.html"

    def get_queryset(self):
        return selectors.location_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        levels = selectors.stock_level_list().filter(location=self.object).order_by("item__sku")
        page = Paginator(levels, 50).get_page(self.request.GET.get("page"))
        context["page_obj"], context["levels"] = page, page.object_list
        context["moves"] = (
            selectors.stock_move_list().filter(from_location=self.object)
            | selectors.stock_move_list().filter(to_location=self.object)
        ).order_by("-moved_at", "-pk")[:20]
        return context


class StockLevelListView(TempoListView):
    permission_required = "logistics.view_stocklevel"
    filterset_class = StockLevelFilter
    template_name = "logistics/stock_level_list.html"
    sortable = (
        "item__sku",
        "location__code",
        "location__kind",
        "location__region",
        "on_hand",
        "reserved",
        "available_qty",
    )
    default_sort = "item__sku"

    def get_queryset(self):
        self.queryset = selectors.stock_level_list()
        queryset = super().get_queryset()
        return queryset.order_by(self.current_sort(), "location__code", "pk")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                return super().get(request, *args, **kwargs)
            levels = filterset.qs.order_by(self.current_sort(), "location__code", "pk")
            rows = (
                [
                    lv.location.code,
                    lv.location.kind,
                    lv.location.region,
                    lv.item.sku,
                    lv.item.name,
                    lv.on_hand,
                    lv.reserved,
                    lv.available_qty,
                ]
                for lv in levels.iterator(chunk_size=2000)
            )
            return sheet_response(f"tempo-stock-levels-{business_date()}", "Stock levels", LEVEL_COLUMNS, rows)
        return super().get(request, *args, **kwargs)


class StockItemLocationView(StaffPageMixin, TemplateView):
    """One item at one location: the level and every move into or out of it."""

    permission_required = ("logistics.view_stocklevel", "logistics.view_stockmove")
    template_name = "logistics/stock_item_location.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = get_object_or_404(erp_selectors.item_list(), sku=kwargs["sku"].upper())
        location = get_object_or_404(selectors.location_list(), code=kwargs["code"].upper())
        moves = selectors.stock_moves_of(item=item, location=location).order_by("-moved_at", "-pk")
        page = Paginator(moves, 50).get_page(self.request.GET.get("page"))
        context.update(
            item=item,
            location=location,
            level=selectors.stock_level_get(item=item, location=location),
            page_obj=page,
            moves=page.object_list,
            elsewhere=selectors.stock_by_location(item).exclude(location=location),
        )
        return context


class StockMoveListView(TempoListView):
    permission_required = "logistics.view_stockmove"
    filterset_class = StockMoveFilter
    template_name = "logistics/stock_move_list.html"
    sortable = ("moved_at", "item__sku", "qty", "reason")
    default_sort = "-moved_at"

    def get_queryset(self):
        self.queryset = selectors.stock_move_list()
        return super().get_queryset().order_by(self.current_sort(), "-pk")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                return super().get(request, *args, **kwargs)
            moves = filterset.qs.order_by(self.current_sort(), "-pk")
            rows = (
                [
                    m.moved_at.strftime("%Y-%m-%d %H:%M"),
                    m.item.sku,
                    m.qty,
                    m.from_location.code if m.from_location else "",
                    m.to_location.code if m.to_location else "",
                    m.reason,
                    m.reference,
                    m.created_by.username if m.created_by else "",
                ]
                for m in moves.iterator(chunk_size=2000)
            )
            return sheet_response(f"tempo-stock-moves-{business_date()}", "Stock moves", MOVE_COLUMNS, rows)
        return super().get(request, *args, **kwargs)


def _location(code: str, field: str):
    if not code:
        return None
    try:
        return selectors.location_get(code=code)
    except ApplicationError as error:
        raise ApplicationError(error.message, {"fields": {field: [error.message]}}) from error


def _item(sku: str, field: str = "sku"):
    item = erp_selectors.item_list().filter(sku=sku.strip().upper()).first()
    if item is None:
        message = f"No item has the SKU '{sku}'."
        raise ApplicationError(message, {"fields": {field: [message]}})
    return item


class StockMoveCreateView(ServiceFormView):
    permission_required = ("logistics.view_stockmove", "logistics.add_stockmove")
    form_class = StockMoveForm
    cancel_url = reverse_lazy("stock-move-list")
    title = _("Post a stock move")
    success_message = _("Move posted: %(object)s.")

    def get_initial(self):
        return {key: self.request.GET.get(key, "") for key in ("sku", "from_location", "to_location")}

    def perform(self, form):
        data = form.cleaned_data
        return services.stock_move_post(
            acting_user=self.request.user,
            item=_item(data["sku"]),
            qty=data["qty"],
            from_location=_location(data["from_location"], "from_location"),
            to_location=_location(data["to_location"], "to_location"),
            reason=data["reason"],
            reference=data["reference"],
        )

    def get_success_url_for(self, obj) -> str:
        location = obj.to_location or obj.from_location
        return reverse("stock-item-location", args=[obj.item.sku, location.code])


class StockCountListView(TempoListView):
    permission_required = "logistics.view_stockcount"
    filterset_class = StockCountFilter
    template_name = "logistics/stock_count_list.html"
    sortable = ("counted_at", "location__code", "status", "posted_at")
    default_sort = "-counted_at"

    def get_queryset(self):
        self.queryset = selectors.stock_count_list()
        return super().get_queryset()


class StockCountCreateView(ServiceFormView):
    permission_required = ("logistics.view_stockcount", "logistics.add_stockcount")
    form_class = StockCountForm
    cancel_url = reverse_lazy("stock-count-list")
    title = _("New stock count")
    success_message = _("%(object)s saved as a draft; check it, then post it.")

    def get_initial(self):
        return {"location": self.request.GET.get("location", "")}

    def perform(self, form):
        data = form.cleaned_data
        skus = {sku for sku, _counted in data["lines"]}
        items = {item.sku: item for item in erp_selectors.item_list().filter(sku__in=skus)}
        for sku, _counted in data["lines"]:
            if sku not in items:
                raise ApplicationError(
                    f"No item has the SKU '{sku}'.", {"fields": {"lines": [f"Unknown SKU '{sku}'."]}}
                )
        return services.stock_count_create(
            acting_user=self.request.user,
            location=_location(data["location"], "location"),
            lines=[(items[sku], counted) for sku, counted in data["lines"]],
            note=data["note"],
        )


class StockCountDetailView(StaffPageMixin, DetailView):
    permission_required = "logistics.view_stockcount"
    template_name = "logistics/stock_count_detail.html"
    post_error: ApplicationError | None = None

    def get_queryset(self):
        return selectors.stock_count_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = self.object
        lines = list(count.lines.select_related("item").order_by("item__sku"))
        if count.status == StockCount.Status.DRAFT:
            on_hand = dict(
                selectors.stock_level_list()
                .filter(location=count.location, item_id__in=[line.item_id for line in lines])
                .values_list("item_id", "on_hand")
            )
            for line in lines:
                line.expected = on_hand.get(line.item_id, 0)
        for line in lines:
            line.difference = line.counted - (line.expected or 0)
        context["lines"] = lines
        context["can_post"] = count.status == StockCount.Status.DRAFT and self.request.user.has_perm(
            "logistics.post_stockcount"
        )
        context["post_form"] = PostCountForm()
        context["post_error"] = self.post_error
        return context


class StockCountPostView(StockCountDetailView):
    http_method_names = ["post"]
    permission_required = ("logistics.view_stockcount", "logistics.post_stockcount")

    def post(self, request, *args, **kwargs):
        self.object = count = self.get_object()
        try:
            services.stock_count_post(acting_user=request.user, count=count)
        except ApplicationError as error:
            self.post_error = error
            form = PostCountForm(request.POST)
            form.is_valid()
            form_add_application_error(form, error)
            return self.render_to_response(self.get_context_data(object=count), status=400)
        messages.success(request, _("Count %(pk)s posted.") % {"pk": count.pk})
        return redirect(count.get_absolute_url())

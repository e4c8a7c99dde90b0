"""REST resources of stores: ``/api/v1/stores/``, ``/api/v1/stores/<code>/counts/``,
``/api/v1/store-sell-through/``, ``/api/v1/replenishment/`` and ``/api/v1/replenishment/accept/``.

Who sees what (``StoreScope``): staff every store, with the model permissions (``view_store`` to
read, ``add_store``/``change_store`` to write, ``count_store`` to count, ``add_storesellthrough`` to
report, ``accept_replenishment`` to accept); a retailer's user or token only its own stores (it may
read them, count them and report their sell-through, source ``api``); a point-of-sale integration
user only Tempo's own stores, or its one store (source ``pos``). A store outside the caller's scope
is a 404 by code and reads exactly like an unknown code in a body.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.pagination import PagePagination
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from logistics.models import Location, LocationKind
from retail import selectors, services
from retail.filters import SellThroughApiFilter, StoreApiFilter
from retail.forms.stores import ReplenishmentFilterForm
from retail.models import MAX_COVER_DAYS, MIN_COVER_DAYS, Retailer, SellThroughSource, Store, StoreSellThrough
from retail.selectors.stores import products_by_sku
from retail.services.sell_through import MAX_ROWS

BIG = 2_147_483_647


def _scoped(user) -> bool:
    """A retailer's or a point-of-sale user: reads and reports within its scope, no model permissions."""
    return not selectors.store_scope_of(user).is_staff


def _source_of(user) -> str:
    return SellThroughSource.POS if selectors.pos_link_of(user) is not None else SellThroughSource.API


class ScopedPermission(ModelPermissions):
    """Staff: the model permissions (``extra`` for actions of their own). Scoped users: ``scoped_actions``."""

    scoped_actions: set[str] = set()
    extra: dict[str, tuple[str, ...]] = {}

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if _scoped(user):
            return view.action in self.scoped_actions
        if view.action in self.extra:
            return user.has_perms(self.extra[view.action])
        return super().has_permission(request, view)


class StorePermission(ScopedPermission):
    scoped_actions = {"list", "retrieve", "counts"}
    extra = {"counts": ("retail.view_store", "retail.count_store")}


class StoreSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="location.code", read_only=True)
    name = serializers.CharField(source="location.name", read_only=True)
    region = serializers.CharField(source="location.region", read_only=True)
    is_active = serializers.BooleanField(source="location.is_active", read_only=True)
    own = serializers.BooleanField(source="is_own", read_only=True)
    retailer = serializers.CharField(source="retailer.code", read_only=True, default=None, allow_null=True)
    replenished_from = serializers.CharField(
        source="replenished_from.code", read_only=True, default=None, allow_null=True
    )
    units_on_hand = serializers.IntegerField(read_only=True)
    units_in_transit = serializers.IntegerField(read_only=True)
    sold_recently = serializers.IntegerField(read_only=True, help_text="Units sold over the last 28 complete days.")
    days_of_cover = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "region",
            "is_active",
            "own",
            "retailer",
            "cover_days",
            "replenished_from",
            "units_on_hand",
            "units_in_transit",
            "sold_recently",
            "days_of_cover",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StoreInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=64, allow_blank=True, default="")
    retailer = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, default=None)
    cover_days = serializers.IntegerField(min_value=MIN_COVER_DAYS, max_value=MAX_COVER_DAYS, default=7)
    replenished_from = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, default=None)
    is_active = serializers.BooleanField(default=True)


class StoreUpdateSerializer(StrictInputSerializer):
    # ``code`` and ``retailer`` are accepted so that the service can say why they cannot change.
    code = serializers.CharField(max_length=32, required=False)
    retailer = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, required=False)
    name = serializers.CharField(max_length=200, required=False)
    region = serializers.CharField(max_length=64, allow_blank=True, required=False)
    cover_days = serializers.IntegerField(min_value=MIN_COVER_DAYS, max_value=MAX_COVER_DAYS, required=False)
    replenished_from = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, required=False)
    is_active = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=100, allow_blank=True, required=False)


def _by_code(model_filter, code, field: str, what: str):
    if not code:
        return None
    code = str(code).strip().upper()
    found = model_filter(code)
    if found is None:
        message = f"No {what} has the code '{code}'."
        raise ApplicationError(message, {"fields": {field: [message]}})
    return found


def _retailer(code):
    return _by_code(lambda c: Retailer.objects.filter(code=c).first(), code, "retailer", "retailer")


def _warehouse(code):
    return _by_code(
        lambda c: Location.objects.filter(code=c, kind=LocationKind.WAREHOUSE).first(),
        code,
        "replenished_from",
        "warehouse",
    )


class CountLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    counted = serializers.IntegerField(min_value=-BIG, max_value=BIG)


class CountInputSerializer(StrictInputSerializer):
    rows = CountLineInputSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


class StoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stores with units on hand, in transit and sold over 28 days. Filters ``q``, ``own``, ``run_by``
    (own/retailer), ``retailer``, ``region``, ``warehouse``, ``is_active``. ``POST <code>/counts/`` posts
    a stock count of the store."""

    token_scopes = (
        "staff",
        "retailer",
        "shop",
    )

    queryset = Store.objects.none()  # for the permission class's model lookup; see get_queryset
    serializer_class = StoreSerializer
    permission_classes = [StorePermission]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = StoreApiFilter
    ordering_fields = ["location__code", "cover_days", "units_on_hand", "units_in_transit", "sold_recently"]
    ordering = ["location__code"]

    def get_queryset(self):
        return selectors.store_list(scope=selectors.store_scope_of(self.request.user))

    def get_object(self):
        code = str(self.kwargs["code"]).strip().upper()[:32]
        store = self.get_queryset().filter(location__code=code).first()
        if store is None:
            raise Http404("No such store.")
        self.check_object_permissions(self.request, store)
        return store

    def _respond(self, store: Store, code: int = status.HTTP_200_OK) -> Response:
        return Response(StoreSerializer(self.get_queryset().get(pk=store.pk)).data, status=code)

    @extend_schema(request=StoreInputSerializer, responses={201: StoreSerializer})
    def create(self, request):
        data = StoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        store = services.store_create(
            acting_user=request.user,
            code=fields["code"],
            name=fields["name"],
            region=fields["region"],
            retailer=_retailer(fields["retailer"]),
            cover_days=fields["cover_days"],
            replenished_from=_warehouse(fields["replenished_from"]),
            is_active=fields["is_active"],
        )
        return self._respond(store, status.HTTP_201_CREATED)

    @extend_schema(request=StoreUpdateSerializer, responses={200: StoreSerializer})
    def partial_update(self, request, code=None):
        store = self.get_object()
        data = StoreUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "code" in changes and changes.pop("code").strip().upper() != store.location.code:
            message = f"The code of {store.location.code} cannot change; stock and history refer to it."
            raise ApplicationError(message, {"fields": {"code": [message]}})
        if "retailer" in changes:
            changes["retailer"] = _retailer(changes["retailer"])
        if "replenished_from" in changes:
            changes["replenished_from"] = _warehouse(changes["replenished_from"])
        store = services.store_update(acting_user=request.user, store=store, **changes)
        return self._respond(store)

    @extend_schema(
        request=CountInputSerializer,
        responses={
            201: inline_serializer(
                "StoreCount",
                {
                    "count": serializers.IntegerField(),
                    "store": serializers.CharField(),
                    "lines": inline_serializer(
                        "StoreCountLine",
                        {
                            "sku": serializers.CharField(),
                            "counted": serializers.IntegerField(),
                            "expected": serializers.IntegerField(),
                            "difference": serializers.IntegerField(),
                        },
                        many=True,
                    ),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def counts(self, request, code=None):
        store = self.get_object()
        data = CountInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["rows"]
        items = products_by_sku([row["sku"].strip().upper() for row in rows])
        [count] = services.store_stock_counts_record(
            acting_user=request.user,
            scope=selectors.store_scope_of(request.user),
            counts=[
                services.StoreCountInput(store.location.code, items[row["sku"].strip().upper()], row["counted"], row=n)
                for n, row in enumerate(rows, start=1)
            ],
            note=data.validated_data["note"] or "counted through the API",
        )
        lines = count.lines.select_related("item").order_by("item__sku")
        body = {
            "count": count.pk,
            "store": store.location.code,
            "lines": [
                {
                    "sku": line.item.sku,
                    "counted": line.counted,
                    "expected": line.expected,
                    "difference": line.counted - (line.expected or 0),
                }
                for line in lines
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)


# --- sell-through -----------------------------------------------------------------------------


class SellThroughSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="location.code", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    units_sold = serializers.IntegerField(source="quantity", read_only=True)
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, allow_null=True)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StoreSellThrough
        fields = ["store", "sku", "date", "units_sold", "list_price", "value", "source", "reported_by", "reported_at"]
        read_only_fields = fields


class SellThroughRowInputSerializer(StrictInputSerializer):
    store = serializers.CharField(max_length=32)
    sku = serializers.CharField(max_length=64)
    date = serializers.DateField()
    units_sold = serializers.IntegerField(min_value=-BIG, max_value=BIG)


class SellThroughInputSerializer(StrictInputSerializer):
    rows = SellThroughRowInputSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)


class SellThroughPermission(ScopedPermission):
    scoped_actions = {"list", "create"}
    extra = {"create": ("retail.view_storesellthrough", "retail.add_storesellthrough")}


RECORDED = inline_serializer(
    "SellThroughRecorded",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "units_issued": serializers.IntegerField(),
        "units_returned": serializers.IntegerField(),
    },
)


class SellThroughViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Units sold per store, product and day. Filters ``store``, ``sku``, ``date_after``, ``date_before``,
    ``source``, ``own``, ``run_by``, ``region``. ``POST {rows: [{store, sku, date, units_sold}]}`` reports
    days all or nothing (a day reported again replaces the earlier figure)."""

    token_scopes = (
        "staff",
        "retailer",
        "shop",
    )

    queryset = StoreSellThrough.objects.none()
    serializer_class = SellThroughSerializer
    permission_classes = [SellThroughPermission]
    filterset_class = SellThroughApiFilter
    ordering_fields = ["date", "location__code", "item__sku", "quantity"]
    ordering = ["-date", "location__code", "item__sku"]

    def get_queryset(self):
        return selectors.sell_through_list(scope=selectors.store_scope_of(self.request.user))

    def get_view_name(self):
        return "Store sell-through"

    @extend_schema(request=SellThroughInputSerializer, responses={201: RECORDED, 200: RECORDED})
    def create(self, request):
        data = SellThroughInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["rows"]
        items = products_by_sku([row["sku"].strip().upper() for row in rows])
        result = services.store_sell_through_record(
            acting_user=request.user,
            scope=selectors.store_scope_of(request.user),
            source=_source_of(request.user),
            rows=[
                services.SellThroughInput(
                    row["store"].strip().upper(), items[row["sku"].strip().upper()], row["date"], row["units_sold"], n
                )
                for n, row in enumerate(rows, start=1)
            ],
        )
        body = {
            "created": result.created,
            "updated": result.updated,
            "units_issued": result.units_issued,
            "units_returned": result.units_returned,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


# --- replenishment ----------------------------------------------------------------------------


class ReplenishmentLineSerializer(serializers.Serializer):
    store = serializers.CharField(source="store.location.code")
    warehouse = serializers.CharField(source="warehouse.code", default=None, allow_null=True)
    sku = serializers.CharField(source="item.sku")
    case_pack = serializers.IntegerField(source="item.case_pack")
    on_hand = serializers.IntegerField()
    in_transit = serializers.IntegerField()
    sold_14_days = serializers.IntegerField(source="sold_14")
    mean_daily = serializers.DecimalField(max_digits=12, decimal_places=2)
    cover_days = serializers.IntegerField(source="store.cover_days")
    target = serializers.IntegerField()
    suggested = serializers.IntegerField()
    can_ship = serializers.IntegerField(source="shippable")
    short = serializers.IntegerField()
    warehouse_available = serializers.IntegerField()
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class ReplenishmentPermission(ModelPermissions):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = (
            ("retail.view_store", "retail.accept_replenishment") if request.method == "POST" else ("retail.view_store",)
        )
        return user.has_perms(needed)


class ReplenishmentPagination(PagePagination):
    """Pages of replenishment lines, with the day (``on``) and the 14-day ``window`` they were planned for."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        date = {"type": "string", "format": "date"}
        paginated["properties"]["on"] = date
        paginated["properties"]["window"] = {
            "type": "object",
            "properties": {"start": date, "end": date},
            "required": ["start", "end"],
        }
        paginated["required"] = [*paginated.get("required", []), "on", "window"]
        return paginated


class ReplenishmentView(APIView):
    """Suggestions per own store and product; filters ``region``, ``store``, ``warehouse``, ``sku``,
    ``only_needed=true``. Lines are paginated; ``on`` and ``window`` say which day and which 14 days."""

    permission_classes = [ReplenishmentPermission]
    # Declared (not only used in get) so that the schema documents the paginated body and ?page=.
    pagination_class = ReplenishmentPagination

    @extend_schema(
        parameters=[OpenApiParameter(name, str, required=False) for name in ("region", "store", "warehouse", "sku")]
        + [OpenApiParameter("only_needed", bool, required=False)],
        responses={200: ReplenishmentLineSerializer(many=True)},
    )
    def get(self, request):
        params = request.query_params.copy()
        if params.get("only_needed", "").lower() in {"false", "0", "no", ""}:
            params.pop("only_needed", None)
        form = ReplenishmentFilterForm(params)
        if not form.is_valid():
            fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            raise ApplicationError("Invalid filter: " + ", ".join(fields), {"fields": fields})
        plan = selectors.replenishment_view(**form.cleaned_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(plan.lines, request, view=self)
        response = paginator.get_paginated_response(ReplenishmentLineSerializer(page, many=True).data)
        response.data["on"] = plan.on.isoformat()
        response.data["window"] = {"start": plan.window[0].isoformat(), "end": plan.window[1].isoformat()}
        return response


class ReplenishmentAcceptInputSerializer(StrictInputSerializer):
    stores = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False, max_length=1000)
    skus = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=1000)


class ReplenishmentAcceptView(APIView):
    """Create one transfer shipment per store from its warehouse for what can ship now (all or nothing);
    what could not be covered is listed in ``short``. Accepting again creates nothing new."""

    permission_classes = [ReplenishmentPermission]

    @extend_schema(
        request=ReplenishmentAcceptInputSerializer,
        responses={
            201: inline_serializer(
                "ReplenishmentAccepted",
                {
                    "shipments": serializers.ListField(child=serializers.DictField()),
                    "units": serializers.IntegerField(),
                    "short": ReplenishmentLineSerializer(many=True),
                },
            )
        },
    )
    def post(self, request):
        data = ReplenishmentAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = [code.strip().upper() for code in data.validated_data["stores"]]
        stores = selectors.stores_by_code(scope=selectors.ALL_STORES, codes=codes)
        for code in codes:
            if code not in stores:
                message = f"No store has the code '{code}'."
                raise ApplicationError(message, {"fields": {"stores": [message]}})
        item_ids = None
        if "skus" in data.validated_data:
            skus = [sku.strip().upper() for sku in data.validated_data["skus"]]
            item_ids = [item.pk for item in products_by_sku(skus, label="SKU", field="skus").values()]
        result = services.replenishment_accept(
            acting_user=request.user, store_ids=[store.pk for store in stores.values()], item_ids=item_ids
        )
        body = {
            "shipments": [
                {
                    "number": shipment.number,
                    "store": shipment.to_location.code,
                    "from_location": shipment.from_location.code,
                    "reference": shipment.reference,
                    "lines": [
                        {"sku": line.item.sku, "quantity": line.quantity}
                        for line in shipment.lines.select_related("item").order_by("item__sku")
                    ],
                }
                for shipment in result.shipments
            ],
            "units": result.units,
            "short": ReplenishmentLineSerializer(result.short_lines, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.shipments else status.HTTP_200_OK)

"""REST resources of the stock ledger: locations, stock levels (read-only), moves and counts.

Posting a move or a count goes through the services, which refuse a move that would take a level
below zero or below what is reserved with a 400 ``{"message", "extra"}`` naming the item, the
location, what is available and what was asked.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from logistics import selectors, services
from logistics.filters import LocationFilter, StockCountFilter, StockLevelFilter, StockMoveFilter
from logistics.models import Factory, Location, LocationKind, StockCount, StockLevel, StockMove, StockMoveReason
from logistics.services.stock import MAX_QTY


class LocationSerializer(serializers.ModelSerializer):
    factory = serializers.CharField(source="factory.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "region", "factory", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class LocationInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=LocationKind.choices)
    region = serializers.CharField(max_length=64, allow_blank=True, default="")
    factory = serializers.CharField(max_length=32, allow_null=True, allow_blank=True, default=None)
    is_active = serializers.BooleanField(default=True)


class LocationUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=LocationKind.choices, required=False)
    region = serializers.CharField(max_length=64, allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True)
    location_kind = serializers.CharField(source="location.kind", read_only=True)
    region = serializers.CharField(source="location.region", read_only=True)
    available = serializers.IntegerField(source="available_qty", read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "sku",
            "item_name",
            "location",
            "location_kind",
            "region",
            "on_hand",
            "reserved",
            "available",
            "updated_at",
        ]
        read_only_fields = fields


class StockMoveSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    from_location = serializers.CharField(source="from_location.code", read_only=True, default=None, allow_null=True)
    to_location = serializers.CharField(source="to_location.code", read_only=True, default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StockMove
        fields = ["id", "sku", "qty", "from_location", "to_location", "reason", "reference", "moved_at", "created_by"]
        read_only_fields = fields


class StockMoveInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    qty = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)
    from_location = serializers.CharField(max_length=32, allow_null=True, allow_blank=True, default=None)
    to_location = serializers.CharField(max_length=32, allow_null=True, allow_blank=True, default=None)
    reason = serializers.ChoiceField(choices=StockMoveReason.choices)
    reference = serializers.CharField(max_length=200, allow_blank=True, default="")


class StockCountLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    counted = serializers.IntegerField(read_only=True)
    expected = serializers.IntegerField(read_only=True, allow_null=True)


class StockCountSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.code", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    lines = StockCountLineSerializer(many=True, read_only=True)

    class Meta:
        model = StockCount
        fields = ["id", "location", "status", "counted_at", "posted_at", "note", "created_by", "lines"]
        read_only_fields = fields


class StockCountLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    counted = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class StockCountInputSerializer(StrictInputSerializer):
    location = serializers.CharField(max_length=32)
    counted_at = serializers.DateTimeField(allow_null=True, default=None)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    lines = StockCountLineInputSerializer(many=True, allow_empty=False, max_length=5000)


def _location_or_none(code: str | None, field: str) -> Location | None:
    if not code:
        return None
    try:
        return selectors.location_get(code=code)
    except ApplicationError as error:
        raise ApplicationError(
            f"{field}: no location has the code '{code}'.", {"fields": {field: [f"Unknown location '{code}'."]}}
        ) from error


def _items_by_sku(skus: list[str]) -> dict:
    wanted = {sku.strip().upper() for sku in skus}
    found = {item.sku: item for item in erp_selectors.item_list().filter(sku__in=wanted)}
    for n, sku in enumerate(skus, start=1):
        if sku.strip().upper() not in found:
            raise ApplicationError(
                f"Line {n}: no item has the SKU '{sku}'." if len(skus) > 1 else f"No item has the SKU '{sku}'.",
                {"fields": {"sku": [f"Unknown SKU '{sku}'."]}},
            )
    return found


class LocationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Warehouses, factory stores, stores and in-transit locations, addressed by id or code."""

    serializer_class = LocationSerializer
    queryset = Location.objects.none()
    lookup_value_regex = "[^/]+"
    filterset_class = LocationFilter
    search_fields = ["code", "name", "region"]
    ordering_fields = ["code", "name", "kind", "region"]
    ordering = ["code"]

    def get_queryset(self):
        return selectors.location_list()

    def get_object(self):
        value = str(self.kwargs["pk"]).strip()
        lookup = {"pk": int(value)} if value.isdigit() else {"code": value.upper()}
        location = get_object_or_404(self.get_queryset(), **lookup)
        self.check_object_permissions(self.request, location)
        return location

    def _respond(self, location: Location, code: int = status.HTTP_200_OK) -> Response:
        return Response(LocationSerializer(selectors.location_list().get(pk=location.pk)).data, status=code)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationSerializer})
    def create(self, request):
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        factory_code = fields.pop("factory")
        factory = None
        if factory_code:
            factory = Factory.objects.filter(code=factory_code.strip().upper()).first()
            if factory is None:
                raise ApplicationError(
                    f"No factory has the code '{factory_code}'.",
                    {"fields": {"factory": [f"Unknown factory '{factory_code}'."]}},
                )
        location = services.location_create(acting_user=request.user, factory=factory, **fields)
        return self._respond(location, status.HTTP_201_CREATED)

    @extend_schema(request=LocationUpdateSerializer, responses={200: LocationSerializer})
    def update(self, request, pk=None, partial=False):
        location = self.get_object()
        data = LocationUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        location = services.location_update(acting_user=request.user, location=location, **data.validated_data)
        return self._respond(location)

    @extend_schema(request=LocationUpdateSerializer, responses={200: LocationSerializer})
    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


class StockLevelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What each location holds of each item: on hand, reserved, available. Read-only: post moves to change it."""

    serializer_class = StockLevelSerializer
    queryset = StockLevel.objects.none()
    filterset_class = StockLevelFilter
    search_fields = ["item__sku", "item__name", "location__code"]
    ordering_fields = ["item__sku", "location__code", "on_hand", "reserved", "available_qty", "updated_at"]
    ordering = ["item__sku", "location__code"]

    def get_queryset(self):
        return selectors.stock_level_list()


class StockMoveViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The immutable ledger. POST records a move and changes the levels in the same transaction."""

    serializer_class = StockMoveSerializer
    queryset = StockMove.objects.none()
    filterset_class = StockMoveFilter
    search_fields = ["item__sku", "reference"]
    ordering_fields = ["moved_at", "item__sku", "qty", "reason"]
    ordering = ["-moved_at", "-id"]

    def get_queryset(self):
        return selectors.stock_move_list()

    @extend_schema(request=StockMoveInputSerializer, responses={201: StockMoveSerializer})
    def create(self, request):
        data = StockMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        item = _items_by_sku([fields.pop("sku")]).popitem()[1]
        move = services.stock_move_post(
            acting_user=request.user,
            item=item,
            qty=fields["qty"],
            from_location=_location_or_none(fields["from_location"], "from_location"),
            to_location=_location_or_none(fields["to_location"], "to_location"),
            reason=fields["reason"],
            reference=fields["reference"],
        )
        fresh = selectors.stock_move_list().get(pk=move.pk)
        return Response(StockMoveSerializer(fresh).data, status=status.HTTP_201_CREATED)


class StockCountPermission(ModelPermissions):
    def has_permission(self, request, view):
        if view.action == "post_count":
            return bool(
                request.user and request.user.is_authenticated and request.user.has_perm("logistics.post_stockcount")
            )
        return super().has_permission(request, view)


class StockCountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Counts of a location: created as drafts, then posted (which writes the adjustment moves)."""

    serializer_class = StockCountSerializer
    permission_classes = [StockCountPermission]
    queryset = StockCount.objects.none()
    filterset_class = StockCountFilter
    ordering_fields = ["counted_at", "posted_at", "status"]
    ordering = ["-counted_at", "-id"]

    def get_queryset(self):
        return selectors.stock_count_list().prefetch_related("lines__item")

    def _respond(self, count: StockCount, code: int = status.HTTP_200_OK) -> Response:
        return Response(StockCountSerializer(self.get_queryset().get(pk=count.pk)).data, status=code)

    @extend_schema(request=StockCountInputSerializer, responses={201: StockCountSerializer})
    def create(self, request):
        data = StockCountInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        location = _location_or_none(fields["location"], "location")
        items = _items_by_sku([line["sku"] for line in fields["lines"]])
        count = services.stock_count_create(
            acting_user=request.user,
            location=location,
            lines=[(items[line["sku"].strip().upper()], line["counted"]) for line in fields["lines"]],
            counted_at=fields["counted_at"],
            note=fields["note"],
        )
        return self._respond(count, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: StockCountSerializer})
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_count(self, request, pk=None):
        # Not named ``post``: a viewset method of that name would also answer POST on the detail URL.
        count = services.stock_count_post(acting_user=request.user, count=self.get_object())
        return self._respond(count)

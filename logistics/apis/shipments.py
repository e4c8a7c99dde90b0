"""Shipments over REST: staff create and receive; carriers and factories post status events.

``POST /api/v1/shipments/<number or tracking number>/events/`` is idempotent on the event's key
(``event_id`` in the body, or the ``Idempotency-Key`` header): a resend answers 200 with the
first result and changes nothing; the first post answers 201.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from logistics import selectors, services
from logistics.filters import ShipmentFilter
from logistics.models import DiscrepancyReason, Shipment, ShipmentEventSource, ShipmentKind
from logistics.services.shipments import EVENT_FROM, MAX_LINES, MAX_QUANTITY


class ShipmentLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="item.sku")
    quantity = serializers.IntegerField()
    received_quantity = serializers.IntegerField(allow_null=True)
    damaged_quantity = serializers.IntegerField()
    discrepancy = serializers.CharField()


class ShipmentEventSerializer(serializers.Serializer):
    status = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    event_id = serializers.CharField(source="event_key")
    place = serializers.CharField()
    note = serializers.CharField()
    source = serializers.CharField()


class ShipmentSerializer(serializers.ModelSerializer):
    from_location = serializers.CharField(source="from_location.code")
    to_location = serializers.CharField(source="to_location.code", default=None, allow_null=True)
    lines = ShipmentLineSerializer(many=True)
    events = ShipmentEventSerializer(many=True)

    class Meta:
        model = Shipment
        fields = [
            "number",
            "kind",
            "status",
            "from_location",
            "to_location",
            "consignee",
            "reference",
            "region",
            "carrier",
            "tracking_number",
            "expected_at",
            "shipped_at",
            "delivered_at",
            "received_at",
            "created_at",
            "lines",
            "events",
        ]
        read_only_fields = fields


class ShipmentLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ShipmentInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=ShipmentKind.choices)
    from_location = serializers.CharField(max_length=32)
    to_location = serializers.CharField(max_length=32, allow_null=True, allow_blank=True, default=None)
    consignee = serializers.CharField(max_length=200, allow_blank=True, default="")
    reference = serializers.CharField(max_length=100, allow_blank=True, default="")
    carrier = serializers.CharField(max_length=100, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=100, allow_blank=True, default="")
    expected_at = serializers.DateTimeField(allow_null=True, default=None)
    lines = ShipmentLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


class ShipmentEventInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=[(s, s) for s in EVENT_FROM])
    event_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


class ReceiptLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    received = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)
    damaged = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, default=0)
    discrepancy = serializers.ChoiceField(choices=DiscrepancyReason.choices, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class ReceiptInputSerializer(StrictInputSerializer):
    lines = ReceiptLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


def _location(code, field):
    if not code:
        return None
    try:
        return selectors.location_get(code=code)
    except ApplicationError as error:
        raise ApplicationError(
            f"No location has the code '{code}'.", {"fields": {field: [f"Unknown '{code}'."]}}
        ) from error


def _items(skus: list[str]) -> dict:
    wanted = {sku.strip().upper() for sku in skus}
    found = {item.sku: item for item in erp_selectors.item_list().filter(sku__in=wanted)}
    for n, sku in enumerate(skus, start=1):
        if sku.strip().upper() not in found:
            raise ApplicationError(
                f"Line {n}: no item has the SKU '{sku}'.", {"fields": {"sku": [f"Unknown '{sku}'."]}}
            )
    return found


class ShipmentPermission(ModelPermissions):
    """Staff: model permissions (events need post_shipment_event, receiving receive_shipment).
    A factory's integration user reads and posts events for shipments leaving its factory (others are a 404)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if selectors.factory_of_user(request.user) is not None:
            return view.action in {"list", "retrieve", "events"}
        if view.action == "events":
            return request.user.has_perm("logistics.post_shipment_event")
        if view.action == "receive":
            return request.user.has_perm("logistics.receive_shipment")
        return super().has_permission(request, view)


class ShipmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Shipments addressed by number (or an unambiguous tracking number)."""

    token_scopes = (
        "staff",
        "factory",
    )

    serializer_class = ShipmentSerializer
    permission_classes = [ShipmentPermission]
    queryset = Shipment.objects.none()
    lookup_value_regex = "[^/]+"
    filterset_class = ShipmentFilter
    ordering_fields = ["created_at", "number", "status", "expected_at"]
    ordering = ["-created_at", "-number"]

    def get_queryset(self):
        return selectors.shipment_list(user=self.request.user)

    def get_object(self):
        shipment = selectors.shipment_find(value=str(self.kwargs["pk"]), user=self.request.user)
        if shipment is None:
            raise Http404(f"No shipment has the number or tracking number '{self.kwargs['pk']}'.")
        self.check_object_permissions(self.request, shipment)
        return shipment

    def _respond(self, shipment: Shipment, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.shipment_list().get(pk=shipment.pk)
        return Response(ShipmentSerializer(fresh).data, status=code)

    @extend_schema(request=ShipmentInputSerializer, responses={201: ShipmentSerializer})
    def create(self, request):
        data = ShipmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines = fields.pop("lines")
        items = _items([line["sku"] for line in lines])
        shipment = services.shipment_create(
            acting_user=request.user,
            from_location=_location(fields.pop("from_location"), "from_location"),
            to_location=_location(fields.pop("to_location"), "to_location"),
            lines=[services.ShipmentLineInput(items[line["sku"].strip().upper()], line["quantity"]) for line in lines],
            **fields,
        )
        return self._respond(shipment, status.HTTP_201_CREATED)

    @extend_schema(
        request=ShipmentEventInputSerializer,
        responses={201: ShipmentSerializer, 200: ShipmentSerializer},
        description="Post a status event. The event id (body `event_id` or header `Idempotency-Key`) makes a "
        "resend harmless: it answers 200 with the shipment and changes nothing.",
    )
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        shipment = self.get_object()
        data = ShipmentEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = (fields.pop("event_id", "") or request.headers.get("Idempotency-Key", "")).strip()
        if not key:
            raise ApplicationError(
                "Give the event an id: `event_id` in the body or an Idempotency-Key header.",
                {"fields": {"event_id": ["Required."]}, "header": "Idempotency-Key"},
            )
        result = services.shipment_event_post(
            acting_user=request.user, shipment=shipment, event_key=key, source=ShipmentEventSource.API, **fields
        )
        return self._respond(result.shipment, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(request=ReceiptInputSerializer, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        shipment = self.get_object()
        data = ReceiptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = data.validated_data["lines"]
        items = _items([line["sku"] for line in lines])
        shipment = services.shipment_receive(
            acting_user=request.user,
            shipment=shipment,
            lines=[
                services.ReceiptLineInput(
                    items[line["sku"].strip().upper()],
                    line["received"],
                    line["damaged"],
                    line["discrepancy"],
                    line["note"],
                )
                for line in lines
            ],
        )
        return self._respond(shipment)

    @extend_schema(request=None, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._respond(services.shipment_cancel(acting_user=request.user, shipment=self.get_object()))

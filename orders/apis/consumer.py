"""REST resource of consumer orders: the online shop posts each order once with an ``Idempotency-Key``.

POST needs the header: 201 with the order the first time, 200 with the same body when the same
key comes again with the same request, 422 when the key was used for a different request, 400
naming the header when it is missing. Status changes are the POST actions ``pay`` and ``cancel``.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.models import TokenScope
from orders import selectors, services
from orders.apis.common import MAX_QTY, WeekField, items_by_sku
from orders.filters import ConsumerOrderFilter
from orders.models import ConsumerChannel, ConsumerOrder, ConsumerOrderLine

ACTION_PERMISSIONS = {"pay": "orders.pay_consumerorder", "cancel": "orders.cancel_consumerorder"}
IDEMPOTENCY_HEADER = "Idempotency-Key"


class ConsumerOrderPermission(ModelPermissions):
    def has_permission(self, request, view):
        needed = ACTION_PERMISSIONS.get(getattr(view, "action", None))
        if needed is not None:
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(needed))
        return super().has_permission(request, view)


class ConsumerOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)

    class Meta:
        model = ConsumerOrderLine
        fields = ["sku", "quantity", "dispatched_quantity"]
        read_only_fields = fields


class ConsumerOrderSerializer(serializers.ModelSerializer):
    requested_week = WeekField(read_only=True)
    lines = ConsumerOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = ConsumerOrder
        fields = [
            "number",
            "channel",
            "customer_ref",
            "requested_week",
            "region",
            "status",
            "lines",
            "paid_at",
            "fulfilled_at",
            "cancelled_at",
            "created_at",
        ]
        read_only_fields = fields


class ConsumerOrderLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


# Flash-sale consumer orders are made only by paying a flash-sale order, which took its unit of stock.
POSTED_CHANNELS = [(value, label) for value, label in ConsumerChannel.choices if value != ConsumerChannel.FLASH]


class ConsumerOrderInputSerializer(StrictInputSerializer):
    channel = serializers.ChoiceField(choices=POSTED_CHANNELS)
    customer_ref = serializers.CharField(max_length=100)
    requested_week = WeekField()
    region = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    lines = ConsumerOrderLineInputSerializer(many=True, allow_empty=False, max_length=100)


class ConsumerOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Consumer orders, addressed by number."""

    serializer_class = ConsumerOrderSerializer
    permission_classes = [ConsumerOrderPermission]
    token_scopes = (TokenScope.STAFF, TokenScope.SHOP)
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_class = ConsumerOrderFilter
    ordering_fields = ["number", "created_at", "requested_week", "status"]
    ordering = ["-created_at", "-number"]

    def get_queryset(self):
        return selectors.consumer_order_list()

    def get_object(self):
        order = get_object_or_404(self.get_queryset(), number=str(self.kwargs["number"]).strip().upper())
        self.check_object_permissions(self.request, order)
        return order

    def _respond(self, order: ConsumerOrder, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.consumer_order_list().get(pk=order.pk)
        return Response(ConsumerOrderSerializer(fresh).data, status=code)

    @extend_schema(
        request=ConsumerOrderInputSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={201: ConsumerOrderSerializer, 200: ConsumerOrderSerializer},
    )
    def create(self, request):
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        if not key.strip():
            raise ApplicationError(
                f"The {IDEMPOTENCY_HEADER} header is required: send a unique key per order (e.g. a UUID).",
                {"header": IDEMPOTENCY_HEADER},
            )
        data = ConsumerOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        items = items_by_sku([line["sku"] for line in fields["lines"]])
        try:
            order, created = services.consumer_order_create(
                acting_user=request.user,
                idempotency_key=key,
                channel=fields["channel"],
                customer_ref=fields["customer_ref"],
                requested_week=fields["requested_week"],
                region=fields["region"],
                lines=[
                    services.ConsumerOrderLineInput(items[line["sku"].strip().upper()], line["quantity"])
                    for line in fields["lines"]
                ],
            )
        except services.IdempotencyKeyReused as error:
            return Response(
                {"message": error.message, "extra": error.extra}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        return self._respond(order, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: ConsumerOrderSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, number=None):
        return self._respond(services.consumer_order_pay(acting_user=request.user, order=self.get_object()))

    @extend_schema(request=None, responses={200: ConsumerOrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._respond(services.consumer_order_cancel(acting_user=request.user, order=self.get_object()))

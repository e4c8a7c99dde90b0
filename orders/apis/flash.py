"""REST for flash sales. A sale is addressed by its id or its code (``FS-2026-001``).

- ``GET/POST /api/v1/flash-sales/``: list (``orders.view_flashsale``) and create (``orders.add_flashsale``);
- ``GET /api/v1/flash-sales/<sale>/``, ``POST .../end/`` (``orders.change_flashsale``),
  ``GET .../live/``: the live counter (sold, remaining, orders/s);
- ``POST /api/v1/flash-sales/<sale>/orders/ {"customer_ref"}`` with an ``Idempotency-Key`` header
  (``orders.add_flashsaleorder``): 201 with the order; the same key and customer again: 201 with the
  same order and ``Idempotent-Replayed: true``; 409 sold out; 422 outside the window, over the
  per-customer limit, or the key used for another customer; 400 for a missing key or customer;
  429 when throttled (scope ``flash_sale``);
- ``GET .../orders/``: the sale's orders (``orders.view_flashsaleorder``);
- ``POST .../orders/<number>/pay/`` and ``.../cancel/`` (``orders.pay_flashsaleorder``,
  ``orders.cancel_flashsaleorder``); paying after the sale's payment window (``pay_by``) is a 400.
"""

from datetime import datetime
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.errors import error_response
from erp.api.parsers import JSONParser
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.models import Item, TokenScope
from orders.filters import FlashSaleFilter, FlashSaleOrderFilter
from orders.models import MAX_PAYMENT_MINUTES, FlashSale, FlashSaleChannel, FlashSaleOrder, FlashSaleOrderStatus
from orders.selectors.flash import (
    flash_sale_for_intake,
    flash_sale_get_or_404,
    flash_sale_list,
    flash_sale_live,
    flash_sale_order_get,
    flash_sale_order_list,
    flash_sale_order_pay_by,
    flash_sale_phase,
)
from orders.services.consumer import IdempotencyKeyReused
from orders.services.flash import (
    FlashSaleBusy,
    FlashSaleRefused,
    FlashSaleSoldOut,
    flash_sale_create,
    flash_sale_end,
    flash_sale_order_cancel,
    flash_sale_order_pay,
    flash_sale_order_take,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The online shop's token reads sales and takes, pays and cancels their orders; staff tokens do the rest.
SHOP_AND_STAFF = (TokenScope.STAFF, TokenScope.SHOP)
VIEW_SALE, ADD_SALE, CHANGE_SALE = "orders.view_flashsale", "orders.add_flashsale", "orders.change_flashsale"
VIEW_ORDER, ADD_ORDER = "orders.view_flashsaleorder", "orders.add_flashsaleorder"
PAY_ORDER, CANCEL_ORDER = "orders.pay_flashsaleorder", "orders.cancel_flashsaleorder"


def _needs(read: str, write: str | None = None) -> type[BasePermission]:
    class Needs(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            wanted = read if request.method in ("GET", "HEAD", "OPTIONS") else (write or read)
            return bool(user and user.is_authenticated and user.has_perm(wanted))

    return Needs


class FlashSaleSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    remaining = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField()

    class Meta:
        model = FlashSale
        fields = [
            "id",
            "code",
            "name",
            "sku",
            "quantity",
            "remaining",
            "starts_at",
            "ends_at",
            "per_customer_limit",
            "channel",
            "region",
            "counter_shards",
            "payment_minutes",
            "phase",
            "created_at",
        ]
        read_only_fields = fields

    def get_remaining(self, sale: FlashSale) -> int:
        remaining = getattr(sale, "remaining_units", None)
        return sale.quantity if remaining is None else int(remaining)

    def get_phase(self, sale: FlashSale) -> str:
        return flash_sale_phase(sale, remaining=self.get_remaining(sale))


class FlashSaleInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    per_customer_limit = serializers.IntegerField(min_value=1, max_value=1_000, default=1)
    channel = serializers.ChoiceField(choices=FlashSaleChannel.choices, default=FlashSaleChannel.ONLINE)
    counter_shards = serializers.IntegerField(min_value=1, max_value=64, default=1)
    region = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    payment_minutes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAYMENT_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text="Minutes an accepted order has to be paid before it is cancelled; null: no limit.",
    )


class FlashLiveSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    sold = serializers.IntegerField()
    remaining = serializers.IntegerField()
    accepted = serializers.IntegerField()
    paid = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    orders_per_second = serializers.FloatField()
    window_seconds = serializers.IntegerField()
    phase = serializers.CharField()
    at = serializers.DateTimeField()


class FlashSaleOrderSerializer(serializers.Serializer):
    # Declared, not a ModelSerializer: every intake answer builds one, and deriving the fields from the
    # model each time was a tenth of the request's CPU.
    number = serializers.CharField(read_only=True)
    sale = serializers.CharField(source="sale.code", read_only=True)
    customer_ref = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=FlashSaleOrderStatus.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consumer_order = serializers.CharField(source="consumer_order.number", read_only=True, allow_null=True)
    pay_by = serializers.SerializerMethodField(help_text="When an accepted order's payment window closes.")

    def get_pay_by(self, order: FlashSaleOrder) -> datetime | None:
        return flash_sale_order_pay_by(order) if order.status == FlashSaleOrderStatus.ACCEPTED else None


class FlashSaleOrderInputSerializer(StrictInputSerializer):
    customer_ref = serializers.CharField(max_length=100)


# One instance of each for the intake: a new serializer deep-copies its declared fields, a fifth of the
# request's CPU. Both are safe to share: validating and representing keep no state on the instance.
_INTAKE_INPUT = FlashSaleOrderInputSerializer()
_INTAKE_OUTPUT = FlashSaleOrderSerializer()


def _intake_input(data: Any) -> dict[str, Any]:
    try:
        return _INTAKE_INPUT.run_validation(data)
    except serializers.ValidationError:
        # A fresh serializer for the error: ``is_valid`` shapes every error the way the API answers them.
        checked = FlashSaleOrderInputSerializer(data=data)
        checked.is_valid(raise_exception=True)
        return checked.validated_data


def _intake_sale(key: str) -> FlashSale:
    sale = flash_sale_for_intake(key)
    if sale is None:
        raise Http404(f"No flash sale '{key}'.")
    return sale


def _sale_response(sale: FlashSale, code: int = status.HTTP_200_OK) -> Response:
    fresh = flash_sale_list().get(pk=sale.pk)
    return Response(FlashSaleSerializer(fresh).data, status=code)


class FlashSaleListView(generics.ListAPIView):
    """Flash sales, newest first; POST creates one (its stock split over ``counter_shards`` rows)."""

    token_scopes = SHOP_AND_STAFF

    serializer_class = FlashSaleSerializer
    permission_classes = [_needs(VIEW_SALE, ADD_SALE)]
    filterset_class = FlashSaleFilter
    ordering_fields = ["code", "starts_at", "ends_at", "quantity"]
    ordering = ["-starts_at", "-code"]

    def get_queryset(self):
        return flash_sale_list()

    @extend_schema(request=FlashSaleInputSerializer, responses={201: FlashSaleSerializer})
    def post(self, request):
        data = FlashSaleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        sku = fields.pop("sku").strip().upper()
        item = Item.objects.filter(sku=sku).first()
        if item is None:
            raise ApplicationError(f"No item has the SKU '{sku}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}})
        sale = flash_sale_create(acting_user=request.user, item=item, **fields)
        return _sale_response(sale, status.HTTP_201_CREATED)


class FlashSaleDetailView(APIView):
    token_scopes = SHOP_AND_STAFF
    permission_classes = [_needs(VIEW_SALE)]

    @extend_schema(responses={200: FlashSaleSerializer})
    def get(self, request, sale: str):
        return _sale_response(flash_sale_get_or_404(sale))


class FlashSaleEndView(APIView):
    permission_classes = [_needs(VIEW_SALE, CHANGE_SALE)]

    @extend_schema(request=None, responses={200: FlashSaleSerializer})
    def post(self, request, sale: str):
        return _sale_response(flash_sale_end(acting_user=request.user, sale=flash_sale_get_or_404(sale)))


class FlashSaleLiveView(APIView):
    """The live counter: units sold and remaining, orders by status, orders/s over the last seconds."""

    token_scopes = SHOP_AND_STAFF

    permission_classes = [_needs(VIEW_SALE)]

    @extend_schema(responses={200: FlashLiveSerializer})
    def get(self, request, sale: str):
        return Response(FlashLiveSerializer(flash_sale_live(flash_sale_get_or_404(sale))).data)


_refusal = OpenApiResponse(description='`{"message", "extra": {"code"}}`')


class FlashSaleOrdersView(generics.ListAPIView):
    """A sale's orders (GET); POST takes one unit for a customer, once per ``Idempotency-Key``."""

    token_scopes = SHOP_AND_STAFF

    serializer_class = FlashSaleOrderSerializer
    permission_classes = [_needs(VIEW_ORDER, ADD_ORDER)]
    parser_classes = [JSONParser]
    throttle_scope = "flash_sale"
    filterset_class = FlashSaleOrderFilter
    ordering_fields = ["number", "created_at", "status"]
    ordering = ["-created_at", "-number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no sale to look up
            return FlashSaleOrder.objects.none()
        return flash_sale_order_list(flash_sale_get_or_404(self.kwargs["sale"]))

    @extend_schema(
        request=FlashSaleOrderInputSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={
            201: FlashSaleOrderSerializer,
            409: OpenApiResponse(description="Sold out."),
            422: OpenApiResponse(description="Outside the window, over the limit, or the key reused."),
        },
    )
    def post(self, request, sale: str):
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        if not key.strip():
            raise ApplicationError(
                f"The {IDEMPOTENCY_HEADER} header is required: send a unique key per order (e.g. a UUID).",
                {"header": IDEMPOTENCY_HEADER, "fields": {"idempotency_key": ["Required."]}},
            )
        data = _intake_input(request.data)
        try:
            take = flash_sale_order_take(
                acting_user=request.user,
                sale=_intake_sale(sale),
                customer_ref=data["customer_ref"],
                idempotency_key=key,
            )
        except FlashSaleSoldOut as error:
            return error_response(error, status.HTTP_409_CONFLICT)
        except FlashSaleBusy as error:
            response = error_response(error, status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = "1"
            return response
        except (FlashSaleRefused, IdempotencyKeyReused) as error:
            return error_response(error, status.HTTP_422_UNPROCESSABLE_ENTITY)
        headers = {} if take.created else {"Idempotent-Replayed": "true"}
        return Response(_INTAKE_OUTPUT.to_representation(take.order), status=status.HTTP_201_CREATED, headers=headers)


class _OrderAction(APIView):
    token_scopes = SHOP_AND_STAFF
    permission: str = ""

    def act(self, request, order: FlashSaleOrder) -> FlashSaleOrder:
        raise NotImplementedError

    def post(self, request, sale: str, number: str):
        order = flash_sale_order_get(flash_sale_get_or_404(sale), number)
        if order is None:
            raise Http404(f"No order '{number}' in this sale.")
        order = self.act(request, order)
        return Response(FlashSaleOrderSerializer(flash_sale_order_list().get(pk=order.pk)).data)


class FlashSaleOrderPayView(_OrderAction):
    """Record the payment: a paid consumer order is made and waits for dispatch."""

    permission_classes = [_needs(VIEW_ORDER, PAY_ORDER)]

    @extend_schema(request=None, responses={200: FlashSaleOrderSerializer})
    def post(self, request, sale: str, number: str):
        return super().post(request, sale, number)

    def act(self, request, order):
        return flash_sale_order_pay(acting_user=request.user, order=order)


class FlashSaleOrderCancelView(_OrderAction):
    """Cancel an unpaid order: its unit goes back on sale."""

    permission_classes = [_needs(VIEW_ORDER, CANCEL_ORDER)]

    @extend_schema(request=None, responses={200: FlashSaleOrderSerializer})
    def post(self, request, sale: str, number: str):
        return super().post(request, sale, number)

    def act(self, request, order):
        return flash_sale_order_cancel(acting_user=request.user, order=order)

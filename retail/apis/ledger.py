"""REST resources of the prepayment ledger and retailer orders.

``/api/v1/prepayment-entries/``: the ledger's entries (read), and POST to book a deposit (finance).
``/api/v1/retailer-orders/``: orders by number; POST creates a draft (or places it with
``"confirm": true``), with an optional ``Idempotency-Key``; POST ``.../<number>/confirm/``,
``.../cancel/``, ``.../ship/`` and ``.../deliver/`` change the status.

A retailer's user (portal or integration token) sees only its own company's entries and orders:
another company's id or number is a 404. It may place, confirm and cancel its own orders, never
book deposits or ship (403). Staff need the model permissions and each action its own permission.
Amounts are decimal strings in CNY.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek
from retail import services
from retail.filters import PrepaymentEntryFilter, RetailerOrderFilter
from retail.models import PrepaymentEntry, RetailerOrder, RetailerOrderLine
from retail.selectors.ledger import (
    prepayment_entries_visible_to,
    retailer_id_of_user,
    retailer_orders_visible_to,
    retailers_visible_to,
)
from retail.services.orders import MAX_LINES

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_QTY = 2_147_483_647
MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


def _is_retailer(user) -> bool:
    return retailer_id_of_user(user) is not None


def _retailer_by_code(user, code: str):
    """A retailer the user may act for, by code; any other code reads as unknown."""
    code = str(code).strip().upper()
    retailer = retailers_visible_to(user).filter(code=code).first()
    if retailer is None:
        raise ApplicationError(
            f"No retailer has the code '{code}'.", {"fields": {"retailer": [f"Unknown retailer '{code}'."]}}
        )
    return retailer


# --- prepayment entries ---------------------------------------------------------------------


class PrepaymentEntryPermission(ModelPermissions):
    """Reads: a retailer's own entries, or staff with the view permission. Deposits: ``record_deposit``."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if _is_retailer(user):
            return view.action in {"list", "retrieve"}
        if view.action == "create":
            return user.has_perm("retail.record_deposit")
        return super().has_permission(request, view)


class PrepaymentEntrySerializer(serializers.ModelSerializer):
    retailer = serializers.CharField(source="account.retailer.code", read_only=True)
    amount = serializers.DecimalField(**MONEY)
    balance_after = serializers.DecimalField(**MONEY)
    held_after = serializers.DecimalField(**MONEY)
    available_after = serializers.DecimalField(**MONEY)
    order = serializers.CharField(source="order.number", read_only=True, allow_null=True, default=None)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PrepaymentEntry
        fields = [
            "id",
            "retailer",
            "kind",
            "amount",
            "balance_after",
            "held_after",
            "available_after",
            "reference",
            "note",
            "order",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields


class PrepaymentDepositInputSerializer(StrictInputSerializer):
    retailer = serializers.CharField(max_length=32)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text='CNY, e.g. "500000.00".')
    reference = serializers.CharField(max_length=100, help_text="The bank transfer's reference; booked once.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PrepaymentEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Entries of the prepayment ledger, newest first. Filters: ``retailer``, ``kind``, ``start``, ``end``
    (days, Asia/Shanghai), ``order``, ``reference``. POST books a deposit."""

    token_scopes = (
        "staff",
        "retailer",
    )

    serializer_class = PrepaymentEntrySerializer
    permission_classes = [PrepaymentEntryPermission]
    filterset_class = PrepaymentEntryFilter
    ordering_fields = ["created_at", "amount_cents", "kind"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return prepayment_entries_visible_to(self.request.user)

    def get_object(self):
        value = str(self.kwargs["pk"]).strip()
        if not value.isdigit() or len(value) > 18:
            raise Http404("No such entry.")
        entry = get_object_or_404(self.get_queryset(), pk=int(value))
        self.check_object_permissions(self.request, entry)
        return entry

    @extend_schema(request=PrepaymentDepositInputSerializer, responses={201: PrepaymentEntrySerializer})
    def create(self, request, *args, **kwargs):
        data = PrepaymentDepositInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        entry = services.prepayment_deposit_record(
            acting_user=request.user,
            retailer=_retailer_by_code(request.user, fields["retailer"]),
            amount=fields["amount"],
            reference=fields["reference"],
            note=fields["note"],
        )
        fresh = prepayment_entries_visible_to(request.user).get(pk=entry.pk)
        return Response(PrepaymentEntrySerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- retailer orders ------------------------------------------------------------------------

ORDER_ACTION_PERMISSIONS = {
    "confirm": "retail.confirm_retailerorder",
    "cancel": "retail.cancel_retailerorder",
    "ship": "retail.ship_retailerorder",
    "deliver": "retail.ship_retailerorder",
}
RETAILER_ORDER_ACTIONS = {"list", "retrieve", "create", "confirm", "cancel"}


class RetailerOrderPermission(ModelPermissions):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if _is_retailer(user):
            # Another retailer's order is refused after the lookup, as a 404.
            return view.action in RETAILER_ORDER_ACTIONS
        needed = ORDER_ACTION_PERMISSIONS.get(view.action)
        if needed is not None:
            return user.has_perms(("retail.view_retailerorder", needed))
        return super().has_permission(request, view)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2026-W48"})
class WeekField(serializers.Field):
    """A week as its ISO key (``2026-W48``) on the wire, its Monday in the database."""

    def to_representation(self, value):
        return IsoWeek.of(value).key

    def to_internal_value(self, data):
        try:
            return IsoWeek.parse(data)
        except ApplicationError as error:
            raise serializers.ValidationError(error.message) from error


class RetailerOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    requested_week = WeekField(read_only=True)
    unit_price = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = RetailerOrderLine
        fields = ["sku", "requested_week", "quantity", "unit_price", "amount", "allocated_quantity", "shipped_quantity"]
        read_only_fields = fields


class RetailerOrderSerializer(serializers.ModelSerializer):
    retailer = serializers.CharField(source="retailer.code", read_only=True)
    total_amount = serializers.DecimalField(**MONEY)
    held_amount = serializers.DecimalField(**MONEY)
    lines = RetailerOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = RetailerOrder
        fields = [
            "number",
            "retailer",
            "status",
            "reference",
            "note",
            "total_amount",
            "held_amount",
            "lines",
            "confirmed_at",
            "allocated_at",
            "shipped_at",
            "delivered_at",
            "cancelled_at",
            "created_at",
        ]
        read_only_fields = fields


class RetailerOrderLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)
    requested_week = WeekField()


class RetailerOrderInputSerializer(StrictInputSerializer):
    retailer = serializers.CharField(
        max_length=32, required=False, help_text="The retailer's code; a retailer's own token may leave it out."
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    lines = RetailerOrderLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="true: create and confirm at once (all or nothing)."
    )


class RetailerOrderCancelInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _line_inputs(lines: list[dict]) -> list[services.RetailerOrderLineInput]:
    wanted = {line["sku"].strip().upper() for line in lines}
    items = {item.sku: item for item in Item.objects.filter(sku__in=wanted)}
    inputs = []
    for n, line in enumerate(lines, start=1):
        sku = line["sku"].strip().upper()
        if sku not in items:
            raise ApplicationError(
                f"Line {n}: no item has the SKU '{sku}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}, "line": n}
            )
        inputs.append(services.RetailerOrderLineInput(items[sku], line["quantity"], line["requested_week"]))
    return inputs


class RetailerOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Retailer orders, addressed by number. Filters: ``q``, ``status``, ``retailer``, ``sku``, ``week``."""

    token_scopes = (
        "staff",
        "retailer",
    )

    serializer_class = RetailerOrderSerializer
    permission_classes = [RetailerOrderPermission]
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_class = RetailerOrderFilter
    ordering_fields = ["number", "created_at", "confirmed_at", "status"]
    ordering = ["-created_at", "-number"]

    def get_queryset(self):
        return retailer_orders_visible_to(self.request.user)

    def get_object(self):
        order = get_object_or_404(self.get_queryset(), number=str(self.kwargs["number"]).strip().upper()[:20])
        self.check_object_permissions(self.request, order)
        return order

    def _respond(self, order: RetailerOrder, code: int = status.HTTP_200_OK) -> Response:
        fresh = retailer_orders_visible_to(self.request.user).get(pk=order.pk)
        return Response(RetailerOrderSerializer(fresh).data, status=code)

    @extend_schema(
        request=RetailerOrderInputSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False)],
        responses={201: RetailerOrderSerializer, 200: RetailerOrderSerializer},
    )
    def create(self, request):
        data = RetailerOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        user = request.user
        if fields["confirm"] and not _is_retailer(user) and not user.has_perm("retail.confirm_retailerorder"):
            return Response(
                {"message": "You may create drafts but not confirm orders.", "extra": {"fields": {"confirm": []}}},
                status=status.HTTP_403_FORBIDDEN,
            )
        if "retailer" in fields:
            retailer = _retailer_by_code(user, fields["retailer"])
        elif _is_retailer(user):
            retailer = retailers_visible_to(user).get()
        else:
            raise ApplicationError(
                "retailer: the retailer's code is required.", {"fields": {"retailer": ["Required."]}}
            )
        try:
            order, created = services.retailer_order_submit(
                acting_user=user,
                retailer=retailer,
                lines=_line_inputs(fields["lines"]),
                reference=fields["reference"],
                note=fields["note"],
                confirm=fields["confirm"],
                idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
            )
        except services.IdempotencyKeyReused as error:
            return Response(
                {"message": error.message, "extra": error.extra}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        return self._respond(order, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: RetailerOrderSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._respond(services.retailer_order_confirm(acting_user=request.user, order=self.get_object()))

    @extend_schema(request=RetailerOrderCancelInputSerializer, responses={200: RetailerOrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        data = RetailerOrderCancelInputSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        return self._respond(services.retailer_order_cancel(acting_user=request.user, order=order, reason=reason))

    @extend_schema(request=None, responses={200: RetailerOrderSerializer})
    @action(detail=True, methods=["post"])
    def ship(self, request, number=None):
        return self._respond(services.retailer_order_ship(acting_user=request.user, order=self.get_object()))

    @extend_schema(request=None, responses={200: RetailerOrderSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request, number=None):
        return self._respond(services.retailer_order_deliver(acting_user=request.user, order=self.get_object()))

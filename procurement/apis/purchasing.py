"""REST resources of purchasing: purchase orders with their explicit actions, supplier scorecards,
and what a supplier's integration user may see.

A user linked to a supplier (``SupplierUser``) sees only that supplier's orders once they are
sent, and may confirm them; anything else is a 403, and another supplier's order is a 404.
Staff users need the model permissions (and ``send_``/``confirm_``/``receive_``/``cancel_purchaseorder``).
"""

from datetime import date

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from procurement import selectors, services
from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder, PurchaseOrderLine, Receipt, Supplier
from procurement.selectors.scorecard import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, Scorecard

MAX_QTY = 2_147_483_647

ACTION_PERMISSIONS = {
    "send": "procurement.send_purchaseorder",
    "confirm": "procurement.confirm_purchaseorder",
    "receive": "procurement.receive_purchaseorder",
    "cancel": "procurement.cancel_purchaseorder",
}
SUPPLIER_ACTIONS = {"list", "retrieve", "confirm"}  # what a supplier's integration user may do with its own orders


class PurchaseOrderPermission(ModelPermissions):
    """Staff: model permissions, and each action its own permission. Supplier users: see above."""

    def has_permission(self, request, view):
        if selectors.supplier_of_user(request.user) is not None:
            # Other actions are refused per order, after the lookup: another supplier's order stays a 404.
            return view.action in SUPPLIER_ACTIONS or view.action in ACTION_PERMISSIONS
        needed = ACTION_PERMISSIONS.get(view.action)
        if needed is not None:
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(needed))
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if selectors.supplier_of_user(request.user) is not None:
            return view.action in SUPPLIER_ACTIONS
        return True


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="line_number", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    open_qty = serializers.IntegerField(read_only=True)
    amount = serializers.DecimalField(max_digits=24, decimal_places=6, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "line",
            "sku",
            "item_name",
            "quantity",
            "unit_price",
            "amount",
            "source_offer",
            "requested_date",
            "promised_date",
            "received_qty",
            "accepted_qty",
            "rejected_qty",
            "open_qty",
        ]
        read_only_fields = fields


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    currency = serializers.CharField(source="currency_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "supplier",
            "supplier_name",
            "currency",
            "status",
            "order_date",
            "sent_at",
            "confirmed_at",
            "cancelled_at",
            "cancel_reason",
            "note",
            "created_by",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SupplierPurchaseOrderSerializer(PurchaseOrderSerializer):
    """What a supplier's own token sees of an order: no internal note, no name of who typed it."""

    class Meta(PurchaseOrderSerializer.Meta):
        fields = [name for name in PurchaseOrderSerializer.Meta.fields if name not in {"note", "created_by"}]
        read_only_fields = fields


class PurchaseOrderLineInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(max_value=MAX_QTY, min_value=-MAX_QTY)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=6, allow_null=True, default=None)
    requested_date = serializers.DateField(allow_null=True, default=None)


class PurchaseOrderInputSerializer(StrictInputSerializer):
    supplier = serializers.CharField(max_length=32)
    order_date = serializers.DateField(allow_null=True, default=None)
    currency = serializers.CharField(max_length=3, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    lines = PurchaseOrderLineInputSerializer(many=True, default=list, max_length=1000)


class ConfirmLineInputSerializer(StrictInputSerializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_QTY)
    promised_date = serializers.DateField()


class ConfirmInputSerializer(StrictInputSerializer):
    lines = ConfirmLineInputSerializer(many=True, allow_empty=False, max_length=1000)


class ReceiveLineInputSerializer(StrictInputSerializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_QTY)
    received = serializers.IntegerField(max_value=MAX_QTY, min_value=-MAX_QTY)
    accepted = serializers.IntegerField(max_value=MAX_QTY, min_value=-MAX_QTY)
    rejected = serializers.IntegerField(max_value=MAX_QTY, min_value=-MAX_QTY, default=0)


class ReceiveInputSerializer(StrictInputSerializer):
    date = serializers.DateField()
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    lines = ReceiveLineInputSerializer(many=True, allow_empty=False, max_length=1000)


class CancelInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500)


def _supplier_by_code(code: str) -> Supplier:
    supplier = selectors.supplier_list().filter(code=code.strip().upper()).first()
    if supplier is None:
        raise ApplicationError(
            f"No supplier with the code '{code}'.", {"fields": {"supplier": [f"Unknown supplier '{code}'."]}}
        )
    return supplier


def _lines_by_sku(lines: list[dict]) -> list[dict]:
    skus = {line["sku"].strip().upper() for line in lines}
    items = {item.sku: item for item in erp_selectors.item_list().filter(sku__in=skus)}
    result = []
    for n, line in enumerate(lines, start=1):
        sku = line["sku"].strip().upper()
        if sku not in items:
            raise ApplicationError(
                f"Line {n}: no item has the SKU '{line['sku']}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}}
            )
        result.append(
            {
                "item": items[sku],
                "quantity": line["quantity"],
                "unit_price": line["unit_price"],
                "requested_date": line["requested_date"],
            }
        )
    return result


class PurchaseOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Purchase orders, addressed by id or number. Their status changes only through the POST actions."""

    token_scopes = (
        "staff",
        "supplier",
    )

    serializer_class = PurchaseOrderSerializer
    permission_classes = [PurchaseOrderPermission]
    lookup_value_regex = "[^/]+"
    filterset_class = PurchaseOrderFilter
    search_fields = ["number", "supplier__code"]
    ordering_fields = ["number", "order_date", "status", "supplier__code", "updated_at"]
    ordering = ["-order_date", "-number"]

    def get_queryset(self):
        return selectors.purchase_orders_visible_to(self.request.user)

    def get_object(self):
        value = str(self.kwargs["pk"]).strip()
        lookup = {"pk": int(value)} if value.isdigit() else {"number": value.upper()}
        order = get_object_or_404(self.get_queryset(), **lookup)
        self.check_object_permissions(self.request, order)
        return order

    def get_serializer_class(self):
        if selectors.supplier_of_user(self.request.user) is not None:
            return SupplierPurchaseOrderSerializer
        return PurchaseOrderSerializer

    def _respond(self, order: PurchaseOrder, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.purchase_order_list().get(pk=order.pk)
        return Response(self.get_serializer_class()(fresh).data, status=code)

    @extend_schema(request=PurchaseOrderInputSerializer, responses={201: PurchaseOrderSerializer})
    def create(self, request):
        data = PurchaseOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        supplier = _supplier_by_code(fields.pop("supplier"))
        currency = fields.pop("currency")
        order = services.purchase_order_create(
            acting_user=request.user,
            supplier=supplier,
            order_date=fields["order_date"],
            currency=erp_selectors.currency_get(code=currency) if currency else None,
            note=fields["note"],
            lines=_lines_by_sku(fields["lines"]),
        )
        return self._respond(order, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PurchaseOrderSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        order = services.purchase_order_send(acting_user=request.user, order=self.get_object())
        return self._respond(order)

    @extend_schema(request=ConfirmInputSerializer, responses={200: PurchaseOrderSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = self.get_object()
        data = ConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promised: dict[int, date] = {}
        for line in data.validated_data["lines"]:
            if line["line"] in promised:
                raise ApplicationError(
                    f"Line {line['line']} appears twice.", {"fields": {"lines": [f"Line {line['line']} twice."]}}
                )
            promised[line["line"]] = line["promised_date"]
        order = services.purchase_order_confirm(acting_user=request.user, order=order, promised_dates=promised)
        return self._respond(order)

    @extend_schema(request=ReceiveInputSerializer, responses={200: PurchaseOrderSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        order = self.get_object()
        data = ReceiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        received_on = data.validated_data["date"]
        entries = [
            services.ReceiptInput(
                line=line["line"],
                received=line["received"],
                accepted=line["accepted"],
                rejected=line["rejected"],
                received_on=received_on,
            )
            for line in data.validated_data["lines"]
        ]
        order = services.purchase_order_receive(
            acting_user=request.user, order=order, receipts=entries, note=data.validated_data["note"]
        )
        return self._respond(order)

    @extend_schema(request=CancelInputSerializer, responses={200: PurchaseOrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.purchase_order_cancel(acting_user=request.user, order=order, **data.validated_data)
        return self._respond(order)


# --- scorecards -------------------------------------------------------------------------------


class ReceiptSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="line.order.number", read_only=True)
    line = serializers.IntegerField(source="line.line_number", read_only=True)
    sku = serializers.CharField(source="line.item.sku", read_only=True)
    promised_date = serializers.DateField(source="line.promised_date", read_only=True)
    on_time = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "order",
            "line",
            "sku",
            "received_on",
            "promised_date",
            "on_time",
            "received_qty",
            "accepted_qty",
            "rejected_qty",
        ]
        read_only_fields = fields

    def get_on_time(self, receipt: Receipt) -> bool:
        return receipt.received_on <= receipt.line.promised_date


class ScorecardSerializer(serializers.Serializer):
    supplier = serializers.CharField(source="supplier.code")
    start = serializers.DateField()
    end = serializers.DateField()
    window_days = serializers.IntegerField()
    receipt_count = serializers.IntegerField()
    on_time_count = serializers.IntegerField()
    received_qty = serializers.IntegerField()
    accepted_qty = serializers.IntegerField()
    priced_offers = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    quality_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    price_index = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    receipts = ReceiptSerializer(many=True)


class ScorecardQuerySerializer(StrictInputSerializer):
    window = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW_DAYS, default=DEFAULT_WINDOW_DAYS)
    date = serializers.DateField(required=False, allow_null=True, default=None)


SCORECARD_PARAMETERS = [
    OpenApiParameter("window", int, description=f"Days in the window, default {DEFAULT_WINDOW_DAYS}."),
    OpenApiParameter("date", date, description="Last day of the window (default: today, Asia/Shanghai)."),
]


class ScorecardPermission(BasePermission):
    """A scorecard shows receipts: it needs the supplier and purchase-order view permissions."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(SCORECARD_PERMISSIONS))


SCORECARD_PERMISSIONS = ("procurement.view_supplier", "procurement.view_purchaseorder")


def scorecard_response(request, supplier: Supplier) -> Response:
    query = ScorecardQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    card: Scorecard = selectors.supplier_scorecard(
        supplier=supplier, on=query.validated_data["date"], window_days=query.validated_data["window"]
    )
    return Response(ScorecardSerializer(card).data)


# --- what a supplier's integration user reads -------------------------------------------------


class RequirementSerializer(serializers.Serializer):
    sku = serializers.CharField()
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W48.")
    quantity = serializers.IntegerField()


class IsSupplierUser(IsAuthenticated):
    message = "Only a supplier's integration user can read its requirements."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and selectors.supplier_of_user(request.user) is not None


class SupplierRequirementsView(APIView):
    """The requirement forecast of the calling supplier's components, by ISO week.

    Each entry is ``{"sku", "week", "quantity"}``: what the latest MRP run plans to buy from this
    supplier. Empty until planning has run.
    """

    token_scopes = (
        "staff",
        "supplier",
    )

    permission_classes = [IsSupplierUser]

    @extend_schema(
        responses={
            200: inline_serializer(
                "SupplierRequirements",
                {"supplier": serializers.CharField(), "results": RequirementSerializer(many=True)},
            )
        },
        tags=["supplier"],
    )
    def get(self, request):
        supplier = selectors.supplier_list().get(pk=selectors.supplier_of_user(request.user))
        return Response(
            {"supplier": supplier.code, "results": selectors.supplier_requirements(supplier_id=supplier.pk)}
        )

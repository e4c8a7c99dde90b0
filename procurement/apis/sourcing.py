"""REST resources of procurement: suppliers, component profiles and supplier offers."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from procurement import selectors, services
from procurement.apis.purchasing import (
    SCORECARD_PARAMETERS,
    ScorecardPermission,
    ScorecardSerializer,
    scorecard_response,
)
from procurement.filters import ComponentProfileFilter, SupplierFilter, SupplierOfferFilter
from procurement.models import (
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_BREAKS,
    MIN_UNIT_PRICE,
    ComponentProfile,
    PriceBreak,
    Supplier,
    SupplierOffer,
)


class SupplierSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id", read_only=True)
    # Read-only model fields lose blank=True, so the schema would demand an e-mail where "" is stored.
    contact_email = serializers.EmailField(read_only=True, allow_blank=True)

    class Meta:
        model = Supplier
        fields = [
            "code",
            "name",
            "country",
            "currency",
            "contact_name",
            "contact_email",
            "contact_phone",
            "payment_terms",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SupplierInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    country = serializers.CharField(min_length=2, max_length=2)
    currency = serializers.CharField(max_length=3, default="CNY")
    contact_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    contact_email = serializers.EmailField(allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, default="")
    payment_terms = serializers.ChoiceField(choices=Supplier.Terms.choices, default=Supplier.Terms.NET60)


class SupplierUpdateSerializer(SupplierInputSerializer):
    # Accepted so that the service can say why it cannot change.
    code = serializers.CharField(max_length=32, required=False)


class SupplierStatusInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=Supplier.Status.choices)
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class SupplierChangePermission(ModelPermissions):
    """A status change is a change of the supplier (blocking is checked by the service)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


def _with_currency(fields: dict) -> dict:
    if "currency" in fields:
        fields["currency"] = erp_selectors.currency_get(code=fields["currency"])
    return fields


class SupplierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Suppliers, addressed by code. Their status changes through ``POST <code>/status/``."""

    queryset = selectors.supplier_list()
    serializer_class = SupplierSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = SupplierFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "country", "status", "updated_at"]
    ordering = ["code"]

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    @extend_schema(request=SupplierInputSerializer, responses={201: SupplierSerializer})
    def create(self, request):
        data = SupplierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = services.supplier_create(acting_user=request.user, **_with_currency(dict(data.validated_data)))
        return Response(SupplierSerializer(supplier).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SupplierUpdateSerializer, responses={200: SupplierSerializer})
    def partial_update(self, request, code=None):
        supplier = self.get_object()
        data = SupplierUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = _with_currency(dict(data.validated_data))
        supplier = services.supplier_update(acting_user=request.user, supplier=supplier, **fields)
        return Response(SupplierSerializer(supplier).data)

    @extend_schema(request=SupplierStatusInputSerializer, responses={200: SupplierSerializer})
    @action(detail=True, methods=["post"], url_path="status", permission_classes=[SupplierChangePermission])
    def set_status(self, request, code=None):
        supplier = self.get_object()
        data = SupplierStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = services.supplier_set_status(acting_user=request.user, supplier=supplier, **data.validated_data)
        return Response(SupplierSerializer(supplier).data)

    @extend_schema(parameters=SCORECARD_PARAMETERS, responses={200: ScorecardSerializer})
    @action(detail=True, methods=["get"], url_path="scorecard", permission_classes=[ScorecardPermission])
    def scorecard(self, request, code=None):
        """On-time, quality, price index and score over a rolling window, with the receipts behind them."""
        return scorecard_response(request, self.get_object())


class ComponentProfileSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)

    class Meta:
        model = ComponentProfile
        fields = ["sku", "item_name", "kind", "category", "customised", "default_lead_time_days", "updated_at"]
        read_only_fields = fields


class ComponentProfileInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    category = serializers.ChoiceField(choices=ComponentProfile.Category.choices)
    customised = serializers.BooleanField(default=False)
    default_lead_time_days = serializers.IntegerField(min_value=0, max_value=MAX_LEAD_TIME_DAYS, default=0)


class ComponentProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Procurement's profile of a component or assembly, addressed by SKU. Posting a SKU again updates it."""

    queryset = selectors.component_profile_list()
    serializer_class = ComponentProfileSerializer
    lookup_field = "item__sku"
    lookup_url_kwarg = "sku"
    lookup_value_regex = "[^/]+"
    filterset_class = ComponentProfileFilter
    search_fields = ["item__sku", "item__name"]
    ordering_fields = ["item__sku", "category", "default_lead_time_days"]
    ordering = ["item__sku"]

    def get_object(self):
        self.kwargs["sku"] = self.kwargs["sku"].upper()
        return super().get_object()

    @extend_schema(request=ComponentProfileInputSerializer, responses={201: ComponentProfileSerializer})
    def create(self, request):
        data = ComponentProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        item = erp_selectors.item_get(sku=fields.pop("sku"))
        profile = services.component_profile_set(acting_user=request.user, item=item, **fields)
        return Response(ComponentProfileSerializer(profile).data, status=status.HTTP_201_CREATED)


class PriceBreakSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceBreak
        fields = ["min_qty", "unit_price"]
        read_only_fields = fields


class SupplierOfferSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    currency = serializers.CharField(source="currency_id", read_only=True)
    breaks = PriceBreakSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierOffer
        fields = [
            "id",
            "supplier",
            "sku",
            "item_name",
            "currency",
            "moq",
            "order_multiple",
            "lead_time_days",
            "valid_from",
            "valid_to",
            "note",
            "breaks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PriceBreakInputSerializer(StrictInputSerializer):
    min_qty = serializers.IntegerField(min_value=1)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=6, min_value=MIN_UNIT_PRICE)


class SupplierOfferInputSerializer(StrictInputSerializer):
    supplier = serializers.CharField(max_length=32)
    sku = serializers.CharField(max_length=64)
    currency = serializers.CharField(max_length=3)
    moq = serializers.IntegerField(min_value=1, default=1)
    order_multiple = serializers.IntegerField(min_value=1, default=1)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=MAX_LEAD_TIME_DAYS, default=0)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True, default=None)
    note = serializers.CharField(max_length=200, allow_blank=True, default="")
    breaks = PriceBreakInputSerializer(many=True, allow_empty=False, max_length=MAX_PRICE_BREAKS)


class SupplierOfferUpdateSerializer(SupplierOfferInputSerializer):
    # Accepted so that the service can say why they cannot change.
    supplier = serializers.CharField(max_length=32, required=False)
    sku = serializers.CharField(max_length=64, required=False)


def _offer_fields(fields: dict) -> dict:
    fields = _with_currency(fields)
    if "breaks" in fields:
        fields["breaks"] = [(b["min_qty"], b["unit_price"]) for b in fields["breaks"]]
    return fields


class SupplierOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What suppliers offer components for: terms and price breaks over a validity period."""

    queryset = selectors.supplier_offer_list()
    serializer_class = SupplierOfferSerializer
    filterset_class = SupplierOfferFilter
    search_fields = ["item__sku", "item__name", "supplier__code", "supplier__name"]
    ordering_fields = ["supplier__code", "item__sku", "valid_from", "lead_time_days", "updated_at"]
    ordering = ["supplier__code", "item__sku", "valid_from"]

    @extend_schema(request=SupplierOfferInputSerializer, responses={201: SupplierOfferSerializer})
    def create(self, request):
        data = SupplierOfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _offer_fields(dict(data.validated_data))
        code = fields.pop("supplier")
        supplier = selectors.supplier_list().filter(code=code.strip().upper()).first()
        if supplier is None:
            raise ApplicationError(
                f"No supplier with the code '{code}'.", {"fields": {"supplier": [f"Unknown supplier '{code}'."]}}
            )
        item = erp_selectors.item_get(sku=fields.pop("sku"))
        offer = services.supplier_offer_create(acting_user=request.user, supplier=supplier, item=item, **fields)
        return Response(SupplierOfferSerializer(selectors.supplier_offer_list().get(pk=offer.pk)).data, status=201)

    @extend_schema(request=SupplierOfferUpdateSerializer, responses={200: SupplierOfferSerializer})
    def partial_update(self, request, pk=None):
        offer = self.get_object()
        data = SupplierOfferUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = _offer_fields(dict(data.validated_data))
        if fields.get("supplier", offer.supplier.code).strip().upper() == offer.supplier.code:
            fields.pop("supplier", None)
        if fields.get("sku", offer.item.sku).strip().upper() == offer.item.sku:
            fields.pop("sku", None)
        offer = services.supplier_offer_update(acting_user=request.user, offer=offer, **fields)
        return Response(SupplierOfferSerializer(selectors.supplier_offer_list().get(pk=offer.pk)).data)

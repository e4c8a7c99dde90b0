"""REST resources of the kernel: items, prices, currencies, FX rates."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from erp import selectors, services
from erp.api.serializers import StrictInputSerializer
from erp.filters import FxRateFilter, ItemFilter, PriceFilter
from erp.models import MAX_BATCH_MULTIPLE, MAX_CASE_PACK, MAX_RATE, MIN_MONEY, MIN_RATE, Currency, FxRate, Item, Price


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = [
            "sku",
            "name",
            "kind",
            "unit",
            "lifecycle_status",
            "batch_multiple",
            "case_pack",
            "family",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ItemInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Item.Kind.choices)
    unit = serializers.ChoiceField(choices=Item.Unit.choices, default=Item.Unit.PIECE)
    lifecycle_status = serializers.ChoiceField(choices=Item.Lifecycle.choices, default=Item.Lifecycle.ACTIVE)
    batch_multiple = serializers.IntegerField(min_value=1, max_value=MAX_BATCH_MULTIPLE, default=1)
    case_pack = serializers.IntegerField(min_value=1, max_value=MAX_CASE_PACK, default=1)
    family = serializers.CharField(max_length=100, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")


class ItemUpdateSerializer(ItemInputSerializer):
    # Accepted so that the service can say why it cannot change.
    sku = serializers.CharField(max_length=64, required=False)


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items (products, assemblies, components), addressed by SKU."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"
    filterset_class = ItemFilter
    search_fields = ["sku", "name"]
    ordering_fields = ["sku", "name", "kind", "lifecycle_status", "updated_at"]
    ordering = ["sku"]

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    @extend_schema(request=ItemInputSerializer, responses={201: ItemSerializer})
    def create(self, request):
        data = ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(acting_user=request.user, **data.validated_data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemUpdateSerializer, responses={200: ItemSerializer})
    def partial_update(self, request, sku=None):
        item = self.get_object()
        data = ItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.item_update(acting_user=request.user, item=item, **data.validated_data)
        return Response(ItemSerializer(item).data)


class PriceSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = Price
        fields = [
            "id",
            "sku",
            "item_name",
            "list_price",
            "retailer_price",
            "valid_from",
            "valid_to",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


_money = {"max_digits": 12, "decimal_places": 2, "min_value": MIN_MONEY}


class PriceInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    list_price = serializers.DecimalField(**_money)
    retailer_price = serializers.DecimalField(**_money)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class PriceUpdateSerializer(PriceInputSerializer):
    sku = None


class PriceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The price list: list and retailer price per product and period, in CNY."""

    queryset = selectors.price_list()
    serializer_class = PriceSerializer
    filterset_class = PriceFilter
    search_fields = ["item__sku", "item__name"]
    ordering_fields = ["valid_from", "list_price", "retailer_price", "item__sku"]
    ordering = ["item__sku", "-valid_from"]

    @extend_schema(request=PriceInputSerializer, responses={201: PriceSerializer})
    def create(self, request):
        data = PriceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        item = selectors.item_get(sku=fields.pop("sku"))
        price = services.price_create(acting_user=request.user, item=item, **fields)
        return Response(PriceSerializer(price).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PriceUpdateSerializer, responses={200: PriceSerializer})
    def partial_update(self, request, pk=None):
        price = self.get_object()
        data = PriceUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        price = services.price_update(acting_user=request.user, price=price, **data.validated_data)
        return Response(PriceSerializer(price).data)


class CurrencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Currency
        fields = ["code", "name", "decimal_places", "is_active"]
        read_only_fields = fields


class CurrencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Currency.objects.all()
    serializer_class = CurrencySerializer
    lookup_value_regex = "[A-Za-z]{3}"
    search_fields = ["code", "name"]
    ordering = ["code"]
    pagination_class = None

    def get_object(self):
        self.kwargs["pk"] = self.kwargs["pk"].upper()
        return super().get_object()


class FxRateSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id", read_only=True)

    class Meta:
        model = FxRate
        fields = ["id", "currency", "date", "rate", "source", "updated_at"]
        read_only_fields = fields


class FxRateInputSerializer(StrictInputSerializer):
    currency = serializers.CharField(max_length=3)
    date = serializers.DateField()
    rate = serializers.DecimalField(max_digits=18, decimal_places=8, min_value=MIN_RATE, max_value=MAX_RATE)
    source = serializers.CharField(max_length=64, allow_blank=True, default="")


class FxRateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Daily FX rates: CNY per unit of a currency. Posting the same currency and day replaces the rate."""

    queryset = selectors.fx_rate_list()
    serializer_class = FxRateSerializer
    filterset_class = FxRateFilter
    ordering_fields = ["date", "currency", "rate"]
    ordering = ["-date", "currency"]

    @extend_schema(request=FxRateInputSerializer, responses={201: FxRateSerializer})
    def create(self, request):
        data = FxRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        currency = selectors.currency_get(code=fields.pop("currency"))
        fx = services.fx_rate_upsert(acting_user=request.user, currency=currency, **fields)
        return Response(FxRateSerializer(fx).data, status=status.HTTP_201_CREATED)

"""REST resources of procurement: suppliers and component profiles."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from procurement import selectors, services
from procurement.filters import ComponentProfileFilter, SupplierFilter
from procurement.models import MAX_LEAD_TIME_DAYS, ComponentProfile, Supplier


class SupplierSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id", read_only=True)

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

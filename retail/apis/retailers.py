"""REST resource ``/api/v1/retailers/``, addressed by code.

Staff need the model permissions (view to read; add/change to create/update; change for the status).
A retailer user (or its token) sees only its own retailer: the list has one row, and any other code is a
404, never a 403, so codes of other companies cannot be probed. Retailer users cannot write here.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from retail import selectors, services
from retail.filters import RetailerFilter
from retail.models import Retailer, RetailerStatus, RetailerTier

RETAILER_ACTIONS = {"list", "retrieve"}


class RetailerPermission(ModelPermissions):
    """Staff: model permissions (a status change needs ``change_retailer``). Retailer users: read their own."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.add_%(model_name)s"]}

    def has_permission(self, request, view):
        if selectors.retailer_of_user(request.user) is not None:
            # Writes are refused per retailer, after the lookup: another company's code stays a 404.
            return view.action in RETAILER_ACTIONS or view.detail
        if view.action == "set_status":
            return bool(
                request.user and request.user.is_authenticated and request.user.has_perm("retail.change_retailer")
            )
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if selectors.retailer_of_user(request.user) is not None:
            return view.action in RETAILER_ACTIONS
        return True


def _account_amount(name: str) -> serializers.DecimalField:
    """A figure of the retailer's prepayment account; null for a retailer that has none yet."""
    return serializers.DecimalField(
        source=f"prepayment_account.{name}",
        max_digits=16,
        decimal_places=2,
        read_only=True,
        default=None,
        allow_null=True,
    )


class RetailerSerializer(serializers.ModelSerializer):
    balance = _account_amount("balance")
    held = _account_amount("held")
    available = _account_amount("available")
    # Read-only model fields lose blank=True, so the schema would demand an e-mail where "" is stored.
    contact_email = serializers.EmailField(read_only=True, allow_blank=True)

    class Meta:
        model = Retailer
        fields = [
            "code",
            "legal_name",
            "region",
            "tier",
            "status",
            "contact_name",
            "contact_email",
            "contact_phone",
            "payment_terms",
            "note",
            "balance",
            "held",
            "available",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OwnRetailerSerializer(RetailerSerializer):
    """What a retailer's own users see: no internal note."""

    class Meta(RetailerSerializer.Meta):
        fields = [name for name in RetailerSerializer.Meta.fields if name != "note"]
        read_only_fields = fields


class RetailerInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=32)
    legal_name = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=64)
    tier = serializers.ChoiceField(choices=RetailerTier.choices, default=RetailerTier.STANDARD)
    status = serializers.ChoiceField(choices=RetailerStatus.choices, default=RetailerStatus.ACTIVE)
    contact_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    contact_email = serializers.EmailField(allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, default="")
    payment_terms = serializers.CharField(max_length=200, default="100% prepayment")
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class RetailerUpdateSerializer(StrictInputSerializer):
    # ``code`` and ``status`` are accepted so that the service can say why they cannot change here.
    code = serializers.CharField(max_length=32, required=False)
    status = serializers.CharField(max_length=10, required=False)
    legal_name = serializers.CharField(max_length=200, required=False)
    region = serializers.CharField(max_length=64, required=False)
    tier = serializers.ChoiceField(choices=RetailerTier.choices, required=False)
    contact_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    contact_email = serializers.EmailField(allow_blank=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    payment_terms = serializers.CharField(max_length=200, required=False)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    reason = serializers.CharField(max_length=100, allow_blank=True, required=False)


class RetailerStatusInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=RetailerStatus.choices)
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class RetailerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Retailers with their prepayment balance. ``POST <code>/status/`` changes the status."""

    token_scopes = (
        "staff",
        "retailer",
    )

    queryset = Retailer.objects.none()  # for the permission class's model lookup; see get_queryset
    serializer_class = RetailerSerializer
    permission_classes = [RetailerPermission]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = RetailerFilter
    search_fields = ["code", "legal_name", "contact_name", "contact_email"]
    ordering_fields = ["code", "legal_name", "region", "tier", "status", "balance_cents", "updated_at"]
    ordering = ["code"]

    def get_queryset(self):
        return selectors.retailers_visible_to(self.request.user)

    def get_serializer_class(self):
        if selectors.retailer_of_user(self.request.user) is not None:
            return OwnRetailerSerializer
        return RetailerSerializer

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    @extend_schema(request=RetailerInputSerializer, responses={201: RetailerSerializer})
    def create(self, request):
        data = RetailerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retailer = services.retailer_create(acting_user=request.user, **data.validated_data)
        return Response(RetailerSerializer(retailer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RetailerUpdateSerializer, responses={200: RetailerSerializer})
    def partial_update(self, request, code=None):
        retailer = self.get_object()
        data = RetailerUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        retailer = services.retailer_update(acting_user=request.user, retailer=retailer, **data.validated_data)
        retailer.refresh_from_db()
        return Response(RetailerSerializer(retailer).data)

    @extend_schema(request=RetailerStatusInputSerializer, responses={200: RetailerSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, code=None):
        retailer = self.get_object()
        data = RetailerStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retailer = services.retailer_set_status(acting_user=request.user, retailer=retailer, **data.validated_data)
        return Response(RetailerSerializer(retailer).data)

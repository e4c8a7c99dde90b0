"""REST resource of allocation runs: ``/api/v1/allocations/``.

Staff:
- ``POST /api/v1/allocations/`` ``{"sku", "quantity", "method", "tiers", "apply"}`` previews a run
  (``retail.add_allocationrun``) and, with ``"apply": true``, applies it at once (also
  ``retail.apply_allocationrun``); 201 with the run, its lines and a per-retailer summary.
- ``POST /api/v1/allocations/<id>/apply/`` applies a preview (``retail.apply_allocationrun``).
- ``GET`` list (summaries) and retrieve (with lines) need ``retail.view_allocationrun``.

A retailer's user or token sees only *applied* runs holding one of its lines, and in them only its
own lines and no totals of other retailers; another run's id is a 404; any POST is a 403.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.models import Item
from retail import selectors, services
from retail.filters_allocations import AllocationRunFilter
from retail.models import AllocationLine, AllocationRun

ADD = "retail.add_allocationrun"
APPLY = "retail.apply_allocationrun"
MAX_QTY = 2_147_483_647


class AllocationPermission(ModelPermissions):
    """Staff: view to read, add to preview, add + apply to apply. Retailers: reads only, scoped in the view."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if selectors.allocation_retailer_of_user(user) is not None:
            return view.action in {"list", "retrieve"}
        if view.action == "apply":
            return user.has_perms(["retail.view_allocationrun", APPLY])
        if view.action == "create":
            needed = [ADD, APPLY] if _wants_apply(request) else [ADD]
            return user.has_perms(needed)
        return super().has_permission(request, view)


def _wants_apply(request) -> bool:
    data = request.data if isinstance(request.data, dict) else {}
    return data.get("apply") is True


class AllocationLineSerializer(serializers.ModelSerializer):
    retailer = serializers.CharField(source="retailer.code", read_only=True)
    retailer_name = serializers.CharField(source="retailer.legal_name", read_only=True)
    order = serializers.CharField(source="order_line.order.number", read_only=True)
    order_line = serializers.IntegerField(source="order_line_id", read_only=True)
    requested_week = serializers.DateField(source="order_line.requested_week", read_only=True)
    confirmed_at = serializers.DateTimeField(source="order_line.order.confirmed_at", read_only=True)
    weight = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, coerce_to_string=True)
    fill_rate = serializers.SerializerMethodField()

    class Meta:
        model = AllocationLine
        fields = [
            "retailer",
            "retailer_name",
            "tier",
            "order",
            "order_line",
            "requested_week",
            "confirmed_at",
            "requested",
            "weight",
            "allocated",
            "fill_rate",
        ]
        read_only_fields = fields

    def get_fill_rate(self, line) -> str:
        return f"{line.fill_rate:.4f}"


def _fill(allocated: int, requested: int) -> str:
    return f"{(allocated / requested if requested else 1):.4f}"


class AllocationRunSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: a second "method"/"status" enum would collide with other resources' names.
    method = serializers.CharField(read_only=True, help_text="fcfs, pro_rata or by_prepayment")
    status = serializers.CharField(read_only=True, help_text="preview or applied")
    sku = serializers.CharField(source="item.sku", read_only=True)
    product = serializers.CharField(source="item.name", read_only=True)
    tiers = serializers.BooleanField(source="use_tiers", read_only=True)
    fill_rate = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    applied_by = serializers.CharField(source="applied_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AllocationRun
        fields = [
            "id",
            "sku",
            "product",
            "method",
            "tiers",
            "quantity",
            "requested_total",
            "allocated_total",
            "fill_rate",
            "status",
            "created_by",
            "created_at",
            "applied_by",
            "applied_at",
        ]
        read_only_fields = fields

    def get_fill_rate(self, run) -> str:
        return _fill(run.allocated_total, run.requested_total)


class AllocationRunDetailSerializer(AllocationRunSerializer):
    """A run with its lines (by tier, retailer code, line) and one summary row per retailer."""

    retailers = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    class Meta(AllocationRunSerializer.Meta):
        fields = [*AllocationRunSerializer.Meta.fields, "retailers", "lines"]
        read_only_fields = fields

    def _lines(self, run):
        if not hasattr(run, "_api_lines"):
            run._api_lines = list(selectors.allocation_lines_of(run))
        return run._api_lines

    def get_lines(self, run) -> list[dict]:
        return AllocationLineSerializer(self._lines(run), many=True).data

    def get_retailers(self, run) -> list[dict]:
        totals: dict[str, dict] = {}
        for line in self._lines(run):
            row = totals.setdefault(
                line.retailer.code, {"retailer": line.retailer.code, "tier": line.tier, "requested": 0, "allocated": 0}
            )
            row["requested"] += line.requested
            row["allocated"] += line.allocated
        for row in totals.values():
            row["fill_rate"] = _fill(row["allocated"], row["requested"])
        return list(totals.values())


class RetailerAllocationRunSerializer(serializers.ModelSerializer):
    """What a retailer sees of an applied run: the product, the method and its own lines."""

    method = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    product = serializers.CharField(source="item.name", read_only=True)
    tiers = serializers.BooleanField(source="use_tiers", read_only=True)
    lines = AllocationLineSerializer(source="own_lines", many=True, read_only=True)

    class Meta:
        model = AllocationRun
        fields = ["id", "sku", "product", "method", "tiers", "status", "applied_at", "lines"]
        read_only_fields = fields


class AllocationRunInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)
    method = serializers.CharField(max_length=16, help_text="fcfs, pro_rata or by_prepayment")  # checked by the service
    tiers = serializers.BooleanField(default=False)
    apply = serializers.BooleanField(default=False)


class AllocationRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Allocation runs: preview (and apply) with POST; read with GET."""

    token_scopes = (
        "staff",
        "retailer",
    )

    permission_classes = [AllocationPermission]
    filterset_class = AllocationRunFilter
    ordering_fields = ["created_at", "quantity", "requested_total", "allocated_total"]
    ordering = ["-created_at", "-pk"]
    queryset = AllocationRun.objects.none()

    def _retailer(self):
        if not hasattr(self, "_retailer_cache"):
            self._retailer_cache = selectors.allocation_retailer_of_user(self.request.user)
        return self._retailer_cache

    def get_queryset(self):
        retailer = self._retailer()
        if retailer is not None:
            return selectors.allocation_runs_of_retailer(retailer)
        return selectors.allocation_run_list()

    def get_serializer_class(self):
        if self._retailer() is not None:
            return RetailerAllocationRunSerializer
        return AllocationRunDetailSerializer if self.action != "list" else AllocationRunSerializer

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit():
            raise Http404
        run = self.get_queryset().filter(pk=int(pk)).first()
        if run is None:
            raise Http404
        self.check_object_permissions(self.request, run)
        return run

    def _respond(self, run: AllocationRun, code: int) -> Response:
        fresh = selectors.allocation_run_list().get(pk=run.pk)
        return Response(AllocationRunDetailSerializer(fresh).data, status=code)

    @extend_schema(request=AllocationRunInputSerializer, responses={201: AllocationRunDetailSerializer})
    def create(self, request):
        data = AllocationRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields["apply"] and not request.user.has_perm(APPLY):  # whatever the body's encoding
            raise PermissionDenied("Applying an allocation run needs the apply permission.")
        sku = fields["sku"].strip().upper()
        item = Item.objects.filter(sku=sku).first()
        if item is None:
            raise ApplicationError(f"No item has the SKU '{sku}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}})
        run = services.allocation_run_execute(
            acting_user=request.user,
            item=item,
            quantity=fields["quantity"],
            method=fields["method"],
            use_tiers=fields["tiers"],
            apply=fields["apply"],
        )
        return self._respond(run, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AllocationRunDetailSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        run = self.get_object()
        return self._respond(services.allocation_run_apply(acting_user=request.user, run=run), status.HTTP_200_OK)

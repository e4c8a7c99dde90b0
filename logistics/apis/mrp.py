"""REST for MRP: start a run, read the latest run's shortages and planned orders."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.weeks import IsoWeek
from logistics.models import MrpPlannedOrder, MrpRun
from logistics.selectors.mrp import mrp_latest_run, mrp_pending_run, mrp_planned_orders, mrp_shortages
from logistics.services.mrp import mrp_run_request


class CanViewMrp(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("logistics.view_mrprun")):
            return False
        return request.method in ("GET", "HEAD", "OPTIONS") or user.has_perm("logistics.add_mrprun")


class MrpRunSerializer(serializers.ModelSerializer):
    first_week = serializers.SerializerMethodField()

    class Meta:
        model = MrpRun
        fields = [
            "id",
            "status",
            "reason",
            "first_week",
            "weeks",
            "requested_at",
            "started_at",
            "finished_at",
            "part_count",
            "shortage_count",
            "error",
        ]
        read_only_fields = fields

    def get_first_week(self, run) -> str | None:
        return IsoWeek.of(run.from_week).key if run.from_week else None


class MrpRunStateSerializer(serializers.Serializer):
    """Documents GET /mrp/run/: the latest finished run and the one in progress, each null when there is none."""

    latest = MrpRunSerializer(allow_null=True)
    pending = MrpRunSerializer(allow_null=True)


class MrpRunView(APIView):
    """``GET``: the latest finished run and any run in progress. ``POST``: queue a run (202)."""

    permission_classes = [CanViewMrp]

    @extend_schema(responses={200: MrpRunStateSerializer}, tags=["mrp"])
    def get(self, request):
        latest, pending = mrp_latest_run(), mrp_pending_run()
        return Response(
            {
                "latest": MrpRunSerializer(latest).data if latest else None,
                "pending": MrpRunSerializer(pending).data if pending else None,
            }
        )

    @extend_schema(request=None, responses={202: MrpRunSerializer}, tags=["mrp"])
    def post(self, request):
        run = mrp_run_request(acting_user=request.user, reason="requested through the API")
        run.refresh_from_db()
        return Response(MrpRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class PlannedOrderSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="part.item.sku")
    supplier = serializers.CharField(source="part.supplier.code", default=None, allow_null=True)
    need_week = serializers.SerializerMethodField()
    release_week = serializers.SerializerMethodField()
    lead_time_days = serializers.IntegerField(source="part.lead_time_days")
    affected_products = serializers.ListField(source="part.products", child=serializers.CharField())
    purchase_order = serializers.CharField(source="purchase_order.number", default=None, allow_null=True)

    class Meta:
        model = MrpPlannedOrder
        fields = [
            "id",
            "sku",
            "supplier",
            "quantity",
            "need_week",
            "release_week",
            "weeks_late",
            "lead_time_days",
            "affected_products",
            "purchase_order",
        ]
        read_only_fields = fields

    def get_need_week(self, order) -> str:
        return IsoWeek.of(order.need_week).key

    def get_release_week(self, order) -> str:
        return IsoWeek.of(order.release_week).key


class _LatestRunList(generics.ListAPIView):
    permission_classes = [CanViewMrp]
    serializer_class = PlannedOrderSerializer
    filter_backends: list = []

    def rows(self, run):
        raise NotImplementedError

    def get_queryset(self):
        run = mrp_latest_run()
        return self.rows(run) if run else MrpPlannedOrder.objects.none()


class MrpShortageListView(_LatestRunList):
    """The latest run's shortages: planned receipts whose order week has passed, most weeks late first."""

    def rows(self, run):
        return mrp_shortages(run=run)


class MrpSuggestionListView(_LatestRunList):
    """The latest run's planned orders (purchase suggestions for the chosen supplier)."""

    def rows(self, run):
        return mrp_planned_orders(run=run)

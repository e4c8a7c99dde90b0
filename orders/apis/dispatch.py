"""REST resources of dispatch on arrival.

- ``GET /api/v1/dispatch-runs/`` (filters ``warehouse``, ``trigger``, ``sku``, ``q``, ``started_after``,
  ``started_before``; ``ordering``) and ``GET /api/v1/dispatch-runs/<id>/`` with its lines:
  ``orders.view_dispatchrun``;
- ``POST /api/v1/dispatch-runs/ {"warehouse": "WH-SH", "skus": ["TP-X1-128"]}`` dispatches now
  (``orders.add_dispatchrun``; ``skus`` optional, all products when left out): 201 with the run;
- ``GET /api/v1/dispatch/waiting/`` (filters ``warehouse``, ``region``, ``sku``, ``kind``, ``q``):
  the waiting order lines, oldest first, paginated: ``orders.view_dispatchrun``.

Retailer users and tokens hold none of these permissions: 403 on every one.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.pagination import PagePagination
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from logistics.selectors import warehouse_list
from orders import selectors, services
from orders.filters import DispatchRunFilter, WaitingDemandFilterForm
from orders.models import DispatchLine, DispatchRun

VIEW = "orders.view_dispatchrun"


class DispatchLineSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order_number", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    shipment = serializers.CharField(source="shipment.number", read_only=True, default=None, allow_null=True)
    cross_docked = serializers.IntegerField(read_only=True)

    class Meta:
        model = DispatchLine
        fields = [
            "order_kind",
            "order",
            "consignee",
            "sku",
            "waiting_since",
            "quantity",
            "from_reservation",
            "cross_docked",
            "waiting_after",
            "shipment",
        ]
        read_only_fields = fields


class DispatchRunSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    # A plain string in the schema: another "trigger" enum would collide with other resources' names.
    trigger = serializers.CharField(read_only=True, help_text="receipt, manual, allocation or payment")
    receipt = serializers.CharField(source="trigger_shipment.number", read_only=True, default=None, allow_null=True)
    started_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    units_cross_docked = serializers.IntegerField(read_only=True)

    class Meta:
        model = DispatchRun
        fields = [
            "id",
            "warehouse",
            "region",
            "trigger",
            "receipt",
            "skus",
            "shipments_created",
            "lines_dispatched",
            "units_dispatched",
            "units_from_reservation",
            "units_cross_docked",
            "lines_waiting",
            "units_waiting",
            "started_at",
            "duration_ms",
            "started_by",
        ]
        read_only_fields = fields


class DispatchRunDetailSerializer(DispatchRunSerializer):
    lines = DispatchLineSerializer(many=True, read_only=True)

    class Meta(DispatchRunSerializer.Meta):
        fields = [*DispatchRunSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class DispatchRunInputSerializer(StrictInputSerializer):
    warehouse = serializers.CharField(max_length=32)
    skus = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=200)


class DispatchRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dispatch runs: read with GET; dispatch a warehouse now with POST."""

    filterset_class = DispatchRunFilter
    ordering_fields = ["started_at", "units_dispatched", "units_waiting", "duration_ms"]
    ordering = ["-started_at", "-pk"]
    queryset = DispatchRun.objects.none()

    def get_queryset(self):
        return selectors.dispatch_run_list()

    def get_serializer_class(self):
        return DispatchRunSerializer if self.action == "list" else DispatchRunDetailSerializer

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        run = selectors.dispatch_run_get(int(pk)) if pk.isdigit() else None
        if run is None:
            raise Http404
        self.check_object_permissions(self.request, run)
        return run

    @extend_schema(request=DispatchRunInputSerializer, responses={201: DispatchRunDetailSerializer})
    def create(self, request):
        data = DispatchRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        code = fields["warehouse"].strip().upper()
        warehouse = warehouse_list().filter(code=code).first()
        if warehouse is None:
            message = f"No active warehouse has the code '{code}'."
            raise ApplicationError(message, {"fields": {"warehouse": [message]}})
        skus = fields.get("skus")
        item_ids = services.dispatch_items_check(skus) if skus else None
        run = services.dispatch_run(acting_user=request.user, warehouse=warehouse, item_ids=item_ids)
        return Response(DispatchRunDetailSerializer(selectors.dispatch_run_get(run.pk)).data, status.HTTP_201_CREATED)


class CanViewDispatch(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(VIEW))


class WaitingLineSerializer(serializers.Serializer):
    order_kind = serializers.CharField(source="kind")
    order = serializers.CharField(source="number")
    consignee = serializers.CharField()
    region = serializers.CharField()
    sku = serializers.CharField()
    waiting = serializers.IntegerField()
    since = serializers.DateTimeField(allow_null=True)
    reserved = serializers.SerializerMethodField()

    def get_reserved(self, line) -> dict[str, int]:
        """Retailer lines: units reserved for the line per warehouse code."""
        codes = self.context["codes"]
        return {codes.get(pk, str(pk)): quantity for pk, quantity in sorted(line.reservations.items())}


class WaitingDemandView(APIView):
    """The order lines waiting for stock, oldest first (both kinds of order)."""

    permission_classes = [CanViewDispatch]
    # Declared (not only used in get) so that the schema documents the paginated body and ?page=.
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("warehouse", str, description="what this warehouse may serve (code)"),
            OpenApiParameter("region", str),
            OpenApiParameter("sku", str),
            OpenApiParameter("kind", str, description="retailer or consumer"),
            OpenApiParameter("q", str, description="order number or consignee"),
        ],
        responses={200: WaitingLineSerializer(many=True)},
    )
    def get(self, request):
        form = WaitingDemandFilterForm(request.query_params)
        if not form.is_valid():
            fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            name, texts = next(iter(fields.items()))
            raise ApplicationError(f"{name}: {texts[0]}", {"fields": fields})
        lines = selectors.waiting_demand(**form.selection())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lines, request, view=self)
        codes = dict(warehouse_list().values_list("pk", "code"))
        return paginator.get_paginated_response(WaitingLineSerializer(page, many=True, context={"codes": codes}).data)

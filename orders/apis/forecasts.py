"""REST resources of forecasting: versions, the forecast values, demand signals and sales actuals."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.serializers import StrictInputSerializer
from orders import selectors, services
from orders.apis.common import MAX_QTY, WeekField, items_by_sku, parse_window
from orders.filters import DemandSignalFilter, SalesActualFilter
from orders.forms import GENERATE_CHOICES
from orders.models import DemandSignal, ForecastMethod, ForecastValue, ForecastVersion, SalesActual
from orders.services.forecasts import MAX_GENERATE_WEEKS, MAX_MOVING_AVERAGE_N


class ForecastVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ForecastVersion
        fields = ["number", "name", "note", "is_current", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class ForecastVersionInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    copy_from = serializers.IntegerField(min_value=1, allow_null=True, default=None)
    empty = serializers.BooleanField(default=False)


class GenerateInputSerializer(StrictInputSerializer):
    method = serializers.ChoiceField(choices=GENERATE_CHOICES)
    n = serializers.IntegerField(min_value=1, max_value=MAX_MOVING_AVERAGE_N, allow_null=True, default=None)
    # "from" is a Python keyword: the field is declared below under that name.
    weeks = serializers.IntegerField(min_value=1, max_value=MAX_GENERATE_WEEKS, default=12)


GenerateInputSerializer._declared_fields["from"] = WeekField()


class VersionPermission(BasePermission):
    """Reading needs view_forecastversion; creating, switching and generating need the planning permissions."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return user.has_perm("orders.view_forecastversion")
        if view.action == "create":
            return user.has_perm("orders.add_forecastversion")
        return user.has_perms(["orders.change_forecastversion", "orders.add_forecastvalue"])


class ForecastVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Forecast versions, addressed by number. POST creates one (a copy of the current one unless ``empty``)."""

    serializer_class = ForecastVersionSerializer
    permission_classes = [VersionPermission]
    lookup_field = "number"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.forecast_version_list()

    @extend_schema(request=ForecastVersionInputSerializer, responses={201: ForecastVersionSerializer})
    def create(self, request):
        data = ForecastVersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        copy_from = None
        if fields["copy_from"] is not None:
            copy_from = selectors.forecast_version_get(number=fields["copy_from"])
        version = services.forecast_version_create(
            acting_user=request.user,
            name=fields["name"],
            note=fields["note"],
            copy_from=copy_from,
            copy_current=not fields["empty"],
        )
        return Response(ForecastVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ForecastVersionSerializer})
    @action(detail=True, methods=["post"], url_path="make-current")
    def make_current(self, request, number=None):
        version = services.forecast_version_make_current(acting_user=request.user, version=self.get_object())
        return Response(ForecastVersionSerializer(version).data)

    @extend_schema(request=GenerateInputSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def generate(self, request, number=None):
        version = self.get_object()
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        written = services.forecast_generate(
            acting_user=request.user,
            version=version,
            method=fields["method"],
            n=fields["n"],
            from_week=fields["from"],
            weeks=fields["weeks"],
        )
        return Response({"version": version.number, "written": written})


class ForecastCellSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    week = WeekField()
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class ForecastValuesInputSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, allow_null=True, default=None)
    values = ForecastCellSerializer(many=True, allow_empty=False, max_length=5000)


class ForecastValueSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    week = WeekField(read_only=True)

    class Meta:
        model = ForecastValue
        fields = ["sku", "week", "quantity", "method", "method_param"]
        read_only_fields = fields


class ForecastView(APIView):
    """GET ``?version=&from=2026-W48&weeks=12``: the version's values (default the current one).
    POST ``{"version": n|null, "values": [{"sku", "week", "quantity"}]}`` writes cells (method ``api``)."""

    queryset = ForecastValue.objects.none()  # for ModelPermissions

    @extend_schema(
        parameters=[
            OpenApiParameter("version", int),
            OpenApiParameter("from", str, description="ISO week, e.g. 2026-W48 (default this week)"),
            OpenApiParameter("weeks", int, description="1-52, default 12"),
        ],
        responses={200: None},
    )
    def get(self, request):
        version = selectors.forecast_version_get(number=request.query_params.get("version"))
        start, weeks = parse_window(request.query_params)
        values = selectors.forecast_value_list(version=version, from_week=start, weeks=weeks)
        return Response(
            {
                "version": version.number,
                "from": start.key,
                "weeks": weeks,
                "values": ForecastValueSerializer(values, many=True).data,
            }
        )

    @extend_schema(request=ForecastValuesInputSerializer, responses={200: None})
    def post(self, request):
        data = ForecastValuesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = selectors.forecast_version_get(number=data.validated_data["version"])
        cells = data.validated_data["values"]
        items = items_by_sku([cell["sku"] for cell in cells])
        written = services.forecast_values_set(
            acting_user=request.user,
            version=version,
            cells=[
                services.CellInput(items[cell["sku"].strip().upper()], cell["week"], cell["quantity"]) for cell in cells
            ],
            method=ForecastMethod.API,
        )
        return Response({"version": version.number, "written": written})


class DemandSignalSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    source = serializers.CharField(read_only=True, help_text="search, forum or social")
    week = WeekField(read_only=True)

    class Meta:
        model = DemandSignal
        fields = ["sku", "week", "source", "value", "updated_at"]
        read_only_fields = fields


class SignalInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    week = WeekField()
    # Checked by the service (search, forum or social); a plain string keeps the schema's enum names unique.
    source = serializers.CharField(max_length=10, help_text="search, forum or social")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class SignalsInputSerializer(StrictInputSerializer):
    signals = SignalInputSerializer(many=True, allow_empty=False, max_length=5000)


class DemandSignalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Demand signals; POST ``{"signals": [{"sku", "week", "source", "value"}]}`` creates or replaces them."""

    serializer_class = DemandSignalSerializer
    filterset_class = DemandSignalFilter
    ordering_fields = ["week", "item__sku", "source"]
    ordering = ["-week", "item__sku", "source"]

    def get_queryset(self):
        return selectors.demand_signal_list()

    @extend_schema(request=SignalsInputSerializer, responses={200: None})
    def create(self, request):
        data = SignalsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signals = data.validated_data["signals"]
        items = items_by_sku([s["sku"] for s in signals])
        written = services.demand_signals_import(
            acting_user=request.user,
            signals=[
                services.SignalInput(items[s["sku"].strip().upper()], s["week"], s["source"], s["value"])
                for s in signals
            ],
        )
        return Response({"written": written})


class SalesActualSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    week = WeekField(read_only=True)

    class Meta:
        model = SalesActual
        fields = ["sku", "week", "channel", "quantity", "updated_at"]
        read_only_fields = fields


class SalesActualInputSerializer(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    week = WeekField()
    channel = serializers.CharField(max_length=32, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class SalesActualViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Weekly sales actuals; POST one ``{"sku", "week", "channel", "quantity"}`` to set (replace) it."""

    serializer_class = SalesActualSerializer
    filterset_class = SalesActualFilter
    ordering_fields = ["week", "item__sku", "channel"]
    ordering = ["-week", "item__sku", "channel"]

    def get_queryset(self):
        return selectors.sales_actual_list()

    @extend_schema(request=SalesActualInputSerializer, responses={200: SalesActualSerializer})
    def create(self, request):
        data = SalesActualInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = items_by_sku([fields["sku"]])[fields["sku"].strip().upper()]
        actual = services.sales_actual_set(
            acting_user=request.user,
            item=item,
            week=fields["week"],
            quantity=fields["quantity"],
            channel=fields["channel"],
        )
        actual = get_object_or_404(selectors.sales_actual_list(), pk=actual.pk)
        return Response(SalesActualSerializer(actual).data)

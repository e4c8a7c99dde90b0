"""REST resources of factories, their capacity and the production schedule, and what a factory's
integration user may do.

A user linked to a factory (``FactoryUser``) reads its own factory (another factory is a 404), reads
its own lines of the locked schedule (``/factory/schedule/``) and posts its daily output
(``/factory/actuals/``); every staff endpoint is a 403 for it. Staff need the model permissions;
locking needs ``logistics.lock_scheduleversion``.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from erp import selectors as erp_selectors
from erp.api.permissions import ModelPermissions
from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from logistics import selectors, services
from logistics.models import Factory, FactoryCapacity, ProductionActual, ScheduleLine, ScheduleVersion

MAX_QTY = 2_147_483_647


def _item_by_sku(sku: str, field: str = "sku"):
    item = erp_selectors.item_list().filter(sku=(sku or "").strip().upper()).first()
    if item is None:
        raise ApplicationError(f"No item has the SKU '{sku}'.", {"fields": {field: [f"Unknown SKU '{sku}'."]}})
    return item


def _week(value: str, field: str = "week") -> IsoWeek:
    try:
        return IsoWeek.parse(value)
    except ApplicationError as error:
        raise ApplicationError(error.message, {"fields": {field: [error.message]}}) from error


# --- factories and capacity ---------------------------------------------------------------------


class FactoryCapacityNestedSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = FactoryCapacity
        fields = ["id", "sku", "item_name", "weekly_capacity"]
        read_only_fields = fields


class FactorySerializer(serializers.ModelSerializer):
    capacities = FactoryCapacityNestedSerializer(many=True, read_only=True)

    class Meta:
        model = Factory
        fields = ["code", "name", "country", "working_days", "is_active", "capacities", "created_at", "updated_at"]
        read_only_fields = fields


class FactoryInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    country = serializers.CharField(min_length=2, max_length=2, default="CN")
    working_days = serializers.CharField(max_length=7, default="1111110")
    is_active = serializers.BooleanField(default=True)


class FactoryUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    country = serializers.CharField(min_length=2, max_length=2, required=False)
    working_days = serializers.CharField(max_length=7, required=False)
    is_active = serializers.BooleanField(required=False)


class FactoryPermission(ModelPermissions):
    """Staff: model permissions. A factory user may read its own factory only (others are a 404)."""

    def has_permission(self, request, view):
        if selectors.factory_of_user(request.user) is not None:
            return view.action in {"list", "retrieve"}
        return super().has_permission(request, view)


class FactoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Factories, addressed by code, with their weekly capacity per product nested."""

    token_scopes = (
        "staff",
        "factory",
    )

    serializer_class = FactorySerializer
    permission_classes = [FactoryPermission]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "country"]
    ordering = ["code"]

    def get_queryset(self):
        queryset = selectors.factory_list()
        own = selectors.factory_of_user(self.request.user)
        return queryset if own is None else queryset.filter(pk=own)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), code=str(self.kwargs["code"]).strip().upper())

    def _respond(self, factory: Factory, code: int = status.HTTP_200_OK) -> Response:
        return Response(FactorySerializer(selectors.factory_list().get(pk=factory.pk)).data, status=code)

    @extend_schema(request=FactoryInputSerializer, responses={201: FactorySerializer})
    def create(self, request):
        data = FactoryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        factory = services.factory_create(acting_user=request.user, **data.validated_data)
        return self._respond(factory, status.HTTP_201_CREATED)

    @extend_schema(request=FactoryUpdateSerializer, responses={200: FactorySerializer})
    def partial_update(self, request, code=None):
        factory = self.get_object()
        data = FactoryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        factory = services.factory_update(acting_user=request.user, factory=factory, **data.validated_data)
        return self._respond(factory)


class FactoryCapacitySerializer(serializers.ModelSerializer):
    factory = serializers.CharField(source="factory.code", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)

    class Meta:
        model = FactoryCapacity
        fields = ["id", "factory", "sku", "weekly_capacity", "updated_at"]
        read_only_fields = fields


class FactoryCapacityInputSerializer(StrictInputSerializer):
    factory = serializers.CharField(max_length=32)
    sku = serializers.CharField(max_length=64)
    weekly_capacity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class FactoryCapacityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Weekly capacity per factory and product. POST sets one (creating or changing it)."""

    serializer_class = FactoryCapacitySerializer
    search_fields = ["factory__code", "item__sku"]
    ordering_fields = ["factory__code", "item__sku", "weekly_capacity"]
    ordering = ["factory__code", "item__sku"]

    def get_queryset(self):
        queryset = selectors.factory_capacity_list()
        params = self.request.query_params
        if params.get("factory"):
            queryset = queryset.filter(factory__code=params["factory"].strip().upper())
        if params.get("sku"):
            queryset = queryset.filter(item__sku=params["sku"].strip().upper())
        return queryset

    @extend_schema(
        request=FactoryCapacityInputSerializer,
        responses={201: FactoryCapacitySerializer},
        parameters=[OpenApiParameter("factory", str), OpenApiParameter("sku", str)],
    )
    def create(self, request):
        data = FactoryCapacityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        factory = selectors.factory_get(code=data.validated_data["factory"])
        item = _item_by_sku(data.validated_data["sku"])
        capacity = services.factory_capacity_set(
            acting_user=request.user,
            factory=factory,
            item=item,
            weekly_capacity=data.validated_data["weekly_capacity"],
        )
        fresh = selectors.factory_capacity_list().get(pk=capacity.pk)
        return Response(FactoryCapacitySerializer(fresh).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.factory_capacity_remove(acting_user=self.request.user, capacity=instance)


# --- the schedule -------------------------------------------------------------------------------


class ScheduleDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    quantity = serializers.IntegerField()


class ScheduleLineSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    factory = serializers.CharField(source="factory.code", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)
    week = serializers.SerializerMethodField()
    days = ScheduleDaySerializer(many=True, read_only=True)

    class Meta:
        model = ScheduleLine
        fields = ["version", "factory", "sku", "week", "quantity", "days"]
        read_only_fields = fields

    def get_week(self, line: ScheduleLine) -> str:
        return IsoWeek.of(line.week).key


class ScheduleVersionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft or locked")
    based_on = serializers.IntegerField(source="based_on.number", read_only=True, default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    locked_by = serializers.CharField(source="locked_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ScheduleVersion
        fields = [
            "number",
            "status",
            "based_on",
            "created_by",
            "created_at",
            "locked_by",
            "locked_at",
            "lock_reason",
        ]
        read_only_fields = fields


class ScheduleVersionDetailSerializer(ScheduleVersionSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(ScheduleVersionSerializer.Meta):
        fields = [*ScheduleVersionSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    def get_lines(self, version: ScheduleVersion) -> list[dict]:
        lines = selectors.schedule_lines(version=version).select_related("version")
        return ScheduleLineSerializer(lines, many=True).data


class LockInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500)


class DiffCellSerializer(serializers.Serializer):
    factory = serializers.CharField()
    sku = serializers.CharField()
    week = serializers.CharField()
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    delta = serializers.IntegerField()


class ScheduleDiffSerializer(serializers.Serializer):
    """Documents the diff action's body: the two version numbers and the cells that differ."""

    old = serializers.IntegerField()
    new = serializers.IntegerField()
    cells = DiffCellSerializer(many=True)


class SchedulePermission(ModelPermissions):
    """Creating a draft needs ``add_scheduleversion``; locking needs ``lock_scheduleversion``."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "lock":
            user = request.user
            return bool(user and user.is_authenticated and user.has_perm(services.LOCK_PERMISSION))
        return super().has_permission(request, view)


class ScheduleVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Schedule versions, addressed by number. POST starts the draft (a copy of the latest locked version)."""

    permission_classes = [SchedulePermission]
    queryset = ScheduleVersion.objects.none()
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["number"]
    ordering = ["-number"]

    def get_queryset(self):
        return selectors.schedule_version_list()

    def get_serializer_class(self):
        return ScheduleVersionDetailSerializer if self.action == "retrieve" else ScheduleVersionSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), number=int(self.kwargs["pk"]))

    @extend_schema(request=None, responses={201: ScheduleVersionDetailSerializer})
    def create(self, request):
        draft = services.schedule_draft_create(acting_user=request.user)
        fresh = selectors.schedule_version_list().get(pk=draft.pk)
        return Response(ScheduleVersionDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LockInputSerializer, responses={200: ScheduleVersionSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        version = self.get_object()
        data = LockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.schedule_lock(acting_user=request.user, version=version, **data.validated_data)
        return Response(ScheduleVersionSerializer(version).data)

    @extend_schema(
        parameters=[OpenApiParameter("against", int, description="The older version's number.")],
        responses={200: ScheduleDiffSerializer},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """Cells that differ from ``?against=`` (default: the version this one is based on)."""
        version = self.get_object()
        against = request.query_params.get("against")
        if against:
            old = selectors.schedule_version_get(number=against)
        elif version.based_on_id:
            old = version.based_on
        else:
            raise ApplicationError(
                "Say which version to compare with: ?against=<number>.", {"fields": {"against": ["Required."]}}
            )
        cells = selectors.schedule_diff(old, version, changed_only=True)
        return Response({"old": old.number, "new": version.number, "cells": DiffCellSerializer(cells, many=True).data})


class ScheduleLineInputSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text="Default: the draft.")
    factory = serializers.CharField(max_length=32)
    sku = serializers.CharField(max_length=64)
    week = serializers.CharField(max_length=10, help_text="ISO week, e.g. 2026-W48.")
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class ScheduleLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Lines of one version (``?version=``, default the draft, else the locked one); POST sets a draft cell."""

    serializer_class = ScheduleLineSerializer
    queryset = ScheduleLine.objects.none()
    ordering = None
    filter_backends: list = []

    def _version(self, number) -> ScheduleVersion | None:
        if not hasattr(self, "_shown_version"):
            if number:
                self._shown_version = selectors.schedule_version_get(number=number)
            else:  # the draft if there is one, else the latest locked version: one query
                self._shown_version = selectors.schedule_version_list().order_by("status", "-number").first()
        return self._shown_version

    def get_queryset(self):
        version = self._version(self.request.query_params.get("version"))
        if version is None:
            return ScheduleLine.objects.none()
        lines = selectors.schedule_lines(version=version).select_related("version")
        params = self.request.query_params
        if params.get("factory"):
            lines = lines.filter(factory__code=params["factory"].strip().upper())
        if params.get("sku"):
            lines = lines.filter(item__sku=params["sku"].strip().upper())
        if params.get("week"):
            lines = lines.filter(week=_week(params["week"]).monday)
        return lines

    @extend_schema(request=ScheduleLineInputSerializer, responses={200: ScheduleLineSerializer})
    def create(self, request):
        data = ScheduleLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields.get("version"):
            version = selectors.schedule_version_get(number=fields["version"])
        else:
            version = selectors.schedule_draft()
            if version is None:
                raise ApplicationError(
                    "There is no draft schedule; start one (POST /api/v1/schedule-versions/) first.",
                    {"fields": {"version": ["No draft."]}},
                )
        line = services.schedule_line_set(
            acting_user=request.user,
            version=version,
            factory=selectors.factory_get(code=fields["factory"]),
            item=_item_by_sku(fields["sku"]),
            week=_week(fields["week"]),
            quantity=fields["quantity"],
        )
        fresh = selectors.schedule_lines(version=version).select_related("version").get(pk=line.pk)
        return Response(ScheduleLineSerializer(fresh).data)


# --- what a factory's integration user does -----------------------------------------------------


class IsFactoryUser(IsAuthenticated):
    message = "Only a factory's integration user can use this endpoint."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and selectors.factory_of_user(request.user) is not None


class FactoryScheduleView(APIView):
    """The calling factory's lines of the locked schedule, with daily quantities (``?week=2026-W48``, optional)."""

    token_scopes = (
        "staff",
        "factory",
    )

    permission_classes = [IsFactoryUser]

    @extend_schema(
        parameters=[OpenApiParameter("week", str, description="ISO week, e.g. 2026-W48; default all weeks.")],
        responses={
            200: inline_serializer(
                "FactorySchedule",
                {
                    "factory": serializers.CharField(),
                    "version": serializers.IntegerField(allow_null=True),
                    "locked_at": serializers.DateTimeField(allow_null=True),
                    "results": ScheduleLineSerializer(many=True),
                },
            )
        },
        tags=["factory"],
    )
    def get(self, request):
        factory = Factory.objects.get(pk=selectors.factory_of_user(request.user))
        week = request.query_params.get("week")
        version, lines = selectors.factory_schedule(factory=factory, week=_week(week) if week else None)
        for line in lines:
            line.version = version  # one version for all: no query per line
        return Response(
            {
                "factory": factory.code,
                "version": version.number if version else None,
                "locked_at": version.locked_at if version else None,
                "results": ScheduleLineSerializer(lines, many=True).data,
            }
        )


class ProductionActualSerializer(serializers.ModelSerializer):
    factory = serializers.CharField(source="factory.code", read_only=True)
    sku = serializers.CharField(source="item.sku", read_only=True)

    class Meta:
        model = ProductionActual
        fields = ["factory", "sku", "date", "quantity", "updated_at"]
        read_only_fields = fields


class ProductionActualInputSerializer(StrictInputSerializer):
    factory = serializers.CharField(max_length=32, required=False, help_text="Optional; must be your own factory.")
    sku = serializers.CharField(max_length=64)
    date = serializers.DateField()
    quantity = serializers.IntegerField(min_value=-MAX_QTY, max_value=MAX_QTY)


class FactoryActualsView(APIView):
    """Post the calling factory's output of one product on one day; posting the same day again replaces it."""

    token_scopes = (
        "staff",
        "factory",
    )

    permission_classes = [IsFactoryUser]

    @extend_schema(
        request=ProductionActualInputSerializer, responses={200: ProductionActualSerializer}, tags=["factory"]
    )
    def post(self, request):
        factory = Factory.objects.get(pk=selectors.factory_of_user(request.user))
        data = ProductionActualInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields.get("factory") and fields["factory"].strip().upper() != factory.code:
            return Response({"message": "Not found.", "extra": {}}, status=status.HTTP_404_NOT_FOUND)
        actual = services.production_actual_post(
            acting_user=request.user,
            factory=factory,
            item=_item_by_sku(fields["sku"]),
            date=fields["date"],
            quantity=fields["quantity"],
        )
        fresh = selectors.production_actuals().get(pk=actual.pk)
        return Response(ProductionActualSerializer(fresh).data)

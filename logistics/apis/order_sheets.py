"""A factory's weekly order sheets: ``GET /api/v1/factory/order-sheets/`` lists the calling factory's
sheets, ``GET /api/v1/factory/order-sheets/<id>/xlsx/`` downloads one (and records the first fetch).
Another factory's sheet is a 404; staff download sheets from the factory pages instead.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.views import APIView

from erp.excel.responses import XLSX
from erp.weeks import IsoWeek
from logistics import selectors, services
from logistics.apis.production import IsFactoryUser
from logistics.models import FactoryOrderSheet
from logistics.views.production import order_sheet_response


class OrderSheetSerializer(serializers.ModelSerializer):
    factory = serializers.CharField(source="factory.code", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    week = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = FactoryOrderSheet
        fields = ["id", "factory", "version", "week", "lines", "units", "issued_at", "first_downloaded_at", "download"]
        read_only_fields = fields

    def get_week(self, sheet: FactoryOrderSheet) -> str:
        return IsoWeek.of(sheet.week).key

    def get_download(self, sheet: FactoryOrderSheet) -> str:
        return f"/api/v1/factory/order-sheets/{sheet.pk}/xlsx/"


def _own_sheets(request):
    return selectors.factory_order_sheets().filter(factory_id=selectors.factory_of_user(request.user))


class FactoryOrderSheetListView(ListAPIView):
    """The calling factory's issued weekly order sheets, newest week first."""

    token_scopes = (
        "staff",
        "factory",
    )

    permission_classes = [IsFactoryUser]
    serializer_class = OrderSheetSerializer

    def get_queryset(self):
        return _own_sheets(self.request)

    @extend_schema(tags=["factory"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FactoryOrderSheetFileView(APIView):
    token_scopes = (
        "staff",
        "factory",
    )
    permission_classes = [IsFactoryUser]

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The order sheet (.xlsx).")},
        tags=["factory"],
    )
    def get(self, request, pk: int):
        sheet = _own_sheets(request).filter(pk=pk).first()
        if sheet is None:
            raise Http404("No such order sheet for your factory.")
        response = order_sheet_response(factory=sheet.factory, version=sheet.version, week=IsoWeek.of(sheet.week))
        services.factory_order_sheet_fetched(sheet=sheet)
        return response

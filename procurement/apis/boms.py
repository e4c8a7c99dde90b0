"""REST for bills of materials, the cost roll-up and the cost-outlier report."""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp import selectors as erp_selectors
from erp.api.serializers import StrictInputSerializer
from erp.weeks import business_date
from procurement import selectors, services
from procurement.filters import BomLineFilter
from procurement.models import MAX_SCRAP_PCT, MIN_QTY_PER, BomLine
from procurement.selectors.costing import MAX_COSTING_LOT
from procurement.selectors.market import DEFAULT_COSTING_LOT

MONEY = Decimal("0.0001")
PRICE = Decimal("0.000001")  # as precise as a price break


def _money(value: Decimal | None, places: Decimal = MONEY) -> str | None:
    return None if value is None else str(value.quantize(places))


class BomLineSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.sku", read_only=True)
    child = serializers.CharField(source="child.sku", read_only=True)
    child_name = serializers.CharField(source="child.name", read_only=True)
    child_kind = serializers.CharField(source="child.kind", read_only=True)

    class Meta:
        model = BomLine
        fields = [
            "id",
            "parent",
            "child",
            "child_name",
            "child_kind",
            "qty_per",
            "scrap_pct",
            "valid_from",
            "valid_to",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BomLineInputSerializer(StrictInputSerializer):
    parent = serializers.CharField(max_length=64, help_text="SKU of the product or assembly.")
    child = serializers.CharField(max_length=64, help_text="SKU of the component or assembly that goes in.")
    qty_per = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=MIN_QTY_PER)
    scrap_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=MAX_SCRAP_PCT, default=Decimal(0)
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True, default=None)
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class BomLineUpdateSerializer(BomLineInputSerializer):
    # Accepted so that the service can say why they cannot change.
    parent = serializers.CharField(max_length=64, required=False)
    child = serializers.CharField(max_length=64, required=False)


class BomLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Bill-of-materials lines: how many of a child go into one parent, with scrap and a validity period."""

    queryset = selectors.bom_line_list()
    serializer_class = BomLineSerializer
    filterset_class = BomLineFilter
    search_fields = ["parent__sku", "child__sku", "child__name"]
    ordering_fields = ["parent__sku", "child__sku", "valid_from", "qty_per", "updated_at"]
    ordering = ["parent__sku", "child__sku", "valid_from"]

    @extend_schema(request=BomLineInputSerializer, responses={201: BomLineSerializer})
    def create(self, request):
        data = BomLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        parent = erp_selectors.item_get(sku=fields.pop("parent"))
        child = erp_selectors.item_get(sku=fields.pop("child"))
        line = services.bom_line_create(acting_user=request.user, parent=parent, child=child, **fields)
        return Response(BomLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BomLineUpdateSerializer, responses={200: BomLineSerializer})
    def partial_update(self, request, pk=None):
        line = self.get_object()
        data = BomLineUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        for name, item in (("parent", line.parent), ("child", line.child)):
            if fields.get(name, item.sku).strip().upper() == item.sku:
                fields.pop(name, None)
        line = services.bom_line_update(acting_user=request.user, line=line, **fields)
        return Response(BomLineSerializer(line).data)

    def perform_destroy(self, instance):
        services.bom_line_delete(acting_user=self.request.user, line=instance)


class _Needs(BasePermission):
    """Every one of ``perms``: costs reveal offers and structure, so both are needed to see them."""

    perms: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(self.perms))


class CanSeeCosts(_Needs):
    perms = ("procurement.view_bomline", "procurement.view_supplieroffer")


class CanSeeOffers(_Needs):
    perms = ("procurement.view_supplieroffer",)


class CostQuerySerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=MAX_COSTING_LOT, default=DEFAULT_COSTING_LOT)
    date = serializers.DateField(required=False, help_text="Costing date; today in Shanghai when left out.")


def rollup_as_dict(rollup: selectors.CostRollup) -> dict:
    parents = {}
    for line in rollup.flat():
        for child in line.children:
            parents[id(child)] = line.row.sku
    return {
        "sku": rollup.item.sku,
        "name": rollup.item.name,
        "date": rollup.on.isoformat(),
        "lot": rollup.lot,
        "currency": "CNY",
        "unit_cost": _money(rollup.unit_cost),
        "material_cost": _money(rollup.material_cost),
        "conversion_cost": _money(rollup.conversion_cost),
        "logistics_cost": _money(rollup.logistics_cost),
        "list_price": _money(rollup.list_price),
        "retailer_price": _money(rollup.retailer_price),
        "margin_list": _money(rollup.margin_list),
        "margin_retailer": _money(rollup.margin_retailer),
        "flagged": rollup.flagged,
        "warnings": rollup.warnings,
        "lines": [
            {
                "level": line.depth,
                "parent_sku": parents.get(id(line), rollup.item.sku),
                "sku": line.row.sku,
                "name": line.row.name,
                "qty_per": str(line.row.qty_per),
                "scrap_pct": str(line.row.scrap_pct),
                "qty_in_unit": _money(line.qty_in_top, PRICE),
                "buy_qty": line.buy_qty,
                "unit_cost": _money(line.unit_cost, PRICE),
                "extended_cost": _money(line.extended_cost, PRICE),
                "share": _money(line.share),
                "source": line.source,
                "supplier": line.supplier_code or None,
                "offer_id": line.quote.offer_id if line.quote else None,
                "offer_currency": line.quote.currency if line.quote else None,
                "offer_unit_price": _money(line.quote.unit_price, PRICE) if line.quote else None,
                "lead_time_days": line.quote.lead_time_days if line.quote else None,
            }
            for line in rollup.flat()
        ],
    }


_cost_response = inline_serializer(
    "CostRollup",
    {
        "sku": serializers.CharField(),
        "name": serializers.CharField(),
        "date": serializers.DateField(),
        "lot": serializers.IntegerField(),
        "currency": serializers.CharField(),
        **{
            name: serializers.CharField(allow_null=name.startswith(("list", "retailer", "margin")))
            for name in (
                "unit_cost",
                "material_cost",
                "conversion_cost",
                "logistics_cost",
                "list_price",
                "retailer_price",
                "margin_list",
                "margin_retailer",
            )
        },
        "flagged": serializers.BooleanField(),
        "warnings": serializers.ListField(child=serializers.CharField()),
        "lines": inline_serializer(
            "CostRollupLine",
            {
                "level": serializers.IntegerField(),
                "parent_sku": serializers.CharField(),
                "sku": serializers.CharField(),
                "name": serializers.CharField(),
                "qty_per": serializers.CharField(),
                "scrap_pct": serializers.CharField(),
                "qty_in_unit": serializers.CharField(),
                "buy_qty": serializers.IntegerField(),
                "unit_cost": serializers.CharField(),
                "extended_cost": serializers.CharField(),
                "share": serializers.CharField(),
                "source": serializers.ChoiceField(choices=["offer", "rollup", "missing"]),
                "supplier": serializers.CharField(allow_null=True),
                "offer_id": serializers.IntegerField(allow_null=True),
                "offer_currency": serializers.CharField(allow_null=True),
                "offer_unit_price": serializers.CharField(allow_null=True),
                "lead_time_days": serializers.IntegerField(allow_null=True),
            },
            many=True,
        ),
    },
)


class ItemCostView(APIView):
    """Cost roll-up of one unit of a product or assembly in CNY (DESIGN section 4)."""

    permission_classes = [CanSeeCosts]

    @extend_schema(
        parameters=[
            OpenApiParameter("lot", int, description=f"Costing lot size; default {DEFAULT_COSTING_LOT:,}."),
            OpenApiParameter("date", str, description="Costing date YYYY-MM-DD; default today."),
        ],
        responses={200: _cost_response},
        tags=["items"],
    )
    def get(self, request, sku: str):
        query = CostQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        item = erp_selectors.item_get(sku=sku)
        on = query.validated_data.get("date") or business_date()
        rollup = selectors.cost_rollup(item=item, on=on, lot=query.validated_data["lot"])
        return Response(rollup_as_dict(rollup))


class OutlierQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Offers in force on this day; default today.")
    qty = serializers.IntegerField(
        min_value=1, max_value=MAX_COSTING_LOT, default=DEFAULT_COSTING_LOT, help_text="Quantity to compare prices at."
    )


class OutlierSerializer(serializers.Serializer):
    offer_id = serializers.IntegerField(source="quote.offer_id")
    supplier = serializers.CharField(source="quote.supplier_code")
    sku = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    currency = serializers.CharField(source="quote.currency")
    qty = serializers.IntegerField(source="quote.qty")
    unit_price = serializers.DecimalField(source="quote.unit_price", max_digits=20, decimal_places=6)
    unit_price_cny = serializers.DecimalField(source="quote.unit_price_cny", max_digits=20, decimal_places=6)
    median_of_others = serializers.DecimalField(max_digits=20, decimal_places=6)
    other_offers = serializers.IntegerField()
    ratio = serializers.DecimalField(max_digits=12, decimal_places=2)
    planned_qty = serializers.IntegerField()
    excess_spend = serializers.DecimalField(max_digits=20, decimal_places=2)


class CostOutlierView(generics.GenericAPIView):
    """Current offers at 2x or more the median of other suppliers' offers, by excess spend (DESIGN section 4)."""

    permission_classes = [CanSeeOffers]
    serializer_class = OutlierSerializer
    filter_backends: list = []

    # A paginated list (the view pages it), though a GET without a lookup on a GenericAPIView reads as one object.
    @extend_schema(parameters=[OutlierQuerySerializer], responses={200: OutlierSerializer(many=True)}, tags=["reports"])
    def get(self, request):
        query = OutlierQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("date") or business_date()
        outliers = selectors.cost_outliers(on=on, qty=query.validated_data["qty"])
        page = self.paginate_queryset(outliers)
        return self.get_paginated_response(OutlierSerializer(page, many=True).data)

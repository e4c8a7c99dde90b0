"""REST for the demand plan: ``GET /api/v1/plan/?from=YYYY-Www&weeks=12``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.apis.common import parse_window
from orders.selectors.demand_plan import PLAN_WEEKS, demand_plan
from orders.views.plan import PLAN_PERMISSION


class CanViewPlan(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(PLAN_PERMISSION))


_WEEK_FIELDS = {
    "week": serializers.CharField(),
    "forecast": serializers.IntegerField(),
    "committed": serializers.IntegerField(),
    "demand": serializers.IntegerField(),
    "supply": serializers.IntegerField(),
    "projected_inventory": serializers.IntegerField(),
    "days_of_supply": serializers.CharField(allow_null=True),
    "suggested_production": serializers.IntegerField(),
    "capacity_shortfall": serializers.IntegerField(),
}
_plan = inline_serializer(
    "DemandPlan",
    {
        "from": serializers.CharField(),
        "weeks": serializers.ListField(child=serializers.CharField()),
        "products": inline_serializer(
            "DemandPlanProduct",
            {
                "sku": serializers.CharField(),
                "name": serializers.CharField(),
                "start_stock": serializers.IntegerField(),
                "weekly_capacity": serializers.IntegerField(allow_null=True),
                "batch_multiple": serializers.IntegerField(),
                "weeks": inline_serializer("DemandPlanWeek", _WEEK_FIELDS, many=True),
            },
            many=True,
        ),
    },
)


class DemandPlanView(APIView):
    """Per product and week: forecast, committed, demand, supply, projected inventory, days of supply,
    suggested production and capacity shortfall (DESIGN section 4)."""

    permission_classes = [CanViewPlan]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First ISO week, e.g. 2026-W48; default the current week."),
            OpenApiParameter("weeks", int, description=f"Weeks to plan, 1-26; default {PLAN_WEEKS}."),
        ],
        responses={200: _plan},
        tags=["planning"],
    )
    def get(self, request):
        start, weeks = parse_window(request.query_params, default_weeks=PLAN_WEEKS, max_weeks=26)
        plan = demand_plan(from_week=start, weeks=weeks)
        return Response(
            {
                "from": plan.from_week.key,
                "weeks": plan.week_keys,
                "products": [
                    {
                        "sku": product.item.sku,
                        "name": product.item.name,
                        "start_stock": product.start_stock,
                        "weekly_capacity": product.capacity,
                        "batch_multiple": product.item.batch_multiple,
                        "weeks": [
                            {
                                "week": key,
                                "forecast": week.forecast,
                                "committed": week.committed,
                                "demand": week.demand,
                                "supply": week.supply,
                                "projected_inventory": week.projected,
                                "days_of_supply": None if week.days_of_supply is None else str(week.days_of_supply),
                                "suggested_production": week.suggested,
                                "capacity_shortfall": week.capacity_shortfall,
                            }
                            for key, week in zip(plan.week_keys, product.weeks, strict=True)
                        ],
                    }
                    for product in plan.products
                ],
            }
        )

"""REST for the demand plan: ``GET /api/v1/plan/?from=YYYY-Www&weeks=12``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from orders.selectors.demand_plan import PLAN_WEEKS, demand_plan
from orders.views.plan import PLAN_PERMISSION


class CanViewPlan(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(PLAN_PERMISSION))


class PlanQuerySerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=26, default=PLAN_WEEKS)

    def validate(self, data):
        raw = self.initial_data.get("from")
        try:
            data["from_week"] = IsoWeek.parse(raw) if raw else None
        except ApplicationError as error:
            raise serializers.ValidationError({"from": [error.message]}) from error
        return data


class DemandPlanView(APIView):
    """Per product and week: forecast, committed, demand, supply, projected inventory, days of supply,
    suggested production and capacity shortfall (DESIGN section 4)."""

    permission_classes = [CanViewPlan]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First ISO week, e.g. 2026-W48; default the current week."),
            OpenApiParameter("weeks", int, description=f"Weeks to plan, 1-26; default {PLAN_WEEKS}."),
        ],
        tags=["planning"],
    )
    def get(self, request):
        query = PlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = demand_plan(from_week=query.validated_data["from_week"], weeks=query.validated_data["weeks"])
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

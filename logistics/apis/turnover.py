"""``GET /api/v1/reports/turnover/?window=28&weeks=12``: inventory turnover as on the page."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from logistics.selectors import turnover_report
from logistics.selectors.turnover import DEFAULT_WINDOW, MAX_WINDOW, TREND_WEEKS, TurnoverRow


class CanSeeStock(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and request.user.has_perm("logistics.view_stocklevel")
        )


class TurnoverQuerySerializer(serializers.Serializer):
    window = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW, default=DEFAULT_WINDOW)
    weeks = serializers.IntegerField(min_value=1, max_value=104, default=TREND_WEEKS)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _row(row: TurnoverRow) -> dict:
    return {
        "key": row.key,
        "name": row.name,
        "avg_units": round(row.avg_units, 1),
        "avg_value": f"{row.avg_value:.2f}",
        "shipped_units": row.shipped_units,
        "shipped_value": f"{row.shipped_value:.2f}",
        "on_hand": row.on_hand,
        "value_now": f"{row.value_now:.2f}",
        "turnover_days": _days(row.turnover_days),
        "cover_days": _days(row.cover_days),
        "slow": row.slow,
    }


_ROW = inline_serializer(
    "TurnoverRow",
    {
        "key": serializers.CharField(),
        "name": serializers.CharField(),
        "avg_units": serializers.FloatField(),
        "avg_value": serializers.DecimalField(max_digits=20, decimal_places=2),
        "shipped_units": serializers.IntegerField(),
        "shipped_value": serializers.DecimalField(max_digits=20, decimal_places=2),
        "on_hand": serializers.IntegerField(),
        "value_now": serializers.DecimalField(max_digits=20, decimal_places=2),
        "turnover_days": serializers.FloatField(allow_null=True),
        "cover_days": serializers.FloatField(allow_null=True),
        "slow": serializers.BooleanField(),
    },
)


class TurnoverView(APIView):
    """Turnover days (average inventory value / cost of goods shipped per day) per product, per location,
    overall and by week; values in CNY at standard cost; days null when nothing was shipped."""

    permission_classes = [CanSeeStock]

    @extend_schema(
        parameters=[TurnoverQuerySerializer],
        responses={
            200: inline_serializer(
                "TurnoverReport",
                {
                    "window": serializers.IntegerField(),
                    "since": serializers.DateTimeField(),
                    "until": serializers.DateTimeField(),
                    "target_days": serializers.IntegerField(),
                    "overall": _ROW,
                    "by_product": _ROW.__class__(many=True),
                    "by_location": _ROW.__class__(many=True),
                    "trend": inline_serializer(
                        "TurnoverWeek",
                        {
                            "week": serializers.CharField(),
                            "avg_value": serializers.DecimalField(max_digits=20, decimal_places=2),
                            "shipped_value": serializers.DecimalField(max_digits=20, decimal_places=2),
                            "turnover_days": serializers.FloatField(allow_null=True),
                        },
                        many=True,
                    ),
                    "missing_costs": serializers.ListField(child=serializers.CharField()),
                },
            )
        },
        tags=["reports"],
    )
    def get(self, request):
        query = TurnoverQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = turnover_report(window=query.validated_data["window"], weeks=query.validated_data["weeks"])
        return Response(
            {
                "window": report.window,
                "since": report.since,
                "until": report.now,
                "target_days": report.target,
                "overall": _row(report.overall),
                "by_product": [_row(row) for row in report.by_product],
                "by_location": [_row(row) for row in report.by_location],
                "trend": [
                    {
                        "week": point.week.key,
                        "avg_value": f"{point.avg_value:.2f}",
                        "shipped_value": f"{point.shipped_value:.2f}",
                        "turnover_days": _days(point.turnover_days),
                    }
                    for point in report.trend
                ],
                "missing_costs": report.missing_costs,
            }
        )

"""The inventory turnover page: overall days against the target, a weekly trend, products and locations."""

import math

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import StaffPageMixin
from erp.weeks import business_date
from logistics.selectors import turnover_report, turnover_window_check
from logistics.selectors.turnover import DEFAULT_WINDOW, TREND_WEEKS, TurnoverReport
from procurement.services import standard_costs_refresh

TURNOVER_PERMISSION = "logistics.view_stocklevel"
REFRESH_PERMISSION = "procurement.view_costrates"
CHART_WIDTH, CHART_HEIGHT = 720, 180
CHART_LEFT, CHART_RIGHT = 30, 90  # room for the day labels, and for the target's label right of the bars
COLUMNS = [
    SheetColumn("by", 10),
    SheetColumn("key", 16),
    SheetColumn("name", 28),
    SheetColumn("avg_units", 12, "#,##0.0"),
    SheetColumn("avg_value_cny", 16, "#,##0"),
    SheetColumn("shipped_units", 12, "#,##0"),
    SheetColumn("shipped_value_cny", 16, "#,##0"),
    SheetColumn("on_hand", 12, "#,##0"),
    SheetColumn("turnover_days", 12, "0.0"),
    SheetColumn("cover_days", 12, "0.0"),
    SheetColumn("slow", 8),
]


def _chart_top(value: float) -> int:
    """A round top for the day axis with room above the tallest bar for its label."""
    step = 5 if value <= 50 else 10 if value <= 100 else 50
    return int(math.ceil(value * 1.1 / step) * step)


def _chart(report: TurnoverReport) -> dict:
    """Bars of weekly turnover days, day gridlines and the target line, in SVG coordinates. The plot sits
    between a left margin for the day labels and a right one for the target's label, clear of the bars."""
    days = [point.turnover_days for point in report.trend]
    top = _chart_top(max([d for d in days if d is not None] + [report.target * 2, 10]))
    right = CHART_WIDTH - CHART_RIGHT
    step = (right - CHART_LEFT) / max(len(days), 1)

    def y(value: float) -> float:
        return round(CHART_HEIGHT - CHART_HEIGHT * min(value, top) / top, 1)

    bars = []
    for n, (point, value) in enumerate(zip(report.trend, days, strict=True)):
        height = 0 if value is None else CHART_HEIGHT - y(value)
        bars.append(
            {
                "x": round(CHART_LEFT + n * step + step * 0.15, 1),
                "center": round(CHART_LEFT + (n + 0.5) * step, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(step * 0.7, 1),
                "height": round(height, 1),
                "label": point.week.key,
                "value": value,
                "on_target": value is not None and value <= report.target,
            }
        )
    every = 5 if top <= 25 else 10 if top <= 60 else 25 if top <= 150 else 100
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": right,
        "grid": [{"y": y(mark), "days": mark} for mark in range(0, top + 1, every)],
        "target_y": y(report.target),
        "top": top,
    }


class TurnoverView(StaffPageMixin, TemplateView):
    permission_required = TURNOVER_PERMISSION
    template_name = "logistics/turnover.html"

    def get(self, request, *args, **kwargs):
        self.window_error = ""
        try:
            self.window = turnover_window_check(request.GET.get("window", DEFAULT_WINDOW))
        except ValueError as error:
            self.window, self.window_error = DEFAULT_WINDOW, str(error)
        self.report = turnover_report(window=self.window, weeks=TREND_WEEKS)
        if request.GET.get("export") == "xlsx" and not self.window_error:
            return self._export()
        return super().get(request, *args, **kwargs)

    def _export(self):
        report = self.report
        sections = [("overall", [report.overall]), ("product", report.by_product), ("location", report.by_location)]
        rows = (
            [
                by,
                row.key,
                row.name,
                round(row.avg_units, 1),
                round(row.avg_value),
                row.shipped_units,
                round(row.shipped_value),
                row.on_hand,
                None if row.turnover_days is None else round(row.turnover_days, 1),
                None if row.cover_days is None else round(row.cover_days, 1),
                "yes" if row.slow else "",
            ]
            for by, rows in sections
            for row in rows
        )
        return sheet_response(f"tempo-turnover-{self.window}d-{business_date()}", "Turnover", COLUMNS, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            report=self.report,
            window=self.window,
            window_error=self.window_error,
            chart=_chart(self.report),
            slow_products=[row for row in self.report.by_product if row.slow],
            can_refresh=self.request.user.has_perm(REFRESH_PERMISSION),
        )
        return context


class StandardCostRefreshView(StaffPageMixin, View):
    """Recompute every product's standard cost from today's roll-up (values the turnover report)."""

    permission_required = (TURNOVER_PERMISSION, REFRESH_PERMISSION)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        count = standard_costs_refresh(acting_user=request.user)
        messages.success(request, _("Standard costs refreshed for %(count)s products.") % {"count": count})
        try:
            window = turnover_window_check(request.POST.get("window", DEFAULT_WINDOW))
        except ValueError:
            window = DEFAULT_WINDOW
        return redirect(f"{reverse('turnover')}?window={window}")

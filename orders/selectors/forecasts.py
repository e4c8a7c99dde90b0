"""Reads for the forecast pages and API: versions, the grid, forecast vs actual, signals, sales."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek, week_range
from orders.models import ConsumerOrder, DemandSignal, ForecastValue, ForecastVersion, SalesActual
from orders.selectors.demand import sales_actuals


def forecast_version_list() -> QuerySet[ForecastVersion]:
    return ForecastVersion.objects.select_related("created_by").order_by("-number")


def forecast_version_current() -> ForecastVersion | None:
    return ForecastVersion.objects.filter(is_current=True).first()


def forecast_version_get(*, number: int | str | None) -> ForecastVersion:
    """The version with ``number``; the current one when ``number`` is empty."""
    if number in (None, ""):
        version = forecast_version_current()
        if version is None:
            raise ApplicationError("There is no current forecast version yet.", {"fields": {"version": ["None."]}})
        return version
    try:
        return ForecastVersion.objects.get(number=int(number))
    except (ValueError, TypeError, ForecastVersion.DoesNotExist):
        raise ApplicationError(
            f"No forecast version {number}.", {"fields": {"version": [f"No version {number}."]}}
        ) from None


def forecast_products(item_ids=None) -> QuerySet[Item]:
    queryset = Item.objects.filter(kind=Item.Kind.PRODUCT).order_by("sku")
    return queryset if item_ids is None else queryset.filter(pk__in=item_ids)


def forecast_value_list(*, version: ForecastVersion, from_week: IsoWeek, weeks: int) -> QuerySet[ForecastValue]:
    return (
        ForecastValue.objects.filter(version=version, week__gte=from_week.monday, week__lt=(from_week + weeks).monday)
        .select_related("item")
        .order_by("item__sku", "week")
    )


@dataclass
class GridCell:
    quantity: int | None
    method: str = ""
    method_param: int | None = None
    compare: int | None = None

    @property
    def delta(self) -> int | None:
        if self.compare is None and self.quantity is None:
            return None
        return (self.quantity or 0) - (self.compare or 0)


@dataclass
class GridRow:
    item: Item
    cells: list[GridCell] = field(default_factory=list)


def forecast_grid(
    *, version: ForecastVersion, from_week: IsoWeek, weeks: int, compare: ForecastVersion | None = None
) -> tuple[list[IsoWeek], list[GridRow]]:
    """Products x weeks of ``version`` (and ``compare``'s quantities), in three queries."""
    week_list = week_range(from_week, weeks)
    values = {(v.item_id, v.week): v for v in forecast_value_list(version=version, from_week=from_week, weeks=weeks)}
    other: dict[tuple[int, date], int] = {}
    if compare is not None:
        other = {
            (v.item_id, v.week): v.quantity
            for v in forecast_value_list(version=compare, from_week=from_week, weeks=weeks)
        }
    rows = []
    for item in forecast_products():
        row = GridRow(item)
        for week in week_list:
            value = values.get((item.pk, week.monday))
            row.cells.append(
                GridCell(
                    quantity=value.quantity if value else None,
                    method=value.method if value else "",
                    method_param=value.method_param if value else None,
                    compare=other.get((item.pk, week.monday)),
                )
            )
        rows.append(row)
    return week_list, rows


@dataclass
class Accuracy:
    item: Item
    forecast_total: int
    actual_total: int
    weeks: int
    mape: Decimal | None  # percent; None when no week had actual sales
    bias: Decimal | None  # percent of actual; None when actual total is 0


def forecast_accuracy(*, version: ForecastVersion, from_week: IsoWeek, weeks: int) -> list[Accuracy]:
    """Per product over the window: MAPE = mean over weeks with actual A > 0 of |F - A| / A x 100;
    bias = (sum F - sum A) / sum A x 100 (positive: over-forecast). A missing value counts as 0."""
    forecasts = {
        (item_id, week): qty
        for item_id, week, qty in ForecastValue.objects.filter(
            version=version, week__gte=from_week.monday, week__lt=(from_week + weeks).monday
        ).values_list("item_id", "week", "quantity")
    }
    actuals = sales_actuals(from_week=from_week, weeks=weeks)
    week_list = [w.monday for w in week_range(from_week, weeks)]
    result = []
    for item in forecast_products():
        pairs = [(forecasts.get((item.pk, w), 0), actuals.get((item.pk, w), 0)) for w in week_list]
        if not any(f or a for f, a in pairs):
            continue
        errors = [Decimal(abs(f - a)) / a for f, a in pairs if a > 0]
        f_total, a_total = sum(f for f, _ in pairs), sum(a for _, a in pairs)
        result.append(
            Accuracy(
                item=item,
                forecast_total=f_total,
                actual_total=a_total,
                weeks=len(week_list),
                mape=(sum(errors) / len(errors) * 100).quantize(Decimal("0.1")) if errors else None,
                bias=(Decimal(f_total - a_total) / a_total * 100).quantize(Decimal("0.1")) if a_total else None,
            )
        )
    return result


def demand_signal_list() -> QuerySet[DemandSignal]:
    return DemandSignal.objects.select_related("item").order_by("-week", "item__sku", "source")


def sales_actual_list() -> QuerySet[SalesActual]:
    return SalesActual.objects.select_related("item").order_by("-week", "item__sku", "channel")


def consumer_order_list() -> QuerySet[ConsumerOrder]:
    return ConsumerOrder.objects.prefetch_related("lines__item").order_by("-created_at", "-number")

"""What the demand plan reads: the current forecast, committed demand and sales actuals.

Each returns ``{(item_id, week_monday): quantity}`` for the ``weeks`` weeks from ``from_week``
(optionally only ``item_ids``), in one query; keys with nothing stored are absent (read as 0).

Committed demand comes from consumer orders here and from whatever other apps register with
``committed_demand_register`` (retail adds its confirmed retailer order lines), so this layer
never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import QuerySet, Sum

from erp.weeks import IsoWeek
from orders.models import COMMITTED_STATUSES, ConsumerOrderLine, ForecastValue, SalesActual

Quantities = dict[tuple[int, date], int]
CommittedDemandSource = Callable[..., Quantities]

_COMMITTED_SOURCES: list[CommittedDemandSource] = []


def _bounds(from_week: IsoWeek, weeks: int) -> tuple[date, date]:
    if weeks < 1:
        return from_week.monday, from_week.monday  # an empty range below: week < first
    return from_week.monday, (from_week + weeks).monday


def _sum(queryset: QuerySet, item_field: str, week_field: str, quantity_field: str) -> Quantities:
    rows = queryset.values(item_field, week_field).annotate(total=Sum(quantity_field)).order_by()
    return {(row[item_field], row[week_field]): int(row["total"]) for row in rows if row["total"]}


def _restrict(queryset: QuerySet, item_field: str, item_ids: Iterable[int] | None) -> QuerySet:
    return queryset if item_ids is None else queryset.filter(**{f"{item_field}__in": list(item_ids)})


def forecast_quantities(*, from_week: IsoWeek, weeks: int, item_ids=None) -> dict[tuple[int, date], int]:
    """The current forecast version's quantities by (item id, week Monday)."""
    first, end = _bounds(from_week, weeks)
    queryset = ForecastValue.objects.filter(version__is_current=True, week__gte=first, week__lt=end)
    queryset = _restrict(queryset, "item_id", item_ids)
    return {(item_id, week): qty for item_id, week, qty in queryset.values_list("item_id", "week", "quantity")}


def committed_consumer_demand(*, from_week: IsoWeek, weeks: int, item_ids=None) -> dict[tuple[int, date], int]:
    """Pending and paid consumer order lines by (item id, requested week Monday); cancelled ones do not count."""
    first, end = _bounds(from_week, weeks)
    queryset = ConsumerOrderLine.objects.filter(
        order__status__in=COMMITTED_STATUSES, order__requested_week__gte=first, order__requested_week__lt=end
    )
    return _sum(_restrict(queryset, "item_id", item_ids), "item_id", "order__requested_week", "quantity")


def sales_actuals(*, from_week: IsoWeek, weeks: int, item_ids=None) -> dict[tuple[int, date], int]:
    """Units sold by (item id, week Monday), all channels together."""
    first, end = _bounds(from_week, weeks)
    queryset = SalesActual.objects.filter(week__gte=first, week__lt=end)
    return _sum(_restrict(queryset, "item_id", item_ids), "item_id", "week", "quantity")


def committed_demand_register(fn: CommittedDemandSource) -> CommittedDemandSource:
    """Add a source of committed demand, called as ``fn(from_week=, weeks=, item_ids=)``; twice keeps one."""
    if fn not in _COMMITTED_SOURCES:
        _COMMITTED_SOURCES.append(fn)
    return fn


def committed_demand_sources() -> list[CommittedDemandSource]:
    return [committed_consumer_demand, *_COMMITTED_SOURCES]


def committed_demand(*, from_week: IsoWeek, weeks: int, item_ids=None) -> dict[tuple[int, date], int]:
    """Committed demand C[p, w]: consumer orders plus every registered source, summed per (item id, week)."""
    total: Quantities = {}
    for source in committed_demand_sources():
        for key, quantity in source(from_week=from_week, weeks=weeks, item_ids=item_ids).items():
            total[key] = total.get(key, 0) + quantity
    return total

"""Inventory turnover (DESIGN.md section 4): average inventory value / cost of goods shipped per day.

Over a window ending now, per product, per location and overall, for finished products:

* average inventory is time-weighted: the level now, minus each move's effect for the part of the
  window before it happened (``avg = on_hand_now - sum(net x seconds after the window start) / window``);
* goods shipped are the units that left stock to customers (issues to nowhere: outbound shipments,
  store sales, shipped retailer orders);
* both are valued at the product's standard cost (``procurement.StandardCost``); per product the
  days are the same in units, so a product without a standard cost still gets its days and is
  listed in ``missing_costs`` (it adds nothing to the value-weighted location and overall figures).

Turnover days = average value / (shipped value / window days); None when nothing was shipped.
Days of cover = value on hand now / shipped value per day; a row is slow when it has stock and its
cover is above ``SLOW_COVER_DAYS`` or nothing shipped. Seven queries whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from erp.models import Item
from erp.weeks import IsoWeek, business_date
from logistics.models import Location, StockLevel
from logistics.selectors.turnover_sql import weekly_value_flows, window_flows, window_issues
from procurement.models import StandardCost

TARGET_DAYS = 7
SLOW_COVER_DAYS = 30
DEFAULT_WINDOW = 28
MAX_WINDOW = 365
TREND_WEEKS = 12


@dataclass
class TurnoverRow:
    key: str
    name: str
    avg_units: float = 0.0
    avg_value: float = 0.0
    shipped_units: int = 0
    shipped_value: float = 0.0
    on_hand: int = 0
    value_now: float = 0.0
    window: int = DEFAULT_WINDOW
    by_units: bool = False  # days from units (a product row; cost cancels out)

    @property
    def turnover_days(self) -> float | None:
        avg, shipped = (self.avg_units, self.shipped_units) if self.by_units else (self.avg_value, self.shipped_value)
        return None if shipped <= 0 else avg / (shipped / self.window)

    @property
    def cover_days(self) -> float | None:
        now, shipped = (self.on_hand, self.shipped_units) if self.by_units else (self.value_now, self.shipped_value)
        return None if shipped <= 0 else now / (shipped / self.window)

    @property
    def slow(self) -> bool:
        if self.on_hand <= 0:
            return False
        cover = self.cover_days
        return cover is None or cover > SLOW_COVER_DAYS

    @property
    def on_target(self) -> bool:
        days = self.turnover_days
        return days is not None and days <= TARGET_DAYS


@dataclass
class TrendPoint:
    week: IsoWeek
    avg_value: float
    shipped_value: float

    @property
    def turnover_days(self) -> float | None:
        return None if self.shipped_value <= 0 else self.avg_value / (self.shipped_value / 7)


@dataclass
class TurnoverReport:
    window: int
    since: datetime
    now: datetime
    overall: TurnoverRow
    by_product: list[TurnoverRow]
    by_location: list[TurnoverRow]
    trend: list[TrendPoint]
    missing_costs: list[str] = field(default_factory=list)
    target: int = TARGET_DAYS


def _sort_key(row: TurnoverRow):
    days = row.turnover_days
    return (days is None and row.on_hand == 0, -(days if days is not None else float("inf")), row.key)


def turnover_report(
    *, window: int = DEFAULT_WINDOW, weeks: int = TREND_WEEKS, now: datetime | None = None
) -> TurnoverReport:
    """Turnover over the ``window`` days up to ``now``, and the overall trend of the last ``weeks`` weeks."""
    now = now or timezone.now()
    since = now - timedelta(days=window)
    seconds = window * 86400.0
    costs = {item_id: float(cost) for item_id, cost in StandardCost.objects.values_list("item_id", "unit_cost")}
    levels = {
        (item_id, location_id): on_hand
        for item_id, location_id, on_hand in StockLevel.objects.filter(item__kind=Item.Kind.PRODUCT).values_list(
            "item_id", "location_id", "on_hand"
        )
    }
    flows = {(i, loc): (net, weighted) for i, loc, net, weighted in window_flows(since=since, now=now)}
    issues = {(i, loc): units for i, loc, units in window_issues(since=since)}
    keys = set(levels) | set(flows) | set(issues)
    items = {
        pk: (sku, name)
        for pk, sku, name in Item.objects.filter(pk__in={i for i, _ in keys}).values_list("pk", "sku", "name")
    }
    locations = {loc.pk: loc for loc in Location.objects.filter(pk__in={loc for _, loc in keys})}

    by_product: dict[int, TurnoverRow] = {}
    by_location: dict[int, TurnoverRow] = {}
    overall = TurnoverRow("all", "All products, all locations", window=window)
    for item_id, location_id in sorted(keys):
        on_hand = levels.get((item_id, location_id), 0)
        _net, weighted = flows.get((item_id, location_id), (0, 0.0))
        avg_units = on_hand - weighted / seconds
        shipped = issues.get((item_id, location_id), 0)
        cost = costs.get(item_id, 0.0)
        product = by_product.setdefault(item_id, TurnoverRow(*items[item_id], window=window, by_units=True))
        location = locations[location_id]
        place = by_location.setdefault(location_id, TurnoverRow(location.code, location.name, window=window))
        for row in (product, place, overall):
            row.avg_units += avg_units
            row.avg_value += avg_units * cost
            row.shipped_units += shipped
            row.shipped_value += shipped * cost
            row.on_hand += on_hand
            row.value_now += on_hand * cost
    return TurnoverReport(
        window=window,
        since=since,
        now=now,
        overall=overall,
        by_product=sorted(by_product.values(), key=_sort_key),
        by_location=sorted(by_location.values(), key=_sort_key),
        trend=_trend(now=now, weeks=weeks, value_now=overall.value_now),
        missing_costs=sorted(items[i][0] for i in by_product if i not in costs),
    )


def _trend(*, now: datetime, weeks: int, value_now: float) -> list[TrendPoint]:
    """Weekly overall turnover, oldest first: each week's time-weighted average value and shipped value."""
    if weeks < 1:
        return []
    buckets = {b: (v, w, s) for b, v, w, s in weekly_value_flows(since=now - timedelta(days=7 * weeks), now=now)}
    week_seconds = 7 * 86400.0
    points = []
    value_after = 0.0  # net value that came in after the end of the bucket being looked at
    for bucket in range(weeks):
        net, weighted, shipped = buckets.get(bucket, (0.0, 0.0, 0.0))
        end_value = value_now - value_after
        start = -week_seconds * (bucket + 1)  # the bucket's start, in seconds relative to now
        # weighted = sum(net x (t - now)); seconds after the bucket's start = (t - now) - start
        after_start = weighted - start * net
        points.append(
            TrendPoint(
                IsoWeek.of(business_date(now - timedelta(days=7 * bucket))),
                end_value - after_start / week_seconds,
                shipped,
            )
        )
        value_after += net
    return list(reversed(points))


def turnover_window_check(value) -> int:
    """A window in whole days from 1 to ``MAX_WINDOW``; raises ValueError with the reason otherwise."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(f"The window must be a whole number of days, not {value!r}.") from None
    if not 1 <= days <= MAX_WINDOW:
        raise ValueError(f"The window must be from 1 to {MAX_WINDOW} days, not {days}.")
    return days

"""Inventory turnover (DESIGN.md section 4): average inventory value / cost of goods shipped per day.

Over a window of business days ending now, per product, per location and overall, for finished products:

* average inventory is time-weighted: the level now, minus each move's effect for the part of the
  window before it happened (``avg = on_hand_now - sum(net x seconds after the window start) / window``),
  read from the daily flow sums the stock ledger keeps, so the cost grows with days, not moves;
* goods shipped are the units that left stock to customers (issues to nowhere: outbound shipments,
  store sales, shipped retailer orders);
* both are valued at the product's standard cost (``procurement.StandardCost``); per product the
  days are the same in units, so a product without a standard cost still gets its days and is
  listed in ``missing_costs`` (it adds nothing to the value-weighted location and overall figures).

Turnover days = average value / (shipped value / window days); None when nothing was shipped.
Days of cover = value on hand now / shipped value per day; a row is slow when it has stock and its
cover is above ``SLOW_COVER_DAYS`` or nothing shipped, except a location goods only pass through (a
factory store, in transit), which is listed after the others. Six queries whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from erp.models import Item
from erp.weeks import BUSINESS_TZ, IsoWeek, business_date
from logistics.models import ItemFlowDay, Location, LocationKind, StockFlowDay, StockLevel, flow_seconds
from procurement.models import StandardCost

TARGET_DAYS = 7
SLOW_COVER_DAYS = 30
DEFAULT_WINDOW = 28
MAX_WINDOW = 365
TREND_WEEKS = 12
# Locations goods pass through on their way to a warehouse or store; they never sell, so they are never slow.
PASS_THROUGH = (LocationKind.FACTORY_STORE, LocationKind.IN_TRANSIT)


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
    sells: bool = True  # False for a location goods only pass through (a factory store, in transit)

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
        if self.on_hand <= 0 or not self.sells:
            return False
        cover = self.cover_days
        return cover is None or cover > SLOW_COVER_DAYS

    @property
    def on_target(self) -> bool:
        days = self.turnover_days
        return days is not None and days <= TARGET_DAYS


@dataclass
class TrendPoint:
    week: IsoWeek  # the ISO week its last day falls in
    avg_value: float
    shipped_value: float
    days: float = 7.0

    @property
    def turnover_days(self) -> float | None:
        return None if self.shipped_value <= 0 else self.avg_value / (self.shipped_value / self.days)


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
    return (not row.sells, days is None and row.on_hand == 0, -(days if days is not None else float("inf")), row.key)


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)


def turnover_report(
    *, window: int = DEFAULT_WINDOW, weeks: int = TREND_WEEKS, now: datetime | None = None
) -> TurnoverReport:
    """Turnover over the ``window`` business days up to ``now`` (today included), and the overall trend of
    the last ``weeks`` weeks, from the daily flow sums the stock ledger keeps (``StockFlowDay``, ``ItemFlowDay``)."""
    now = now or timezone.now()
    today = business_date(now)
    since = _start_of(today - timedelta(days=window - 1))
    seconds = (now - since).total_seconds()
    since_s = flow_seconds(since)
    costs = {item_id: float(cost) for item_id, cost in StandardCost.objects.values_list("item_id", "unit_cost")}
    levels = {
        (item_id, location_id): on_hand
        for item_id, location_id, on_hand in StockLevel.objects.filter(item__kind=Item.Kind.PRODUCT).values_list(
            "item_id", "location_id", "on_hand"
        )
    }
    flows = {
        (row["item_id"], row["location_id"]): (row["weighted"] - since_s * row["net"], row["issued"])
        for row in StockFlowDay.objects.filter(day__gte=since.date(), item__kind=Item.Kind.PRODUCT)
        .values("item_id", "location_id")
        .annotate(net=Sum("net_in"), weighted=Sum("weighted"), issued=Sum("issued"))
        .order_by()
    }
    keys = set(levels) | set(flows)
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
        after_start, shipped = flows.get((item_id, location_id), (0, 0))
        avg_units = on_hand - after_start / seconds
        cost = costs.get(item_id, 0.0)
        product = by_product.setdefault(item_id, TurnoverRow(*items[item_id], window=window, by_units=True))
        location = locations[location_id]
        place = by_location.setdefault(
            location_id,
            TurnoverRow(location.code, location.name, window=window, sells=location.kind not in PASS_THROUGH),
        )
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
        trend=_trend(now=now, today=today, weeks=weeks, costs=costs, value_now=overall.value_now),
        missing_costs=sorted(items[i][0] for i in by_product if i not in costs),
    )


def _trend(*, now: datetime, today, weeks: int, costs: dict[int, float], value_now: float) -> list[TrendPoint]:
    """Weekly overall turnover, oldest first: the 7 business days ending today, the 7 before, and so on."""
    if weeks < 1:
        return []
    starts = [_start_of(today - timedelta(days=7 * bucket + 6)) for bucket in range(weeks)]
    ends = [now, *starts[:-1]]
    sums = [[0.0, 0.0, 0.0] for _ in range(weeks)]  # value in, value x seconds after the week's start, value shipped
    rows = ItemFlowDay.objects.filter(
        day__gte=starts[-1].date(), day__lte=today, item__kind=Item.Kind.PRODUCT
    ).values_list("item_id", "day", "net_in", "weighted", "issued")
    for item_id, day, net, weighted, issued in rows:
        cost = costs.get(item_id, 0.0)
        if not cost:
            continue
        bucket = (today - day).days // 7
        week = sums[bucket]
        week[0] += net * cost
        week[1] += (weighted - flow_seconds(starts[bucket]) * net) * cost
        week[2] += issued * cost
    points = []
    value_after = 0.0  # value that came in after the end of the week being looked at
    for bucket in range(weeks):
        net, after_start, shipped = sums[bucket]
        length = (ends[bucket] - starts[bucket]).total_seconds()
        average = value_now - value_after - after_start / length
        points.append(
            TrendPoint(IsoWeek.of(business_date(ends[bucket] - timedelta(seconds=1))), average, shipped, length / 86400)
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

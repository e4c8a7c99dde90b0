"""Reads of the weekly order meeting: the grid everybody edits, its decisions and its edit history.

``meeting_grid`` gathers every input of every product in a fixed number of queries (the same for 5
products as for 500) and leaves the arithmetic to ``plan_math.plan_product``, as the demand plan does.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from erp import roles
from erp.models import Item
from erp.selectors import prices_in_force
from erp.weeks import IsoWeek
from logistics.models import FactoryCapacity, MrpPlannedOrder, ProductionActual, ScheduleVersion
from logistics.selectors import (
    factory_order_sheets,
    factory_weekly_capacity,
    planned_production,
    schedule_current_locked,
    schedule_draft,
    stock_available,
    stock_on_hand,
)
from logistics.selectors.mrp import mrp_latest_run
from orders.models import MeetingCellEdit, MeetingDecision, MeetingWeek
from orders.selectors.demand import committed_consumer_demand, forecast_quantities, sales_actuals
from orders.selectors.demand_plan import DEFAULT_COVER_DAYS
from orders.selectors.meeting_types import (
    MEETING_WEEKS,
    LastWeekActuals,
    MeetingCell,
    MeetingGrid,
    MeetingRow,
    ShortageSummary,
)
from orders.selectors.plan_math import LOOKAHEAD_WEEKS, plan_product
from procurement.models import StandardCost
from retail.models import StoreSellThrough
from retail.selectors import retailer_committed_demand


def meeting_get(*, week: IsoWeek) -> MeetingWeek | None:
    return MeetingWeek.objects.select_related("schedule", "locked_by").filter(week=week.monday).first()


@dataclass(frozen=True)
class LockOutputs:
    """What locking produced: sheets per factory, draft purchase orders, and whether MRP is still going."""

    sheets: list
    purchase_orders: list
    pending: bool
    note: str


def meeting_lock_outputs(*, meeting: MeetingWeek) -> LockOutputs | None:
    """The outputs of a locked meeting (three queries); None while it is open."""
    if not meeting.is_locked:
        return None
    sheets = list(factory_order_sheets(version=meeting.schedule).filter(week=meeting.week))
    orders = list(meeting.draft_purchase_orders.select_related("supplier").order_by("number"))
    pending = meeting.outputs_at is None
    return LockOutputs(sheets=sheets, purchase_orders=orders, pending=pending, note=meeting.outputs_note)


def meeting_decisions(*, meeting: MeetingWeek) -> QuerySet[MeetingDecision]:
    decisions = MeetingDecision.objects.filter(meeting=meeting).select_related("item", "decided_by")
    return decisions.order_by("created_at", "pk")


def meeting_edits(*, meeting: MeetingWeek, item: Item | None = None) -> QuerySet[MeetingCellEdit]:
    edits = MeetingCellEdit.objects.filter(meeting=meeting).select_related("item", "edited_by")
    return edits.filter(item=item) if item is not None else edits


def meeting_schedule(meeting: MeetingWeek | None) -> ScheduleVersion | None:
    """The schedule a meeting shows: its own version, else the draft being edited, else the plan in force."""
    if meeting is not None and meeting.schedule_id is not None:
        return meeting.schedule
    return schedule_draft() or schedule_current_locked()


def _previous_locked(shown: ScheduleVersion | None) -> ScheduleVersion | None:
    """Last week's locked plan: the newest locked version other than the one shown."""
    locked = ScheduleVersion.objects.filter(status=ScheduleVersion.Status.LOCKED)
    if shown is not None:
        locked = locked.exclude(pk=shown.pk).filter(number__lt=shown.number)
    return locked.order_by("-number").first()


def _products(*, family: str, factory_code: str, lifecycle: str, item_ids: Collection[int] | None) -> list[Item]:
    products = Item.objects.filter(kind=Item.Kind.PRODUCT).exclude(lifecycle_status=Item.Lifecycle.OBSOLETE)
    if family:
        products = products.filter(family=family)
    if lifecycle:
        products = products.filter(lifecycle_status=lifecycle)
    if factory_code:
        products = products.filter(
            factory_capacities__factory__code=factory_code.strip().upper(), factory_capacities__factory__is_active=True
        )
    if item_ids is not None:
        products = products.filter(pk__in=list(item_ids))
    return list(products.distinct().order_by("family", "sku"))


def _factory_codes(ids: list[int]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = defaultdict(list)
    rows = (
        FactoryCapacity.objects.filter(item_id__in=ids, factory__is_active=True)
        .order_by("factory__code")
        .values_list("item_id", "factory__code")
    )
    for item_id, code in rows:
        codes[item_id].append(code)
    return codes


def _last_week(ids: list[int], week: IsoWeek) -> dict[int, LastWeekActuals]:
    last = week - 1
    sales = sales_actuals(from_week=last, weeks=1, item_ids=ids)
    days = Q(date__gte=last.monday, date__lte=last.sunday)
    sold = dict(
        StoreSellThrough.objects.filter(days, item_id__in=ids)
        .order_by()
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    built = dict(
        ProductionActual.objects.filter(days, item_id__in=ids)
        .order_by()
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    return {
        item_id: LastWeekActuals(
            sales=sales.get((item_id, last.monday), 0),
            sell_through=sold.get(item_id, 0),
            produced=built.get(item_id, 0),
        )
        for item_id in ids
    }


def _shortages(skus: dict[str, int]) -> dict[int, ShortageSummary]:
    """Late planned orders of the latest MRP run, charged to every product whose BOM uses the part."""
    run = mrp_latest_run()
    if run is None:
        return {}
    late = (
        MrpPlannedOrder.objects.filter(run=run, weeks_late__gt=0)
        .order_by("-weeks_late", "part__item__sku")
        .values_list("part__item__sku", "part__item__name", "weeks_late", "part__products")
    )
    found: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for sku, name, weeks_late, used_in in late:
        for product_sku in used_in or []:
            if product_sku in skus:
                found[skus[product_sku]].append((sku, name, weeks_late))
    summaries = {}
    for item_id, parts in found.items():
        distinct = {sku for sku, _name, _late in parts}
        worst_sku, worst_name, worst_late = parts[0]  # most weeks late first
        summaries[item_id] = ShortageSummary(
            count=len(distinct), worst_sku=worst_sku, worst_name=worst_name, weeks_late=worst_late
        )
    return summaries


def _series(values: dict[tuple[int, date], int], item_id: int, start: IsoWeek, count: int) -> list[int]:
    return [values.get((item_id, (start + w).monday), 0) for w in range(count)]


def _margin(cost: Decimal | None, price: Decimal | None) -> Decimal | None:
    if cost is None or not price:
        return None
    return ((price - cost) / price).quantize(Decimal("0.001"))


def _owners(row: MeetingRow) -> set[str]:
    """Whose attention a row needs: planning where the plan falls short, procurement where parts are late,
    sales where customers have ordered, logistics where stock sits in the warehouses."""
    owners = set()
    if row.has_shortfall or any(cell.capacity_shortfall for cell in row.cells):
        owners.add(roles.PLANNING)
    if row.shortages.count:
        owners.add(roles.PROCUREMENT)
    if any(cell.online or cell.retailer for cell in row.cells):
        owners.add(roles.SALES)
    if row.on_hand:
        owners.add(roles.LOGISTICS)
    return owners


def meeting_grid(
    *,
    week: IsoWeek,
    family: str = "",
    factory_code: str = "",
    lifecycle: str = "",
    item_ids: Collection[int] | None = None,
    user=None,
) -> MeetingGrid:
    """The meeting of ``week``: 12 planned weeks per product, in the same number of queries for any number."""
    meeting = meeting_get(week=week)
    shown = meeting_schedule(meeting)
    previous = _previous_locked(shown)
    products = _products(family=family, factory_code=factory_code, lifecycle=lifecycle, item_ids=item_ids)
    ids = [item.pk for item in products]
    weeks = MEETING_WEEKS
    span = weeks + LOOKAHEAD_WEEKS
    forecast = forecast_quantities(from_week=week, weeks=span, item_ids=ids)
    online = committed_consumer_demand(from_week=week, weeks=span, item_ids=ids)
    retailer = retailer_committed_demand(from_week=week, weeks=span, item_ids=ids)
    planned = planned_production(from_week=week - 1, weeks=weeks + 1, version=shown) if shown else {}
    before = planned_production(from_week=week, weeks=weeks, version=previous) if previous else None
    available = stock_available(item_ids=ids)
    on_hand = stock_on_hand(item_ids=ids, kinds=("warehouse",))
    capacity = factory_weekly_capacity(item_ids=ids)
    factories = _factory_codes(ids)
    actuals = _last_week(ids, week)
    shortages = _shortages({item.sku: item.pk for item in products})
    costs = dict(StandardCost.objects.filter(item_id__in=ids).values_list("item_id", "unit_cost"))
    prices = dict(prices_in_force(week.monday).filter(item_id__in=ids).values_list("item_id", "list_price"))
    rows = []
    for item in products:
        production = _series(planned, item.pk, week - 1, weeks + 1)
        orders_online = _series(online, item.pk, week, span)
        orders_retail = _series(retailer, item.pk, week, span)
        committed = [a + b for a, b in zip(orders_online, orders_retail, strict=True)]
        plan = plan_product(
            weeks=weeks,
            forecast=_series(forecast, item.pk, week, span),
            committed=committed,
            planned=production[1:],
            planned_before=production[0],
            start_stock=available.get(item.pk, 0),
            batch_multiple=item.batch_multiple,
            capacity=capacity.get(item.pk),
            cover_days=DEFAULT_COVER_DAYS,
        )
        old = _series(before, item.pk, week, weeks) if before is not None else None
        cells = [
            MeetingCell(
                week=week + w,
                forecast=p.forecast,
                online=orders_online[w],
                retailer=orders_retail[w],
                demand=p.demand,
                planned=production[w + 1],
                supply=p.supply,
                suggested=p.suggested,
                projected=p.projected,
                days_of_supply=p.days_of_supply,
                capacity_shortfall=p.capacity_shortfall,
                previous_planned=old[w] if old is not None else None,
            )
            for w, p in enumerate(plan)
        ]
        row = MeetingRow(
            item=item,
            factory_codes=factories.get(item.pk, []),
            on_hand=on_hand.get(item.pk, 0),
            available=available.get(item.pk, 0),
            capacity=capacity.get(item.pk),
            unit_cost=costs.get(item.pk),
            list_price=prices.get(item.pk),
            margin=_margin(costs.get(item.pk), prices.get(item.pk)),
            last_week=actuals[item.pk],
            shortages=shortages.get(item.pk, ShortageSummary()),
            cells=cells,
        )
        row.owner_roles = _owners(row)
        rows.append(row)
    # The products that sell most come first: they are what the meeting talks about.
    rows.sort(key=lambda row: (-sum(cell.demand for cell in row.cells), row.item.sku))
    return MeetingGrid(
        week=week,
        weeks=[week + w for w in range(weeks)],
        locked=bool(meeting and meeting.is_locked),
        schedule_number=shown.number if shown else None,
        previous_schedule_number=previous.number if previous else None,
        rows=rows,
    )


def meeting_row(*, week: IsoWeek, item: Item) -> MeetingRow | None:
    """One product's row, as the grid shows it (after an edit, to redraw that row only)."""
    grid = meeting_grid(week=week, item_ids=[item.pk])
    return grid.rows[0] if grid.rows else None

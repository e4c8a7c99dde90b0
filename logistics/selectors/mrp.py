"""Material requirements planning (DESIGN section 4, MRP): reads everything a run needs and nets it.

Gross requirements come from the locked production schedule exploded through the BOMs (scrap
included) down to the parts Tempo buys: a part with a current offer is bought whole; an
assembly nobody offers is exploded further. Stock at factory stores and warehouses and open
purchase orders are netted; ``mrp_math.net_part`` does the arithmetic per part. Reads only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db.models import QuerySet, Sum

from erp.models import Item
from erp.selectors import FxTable
from erp.weeks import IsoWeek
from logistics.models import LocationKind, MrpPart, MrpPlannedOrder, MrpRun
from logistics.selectors.mrp_math import PartPlan, net_part
from procurement.models import ComponentProfile
from procurement.selectors import bom_rows, cheapest, open_purchase_quantities
from procurement.selectors.boms import MAX_BOM_DEPTH, BomRow, scrap_factor
from procurement.selectors.market import Quote
from procurement.selectors.market_sql import cheapest_quotes

MRP_WEEKS = 12
NETTED_KINDS = (LocationKind.WAREHOUSE, LocationKind.FACTORY_STORE)


@dataclass
class PartResult:
    item_id: int
    quote: Quote | None
    lead_time_days: int
    on_hand: int
    gross: list[int]
    scheduled: list[int]
    plan: PartPlan
    products: set[int] = field(default_factory=set)

    @property
    def planned(self) -> list[int]:
        weekly = [0] * len(self.gross)
        for receipt in self.plan.receipts:
            weekly[receipt.week] += receipt.quantity
        return weekly


@dataclass
class MrpResult:
    from_week: IsoWeek
    weeks: int
    parts: dict[int, PartResult]
    skus: dict[int, str]


def bought_parts_per_unit(rows: dict[int, list[BomRow]], product_id: int, bought: set[int]) -> dict[int, Decimal]:
    """Pieces of each bought part in one unit of the product, scrap compounded down the tree."""
    per_unit: dict[int, Decimal] = defaultdict(Decimal)

    def walk(parent_id: int, qty: Decimal, depth: int) -> None:
        if depth > MAX_BOM_DEPTH:
            return
        for row in rows.get(parent_id, []):
            in_unit = qty * row.qty_per * scrap_factor(row.scrap_pct)
            if row.child_id in bought or row.child_id not in rows:
                per_unit[row.child_id] += in_unit
            else:
                walk(row.child_id, in_unit, depth + 1)

    walk(product_id, Decimal(1), 1)
    return dict(per_unit)


def _week_index(day: date, start: date, weeks: int) -> int:
    """The week a due date falls in; anything overdue counts in week 0."""
    return min(max((day - start).days // 7, 0), weeks - 1)


def mrp_compute(*, from_week: IsoWeek | None = None, weeks: int = MRP_WEEKS) -> MrpResult:
    from logistics import selectors as logistics_selectors  # the package re-exports stock and schedule reads

    start_week = from_week or IsoWeek.current()
    start, horizon_end = start_week.monday, start_week.monday + timedelta(weeks=weeks) - timedelta(days=1)
    planned = logistics_selectors.planned_production(from_week=start_week, weeks=weeks)
    products = sorted({item_id for item_id, _week in planned})
    rows = bom_rows(item_ids=products, on=start)
    candidates = {row.child_id for lines in rows.values() for row in lines}
    # Parts somebody offers are bought whole; cheapest_quotes returns only those.
    totals: dict[int, Decimal] = defaultdict(Decimal)
    offered = {
        item_id
        for (_key, item_id) in cheapest_quotes(
            on=start, need=[(0, item_id, 1) for item_id in sorted(candidates)], fx=FxTable(start)
        )
    }
    per_unit = {p: bought_parts_per_unit(rows, p, offered) for p in products}
    gross: dict[int, list[int]] = {}
    users: dict[int, set[int]] = defaultdict(set)
    for (product_id, week), quantity in planned.items():
        t = (week - start).days // 7
        if not 0 <= t < weeks or not quantity:
            continue
        for part_id, qty in per_unit.get(product_id, {}).items():
            need = int((qty * quantity).to_integral_value(ROUND_CEILING))
            gross.setdefault(part_id, [0] * weeks)[t] += need
            totals[part_id] += need
            users[part_id].add(product_id)
    part_ids = sorted(gross)
    quotes = cheapest_quotes(on=start, need=[(0, p, max(1, int(totals[p]))) for p in part_ids], fx=FxTable(start))
    on_hand = logistics_selectors.stock_on_hand(item_ids=part_ids, kinds=NETTED_KINDS)
    scheduled: dict[int, list[int]] = {p: [0] * weeks for p in part_ids}
    for (item_id, due), quantity in open_purchase_quantities(item_ids=part_ids, until=horizon_end).items():
        scheduled[item_id][_week_index(due, start, weeks)] += quantity
    default_leads = dict(
        ComponentProfile.objects.filter(item_id__in=part_ids).values_list("item_id", "default_lead_time_days")
    )
    parts = {}
    for part_id in part_ids:
        quote = cheapest(quotes.get((0, part_id), []))
        lead = quote.lead_time_days if quote else default_leads.get(part_id, 0)
        plan = net_part(
            gross=gross[part_id],
            scheduled=scheduled[part_id],
            on_hand=on_hand.get(part_id, 0),
            moq=quote.moq if quote else 1,
            multiple=quote.order_multiple if quote else 1,
            lead_time_days=lead,
        )
        parts[part_id] = PartResult(
            part_id, quote, lead, on_hand.get(part_id, 0), gross[part_id], scheduled[part_id], plan, users[part_id]
        )
    skus = dict(Item.objects.filter(pk__in=[*part_ids, *products]).values_list("pk", "sku"))
    return MrpResult(from_week=start_week, weeks=weeks, parts=parts, skus=skus)


def mrp_latest_run() -> MrpRun | None:
    """The newest finished run: what the pages and the API show."""
    return MrpRun.objects.filter(status=MrpRun.Status.DONE).order_by("-finished_at", "-pk").first()


def mrp_pending_run() -> MrpRun | None:
    """A run queued or in progress, if any: the pages say the numbers are being recomputed."""
    return MrpRun.objects.filter(status__in=[MrpRun.Status.QUEUED, MrpRun.Status.RUNNING]).order_by("pk").first()


def mrp_planned_orders(*, run: MrpRun) -> QuerySet[MrpPlannedOrder]:
    return (
        MrpPlannedOrder.objects.filter(run=run)
        .select_related("part__item", "part__supplier", "part__offer", "purchase_order")
        .order_by("-weeks_late", "need_week", "part__item__sku", "pk")
    )


def mrp_shortages(*, run: MrpRun) -> QuerySet[MrpPlannedOrder]:
    """Planned orders whose release week has passed: most weeks late first."""
    return mrp_planned_orders(run=run).filter(weeks_late__gt=0)


def mrp_part_get(*, run: MrpRun, sku: str) -> MrpPart | None:
    return (
        MrpPart.objects.filter(run=run, item__sku=sku.strip().upper())
        .select_related("item", "supplier", "offer")
        .first()
    )


def mrp_supplier_requirements(supplier_id: int) -> list[dict]:
    """What the latest run plans to buy from one supplier, by part and ISO week of need."""
    run = mrp_latest_run()
    if run is None:
        return []
    rows = (
        MrpPlannedOrder.objects.filter(run=run, part__supplier_id=supplier_id)
        .values_list("part__item__sku", "need_week", "quantity")
        .order_by("need_week", "part__item__sku")
    )
    return [{"sku": sku, "week": IsoWeek.of(week).key, "quantity": quantity} for sku, week, quantity in rows]


def mrp_planned_quantities(on: date) -> dict[int, int]:
    """Pieces of each part the latest run plans to buy over its horizon (the outlier report's excess spend)."""
    run = mrp_latest_run()
    if run is None:
        return {}
    rows = (
        MrpPlannedOrder.objects.filter(run=run).values_list("part__item_id").annotate(total=Sum("quantity")).order_by()
    )
    return dict(rows)

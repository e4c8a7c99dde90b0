"""The demand plan (DESIGN section 4): per product and week, demand against supply, in a fixed
number of queries whatever the number of products. ``plan_math.plan_product`` does the arithmetic."""

from dataclasses import dataclass
from datetime import date

from erp.models import Item
from erp.weeks import IsoWeek
from orders.selectors.plan_math import LOOKAHEAD_WEEKS, PlanWeek, plan_product

PLAN_WEEKS = 12
DEFAULT_COVER_DAYS = 7  # safety stock of a week's demand until products get their own cover


@dataclass
class ProductPlan:
    item: Item
    start_stock: int
    capacity: int | None
    weeks: list[PlanWeek]


@dataclass
class DemandPlan:
    from_week: IsoWeek
    week_keys: list[str]
    products: list[ProductPlan]


def _series(values: dict[tuple[int, date], int], item_id: int, start: IsoWeek, count: int) -> list[int]:
    return [values.get((item_id, (start + w).monday), 0) for w in range(count)]


def demand_plan(*, from_week: IsoWeek | None = None, weeks: int = PLAN_WEEKS, item_ids=None) -> DemandPlan:
    from logistics import selectors as logistics_selectors
    from orders import selectors as orders_selectors

    start = from_week or IsoWeek.current()
    span = weeks + LOOKAHEAD_WEEKS
    products = Item.objects.filter(kind=Item.Kind.PRODUCT).exclude(lifecycle_status=Item.Lifecycle.OBSOLETE)
    if item_ids is not None:
        products = products.filter(pk__in=list(item_ids))
    products = list(products.order_by("family", "sku"))
    ids = [item.pk for item in products]
    forecast = orders_selectors.forecast_quantities(from_week=start, weeks=span, item_ids=ids)
    committed = orders_selectors.committed_demand(from_week=start, weeks=span, item_ids=ids)
    planned = logistics_selectors.planned_production(from_week=start - 1, weeks=weeks + 1)
    stock = logistics_selectors.stock_available(item_ids=ids)
    capacity = logistics_selectors.factory_weekly_capacity(item_ids=ids)
    plans = []
    for item in products:
        production = _series(planned, item.pk, start - 1, weeks + 1)
        plans.append(
            ProductPlan(
                item=item,
                start_stock=stock.get(item.pk, 0),
                capacity=capacity.get(item.pk),
                weeks=plan_product(
                    weeks=weeks,
                    forecast=_series(forecast, item.pk, start, span),
                    committed=_series(committed, item.pk, start, span),
                    planned=production[1:],
                    planned_before=production[0],
                    start_stock=stock.get(item.pk, 0),
                    batch_multiple=item.batch_multiple,
                    capacity=capacity.get(item.pk),
                    cover_days=DEFAULT_COVER_DAYS,
                ),
            )
        )
    keys = [(start + w).key for w in range(weeks)]
    # The products that sell most come first: they are what the meeting talks about.
    plans.sort(key=lambda plan: (-sum(week.demand for week in plan.weeks), plan.item.sku))
    return DemandPlan(from_week=start, week_keys=keys, products=plans)

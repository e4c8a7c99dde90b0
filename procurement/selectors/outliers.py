"""Cost outliers (DESIGN section 4): offers priced far above what other suppliers ask for the same part.

Planned quantities come from planning, which sits above procurement; until a planning app
registers a source with ``planned_quantities_register`` every excess spend is 0 and the report
ranks by ratio alone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from erp.models import Item
from erp.selectors import FxTable
from procurement.selectors.market import DEFAULT_COSTING_LOT, Quote
from procurement.selectors.market_sql import outlier_price_lists

OUTLIER_RATIO = Decimal(2)
MIN_OTHER_OFFERS = 2
PLANNING_WEEKS = 12

# on -> {item id: pieces planned to be bought over the next PLANNING_WEEKS weeks}
PlannedQuantities = Callable[[date], dict[int, int]]
_planned_sources: list[PlannedQuantities] = []


def planned_quantities_register(source: PlannedQuantities) -> None:
    """Let planning say how much of each part it will buy; called from that app's ``ready``."""
    if source not in _planned_sources:
        _planned_sources.append(source)


def planned_quantities(on: date) -> dict[int, int]:
    planned: dict[int, int] = {}
    for source in _planned_sources:
        for item_id, qty in source(on).items():
            planned[item_id] = planned.get(item_id, 0) + qty
    return planned


@dataclass(frozen=True, slots=True)
class Outlier:
    quote: Quote
    sku: str
    name: str
    category: str
    median_of_others: Decimal
    other_offers: int
    ratio: Decimal
    planned_qty: int

    @property
    def excess_spend(self) -> Decimal:
        return (self.quote.unit_price_cny - self.median_of_others) * self.planned_qty


def _median_without(prices: dict[int, Decimal] | list[Decimal], index: int, count: int | None = None) -> Decimal:
    """The median of ``count`` sorted prices with the one at ``index`` left out.

    ``prices`` maps a position to its price and needs only the positions around the middle.
    """
    remaining = (len(prices) if count is None else count) - 1

    def at(position: int) -> Decimal:
        return prices[position if position < index else position + 1]

    middle = remaining // 2
    return at(middle) if remaining % 2 else (at(middle - 1) + at(middle)) / 2


def cost_outliers(
    *,
    on: date,
    qty: int = DEFAULT_COSTING_LOT,
    ratio: Decimal = OUTLIER_RATIO,
    planned: dict[int, int] | None = None,
) -> list[Outlier]:
    """Current offers priced at ``ratio`` x or more the median of at least two other suppliers' offers.

    Prices are compared in CNY at the same quantity: the part's planned quantity when planning
    knows it, else ``qty``. Sorted by excess spend, then ratio, largest first.
    """
    planned = planned_quantities(on) if planned is None else planned
    lists = outlier_price_lists(
        on=on, qty=qty, planned=planned, ratio=ratio, min_offers=MIN_OTHER_OFFERS + 1, fx=FxTable(on)
    )
    found: list[tuple[Quote, Decimal, int, Decimal]] = []
    for price_list in lists.values():
        prices = {position: quote.unit_price_cny for position, quote in price_list.by_position.items()}
        # Only the dearest can be outliers: a price at or above ``ratio`` x the median of the rest.
        for index in sorted(price_list.by_position, reverse=True):
            median = _median_without(prices, index, price_list.count)
            if prices[index] < ratio * median:
                break
            found.append((price_list.by_position[index], median, price_list.count - 1, prices[index] / median))
    items = {
        pk: (sku, name, category or "")
        for pk, sku, name, category in Item.objects.filter(pk__in={q.item_id for q, *_ in found}).values_list(
            "pk", "sku", "name", "component_profile__category"
        )
    }
    outliers = [
        Outlier(quote, *items[quote.item_id], median, others, share, planned.get(quote.item_id, 0))
        for quote, median, others, share in found
    ]
    outliers.sort(key=lambda o: (-o.excess_spend, -o.ratio, o.sku, o.quote.supplier_code))
    return outliers

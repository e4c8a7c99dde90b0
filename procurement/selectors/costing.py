"""Cost roll-up of a product or assembly (DESIGN section 4), in a fixed number of queries.

Reads the structure (one recursive query), the offers of every part (offers, breaks, FX), the
cost rates and the price in force, then does the arithmetic in Python. Nothing here writes.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from erp.errors import ApplicationError
from erp.models import Item
from erp.selectors import FxTable, prices_in_force
from procurement.models import CostRates
from procurement.selectors.boms import MAX_BOM_DEPTH, BomRow, bom_rows, scrap_factor
from procurement.selectors.market import DEFAULT_COSTING_LOT, Quote, cheapest
from procurement.selectors.market_sql import cheapest_quotes
from procurement.selectors.scorecard import supplier_ranking

MAX_COSTING_LOT = 100_000_000


class Source:
    OFFER = "offer"
    ROLLUP = "rollup"
    MISSING = "missing"


@dataclass
class CostLine:
    """One BOM line of the costed item's tree with the cost it contributes."""

    row: BomRow
    depth: int
    qty_in_top: Decimal  # pieces in one unit of the costed item, scrap included
    buy_qty: int  # pieces priced for the costing lot, summed over every place the part is used
    unit_cost: Decimal  # CNY per piece of the child
    extended_cost: Decimal  # CNY in one unit of the costed item: qty_in_top x unit_cost
    source: str
    quote: Quote | None = None
    conversion_cost: Decimal = Decimal(0)  # added per piece when the child is rolled up
    share: Decimal = Decimal(0)  # of the costed item's unit cost
    children: list["CostLine"] = field(default_factory=list)

    @property
    def supplier_code(self) -> str:
        return self.quote.supplier_code if self.quote else ""


@dataclass
class CostRollup:
    item: Item
    on: date
    lot: int
    material_cost: Decimal
    conversion_cost: Decimal
    logistics_cost: Decimal
    list_price: Decimal | None
    retailer_price: Decimal | None
    lines: list[CostLine]
    warnings: list[str]

    @property
    def unit_cost(self) -> Decimal:
        return self.material_cost + self.conversion_cost + self.logistics_cost

    @property
    def margin_list(self) -> Decimal | None:
        return _margin(self.list_price, self.unit_cost)

    @property
    def margin_retailer(self) -> Decimal | None:
        return _margin(self.retailer_price, self.unit_cost)

    @property
    def flagged(self) -> bool:
        """Cost at or above a price: selling at that price loses money."""
        return any(price is not None and self.unit_cost >= price for price in (self.list_price, self.retailer_price))

    def flat(self) -> Iterator[CostLine]:
        """Every line depth-first, the order the drill-down and the export list them."""

        def walk(lines: list[CostLine]) -> Iterator[CostLine]:
            for line in lines:
                yield line
                yield from walk(line.children)

        return walk(self.lines)


def _margin(price: Decimal | None, cost: Decimal) -> Decimal | None:
    """Gross margin as a fraction of ``price``: 0.25 is 25%; negative when cost exceeds price."""
    return None if not price else (price - cost) / price


def _buy_quantities(rows: dict[int, list[BomRow]], top_id: int, lot: int) -> dict[int, int]:
    """Pieces of each part needed for ``lot`` top items (no scrap), over every place it is used.

    The DESIGN prices a part at ``lot x qty_per``; a part used in several places is bought
    once, so its quantities add up, and a part inside an assembly is multiplied down the path.
    """
    need: dict[int, Decimal] = defaultdict(Decimal)

    def walk(parent_id: int, qty: Decimal, depth: int) -> None:
        if depth > MAX_BOM_DEPTH:
            return
        for row in rows.get(parent_id, []):
            need[row.child_id] += qty * row.qty_per
            walk(row.child_id, qty * row.qty_per, depth + 1)

    walk(top_id, Decimal(lot), 1)
    return {item_id: max(1, int(qty.to_integral_value(ROUND_CEILING))) for item_id, qty in need.items()}


def _tied(quotes: list[Quote]) -> bool:
    """Two or more offers equal on price and lead time: only the supplier score can choose."""
    if len(quotes) < 2:
        return False
    best = min((q.unit_price_cny, q.lead_time_days) for q in quotes)
    return sum((q.unit_price_cny, q.lead_time_days) == best for q in quotes) > 1


def _scores(on: date, supplier_ids: set[int]) -> dict[int, Decimal]:
    """The scores of the suppliers in a tie, read only when there is one (a few more queries, still fixed)."""
    cards = supplier_ranking(on=on, supplier_ids=supplier_ids)
    return {card.supplier.pk: card.score for card in cards if card.score is not None}


def _check_lot(lot: int) -> None:
    if not 1 <= lot <= MAX_COSTING_LOT:
        raise ApplicationError(
            f"The lot size must be between 1 and {MAX_COSTING_LOT:,}; got {lot}.",
            {"fields": {"lot": [f"Between 1 and {MAX_COSTING_LOT:,}."]}},
        )


def cost_rollup(
    *, item: Item, on: date, lot: int = DEFAULT_COSTING_LOT, score_of: dict[int, Decimal] | None = None
) -> CostRollup:
    """What one unit of ``item`` costs in CNY on ``on`` when ``lot`` of them are built.

    A part bought from a supplier costs its cheapest current offer (ties: shorter lead time, better
    ``score_of`` supplier score); an assembly nobody offers is rolled up from its own lines plus its
    conversion cost; a part with neither counts as 0 and is reported in ``warnings``.
    """
    _check_lot(lot)
    rollups = cost_rollups(items=[item], on=on, lot=lot, score_of=score_of)
    if not rollups:
        raise ApplicationError(
            f"{item.sku} has no BOM lines in force on {on.isoformat()}; there is nothing to roll up.",
            {"fields": {"sku": [f"No BOM in force on {on.isoformat()}."]}, "sku": item.sku, "date": on.isoformat()},
        )
    return rollups[0]


def cost_rollups(
    *, items: list[Item], on: date, lot: int = DEFAULT_COSTING_LOT, score_of: dict[int, Decimal] | None = None
) -> list[CostRollup]:
    """``cost_rollup`` of each of ``items`` that has a BOM in force, in the same six queries for any number."""
    _check_lot(lot)
    rows = bom_rows(item_ids=[item.pk for item in items], on=on)
    items = [item for item in items if rows.get(item.pk)]
    if not items:
        return []
    buy = {item.pk: _buy_quantities(rows, item.pk, lot) for item in items}
    cheapest_of = cheapest_quotes(
        on=on, need=[(root, part, qty) for root, parts in buy.items() for part, qty in parts.items()], fx=FxTable(on)
    )
    if score_of is None:
        tied = {q.supplier_id for quotes in cheapest_of.values() if _tied(quotes) for q in quotes}
        score_of = _scores(on, tied) if tied else {}
    rates = {
        item_id: (conversion, logistics)
        for item_id, conversion, logistics in CostRates.objects.filter(
            item_id__in_ids=[*(item.pk for item in items), *rows.keys()]
        ).values_list("item_id", "conversion_cost", "logistics_cost")
    }
    prices = {
        item_id: (list_price, retailer_price)
        for item_id, list_price, retailer_price in prices_in_force(on)
        .filter(item_id__in=[item.pk for item in items])
        .values_list("item_id", "list_price", "retailer_price")
    }
    return [
        _rollup(item, on, lot, rows, buy[item.pk], cheapest_of, rates, prices.get(item.pk), score_of) for item in items
    ]


def _rollup(
    item: Item,
    on: date,
    lot: int,
    rows: dict[int, list[BomRow]],
    buy_qty: dict[int, int],
    cheapest_of: dict[tuple[int, int], list[Quote]],
    rates: dict[int, tuple[Decimal, Decimal]],
    price: tuple[Decimal, Decimal] | None,
    score_of: dict[int, Decimal] | None,
) -> CostRollup:
    warnings: list[str] = []

    def cost_lines(parent_id: int, qty_in_parent: Decimal, depth: int) -> tuple[list[CostLine], Decimal]:
        lines, per_parent = [], Decimal(0)
        for row in rows.get(parent_id, []) if depth <= MAX_BOM_DEPTH else []:
            in_top = qty_in_parent * row.qty_per * scrap_factor(row.scrap_pct)
            chosen = cheapest(cheapest_of.get((item.pk, row.child_id), []), score_of=score_of)
            line = CostLine(row, depth, in_top, buy_qty[row.child_id], Decimal(0), Decimal(0), Source.MISSING)
            if chosen is not None:
                line.source, line.quote, line.unit_cost = Source.OFFER, chosen, chosen.unit_price_cny
                if chosen.moq > line.buy_qty:
                    warnings.append(
                        f"{row.sku}: the lot needs {line.buy_qty:,} but {chosen.supplier_code}'s MOQ is {chosen.moq:,}."
                    )
            elif row.child_id in rows:
                line.children, material = cost_lines(row.child_id, in_top, depth + 1)
                line.conversion_cost = rates.get(row.child_id, (Decimal(0), Decimal(0)))[0]
                line.source, line.unit_cost = Source.ROLLUP, material + line.conversion_cost
            else:
                warnings.append(
                    f"{row.sku}: no current offer from a supplier that is not blocked on {on.isoformat()}; "
                    "counted at 0."
                )
            line.extended_cost = in_top * line.unit_cost
            per_parent += row.qty_per * scrap_factor(row.scrap_pct) * line.unit_cost
            lines.append(line)
        return lines, per_parent

    lines, material = cost_lines(item.pk, Decimal(1), 1)
    conversion, logistics = rates.get(item.pk, (Decimal(0), Decimal(0)))
    if price is None:
        warnings.append(f"{item.sku} has no price in force on {on.isoformat()}; margins cannot be shown.")
    rollup = CostRollup(
        item=item,
        on=on,
        lot=lot,
        material_cost=material,
        conversion_cost=conversion,
        logistics_cost=logistics,
        list_price=price[0] if price else None,
        retailer_price=price[1] if price else None,
        lines=lines,
        warnings=warnings,
    )
    total = rollup.unit_cost
    for line in rollup.flat():
        line.share = line.extended_cost / total if total else Decimal(0)
    return rollup

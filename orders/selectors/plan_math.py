"""The demand plan of one product (DESIGN section 4), as plain arithmetic on weekly lists.

Week 0 is the first planned week. Inputs are lists indexed by week; the demand lists reach a few
weeks past the horizon because days of supply look four weeks ahead and suggested production
looks one week ahead. Nothing here reads the database: ``demand_plan`` gathers the inputs.
"""

from dataclasses import dataclass
from decimal import Decimal

LOOKAHEAD_WEEKS = 4  # days of supply average the next four weeks' demand


@dataclass(frozen=True)
class PlanWeek:
    forecast: int
    committed: int
    demand: int
    supply: int
    projected: int  # end of week; negative is a shortfall and is shown as such
    days_of_supply: Decimal | None  # None: no demand ahead, so stock lasts indefinitely
    suggested: int  # production to plan this week, shipping next week, after batch rounding and capacity
    capacity_shortfall: int  # what the suggestion needed beyond capacity


def round_up(quantity: int, multiple: int) -> int:
    return -(-quantity // multiple) * multiple if multiple > 1 else quantity


def safety_stock(demand: int, cover_days: int) -> int:
    """``ceil(cover_days / 7 x demand)``, in whole units (integer arithmetic: 1/7 has no exact decimal)."""
    return -(-cover_days * demand // 7)


def _at(values: list[int], index: int) -> int:
    return values[index] if 0 <= index < len(values) else 0


def plan_product(
    *,
    weeks: int,
    forecast: list[int],
    committed: list[int],
    planned: list[int],
    planned_before: int = 0,
    arrivals: list[int] | None = None,
    start_stock: int,
    batch_multiple: int = 1,
    capacity: int | None = None,
    cover_days: int = 0,
) -> list[PlanWeek]:
    """One product's plan for ``weeks`` weeks.

    ``planned[w]`` is production planned in week w (it is supply in w+1; ``planned_before`` is
    last week's, supply in week 0). ``arrivals[w]`` are shipments expected in w. ``capacity`` is
    the summed weekly capacity of the factories that make the product (None: no cap).

    The projection uses the planned production only; the suggestion for week w is what week w
    should build so that week w+1 ends at or above its safety stock, given that projection.
    """
    arrivals = arrivals or []
    demand = [max(_at(forecast, w), _at(committed, w)) for w in range(weeks + LOOKAHEAD_WEEKS)]
    result, stock = [], start_stock
    for w in range(weeks):
        supply = (planned_before if w == 0 else _at(planned, w - 1)) + _at(arrivals, w)
        stock = stock + supply - demand[w]
        ahead = demand[w + 1 : w + 1 + LOOKAHEAD_WEEKS]
        daily = Decimal(sum(ahead)) / len(ahead) / 7 if ahead and sum(ahead) else None
        days = (Decimal(stock) / daily).quantize(Decimal("0.1")) if daily else None
        needed = max(0, demand[w + 1] + safety_stock(demand[w + 1], cover_days) - stock)
        wanted = round_up(needed, batch_multiple)
        # Factories build whole batches, so the cap is the capacity rounded down to a batch.
        cap = None if capacity is None else capacity // batch_multiple * batch_multiple
        suggested = wanted if cap is None else min(wanted, cap)
        result.append(
            PlanWeek(
                forecast=_at(forecast, w),
                committed=_at(committed, w),
                demand=demand[w],
                supply=supply,
                projected=stock,
                days_of_supply=days,
                suggested=suggested,
                capacity_shortfall=wanted - suggested,
            )
        )
    return result

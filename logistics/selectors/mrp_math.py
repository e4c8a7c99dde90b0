"""Time-phased netting of one part (DESIGN section 4, MRP), as plain arithmetic on weekly lists.

Week 0 is the current week. ``gross[t]`` is what production consumes in week t, ``scheduled[t]``
what open purchase orders bring in t. Projected available starts from ``on_hand``; whenever it
would fall below ``safety`` a planned receipt in that week covers it, sized up to the MOQ and the
order multiple, released ``ceil(lead_time_days / 7)`` weeks earlier. A release before week 0 is
a shortage: it should have been ordered already. Nothing here reads the database.
"""

from dataclasses import dataclass
from math import ceil


@dataclass(frozen=True)
class PlannedReceipt:
    week: int  # when it must arrive
    release_week: int  # when it must be ordered; negative: that many weeks ago
    quantity: int

    @property
    def weeks_late(self) -> int:
        return max(0, -self.release_week)

    @property
    def is_shortage(self) -> bool:
        return self.release_week < 0


@dataclass(frozen=True)
class PartPlan:
    projected: list[int]  # projected available at the end of each week, planned receipts included
    receipts: list[PlannedReceipt]


def lead_weeks(lead_time_days: int) -> int:
    return ceil(lead_time_days / 7)


def order_quantity(short: int, *, moq: int, multiple: int) -> int:
    """The smallest quantity covering ``short`` that is at least the MOQ and a multiple of the order multiple."""
    multiple = max(1, multiple)
    quantity = max(short, moq)
    return -(-quantity // multiple) * multiple


def net_part(
    *,
    gross: list[int],
    scheduled: list[int],
    on_hand: int,
    safety: int = 0,
    moq: int = 1,
    multiple: int = 1,
    lead_time_days: int = 0,
) -> PartPlan:
    weeks = max(len(gross), len(scheduled))
    available, projected, receipts = on_hand, [], []
    lead = lead_weeks(lead_time_days)
    for t in range(weeks):
        available += (scheduled[t] if t < len(scheduled) else 0) - (gross[t] if t < len(gross) else 0)
        if available < safety:
            quantity = order_quantity(safety - available, moq=moq, multiple=multiple)
            receipts.append(PlannedReceipt(week=t, release_week=t - lead, quantity=quantity))
            available += quantity
        projected.append(available)
    return PartPlan(projected=projected, receipts=receipts)

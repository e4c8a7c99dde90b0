"""Store replenishment arithmetic (DESIGN.md section 4): whole numbers only, no database.

Per own store x product, on business day ``today`` (Asia/Shanghai):

- ``sold`` = units sold on the last 14 *complete* business days, ``today - 14`` to ``today - 1``
  inclusive. Today is left out because its figures are still coming in; a day nobody reported
  counts as 0.
- ``mean`` = ``sold / 14`` units a day.
- ``target`` = ``ceil(cover_days x mean)`` = ``ceil(cover_days x sold / 14)``, computed exactly.
- ``suggested`` = ``max(0, target - on_hand - in_transit)``, rounded *up* to the product's case pack.

Then the stock of each supplying warehouse is shared out (``plan_lines``): per warehouse and product,
the lines that need units are served in order of need (fewest days of stock left first, then store
id), each taking whole cases while ``available`` lasts; what a line could not get is its ``short``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

WINDOW_DAYS = 14


def sales_window(today: date, days: int = WINDOW_DAYS) -> tuple[date, date]:
    """The first and last day (inclusive) of the ``days`` complete days before ``today``."""
    return today - timedelta(days=days), today - timedelta(days=1)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def round_up_to(quantity: int, pack: int) -> int:
    return ceil_div(quantity, pack) * pack


def round_down_to(quantity: int, pack: int) -> int:
    return (quantity // pack) * pack if quantity > 0 else 0


def target_units(*, cover_days: int, sold: int, window_days: int = WINDOW_DAYS) -> int:
    """``ceil(cover_days x sold / window_days)``: enough for ``cover_days`` days at the mean daily rate."""
    return ceil_div(cover_days * sold, window_days)


def suggested_units(*, target: int, on_hand: int, in_transit: int, case_pack: int) -> int:
    """What to send so that stock on hand plus on its way covers ``target``, in whole cases; never negative."""
    missing = target - on_hand - in_transit
    return round_up_to(missing, case_pack) if missing > 0 else 0


@dataclass(frozen=True)
class LineNeed:
    """One store x product, as the database gives it. ``warehouse`` is the store's supplier (None: none set)."""

    store: int
    item: int
    warehouse: int | None
    on_hand: int
    in_transit: int
    sold: int
    cover_days: int
    case_pack: int


@dataclass(frozen=True)
class LinePlan:
    need: LineNeed
    target: int
    suggested: int
    shippable: int  # what the warehouse can send now: whole cases, at most ``suggested``
    short: int  # suggested - shippable: reported, never silently dropped


def _days_left(need: LineNeed) -> Fraction:
    """Days the store's stock (with what is on its way) lasts at the mean rate; the neediest go first."""
    return Fraction((need.on_hand + need.in_transit) * WINDOW_DAYS, need.sold) if need.sold else Fraction(10**9)


def plan_lines(needs: Iterable[LineNeed], available: Mapping[tuple[int, int], int]) -> list[LinePlan]:
    """Targets and suggestions for every line, and what each warehouse can ship of them.

    ``available[(warehouse, item)]`` is what the warehouse may give away (on hand minus reserved minus
    what is already on transfers that have not left). The result is in the order of ``needs``.
    """
    needs = list(needs)
    suggested = []
    for need in needs:
        target = target_units(cover_days=need.cover_days, sold=need.sold)
        wanted = suggested_units(
            target=target, on_hand=need.on_hand, in_transit=need.in_transit, case_pack=need.case_pack
        )
        suggested.append((target, wanted))
    queues: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, need in enumerate(needs):
        if suggested[index][1] and need.warehouse is not None:
            queues[(need.warehouse, need.item)].append(index)
    shippable = [0] * len(needs)
    for key, indexes in queues.items():
        remaining = max(0, available.get(key, 0))
        for index in sorted(indexes, key=lambda i: (_days_left(needs[i]), needs[i].store)):
            need = needs[index]
            give = min(suggested[index][1], round_down_to(remaining, need.case_pack))
            shippable[index] = give
            remaining -= give
    return [
        LinePlan(need, target, wanted, shippable[index], wanted - shippable[index])
        for index, (need, (target, wanted)) in enumerate(zip(needs, suggested, strict=True))
    ]

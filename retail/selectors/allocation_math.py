"""The arithmetic of an allocation run: who gets how many of ``quantity`` units. No database here.

Input: candidate order lines (``Candidate``), the quantity to share, the method and whether tiers
are served in order. Output: ``{candidate id: units allocated}``. Everything is exact (integers and
``Fraction``), and the result depends only on the candidates' values, never on their order in the
input, so the same inputs always give the same result.

Methods
-------
``fcfs``
    First come, first served: lines in order of confirmation time (ties: order number, then line
    id); each takes what it asked for while stock lasts, so at most one line is served in part.
``pro_rata``
    Shares proportional to the requested quantity.
``by_prepayment``
    Shares proportional to each line's ``weight``: the retailer's prepayment that can pay for the
    line (see ``retail.services.allocations.prepayment_weights``). If every line still waiting has
    weight 0, those lines share by requested quantity instead.

Proportional shares (``pro_rata``, ``by_prepayment``)
    1. Nobody gets more than requested: a line whose exact share ``R x w / W`` would reach its
       request is capped at the request and the rest (``R`` less the capped requests) is shared
       again among the others; repeated until no share reaches its request ("water filling").
    2. The exact shares of the lines left are floored. The units left over (fewer than the
       number of lines) go one each to the largest fractional parts; ties go to the earlier
       confirmation time, then the lower retailer code, then the lower line id.
    With enough stock every line gets everything; the total allocated is always
    ``min(quantity, total requested)``.

Tiers
    With ``use_tiers`` tier 1 lines are served in full (by the method) before any tier 2 line
    gets a unit, and so on; only the first tier that cannot be served in full is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any

FCFS = "fcfs"
PRO_RATA = "pro_rata"
BY_PREPAYMENT = "by_prepayment"
METHODS = (FCFS, PRO_RATA, BY_PREPAYMENT)


@dataclass(frozen=True)
class Candidate:
    """One order line waiting for stock. ``confirmed_at`` is anything comparable (a datetime)."""

    id: int
    retailer_code: str
    tier: int
    requested: int
    confirmed_at: Any
    order_number: str
    weight: Fraction | Decimal | int = 0


def fcfs_key(candidate: Candidate) -> tuple:
    return (candidate.confirmed_at, candidate.order_number, candidate.id)


def remainder_tie_key(candidate: Candidate) -> tuple:
    """Among equal fractional parts: earlier confirmation, then retailer code, then line id."""
    return (candidate.confirmed_at, candidate.retailer_code, candidate.id)


def _check(candidates: Sequence[Candidate], quantity: int, method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown allocation method {method!r}")
    if not isinstance(quantity, int) or quantity < 0:
        raise ValueError(f"quantity must be a whole number >= 0, not {quantity!r}")
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("candidate ids must be unique")
    for c in candidates:
        if not isinstance(c.requested, int) or c.requested <= 0:
            raise ValueError(f"candidate {c.id}: requested must be a whole number above zero")
        if Fraction(c.weight) < 0:
            raise ValueError(f"candidate {c.id}: weight must not be negative")


def _fcfs(group: Sequence[Candidate], quantity: int) -> dict[int, int]:
    result = {}
    left = quantity
    for candidate in sorted(group, key=fcfs_key):
        take = min(candidate.requested, left)
        result[candidate.id] = take
        left -= take
    return result


def _integer_weights(weights: Sequence[Fraction]) -> list[int]:
    """The same proportions as whole numbers (scaled by the common denominator)."""
    scale = lcm(*(w.denominator for w in weights)) if weights else 1
    return [int(w * scale) for w in weights]


def _proportional(group: Sequence[Candidate], quantity: int, weights: Sequence[Fraction]) -> dict[int, int]:
    """Water filling with caps at the request, then floors plus largest remainders; see the module doc."""
    result = {c.id: 0 for c in group}
    ints = _integer_weights(weights)
    # A line is capped when its exact share R*w/W reaches its request, i.e. when requested/w <= R/W.
    # The level R/W only rises as capped lines leave, so lines in order of requested/w are capped
    # first; zero weights (ratio infinite) come last and are never capped while W > 0.
    positive = sorted(
        (i for i in range(len(group)) if ints[i]), key=lambda i: (Fraction(group[i].requested, ints[i]), group[i].id)
    )
    zero = [i for i in range(len(group)) if not ints[i]]
    left = quantity
    total_weight = sum(ints)
    open_lines = []
    for position, i in enumerate(positive):
        candidate = group[i]
        if left * ints[i] >= candidate.requested * total_weight:
            result[candidate.id] = candidate.requested
            left -= candidate.requested
            total_weight -= ints[i]
        else:
            open_lines = positive[position:]
            break
    if not open_lines:
        # Every weighted line is served in full; lines of weight 0 share the rest by requested quantity.
        if zero and left:
            rest = [group[i] for i in zero]
            result.update(_proportional(rest, left, [Fraction(c.requested) for c in rest]))
        return result
    # No open line reaches its request: floor the exact shares, then hand out the remainder.
    floors = {}
    fractions = {}
    for i in open_lines:
        whole, part = divmod(left * ints[i], total_weight)
        floors[i] = whole
        fractions[i] = part  # numerators over the same denominator, so directly comparable
    remainder = left - sum(floors.values())
    by_fraction = sorted(open_lines, key=lambda i: (-fractions[i], remainder_tie_key(group[i])))
    for rank, i in enumerate(by_fraction):
        result[group[i].id] = floors[i] + (1 if rank < remainder else 0)
    return result


def _allocate_group(group: Sequence[Candidate], quantity: int, method: str) -> dict[int, int]:
    if quantity >= sum(c.requested for c in group):
        return {c.id: c.requested for c in group}
    if method == FCFS:
        return _fcfs(group, quantity)
    weights = [Fraction(c.requested if method == PRO_RATA else c.weight) for c in group]
    return _proportional(group, quantity, weights)


def allocate(candidates: Iterable[Candidate], quantity: int, method: str, use_tiers: bool) -> dict[int, int]:
    """Units allocated per candidate id; see the module docstring for the rules."""
    candidates = sorted(candidates, key=lambda c: c.id)
    _check(candidates, quantity, method)
    if not use_tiers:
        return _allocate_group(candidates, quantity, method)
    result: dict[int, int] = {}
    left = quantity
    for tier in sorted({c.tier for c in candidates}):
        group = [c for c in candidates if c.tier == tier]
        shares = _allocate_group(group, left, method)
        result.update(shares)
        left -= sum(shares.values())
    return result

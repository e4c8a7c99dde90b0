"""Property tests of the allocation arithmetic (no database)."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.selectors.allocation_math import (
    BY_PREPAYMENT,
    FCFS,
    METHODS,
    PRO_RATA,
    Candidate,
    allocate,
    fcfs_key,
    remainder_tie_key,
)

T0 = datetime(2026, 11, 20, 9, 0)


@st.composite
def candidate_lists(draw, max_size=12):
    size = draw(st.integers(min_value=1, max_value=max_size))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    result = []
    for line_id in ids:
        result.append(
            Candidate(
                id=line_id,
                retailer_code=draw(st.sampled_from(["R-A", "R-B", "R-C", "R-D"])),
                tier=draw(st.integers(1, 3)),
                requested=draw(st.integers(1, 60)),
                # few distinct times, so ties on confirmation time happen often
                confirmed_at=T0 + timedelta(minutes=draw(st.integers(0, 3))),
                order_number=f"RO-2026-{draw(st.integers(1, 5)):06d}",
                weight=Decimal(draw(st.integers(0, 500_000))) / 100,
            )
        )
    return result


methods = st.sampled_from(METHODS)


def _reference_group(group, quantity, method):
    """The rules as written, slowly: iterate caps with exact fractions, floor, largest remainders."""
    if quantity >= sum(c.requested for c in group):
        return {c.id: c.requested for c in group}
    if method == FCFS:
        out, left = {}, quantity
        for c in sorted(group, key=fcfs_key):
            out[c.id] = min(c.requested, left)
            left -= out[c.id]
        return out
    weight = {c.id: Fraction(c.requested if method == PRO_RATA else c.weight) for c in group}
    out = {c.id: 0 for c in group}
    active = list(group)
    left = quantity
    while True:
        total = sum(weight[c.id] for c in active)
        if total == 0:
            # every line still open has weight 0: they share by requested quantity
            weight = {c.id: Fraction(c.requested) for c in active}
            total = sum(weight.values())
        shares = {c.id: left * weight[c.id] / total for c in active}
        capped = [c for c in active if shares[c.id] >= c.requested]
        if not capped:
            break
        for c in capped:
            out[c.id] = c.requested
            left -= c.requested
        active = [c for c in active if c not in capped]
    floors = {c.id: int(shares[c.id]) for c in active}
    remainder = left - sum(floors.values())
    ranked = sorted(active, key=lambda c: (-(shares[c.id] - floors[c.id]), remainder_tie_key(c)))
    for rank, c in enumerate(ranked):
        out[c.id] = floors[c.id] + (1 if rank < remainder else 0)
    return out


def reference(candidates, quantity, method, use_tiers):
    if not use_tiers:
        return _reference_group(candidates, quantity, method)
    out, left = {}, quantity
    for tier in sorted({c.tier for c in candidates}):
        part = _reference_group([c for c in candidates if c.tier == tier], left, method)
        out.update(part)
        left -= sum(part.values())
    return out


@settings(max_examples=400, deadline=None)
@given(candidate_lists(), st.integers(0, 800), methods, st.booleans())
def test_within_request_and_total_is_min_of_quantity_and_requests(candidates, quantity, method, use_tiers):
    result = allocate(candidates, quantity, method, use_tiers)
    assert set(result) == {c.id for c in candidates}
    for c in candidates:
        assert 0 <= result[c.id] <= c.requested
    assert sum(result.values()) == min(quantity, sum(c.requested for c in candidates))


@settings(max_examples=400, deadline=None)
@given(candidate_lists(), st.integers(0, 800), methods, st.booleans())
def test_matches_the_slow_reference(candidates, quantity, method, use_tiers):
    assert allocate(candidates, quantity, method, use_tiers) == reference(candidates, quantity, method, use_tiers)


@settings(max_examples=300, deadline=None)
@given(candidate_lists(), st.integers(0, 800), methods, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(candidates, quantity, method, rnd):
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    for use_tiers in (False, True):
        assert allocate(candidates, quantity, method, use_tiers) == allocate(shuffled, quantity, method, use_tiers)


@settings(max_examples=300, deadline=None)
@given(candidate_lists(), st.integers(0, 800), methods)
def test_tiers_honoured(candidates, quantity, method):
    result = allocate(candidates, quantity, method, True)
    for tier in {c.tier for c in candidates}:
        short = [c for c in candidates if c.tier == tier and result[c.id] < c.requested]
        later = [c for c in candidates if c.tier > tier and result[c.id] > 0]
        assert not (short and later), (tier, short, later)


@settings(max_examples=200, deadline=None)
@given(candidate_lists(), methods, st.booleans())
def test_enough_stock_serves_everybody(candidates, method, use_tiers):
    total = sum(c.requested for c in candidates)
    for quantity in (total, total + 7):
        assert allocate(candidates, quantity, method, use_tiers) == {c.id: c.requested for c in candidates}


@settings(max_examples=300, deadline=None)
@given(candidate_lists(), st.integers(0, 800), st.integers(1, 50))
def test_fcfs_is_monotonic_and_serves_in_confirmation_order(candidates, quantity, more):
    fewer = allocate(candidates, quantity, FCFS, False)
    plenty = allocate(candidates, quantity + more, FCFS, False)
    assert all(plenty[c.id] >= fewer[c.id] for c in candidates)
    ordered = sorted(candidates, key=fcfs_key)
    served = [fewer[c.id] for c in ordered]
    # Full lines, then at most one partial line, then nothing.
    partial = [n for n, c in enumerate(ordered) if 0 < served[n] < c.requested]
    assert len(partial) <= 1
    first_short = next((n for n, c in enumerate(ordered) if served[n] < c.requested), len(ordered))
    assert all(s == 0 for s in served[first_short + 1 :])


@settings(max_examples=300, deadline=None)
@given(candidate_lists(), st.integers(0, 800))
def test_pro_rata_shares_are_within_one_unit_of_the_exact_share_unless_capped(candidates, quantity):
    result = allocate(candidates, quantity, PRO_RATA, False)
    total = sum(c.requested for c in candidates)
    if quantity >= total:
        return
    exact = {c.id: Fraction(quantity * c.requested, total) for c in candidates}
    for c in candidates:
        # pro rata by request never caps (the share quantity/total < 1 of each request)
        assert exact[c.id] - 1 < result[c.id] < exact[c.id] + 1


def test_largest_remainder_and_its_tie_breaks():
    # 10 units pro rata over 3, 3, 3: exact 3 1/3 each; the one left goes to the earliest confirmation.
    lines = [
        Candidate(3, "R-C", 2, 3, T0, "RO-2026-000003"),
        Candidate(1, "R-A", 2, 3, T0 + timedelta(minutes=1), "RO-2026-000001"),
        Candidate(2, "R-B", 2, 3, T0 + timedelta(minutes=1), "RO-2026-000002"),
    ]
    assert allocate(lines, 7, PRO_RATA, False) == {3: 3, 1: 2, 2: 2}
    # Same confirmation time: the lower retailer code wins, then the lower line id.
    same = [Candidate(n, code, 2, 3, T0, f"RO-2026-00000{n}") for n, code in ((5, "R-B"), (6, "R-A"), (4, "R-A"))]
    assert allocate(same, 7, PRO_RATA, False) == {4: 3, 5: 2, 6: 2}


def test_caps_redistribute_to_the_others():
    # by prepayment, weights 90 / 5 / 5 over 10 units; the first only asked for 2.
    lines = [
        Candidate(1, "R-A", 1, 2, T0, "RO-1", Decimal("90")),
        Candidate(2, "R-B", 1, 10, T0, "RO-2", Decimal("5")),
        Candidate(3, "R-C", 1, 10, T0, "RO-3", Decimal("5")),
    ]
    assert allocate(lines, 10, BY_PREPAYMENT, False) == {1: 2, 2: 4, 3: 4}


def test_zero_weights_share_by_request_once_the_others_are_full():
    lines = [
        Candidate(1, "R-A", 1, 2, T0, "RO-1", Decimal("50")),
        Candidate(2, "R-B", 1, 10, T0, "RO-2", Decimal("0")),
        Candidate(3, "R-C", 1, 30, T0, "RO-3", Decimal("0")),
    ]
    assert allocate(lines, 10, BY_PREPAYMENT, False) == {1: 2, 2: 2, 3: 6}


def test_tiers_fcfs_example():
    lines = [
        Candidate(1, "R-A", 2, 5, T0, "RO-1"),
        Candidate(2, "R-B", 1, 5, T0 + timedelta(hours=1), "RO-2"),
        Candidate(3, "R-C", 1, 5, T0 + timedelta(hours=2), "RO-3"),
    ]
    assert allocate(lines, 7, FCFS, True) == {1: 0, 2: 5, 3: 2}
    assert allocate(lines, 7, FCFS, False) == {1: 5, 2: 2, 3: 0}


def test_large_run_is_quick_and_exact():
    rng = random.Random(5)
    lines = [
        Candidate(n, f"R-{n % 400:04d}", 1 + n % 3, rng.randint(1, 400), T0, f"RO-{n}", Decimal(rng.randint(0, 10**9)))
        for n in range(1, 1001)
    ]
    for method in METHODS:
        result = allocate(lines, 50_000, method, True)
        assert sum(result.values()) == min(50_000, sum(c.requested for c in lines))


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": -1},
        {"method": "lottery"},
        {"candidates": [Candidate(1, "R", 1, 0, T0, "RO")]},
        {"candidates": [Candidate(1, "R", 1, 1, T0, "RO"), Candidate(1, "R", 1, 1, T0, "RO")]},
        {"candidates": [Candidate(1, "R", 1, 1, T0, "RO", Decimal(-1))]},
    ],
)
def test_bad_input_is_refused(bad):
    args = {"candidates": [Candidate(1, "R", 1, 1, T0, "RO")], "quantity": 1, "method": FCFS, **bad}
    with pytest.raises(ValueError):
        allocate(args["candidates"], args["quantity"], args["method"], False)

"""The arithmetic of dispatch (``orders.services.dispatch_plan``), property-tested with hypothesis."""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from orders.selectors.dispatch import WaitingLine
from orders.services import dispatch_plan

HERE, ELSEWHERE = 1, 2
START = datetime(2026, 11, 1, tzinfo=UTC)


@st.composite
def lines(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    made = []
    for n in range(count):
        kind = draw(st.sampled_from(["retailer", "consumer"]))
        waiting = draw(st.integers(min_value=1, max_value=30))
        reservations = {}
        if kind == "retailer":
            here = draw(st.integers(min_value=0, max_value=waiting))
            reservations = {loc: qty for loc, qty in ((HERE, here), (ELSEWHERE, waiting - here)) if qty}
        made.append(
            WaitingLine(
                kind=kind,
                line_id=n + 1,
                order_id=n + 1,
                number=f"X-{n:04d}",
                consignee="c",
                region="East",
                item_id=draw(st.sampled_from([10, 11])),
                sku="S",
                waiting=waiting,
                # Ties on time are broken by the order number.
                since=START + timedelta(minutes=draw(st.integers(min_value=0, max_value=5))),
                reservations=reservations,
            )
        )
    return made


@given(lines(), st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_dispatch_never_oversells_and_serves_the_oldest_first(waiting_lines, free_a, free_b):
    free = {10: free_a, 11: free_b}
    takes = dispatch_plan(waiting_lines, warehouse_id=HERE, free=dict(free))
    assert sorted(take.line.line_id for take in takes) == sorted(line.line_id for line in waiting_lines)
    for item_id, available in free.items():
        own = [take for take in takes if take.line.item_id == item_id]
        extras = [take.quantity - take.from_reservation for take in own]
        wanted = sum(take.line.waiting - take.from_reservation for take in own)
        # Free units go out as far as they reach, never beyond: nothing negative, nothing left while a line waits.
        assert sum(extras) == min(available, wanted)
        ordered = sorted(own, key=lambda take: take.line.sort_key)
        for older, younger in itertools.pairwise(ordered):
            if younger.quantity > younger.from_reservation:
                assert older.quantity == older.line.waiting  # a younger line got free units only after it
    for take in takes:
        line = take.line
        assert 0 <= take.from_reservation <= take.quantity <= line.waiting
        # A retailer line always takes what it holds reserved here; a consumer line holds nothing.
        assert take.from_reservation == (line.reservations.get(HERE, 0) if line.kind == "retailer" else 0)


def test_a_line_reserved_elsewhere_is_cross_docked_from_free_stock():
    line = WaitingLine("retailer", 1, 1, "RO-1", "R-1", "East", 10, "S", 5, START, {ELSEWHERE: 5})
    (take,) = dispatch_plan([line], warehouse_id=HERE, free={10: 3})
    assert (take.quantity, take.from_reservation) == (3, 0)

from hypothesis import given
from hypothesis import strategies as st

from logistics.selectors.mrp_math import lead_weeks, net_part, order_quantity

weekly = st.lists(st.integers(0, 10000), max_size=16)


def test_a_screen_with_a_13_week_lead_time_is_late():
    plan = net_part(
        gross=[0, 3000, 5000, 5000],
        scheduled=[0, 0, 2000, 0],
        on_hand=1000,
        moq=1000,
        multiple=500,
        lead_time_days=91,
    )
    assert plan.projected == [1000, 0, 0, 0]
    assert [(r.week, r.release_week, r.quantity, r.weeks_late) for r in plan.receipts] == [
        (1, -12, 2000, 12),
        (2, -11, 3000, 11),
        (3, -10, 5000, 10),
    ]
    assert all(r.is_shortage for r in plan.receipts)


def test_nothing_is_planned_when_stock_covers_it():
    plan = net_part(gross=[10, 10], scheduled=[0, 5], on_hand=100, safety=50)
    assert plan.receipts == [] and plan.projected == [90, 85]


@given(st.integers(0, 100000), st.integers(1, 5000), st.integers(1, 500))
def test_order_quantity_honours_moq_and_multiple(short, moq_batches, multiple):
    moq = moq_batches * multiple  # the database keeps the MOQ a multiple of the order multiple
    quantity = order_quantity(short, moq=moq, multiple=multiple)
    assert quantity >= short and quantity >= moq and quantity % multiple == 0
    assert quantity - multiple < max(short, moq)


@given(
    weekly,
    weekly,
    st.integers(0, 20000),
    st.integers(0, 5000),
    st.integers(1, 20),
    st.integers(1, 500),
    st.integers(0, 200),
)
def test_netting_keeps_stock_at_safety_with_the_fewest_orders(gross, scheduled, on_hand, safety, moq_b, multiple, lead):
    moq = moq_b * multiple
    plan = net_part(
        gross=gross,
        scheduled=scheduled,
        on_hand=on_hand,
        safety=safety,
        moq=moq,
        multiple=multiple,
        lead_time_days=lead,
    )
    weeks = max(len(gross), len(scheduled))
    assert len(plan.projected) == weeks
    by_week = {r.week: r for r in plan.receipts}
    available = on_hand
    for t in range(weeks):
        available += (scheduled[t] if t < len(scheduled) else 0) - (gross[t] if t < len(gross) else 0)
        if t in by_week:
            receipt = by_week[t]
            assert available < safety  # a receipt only where stock would fall below safety
            assert receipt.quantity >= moq and receipt.quantity % multiple == 0
            assert receipt.release_week == t - lead_weeks(lead)
            available += receipt.quantity
        assert plan.projected[t] == available
    # Starting at or above safety, every week ends at or above it.
    assert all(p >= safety for p in plan.projected) or (on_hand < safety and not plan.projected)

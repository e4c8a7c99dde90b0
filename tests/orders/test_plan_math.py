from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orders.selectors.plan_math import LOOKAHEAD_WEEKS, plan_product, round_up, safety_stock

quantities = st.lists(st.integers(0, 5000), min_size=0, max_size=20)


def test_a_worked_example():
    plan = plan_product(
        weeks=3,
        forecast=[100, 100, 200, 200, 100, 100, 100],
        committed=[150, 0, 0, 0],
        planned=[300, 0, 0],
        planned_before=50,
        start_stock=80,
        batch_multiple=100,
        capacity=250,
        cover_days=7,
    )
    assert [w.demand for w in plan] == [150, 100, 200]
    assert [w.supply for w in plan] == [50, 300, 0]
    assert [w.projected for w in plan] == [-20, 180, -20]
    # Week 0 builds for week 1: 100 demand + 100 safety + 20 short = 220, two batches of 100 fit 250.
    assert [(w.suggested, w.capacity_shortfall) for w in plan] == [(200, 100), (200, 100), (200, 300)]
    assert plan[1].days_of_supply == Decimal("8.4")  # 180 / (600 / 4 / 7)


@given(
    st.integers(1, 12),
    quantities,
    quantities,
    quantities,
    st.integers(-500, 5000),
    st.integers(1, 1000),
    st.one_of(st.none(), st.integers(0, 20000)),
    st.integers(0, 28),
)
def test_plan_follows_the_definitions(weeks, forecast, committed, planned, start, batch, capacity, cover):
    plan = plan_product(
        weeks=weeks,
        forecast=forecast,
        committed=committed,
        planned=planned,
        start_stock=start,
        batch_multiple=batch,
        capacity=capacity,
        cover_days=cover,
    )
    assert len(plan) == weeks
    stock = start
    for w, week in enumerate(plan):
        f = forecast[w] if w < len(forecast) else 0
        c = committed[w] if w < len(committed) else 0
        assert week.demand == max(f, c)
        stock += week.supply - week.demand
        assert week.projected == stock  # never clipped at zero
        assert week.suggested % batch == 0 and week.suggested >= 0
        if capacity is None:
            assert week.capacity_shortfall == 0
        else:
            assert week.suggested <= capacity
        wanted = week.suggested + week.capacity_shortfall
        nxt = max(
            forecast[w + 1] if w + 1 < len(forecast) else 0,
            committed[w + 1] if w + 1 < len(committed) else 0,
        )
        needed = max(0, nxt + safety_stock(nxt, cover) - week.projected)
        assert wanted >= needed and wanted - needed < batch and wanted == round_up(needed, batch)


@given(st.integers(0, 100000), st.integers(0, 60))
def test_safety_stock_rounds_up(demand, cover):
    assert (
        safety_stock(demand, cover) * 7 >= cover * demand > (safety_stock(demand, cover) - 1) * 7 or demand * cover == 0
    )


def test_lookahead_is_four_weeks():
    assert LOOKAHEAD_WEEKS == 4

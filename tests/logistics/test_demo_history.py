"""The demo history plan (pure): whatever today's levels, it ends exactly at them and never goes below zero."""

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.demo_history import EVERY_DAYS, TRANSIT_DAYS, WARM_UP_DAYS, history_plan
from logistics.demo_stock import OPENED_DAYS_AGO, WAREHOUSES

SKUS = ["TP-A", "TP-B", "TP-C"]
STORES = {"TP-A": "FS-FXN", "TP-B": "FS-FXN", "TP-C": "FS-LUX"}
WAREHOUSE_CODES = [code for code, _name, _region in WAREHOUSES]

finals = st.dictionaries(
    st.tuples(st.sampled_from(SKUS), st.sampled_from(WAREHOUSE_CODES)), st.integers(1, 200_000), min_size=1
)
starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


def _levels(plan, opening):
    """End-of-day level of every (sku, warehouse) from the opening, the deliveries and the sales."""
    delivered = defaultdict(int)
    for delivery in plan.deliveries:
        for sku, quantity in delivery.lines:
            delivered[(delivery.day, sku, delivery.warehouse)] += quantity
    level = dict(opening)
    history = defaultdict(list)
    for day in range(len(plan.sales)):
        for key in level:
            level[key] += delivered.pop((day, *key), 0)
        for sku, warehouse, quantity in plan.sales[day]:
            level[(sku, warehouse)] -= quantity
        for key, value in level.items():
            history[key].append(value)
    assert not delivered, "a delivery to a warehouse without an opening"
    return level, history


@settings(max_examples=80, deadline=None)
@given(finals, starts, st.floats(0, 1))
def test_the_plan_ends_at_todays_levels_and_never_goes_negative(levels, start, today_share):
    plan = history_plan(finals=levels, stores=STORES, start=start, today_share=today_share)
    assert plan.days == OPENED_DAYS_AGO and len(plan.sales) == OPENED_DAYS_AGO + (today_share > 0)
    end, history = _levels(plan, levels)
    assert end == levels
    assert min(min(days) for days in history.values()) >= 0
    # Goods arrive a transit after they leave, nothing leaves before the ledger opened, nothing arrives today.
    assert all(delivery.day - TRANSIT_DAYS >= 0 and delivery.day < plan.days for delivery in plan.deliveries)
    assert all(quantity > 0 for delivery in plan.deliveries for _sku, quantity in delivery.lines)
    # One shipment a factory store, warehouse and day, carrying only that store's products.
    keys = [(d.day, d.store, d.warehouse) for d in plan.deliveries]
    assert len(keys) == len(set(keys))
    assert all(STORES[sku] == d.store for d in plan.deliveries for sku, _ in d.lines)


@settings(max_examples=30, deadline=None)
@given(st.integers(200, 50_000), starts)
def test_sales_grow_and_deliveries_come_more_often_for_the_phones(final, start):
    levels = {("TP-A", code): final for code in WAREHOUSE_CODES}
    plan = history_plan(finals=levels, stores=STORES, start=start)

    def week(first_day):
        return sum(q for day in plan.sales[first_day : first_day + 7] for _s, _w, q in day)

    assert week(plan.days - 7) > 1.25 * week(WARM_UP_DAYS)
    days = sorted(d.day for d in plan.deliveries if d.warehouse == "WH-SZ")
    gaps = [b - a for a, b in pairwise(days)]
    first, last = EVERY_DAYS["FS-FXN"]
    assert max(gaps[1:3]) >= first - 1 and gaps[-1] <= last + 1


def test_the_same_inputs_give_the_same_plan():
    levels = {("TP-A", "WH-SZ"): 1200, ("TP-C", "WH-BJ"): 450}
    start = date(2026, 9, 3)
    assert history_plan(finals=levels, stores=STORES, start=start) == history_plan(
        finals=levels, stores=STORES, start=start
    )
    assert history_plan(finals=levels, stores=STORES, start=start + timedelta(days=1)) != history_plan(
        finals=levels, stores=STORES, start=start
    )


def test_todays_sales_so_far_are_a_share_of_a_whole_day():
    levels = {("TP-A", code): 5000 for code in WAREHOUSE_CODES}
    start = date(2026, 9, 3)
    whole, quarter = (
        history_plan(finals=levels, stores=STORES, start=start, today_share=share).sales[-1] for share in (1.0, 0.25)
    )
    assert sum(q for *_, q in quarter) == pytest.approx(sum(q for *_, q in whole) / 4, rel=0.05)
    assert len(history_plan(finals=levels, stores=STORES, start=start).sales) == OPENED_DAYS_AGO

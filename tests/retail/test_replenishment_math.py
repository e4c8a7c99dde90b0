"""Property tests of the store replenishment arithmetic (no database)."""

import random
from datetime import date
from fractions import Fraction
from math import ceil

from hypothesis import given
from hypothesis import strategies as st

from retail.selectors.replenishment_math import (
    WINDOW_DAYS,
    LineNeed,
    plan_lines,
    round_down_to,
    round_up_to,
    sales_window,
    suggested_units,
    target_units,
)

covers = st.integers(1, 90)
units = st.integers(0, 5_000)
packs = st.sampled_from([1, 2, 5, 12, 20, 50, 100])


def test_the_window_is_the_fourteen_complete_days_before_today():
    assert sales_window(date(2026, 12, 3)) == (date(2026, 11, 19), date(2026, 12, 2))
    first, last = sales_window(date(2026, 3, 1))
    assert (last - first).days + 1 == WINDOW_DAYS and last == date(2026, 2, 28)


@given(cover=covers, sold=units)
def test_target_is_the_smallest_whole_number_covering_the_days(cover, sold):
    target = target_units(cover_days=cover, sold=sold)
    exact = Fraction(cover * sold, WINDOW_DAYS)  # cover_days x mean daily sales
    assert target >= exact > target - 1
    assert target == ceil(exact)


@given(target=units, on_hand=units, in_transit=units, pack=packs)
def test_suggestion_is_whole_cases_that_just_cover_the_target(target, on_hand, in_transit, pack):
    suggested = suggested_units(target=target, on_hand=on_hand, in_transit=in_transit, case_pack=pack)
    assert suggested >= 0
    assert suggested % pack == 0
    if on_hand + in_transit >= target:
        assert suggested == 0
    else:
        assert on_hand + in_transit + suggested >= target
        assert on_hand + in_transit + suggested - pack < target  # not one case more than needed


@given(quantity=st.integers(-100, 10_000), pack=packs)
def test_rounding(quantity, pack):
    up, down = round_up_to(max(quantity, 0), pack), round_down_to(quantity, pack)
    assert up % pack == 0 and down % pack == 0
    assert 0 <= down <= max(quantity, 0) <= up < max(quantity, 0) + pack


@st.composite
def needs_and_stock(draw):
    stores = draw(st.integers(1, 6))
    items = draw(st.integers(1, 3))
    packs_of = {item: draw(packs) for item in range(items)}
    needs = []
    for store in range(1, stores + 1):
        warehouse = draw(st.sampled_from([10, 11, None]))
        cover = draw(covers)
        for item in range(items):
            if draw(st.booleans()):
                needs.append(
                    LineNeed(
                        store=store,
                        item=item,
                        warehouse=warehouse,
                        on_hand=draw(st.integers(0, 300)),
                        in_transit=draw(st.integers(0, 100)),
                        sold=draw(st.integers(0, 400)),
                        cover_days=cover,
                        case_pack=packs_of[item],
                    )
                )
    available = {(wh, item): draw(st.integers(-50, 2_000)) for wh in (10, 11) for item in range(items)}
    return needs, available


@given(needs_and_stock())
def test_warehouse_stock_is_shared_out_in_whole_cases_and_never_overdrawn(case):
    needs, available = case
    plans = plan_lines(needs, available)
    assert [plan.need for plan in plans] == needs
    given_out: dict[tuple, int] = {}
    for plan in plans:
        need = plan.need
        assert plan.suggested == suggested_units(
            target=plan.target, on_hand=need.on_hand, in_transit=need.in_transit, case_pack=need.case_pack
        )
        assert 0 <= plan.shippable <= plan.suggested
        assert plan.shippable % need.case_pack == 0
        assert plan.short == plan.suggested - plan.shippable
        if need.warehouse is None:
            assert plan.shippable == 0
        else:
            key = (need.warehouse, need.item)
            given_out[key] = given_out.get(key, 0) + plan.shippable
    for key, total in given_out.items():
        assert total <= max(0, available[key])
    for (warehouse, item), left in available.items():
        wanted = [p for p in plans if p.need.warehouse == warehouse and p.need.item == item and p.short]
        if wanted:
            # A line went short only because no whole case was left for it.
            assert max(0, left) - given_out.get((warehouse, item), 0) < max(p.need.case_pack for p in wanted)


@given(needs_and_stock())
def test_with_enough_stock_every_suggestion_ships(case):
    needs, _available = case
    plenty = {(wh, item): 10**7 for wh in (10, 11) for item in {n.item for n in needs}}
    for plan in plan_lines(needs, plenty):
        assert plan.shippable == (plan.suggested if plan.need.warehouse is not None else 0)


@given(needs_and_stock(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_change_who_gets_what(case, rnd: random.Random):
    needs, available = case
    first = {(p.need.store, p.need.item): p.shippable for p in plan_lines(needs, available)}
    shuffled = list(needs)
    rnd.shuffle(shuffled)
    assert {(p.need.store, p.need.item): p.shippable for p in plan_lines(shuffled, available)} == first


def test_scarce_stock_goes_to_the_store_with_the_fewest_days_left():
    # Both want 40 (two cases of 20); the warehouse has 50, so it can give two cases in all.
    low = LineNeed(store=2, item=1, warehouse=9, on_hand=0, in_transit=0, sold=70, cover_days=7, case_pack=20)
    high = LineNeed(store=1, item=1, warehouse=9, on_hand=10, in_transit=0, sold=70, cover_days=7, case_pack=20)
    plans = {plan.need.store: plan for plan in plan_lines([high, low], {(9, 1): 50})}
    assert plans[2].target == plans[1].target == 35
    assert (plans[2].suggested, plans[2].shippable, plans[2].short) == (40, 40, 0)
    assert (plans[1].suggested, plans[1].shippable, plans[1].short) == (40, 0, 40)

"""Services and selectors of the production schedule, with bad input."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erp import roles
from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from logistics import selectors, services
from logistics.models import ProductionActual, ScheduleDay, ScheduleLine, ScheduleVersion
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.logistics.factories_production import (
    WEEK,
    FactoryCapacityFactory,
    FactoryFactory,
    factory_user,
    make_draft,
    make_locked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(db):
    return UserFactory(roles=[roles.PLANNING])


@pytest.fixture
def capacity(db):
    return FactoryCapacityFactory(weekly_capacity=6000)


def test_line_set_spreads_the_week_over_working_days(capacity, planner):
    draft = make_draft(user=planner)
    line = services.schedule_line_set(
        acting_user=planner, version=draft, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=1003
    )
    days = list(line.days.order_by("date").values_list("date", "quantity"))
    assert days == [
        (date(2026, 11, 23), 168),
        (date(2026, 11, 24), 167),
        (date(2026, 11, 25), 167),
        (date(2026, 11, 26), 167),
        (date(2026, 11, 27), 167),
        (date(2026, 11, 28), 167),
    ]
    assert line.week == date(2026, 11, 23)
    # Setting it again replaces the days.
    services.schedule_line_set(
        acting_user=planner, version=draft, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=12
    )
    assert sum(ScheduleDay.objects.filter(line=line).values_list("quantity", flat=True)) == 12
    assert ScheduleLine.objects.count() == 1


def test_capacity_is_enforced_with_a_message_naming_everything(capacity, planner):
    draft = make_draft(user=planner)
    with pytest.raises(ApplicationError) as error:
        services.schedule_line_set(
            acting_user=planner, version=draft, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=6001
        )
    message = error.value.message
    for part in (capacity.factory.code, capacity.item.sku, "2026-W48", "6000"):
        assert part in message
    assert error.value.extra["capacity"] == 6000
    assert ScheduleLine.objects.count() == 0


def test_product_without_capacity_at_the_factory_is_refused(capacity, planner):
    draft = make_draft(user=planner)
    other = ProductFactory()
    with pytest.raises(ApplicationError, match="no weekly capacity"):
        services.schedule_line_set(
            acting_user=planner, version=draft, factory=capacity.factory, item=other, week=WEEK, quantity=1
        )
    with pytest.raises(ApplicationError, match="not a product"):
        services.schedule_line_set(
            acting_user=planner, version=draft, factory=capacity.factory, item=ItemFactory(), week=WEEK, quantity=1
        )


@pytest.mark.parametrize("quantity", [-1, 1.5, "10", True])
def test_bad_quantities_are_refused(capacity, planner, quantity):
    draft = make_draft(user=planner)
    with pytest.raises(ApplicationError, match="quantity"):
        services.schedule_line_set(
            acting_user=planner,
            version=draft,
            factory=capacity.factory,
            item=capacity.item,
            week=WEEK,
            quantity=quantity,
        )
    assert ScheduleLine.objects.count() == 0


def test_malformed_week_is_refused(capacity, planner):
    draft = make_draft(user=planner)
    with pytest.raises(ApplicationError, match="no ISO week 60"):
        services.schedule_line_set(
            acting_user=planner,
            version=draft,
            factory=capacity.factory,
            item=capacity.item,
            week="2026-W60",
            quantity=1,
        )


def test_locked_version_is_read_only(capacity, planner):
    locked = make_locked([(capacity.factory, capacity.item, WEEK, 600)], user=planner)
    assert locked.status == "locked" and locked.locked_by == planner and locked.lock_reason == "weekly meeting"
    with pytest.raises(ApplicationError, match="is locked"):
        services.schedule_line_set(
            acting_user=planner, version=locked, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=1
        )
    with pytest.raises(ApplicationError, match="already locked"):
        services.schedule_lock(acting_user=planner, version=locked, reason="again")
    assert ScheduleLine.objects.get().quantity == 600


def test_lock_needs_planning_and_a_reason(capacity, planner, logistics_user):
    draft = make_draft(user=planner)
    with pytest.raises(ApplicationError, match="Only planning"):
        services.schedule_lock(acting_user=logistics_user, version=draft, reason="x")
    with pytest.raises(ApplicationError, match="Say why"):
        services.schedule_lock(acting_user=planner, version=draft, reason="  ")
    assert ScheduleVersion.objects.get().status == "draft"


def test_one_draft_at_a_time_and_new_draft_copies_the_locked_version(capacity, planner):
    locked = make_locked([(capacity.factory, capacity.item, WEEK, 600)], user=planner)
    draft = services.schedule_draft_create(acting_user=planner)
    assert (draft.number, draft.based_on, draft.created_by) == (2, locked, planner)
    assert list(draft.lines.values_list("quantity", flat=True)) == [600]
    assert sum(ScheduleDay.objects.filter(line__version=draft).values_list("quantity", flat=True)) == 600
    with pytest.raises(ApplicationError, match="already the draft"):
        services.schedule_draft_create(acting_user=planner)
    # The copy is independent of the locked version.
    services.schedule_line_set(
        acting_user=planner, version=draft, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=900
    )
    assert locked.lines.get().quantity == 600


def test_selectors_for_mrp_and_the_demand_plan(planner):
    fac_a, fac_b = FactoryFactory(), FactoryFactory(is_active=True)
    phone = ProductFactory()
    FactoryCapacityFactory(factory=fac_a, item=phone, weekly_capacity=1000)
    FactoryCapacityFactory(factory=fac_b, item=phone, weekly_capacity=500)
    FactoryCapacityFactory(factory=FactoryFactory(is_active=False), item=phone, weekly_capacity=7000)
    assert selectors.factory_weekly_capacity() == {phone.pk: 1500}
    assert selectors.factory_weekly_capacity(item_ids=[]) == {}
    assert selectors.schedule_current_locked() is None and selectors.schedule_draft() is None
    assert selectors.planned_production(from_week=WEEK, weeks=12) == {}

    locked = make_locked(
        [
            (fac_a, phone, WEEK, 1000),
            (fac_b, phone, WEEK, 200),
            (fac_a, phone, WEEK + 1, 300),
            (fac_a, phone, WEEK + 12, 5),
        ],
        user=planner,
    )
    draft = make_draft([(fac_a, phone, WEEK, 10)], user=planner)
    assert selectors.schedule_current_locked() == locked
    assert selectors.schedule_draft() == draft
    expected = {(phone.pk, WEEK.monday): 1200, (phone.pk, (WEEK + 1).monday): 300}
    assert selectors.planned_production(from_week=WEEK, weeks=12) == expected
    assert selectors.planned_production(from_week=WEEK, weeks=1, version=draft) == {(phone.pk, WEEK.monday): 210}


def test_diff_between_versions(capacity, planner):
    other = FactoryCapacityFactory(factory=capacity.factory, weekly_capacity=100)
    old = make_locked(
        [(capacity.factory, capacity.item, WEEK, 600), (capacity.factory, other.item, WEEK, 50)], user=planner
    )
    new = services.schedule_draft_create(acting_user=planner)
    services.schedule_line_set(
        acting_user=planner, version=new, factory=capacity.factory, item=capacity.item, week=WEEK, quantity=900
    )
    services.schedule_line_set(
        acting_user=planner, version=new, factory=capacity.factory, item=capacity.item, week=WEEK + 1, quantity=60
    )
    cells = selectors.schedule_diff(old, new, changed_only=True)
    assert [(c.sku, c.week, c.old, c.new, c.delta) for c in cells] == [
        (capacity.item.sku, "2026-W48", 600, 900, 300),
        (capacity.item.sku, "2026-W49", 0, 60, 60),
    ]
    assert len(selectors.schedule_diff(old, new)) == 3


def test_production_actual_post_is_idempotent_and_scoped(capacity, logistics_user, monkeypatch):
    monkeypatch.setattr("logistics.services.production.business_date", lambda: date(2026, 11, 25))
    own = factory_user(capacity.factory)
    day = date(2026, 11, 24)
    first = services.production_actual_post(
        acting_user=own, factory=capacity.factory, item=capacity.item, date=day, quantity=100
    )
    again = services.production_actual_post(
        acting_user=own, factory=capacity.factory, item=capacity.item, date=day, quantity=120
    )
    assert first.pk == again.pk and again.quantity == 120 and ProductionActual.objects.count() == 1
    services.production_actual_post(
        acting_user=logistics_user, factory=capacity.factory, item=capacity.item, date=day, quantity=130
    )
    assert ProductionActual.objects.get().posted_by == logistics_user
    other = FactoryFactory()
    FactoryCapacityFactory(factory=other, item=capacity.item)
    with pytest.raises(ApplicationError, match="own factory"):
        services.production_actual_post(acting_user=own, factory=other, item=capacity.item, date=day, quantity=1)
    with pytest.raises(ApplicationError, match="Only the factory or logistics"):
        services.production_actual_post(
            acting_user=UserFactory(roles=["sales"]), factory=other, item=capacity.item, date=day, quantity=1
        )
    with pytest.raises(ApplicationError, match="future"):
        services.production_actual_post(
            acting_user=own, factory=capacity.factory, item=capacity.item, date=date(2026, 11, 26), quantity=1
        )
    with pytest.raises(ApplicationError, match="quantity"):
        services.production_actual_post(
            acting_user=own, factory=capacity.factory, item=capacity.item, date=day, quantity=-5
        )
    assert ProductionActual.objects.get().quantity == 130


def test_factory_services(planner):
    fac = services.factory_create(acting_user=planner, code=" fac-new ", name="New", working_days="1111100")
    assert fac.code == "FAC-NEW"
    with pytest.raises(ApplicationError, match="already exists"):
        services.factory_create(acting_user=planner, code="FAC-NEW", name="Again")
    with pytest.raises(ApplicationError, match="working_days"):
        services.factory_update(acting_user=planner, factory=fac, working_days="11111")
    fac = services.factory_update(acting_user=planner, factory=fac, name="Renamed")
    assert fac.name == "Renamed" and fac.history.first().history_user == planner
    phone = ProductFactory()
    cap = services.factory_capacity_set(acting_user=planner, factory=fac, item=phone, weekly_capacity=100)
    cap2 = services.factory_capacity_set(acting_user=planner, factory=fac, item=phone, weekly_capacity=200)
    assert cap.pk == cap2.pk and cap2.weekly_capacity == 200
    with pytest.raises(ApplicationError, match="weekly capacity"):
        services.factory_capacity_set(acting_user=planner, factory=fac, item=phone, weekly_capacity=0)
    with pytest.raises(ApplicationError, match="not a product"):
        services.factory_capacity_set(acting_user=planner, factory=fac, item=ItemFactory(), weekly_capacity=5)


def test_factory_closed_on_a_day_gets_nothing_that_day(planner):
    fac = FactoryFactory(working_days="1010100")
    cap = FactoryCapacityFactory(factory=fac, weekly_capacity=100)
    draft = make_draft([(fac, cap.item, WEEK, 10)], user=planner)
    days = dict(ScheduleDay.objects.filter(line__version=draft).values_list("date", "quantity"))
    assert days == {date(2026, 11, 23): 4, date(2026, 11, 25): 3, date(2026, 11, 27): 3}


@given(
    quantity=st.integers(min_value=0, max_value=10**7),
    flags=st.lists(st.booleans(), min_size=7, max_size=7).filter(any),
    week=st.integers(min_value=1, max_value=52),
)
def test_spread_property(quantity, flags, week):
    pattern = "".join("1" if f else "0" for f in flags)
    iso = IsoWeek(2026, week)
    days = services.spread_over_days(quantity, pattern, iso)
    assert sum(q for _, q in days) == quantity
    assert all(pattern[d.weekday()] == "1" and iso.monday <= d <= iso.sunday for d, _ in days)
    assert len(days) == pattern.count("1")
    assert max(q for _, q in days) - min(q for _, q in days) <= 1


def test_same_quantity_is_spread_again_after_the_working_days_change(planner):
    fac = FactoryFactory(working_days="1111100")
    cap = FactoryCapacityFactory(factory=fac, weekly_capacity=100)
    draft = make_draft([(fac, cap.item, WEEK, 10)], user=planner)
    services.factory_update(acting_user=planner, factory=fac, working_days="1000000")
    services.schedule_line_set(acting_user=planner, version=draft, factory=fac, item=cap.item, week=WEEK, quantity=10)
    assert list(ScheduleDay.objects.values_list("date", "quantity")) == [(date(2026, 11, 23), 10)]

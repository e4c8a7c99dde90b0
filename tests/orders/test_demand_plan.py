import pytest

from erp.weeks import IsoWeek
from logistics.models import LocationKind
from orders.selectors.demand_plan import demand_plan
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ProductFactory, UserFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.logistics.factories_production import FactoryCapacityFactory, FactoryFactory, make_locked
from tests.orders.factories import ForecastValueFactory, ForecastVersionFactory, make_consumer_order

pytestmark = pytest.mark.django_db


def build(count: int, version=None):
    """``count`` phones with forecasts, a pre-sale order, a locked schedule and warehouse stock."""
    week = IsoWeek.current()
    version = version or ForecastVersionFactory(is_current=True)
    factory = FactoryFactory()
    warehouse = LocationFactory(kind=LocationKind.WAREHOUSE)
    lines, phones = [], []
    for _ in range(count):
        phone = ProductFactory(batch_multiple=100)
        phones.append(phone)
        for w in range(16):
            ForecastValueFactory(version=version, item=phone, week=(week + w).monday, quantity=1000)
        FactoryCapacityFactory(factory=factory, item=phone, weekly_capacity=1500)
        lines += [(factory, phone, week + w, 800) for w in range(3)]
        give_stock(phone, warehouse, 1200)
    make_consumer_order(lines=[(phones[0], 1600)], week=week + 1)
    make_locked(lines)
    return phones, version


def test_the_plan_joins_forecast_orders_schedule_stock_and_capacity():
    (phone,), _ = build(1)
    plan = demand_plan(weeks=4)
    row = next(p for p in plan.products if p.item == phone)
    assert (row.start_stock, row.capacity) == (1200, 1500)
    weeks = row.weeks
    assert [w.demand for w in weeks] == [1000, 1600, 1000, 1000]  # the pre-sale order beats the forecast in week 1
    assert [w.supply for w in weeks] == [0, 800, 800, 800]  # last week built nothing; each week ships the one before
    assert [w.projected for w in weeks] == [200, -600, -800, -1000]
    # Week 0 builds for week 1: 1,600 + 1,600 safety - 200 = 3,000, capped at 1,500: 1,500 short.
    assert (weeks[0].suggested, weeks[0].capacity_shortfall) == (1500, 1500)


def test_query_count_is_the_same_for_2_and_6_products(django_assert_num_queries):
    _phones, version = build(2)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            demand_plan(weeks=12)
        return len(queries)

    before = count()
    build(4, version=version)
    assert count() == before


def test_api_and_page(api_client, client, planning_user):
    build(1)
    planner = token_client(api_client, planning_user)
    this_week = IsoWeek.current()
    body = planner.get(f"/api/v1/plan/?from={this_week.key}&weeks=3").json()
    assert body["from"] == this_week.key and body["weeks"] == [(this_week + w).key for w in range(3)]
    cell = body["products"][0]["weeks"][1]
    assert (cell["demand"], cell["projected_inventory"], cell["suggested_production"]) == (1600, -600, 1500)
    assert "from" in assert_error_shape(planner.get("/api/v1/plan/?from=2026-W99"), 400)["extra"]["fields"]
    assert_error_shape(planner.get("/api/v1/plan/?weeks=0"), 400)
    # The window runs off the calendar: the week arithmetic's OverflowError was a 500.
    off = assert_error_shape(planner.get("/api/v1/plan/?from=9999-W51&weeks=4"), 400)
    assert "outside the calendar" in off["message"]
    assert_error_shape(token_client(api_client, UserFactory(roles=[])).get("/api/v1/plan/"), 403)  # no role
    client.force_login(planning_user)
    page = client.get("/planning/plan/", {"start": this_week.key, "weeks": 4})
    assert page.status_code == 200 and b"flag-bad" in page.content  # negative projected inventory stands out
    assert client.get("/planning/plan/", {"start": "2026-W77"}).context["params"].errors["start"]


def test_a_window_off_the_calendar_is_a_form_error_on_the_page(client, planning_user):
    client.force_login(planning_user)
    page = client.get("/planning/plan/", {"start": "9999-W51", "weeks": 4})
    assert page.status_code == 200
    assert page.context["params"].errors

"""Inventory turnover: time-weighted average inventory over goods shipped, by product, location, week."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics import services
from logistics.models import StockMoveReason
from logistics.selectors import turnover_report
from procurement.models import StandardCost
from tests.erp.factories import ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _move(item, qty, when, *, to=None, frm=None, reason=StockMoveReason.RECEIPT):
    services.stock_move_post(
        acting_user=None, item=item, qty=qty, to_location=to, from_location=frm, reason=reason, moved_at=when
    )


def _week_start(now, bucket):
    """Where the trend's week ``bucket`` (0 = the 7 business days ending today) starts."""
    from datetime import datetime, time

    from erp.weeks import BUSINESS_TZ, business_date

    return datetime.combine(business_date(now) - (7 * bucket + 6) * DAY, time.min, tzinfo=BUSINESS_TZ)


@pytest.fixture
def story():
    now = timezone.now().replace(microsecond=0)
    phone = ProductFactory(sku="TP-T1", name="Phone T1")
    idle = ProductFactory(sku="TP-IDLE", name="Idle phone")
    StandardCost.objects.create(item=phone, unit_cost=Decimal("100"), costed_on=now.date(), lot=10000)
    warehouse = LocationFactory(code="WH-T")
    _move(phone, 100, now - 30 * DAY, to=warehouse)  # before the window
    # The sale falls in the middle of the trend's second-latest week, whatever time the test runs.
    _move(phone, 50, _week_start(now, 1) + 3.5 * DAY, frm=warehouse, reason=StockMoveReason.ISSUE)
    _move(idle, 10, now - 40 * DAY, to=warehouse)
    return now, phone, warehouse


def _expected_average(report, now):
    """100 on hand until the sale, 50 since, averaged over the window's length."""
    length = (report.now - report.since).total_seconds()
    before_sale = (_week_start(now, 1) + 3.5 * DAY - report.since).total_seconds()
    return (100 * before_sale + 50 * (length - before_sale)) / length


def test_window_figures_by_product_location_and_overall(story):
    now, _phone, _warehouse = story
    report = turnover_report(window=28, weeks=4, now=now)
    assert report.since.date() == (now.astimezone(report.since.tzinfo) - 27 * DAY).date()
    phone = next(row for row in report.by_product if row.key == "TP-T1")
    average = _expected_average(report, now)
    assert phone.avg_units == pytest.approx(average)
    assert phone.turnover_days == pytest.approx(average / (50 / 28))
    assert phone.cover_days == pytest.approx(28) and not phone.slow
    idle = next(row for row in report.by_product if row.key == "TP-IDLE")
    assert idle.turnover_days is None and idle.slow
    assert report.missing_costs == ["TP-IDLE"]
    # Location and overall are valued at standard cost; the idle phone has none, so it adds no value.
    (place,) = report.by_location
    assert place.key == "WH-T" and place.avg_value == pytest.approx(phone.avg_units * 100)
    assert report.overall.turnover_days == pytest.approx(phone.turnover_days)
    assert report.overall.shipped_value == pytest.approx(5000)


def test_weekly_trend_is_time_weighted(story):
    now, _phone, _warehouse = story
    trend = turnover_report(window=28, weeks=4, now=now).trend
    assert len(trend) == 4
    latest, before = trend[-1], trend[-2]
    assert latest.turnover_days is None and latest.avg_value == pytest.approx(5000)
    # The week before: 10,000 until the sale, 5,000 after it; 5,000 shipped in it.
    assert before.days == 7
    assert before.avg_value == pytest.approx((10000 * 3.5 + 5000 * 3.5) / 7)
    assert before.turnover_days == pytest.approx(before.avg_value / (5000 / 7))
    assert trend[0].avg_value == pytest.approx(10000)


def test_transfers_move_inventory_between_locations_without_shipping_it(story):
    now, phone, warehouse = story
    store = LocationFactory(code="ST-T", kind="store")
    _move(phone, 20, now - 7 * DAY, frm=warehouse, to=store, reason=StockMoveReason.TRANSFER)
    report = turnover_report(window=28, weeks=2, now=now)
    rows = {row.key: row for row in report.by_location}
    length = (report.now - report.since).total_seconds()
    assert rows["ST-T"].avg_units == pytest.approx(20 * 7 * 86400 / length) and rows["ST-T"].turnover_days is None
    assert report.overall.shipped_units == 50
    phone_row = next(row for row in report.by_product if row.key == "TP-T1")
    assert phone_row.avg_units == pytest.approx(_expected_average(report, now))


def test_stock_passing_through_is_never_slow_and_comes_last(story):
    now, phone, warehouse = story
    store = LocationFactory(code="ST-T", kind="store")
    _move(phone, 20, now - 5 * DAY, frm=warehouse, to=store, reason=StockMoveReason.TRANSFER)
    for place in (FactoryStoreFactory(code="FS-T"), LocationFactory(code="IT-T", kind="in_transit")):
        _move(phone, 30, now - 40 * DAY, to=place, reason=StockMoveReason.PRODUCTION)
    rows = turnover_report(window=28, now=now).by_location
    # A store that sold nothing is slow; a factory store or transit only passes goods on, so it is not.
    assert [(row.key, row.on_hand, row.slow) for row in rows] == [
        ("ST-T", 20, True),
        ("WH-T", 40, False),
        ("FS-T", 30, False),
        ("IT-T", 30, False),
    ]


def test_the_query_count_does_not_grow(story, django_assert_num_queries):
    now = story[0]
    with django_assert_num_queries(6):
        turnover_report(window=28, now=now)
    for n in range(5):
        other = LocationFactory()
        _move(ProductFactory(), 5 + n, now - 3 * DAY, to=other)
    with django_assert_num_queries(6):
        turnover_report(window=28, now=now)


def test_page_shows_the_figures_the_chart_and_exports(client, make_user, story):
    client.force_login(make_user("logistics"))
    page = client.get("/logistics/turnover/?window=28")
    html = page.content.decode()
    assert page.status_code == 200 and "TP-T1" in html and "slow mover" in html and "<svg" in html
    assert "No standard cost for TP-IDLE" in html
    bad = client.get("/logistics/turnover/?window=0")
    assert bad.status_code == 200 and "from 1 to 365 days" in bad.content.decode()
    export = client.get("/logistics/turnover/?window=14&export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_chart_has_room_above_the_bars_and_the_target_label_beside_them(client, make_user, story):
    now, phone, warehouse = story
    # A slow week (the 100 units held against 5 sold) makes a tall bar: about 20 days.
    _move(phone, 5, _week_start(now, 2) + 3 * DAY, frm=warehouse, reason=StockMoveReason.ISSUE)
    client.force_login(make_user("finance"))
    chart = client.get("/logistics/turnover/").context["chart"]
    values = [bar["value"] for bar in chart["bars"] if bar["value"] is not None]
    assert max(values) > 50 and chart["top"] >= max(values) * 1.1 and chart["top"] % 5 == 0
    assert min(bar["y"] for bar in chart["bars"]) >= chart["height"] * 0.05  # room for the value above it
    assert all(chart["left"] <= bar["x"] and bar["x"] + bar["width"] <= chart["right"] for bar in chart["bars"])
    assert chart["right"] < chart["width"]  # the target's label sits right of the bars
    assert chart["target_y"] == pytest.approx(chart["height"] * (1 - 7 / chart["top"]), abs=0.1)
    marks = [line["days"] for line in chart["grid"]]
    assert marks[0] == 0 and marks[-1] <= chart["top"] and len(marks) >= 3


def test_refreshing_standard_costs_needs_the_costing_permission(client, make_user, story):
    client.force_login(make_user("logistics"))
    assert client.post("/logistics/turnover/standard-costs/").status_code == 403
    client.force_login(make_user("finance"))
    response = client.post("/logistics/turnover/standard-costs/", {"window": "14"})
    assert response.status_code == 302 and response.url == "/logistics/turnover/?window=14"


def test_api(api_client, make_user, story):
    from tests.api_helpers import assert_error_shape, token_client

    client = token_client(api_client, make_user("planning"))
    body = client.get("/api/v1/reports/turnover/?window=28&weeks=4").json()
    assert body["window"] == 28 and body["target_days"] == 7 and len(body["trend"]) == 4
    phone = next(row for row in body["by_product"] if row["key"] == "TP-T1")
    assert 30 < phone["turnover_days"] < 56 and phone["slow"] is False
    assert body["overall"]["shipped_value"] == "5000.00" and body["missing_costs"] == ["TP-IDLE"]
    body = assert_error_shape(client.get("/api/v1/reports/turnover/?window=0"), 400)
    assert "window" in body["extra"]["fields"]
    assert_error_shape(
        token_client(api_client, make_user("retailer", is_staff=False)).get("/api/v1/reports/turnover/"), 403
    )


def test_flow_tables_match_a_rebuild_from_the_moves(story):
    from logistics.models import ItemFlowDay, StockFlowDay
    from logistics.services.flows import flows_rebuild

    def snapshot():
        return (
            sorted(StockFlowDay.objects.values_list("item_id", "location_id", "day", "net_in", "weighted", "issued")),
            sorted(ItemFlowDay.objects.values_list("item_id", "day", "net_in", "weighted", "issued")),
        )

    kept = snapshot()
    flows_rebuild()
    assert snapshot() == kept and kept[0]

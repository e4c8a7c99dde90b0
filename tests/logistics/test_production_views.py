"""Pages of factories and the production schedule, with permissions."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from erp import roles
from erp.weeks import IsoWeek
from logistics.models import FactoryCapacity, ScheduleLine
from tests.erp.factories import PASSWORD, ItemFactory, ProductFactory, UserFactory
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
def cap(db):
    return FactoryCapacityFactory(
        factory=FactoryFactory(code="FAC-A"), item=ProductFactory(sku="TP-PHONE"), weekly_capacity=1000
    )


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_factory_pages_and_capacity_form(client, planner, cap, django_assert_max_num_queries):
    for n in range(5):
        FactoryCapacityFactory(factory=FactoryFactory(), weekly_capacity=100 + n)
    _login(client, planner)
    with django_assert_max_num_queries(12):
        page = client.get("/logistics/factories/")
    assert page.status_code == 200 and b"FAC-A" in page.content and b"TP-PHONE: 1000" in page.content
    assert client.get("/logistics/factories/FAC-A/").status_code == 200
    bad = client.post("/logistics/factories/FAC-A/capacity/", {"sku": ItemFactory().sku, "weekly_capacity": 5})
    assert bad.status_code == 400 and b"not a product" in bad.content
    bad = client.post("/logistics/factories/FAC-A/capacity/", {"sku": "TP-PHONE", "weekly_capacity": 0})
    assert bad.status_code == 400 and FactoryCapacity.objects.get(pk=cap.pk).weekly_capacity == 1000
    ok = client.post("/logistics/factories/FAC-A/capacity/", {"sku": "tp-phone", "weekly_capacity": 1500})
    assert ok.status_code == 302 and FactoryCapacity.objects.get(pk=cap.pk).weekly_capacity == 1500
    created = client.post(
        "/logistics/factories/new/",
        {"code": "fac-n", "name": "N", "country": "CN", "working_days": "1111100", "is_active": "on"},
    )
    assert created.status_code == 302 and created.url == "/logistics/factories/FAC-N/"
    bad = client.post("/logistics/factories/FAC-N/edit/", {"name": "N", "country": "CN", "working_days": "9"})
    assert bad.status_code == 200 and b"working" in bad.content.lower()
    assert (
        client.post(
            "/logistics/factories/FAC-N/edit/", {"name": "Renamed", "country": "CN", "working_days": "1111110"}
        ).status_code
        == 302
    )


def test_readers_cannot_write_and_outsiders_are_refused(client, cap, logistics_user):
    _login(client, logistics_user)
    assert client.get("/logistics/factories/").status_code == 200
    assert client.get("/logistics/schedule/").status_code == 200
    assert (
        client.post("/logistics/factories/FAC-A/capacity/", {"sku": "TP-PHONE", "weekly_capacity": 5}).status_code
        == 403
    )
    assert client.get("/logistics/factories/new/").status_code == 403
    assert client.post("/logistics/schedule/").status_code == 403
    client.logout()
    _login(client, factory_user(cap.factory))
    assert client.get("/logistics/schedule/").status_code == 403
    client.logout()
    assert client.get("/logistics/schedule/").status_code == 302


def test_schedule_grid_edit_lock_and_diff(client, planner, cap):
    _login(client, planner)
    response = client.post("/logistics/schedule/")
    assert response.status_code == 302 and response.url == "/logistics/schedule/1/"
    page = client.get("/logistics/schedule/1/")
    assert page.status_code == 200 and b'name="c-' in page.content
    # The grid shows the weeks from the current one on, so the cell is next week's, whatever today is.
    name = f"c-{cap.item_id}-{cap.factory_id}-{(IsoWeek.current() + 1).key}"
    # Above capacity: refused, nothing written, the typed value shown again.
    bad = client.post("/logistics/schedule/1/", {name: "1001"})
    assert bad.status_code == 400 and b"above the factory" in bad.content and ScheduleLine.objects.count() == 0
    bad = client.post("/logistics/schedule/1/", {name: "abc"})
    assert bad.status_code == 400 and b"not a whole number" in bad.content
    assert client.post("/logistics/schedule/1/", {name: "600"}).status_code == 302
    assert ScheduleLine.objects.get().quantity == 600
    bad = client.post("/logistics/schedule/1/lock/", {"reason": ""})
    assert bad.status_code == 200 and ScheduleLine.objects.get().version.status == "draft"
    assert client.post("/logistics/schedule/1/lock/", {"reason": "W48 meeting"}).status_code == 302
    page = client.get("/logistics/schedule/1/")
    assert (
        b'name="c-' not in page.content and b"W48 meeting" in page.content and planner.username.encode() in page.content
    )
    assert client.post("/logistics/schedule/1/", {name: "700"}).status_code == 400
    client.post("/logistics/schedule/")
    client.post("/logistics/schedule/2/", {name: "650"})
    diff = client.get("/logistics/schedule/2/diff/")
    assert diff.status_code == 200 and b"<s>600</s>" in diff.content and b"+50" in diff.content
    assert client.get("/logistics/schedule/2/diff/?a=99").status_code == 404


def test_weekly_order_sheet(client, planner, cap):
    make_locked([(cap.factory, cap.item, WEEK, 603)], user=planner)
    make_draft(user=planner)
    _login(client, planner)
    response = client.get(f"/logistics/factories/FAC-A/order-sheet/{WEEK.key}/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("date", "day", "TP-PHONE")
    assert [r[2] for r in rows[1:]] == [101, 101, 101, 100, 100, 100, 603]
    assert client.get("/logistics/factories/FAC-A/order-sheet/2026-W60/").status_code == 404

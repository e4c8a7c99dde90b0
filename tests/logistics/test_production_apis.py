"""The factories, capacity and schedule API, and what a factory's token may see and do."""

from datetime import date

import pytest

from erp import roles
from logistics.models import ProductionActual, ScheduleLine
from tests.api_helpers import assert_error_shape, token_client
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
def setup(db):
    fxn, lux = FactoryFactory(code="FAC-A"), FactoryFactory(code="FAC-B")
    phone = ProductFactory(sku="TP-PHONE")
    cap_a = FactoryCapacityFactory(factory=fxn, item=phone, weekly_capacity=1000)
    cap_b = FactoryCapacityFactory(factory=lux, item=phone, weekly_capacity=500)
    return fxn, lux, phone, cap_a, cap_b


def test_factories_lookup_by_code_with_capacities(api_client, planner, setup, django_assert_num_queries):
    client = token_client(api_client, planner)
    body = client.get("/api/v1/factories/fac-a/").json()
    assert body["code"] == "FAC-A" and body["capacities"] == [
        {"id": setup[3].pk, "sku": "TP-PHONE", "item_name": setup[2].name, "weekly_capacity": 1000}
    ]
    for n in range(10):
        FactoryCapacityFactory(factory=FactoryFactory(), weekly_capacity=10 + n)
    # token (user joined), permissions, factory link, count, page, capacities (prefetched with items)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/factories/")
    assert response.json()["count"] == 12
    assert client.get("/api/v1/factories/NOPE/").status_code == 404


def test_factory_create_and_update_through_services(api_client, planner, logistics_user):
    client = token_client(api_client, planner)
    response = client.post("/api/v1/factories/", {"code": "fac-new", "name": "New"}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "FAC-NEW"
    body = assert_error_shape(client.patch("/api/v1/factories/FAC-NEW/", {"working_days": "12"}, format="json"), 400)
    assert "working_days" in body["extra"]["fields"]
    assert client.patch("/api/v1/factories/FAC-NEW/", {"name": "Renamed"}, format="json").json()["name"] == "Renamed"
    assert_error_shape(client.post("/api/v1/factories/", {"code": "FAC-NEW", "name": "x"}, format="json"), 400)
    reader = token_client(api_client, logistics_user)
    assert reader.get("/api/v1/factories/").status_code == 200
    assert reader.post("/api/v1/factories/", {"code": "X", "name": "x"}, format="json").status_code == 403


def test_capacities_set_and_refuse(api_client, planner, setup):
    client = token_client(api_client, planner)
    url = "/api/v1/factory-capacities/"
    response = client.post(url, {"factory": "FAC-A", "sku": "tp-phone", "weekly_capacity": 1200}, format="json")
    assert response.status_code == 201 and response.json()["weekly_capacity"] == 1200
    assert_error_shape(
        client.post(url, {"factory": "FAC-A", "sku": "TP-PHONE", "weekly_capacity": -1}, format="json"), 400
    )
    component = ItemFactory()
    body = assert_error_shape(
        client.post(url, {"factory": "FAC-A", "sku": component.sku, "weekly_capacity": 5}, format="json"), 400
    )
    assert "not a product" in body["message"]
    assert_error_shape(
        client.post(url, {"factory": "NOPE", "sku": "TP-PHONE", "weekly_capacity": 5}, format="json"), 400
    )
    assert [c["weekly_capacity"] for c in client.get(f"{url}?factory=FAC-A").json()["results"]] == [1200]


def test_schedule_versions_draft_cells_and_lock(api_client, planner, setup, logistics_user):
    client = token_client(api_client, planner)
    created = client.post("/api/v1/schedule-versions/")
    assert created.status_code == 201 and created.json()["status"] == "draft" and created.json()["lines"] == []
    assert_error_shape(client.post("/api/v1/schedule-versions/"), 400)
    cell = {"factory": "FAC-A", "sku": "TP-PHONE", "week": "2026-W48", "quantity": 603}
    response = client.post("/api/v1/schedule-lines/", cell, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["days"][0] == {"date": "2026-11-23", "quantity": 101}
    body = assert_error_shape(client.post("/api/v1/schedule-lines/", {**cell, "quantity": 1001}, format="json"), 400)
    assert "FAC-A" in body["message"] and "1000" in body["message"] and body["extra"]["week"] == "2026-W48"
    assert_error_shape(client.post("/api/v1/schedule-lines/", {**cell, "week": "2026-W60"}, format="json"), 400)
    assert_error_shape(client.post("/api/v1/schedule-lines/", {**cell, "quantity": -1}, format="json"), 400)
    assert_error_shape(client.post("/api/v1/schedule-lines/", {**cell, "colour": "red"}, format="json"), 400)
    reader = token_client(api_client.__class__(), logistics_user)
    assert reader.post("/api/v1/schedule-versions/1/lock/", {"reason": "x"}, format="json").status_code == 403
    assert reader.post("/api/v1/schedule-lines/", cell, format="json").status_code == 403
    assert_error_shape(client.post("/api/v1/schedule-versions/1/lock/", {}, format="json"), 400)
    locked = client.post("/api/v1/schedule-versions/1/lock/", {"reason": "W48 meeting"}, format="json").json()
    assert locked["status"] == "locked" and locked["locked_by"] == planner.username
    body = assert_error_shape(client.post("/api/v1/schedule-lines/", {**cell, "version": 1}, format="json"), 400)
    assert "locked" in body["message"]
    assert_error_shape(client.post("/api/v1/schedule-lines/", cell, format="json"), 400)  # no draft now
    detail = reader.get("/api/v1/schedule-versions/1/").json()
    assert [line["quantity"] for line in detail["lines"]] == [603]
    assert reader.get("/api/v1/schedule-versions/9/").status_code == 404
    client.post("/api/v1/schedule-versions/")
    client.post("/api/v1/schedule-lines/", {**cell, "quantity": 700}, format="json")
    diff = reader.get("/api/v1/schedule-versions/2/diff/").json()
    assert diff["cells"] == [
        {"factory": "FAC-A", "sku": "TP-PHONE", "week": "2026-W48", "old": 603, "new": 700, "delta": 97}
    ]
    assert ScheduleLine.objects.count() == 2


def test_schedule_lines_list_query_count(api_client, planner, setup, django_assert_num_queries):
    fxn, lux, phone, *_ = setup
    make_locked([(fac, phone, WEEK + n, 100) for fac in (fxn, lux) for n in range(10)], user=planner)
    client = token_client(api_client, planner)
    # token with permissions, shown version, count, page, days
    with django_assert_num_queries(5):
        response = client.get("/api/v1/schedule-lines/?page_size=50")
    assert response.json()["count"] == 20
    # token with permissions, count, page (creator, locker and base joined)
    with django_assert_num_queries(3):
        assert client.get("/api/v1/schedule-versions/").status_code == 200


def test_factory_token_sees_only_its_own_schedule(api_client, planner, setup, django_assert_num_queries):
    fxn, lux, phone, *_ = setup
    make_locked([(fxn, phone, WEEK, 600), (lux, phone, WEEK, 300), (fxn, phone, WEEK + 1, 60)], user=planner)
    make_draft([(fxn, phone, WEEK, 1)], user=planner)  # a draft is never shown to factories
    client = token_client(api_client, factory_user(fxn))
    # token, user, factory link, factory, version, lines, days
    with django_assert_num_queries(6):
        body = client.get("/api/v1/factory/schedule/?week=2026-W48").json()
    assert body["factory"] == "FAC-A" and body["version"] == 1
    assert [(r["factory"], r["quantity"]) for r in body["results"]] == [("FAC-A", 600)]
    assert sum(d["quantity"] for d in body["results"][0]["days"]) == 600
    assert len(client.get("/api/v1/factory/schedule/").json()["results"]) == 2
    assert_error_shape(client.get("/api/v1/factory/schedule/?week=2026-W60"), 400)
    # Its own factory is visible, another one is not.
    assert client.get("/api/v1/factories/FAC-A/").status_code == 200
    assert client.get("/api/v1/factories/FAC-B/").status_code == 404
    assert [f["code"] for f in client.get("/api/v1/factories/").json()["results"]] == ["FAC-A"]
    # Staff endpoints are closed.
    for url in ("/api/v1/schedule-versions/", "/api/v1/schedule-lines/", "/api/v1/factory-capacities/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/api/v1/schedule-versions/").status_code == 403
    assert client.post("/api/v1/factories/", {"code": "X", "name": "x"}, format="json").status_code == 403
    # Staff cannot use the factory endpoints.
    staff = token_client(api_client.__class__(), planner)
    assert staff.get("/api/v1/factory/schedule/").status_code == 403


def test_factory_token_posts_actuals_idempotently(api_client, setup, monkeypatch):
    monkeypatch.setattr("logistics.services.production.business_date", lambda: date(2026, 11, 25))
    fxn = setup[0]
    client = token_client(api_client, factory_user(fxn))
    url = "/api/v1/factory/actuals/"
    payload = {"sku": "TP-PHONE", "date": "2026-11-24", "quantity": 95}
    assert client.post(url, payload, format="json").json()["quantity"] == 95
    assert client.post(url, {**payload, "quantity": 97}, format="json").json()["quantity"] == 97
    assert client.post(url, {**payload, "quantity": 97}, format="json").status_code == 200
    assert ProductionActual.objects.get().quantity == 97
    assert client.post(url, {**payload, "factory": "FAC-B"}, format="json").status_code == 404
    assert client.post(url, {**payload, "factory": "fac-a"}, format="json").status_code == 200
    assert_error_shape(client.post(url, {**payload, "quantity": -1}, format="json"), 400)
    assert_error_shape(client.post(url, {**payload, "date": "2026-11-30"}, format="json"), 400)
    assert_error_shape(client.post(url, {**payload, "sku": "NOPE"}, format="json"), 400)
    assert ProductionActual.objects.count() == 1

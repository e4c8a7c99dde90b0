"""The shipments API: create, idempotent events from carriers and factories, receiving, scoping."""

import pytest

from logistics import services
from logistics.models import Shipment, StockLevel
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ProductFactory, UserFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def route():
    product = ProductFactory(sku="TP-SHIP")
    origin = FactoryStoreFactory(code="FS-A")
    give_stock(item=product, location=origin, qty=100)
    LocationFactory(code="WH-A", region="East")
    return product, origin


def _create(client, **overrides):
    body = {
        "kind": "inbound",
        "from_location": "FS-A",
        "to_location": "wh-a",
        "carrier": "SF",
        "tracking_number": "SF-1",
        "lines": [{"sku": "tp-ship", "quantity": 30}],
        **overrides,
    }
    return client.post("/api/v1/shipments/", body, format="json")


def test_create_post_events_receive(api_client, logistics_user, route):
    client = token_client(api_client, logistics_user)
    response = _create(client)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["status"] == "created" and response.json()["region"] == "East"
    shipped = client.post(f"/api/v1/shipments/{number}/events/", {"status": "shipped", "event_id": "sf-1"})
    assert shipped.status_code == 201 and shipped.json()["status"] == "shipped"
    again = client.post(f"/api/v1/shipments/{number}/events/", {"status": "shipped", "event_id": "sf-1"})
    assert again.status_code == 200 and len(again.json()["events"]) == 2
    # By tracking number, with the key in the header.
    moving = client.post(
        "/api/v1/shipments/SF-1/events/", {"status": "in_transit", "place": "Wuhan"}, HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert moving.status_code == 201 and moving.json()["events"][-1]["place"] == "Wuhan"
    received = client.post(
        f"/api/v1/shipments/{number}/receive/",
        {"lines": [{"sku": "TP-SHIP", "received": 29, "damaged": 1, "discrepancy": "damaged"}]},
        format="json",
    )
    assert received.status_code == 200, received.content
    assert received.json()["lines"][0] == {
        "sku": "TP-SHIP",
        "quantity": 30,
        "received_quantity": 29,
        "damaged_quantity": 1,
        "discrepancy": "damaged",
    }
    assert StockLevel.objects.get(location__code="WH-A").on_hand == 29


def test_bad_events_are_clear_400s_or_404s(api_client, logistics_user, route):
    client = token_client(api_client, logistics_user)
    number = _create(client).json()["number"]
    body = assert_error_shape(
        client.post(f"/api/v1/shipments/{number}/events/", {"status": "delivered", "event_id": "e"}), 400
    )
    assert "not been shipped" in body["message"]
    body = assert_error_shape(client.post(f"/api/v1/shipments/{number}/events/", {"status": "shipped"}), 400)
    assert "event_id" in body["extra"]["fields"]
    assert_error_shape(
        client.post(f"/api/v1/shipments/{number}/events/", {"status": "teleported", "event_id": "x"}), 400
    )
    assert_error_shape(
        client.post("/api/v1/shipments/NO-SUCH-TRACKING/events/", {"status": "shipped", "event_id": "x"}), 404
    )
    body = assert_error_shape(
        client.post(
            f"/api/v1/shipments/{number}/events/", {"status": "shipped", "event_id": "e", "occurred_at": "yesterday"}
        ),
        400,
    )
    assert "occurred_at" in body["extra"]["fields"]
    assert Shipment.objects.get(number=number).status == "created"


def test_receiving_more_than_shipped_without_a_reason_is_refused(api_client, logistics_user, route):
    client = token_client(api_client, logistics_user)
    number = _create(client).json()["number"]
    client.post(f"/api/v1/shipments/{number}/events/", {"status": "shipped", "event_id": "e1"})
    body = assert_error_shape(
        client.post(
            f"/api/v1/shipments/{number}/receive/", {"lines": [{"sku": "TP-SHIP", "received": 31}]}, format="json"
        ),
        400,
    )
    assert "'over'" in body["message"]
    assert not StockLevel.objects.filter(location__code="WH-A").exists()


def test_bad_creates(api_client, logistics_user, route):
    client = token_client(api_client, logistics_user)
    for overrides, field in [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "sku"),
        ({"lines": [{"sku": "TP-SHIP", "quantity": 0}]}, "lines"),
        ({"to_location": "WH-NOPE"}, "to_location"),
        ({"kind": "flying"}, "kind"),
    ]:
        body = assert_error_shape(_create(client, **overrides), 400)
        assert field in body["extra"]["fields"], (overrides, body)
    assert not Shipment.objects.exists()


def test_permissions_and_factory_scoping(api_client, route, make_user):
    product, origin = route
    planner = make_user("planning")
    client = token_client(api_client, planner)
    assert client.get("/api/v1/shipments/").status_code == 200
    assert_error_shape(_create(client), 403)
    mine = services.shipment_create(
        acting_user=None,
        kind="inbound",
        from_location=origin,
        to_location=LocationFactory(),
        lines=[services.ShipmentLineInput(product, 1)],
    )
    other_origin = FactoryStoreFactory()
    give_stock(item=product, location=other_origin, qty=5)
    theirs = services.shipment_create(
        acting_user=None,
        kind="inbound",
        from_location=other_origin,
        to_location=LocationFactory(),
        lines=[services.ShipmentLineInput(product, 1)],
    )
    factory_user = UserFactory(is_staff=False)
    services.factory_user_link(acting_user=None, user=factory_user, factory=origin.factory)
    client = token_client(api_client, factory_user)
    listed = client.get("/api/v1/shipments/").json()
    assert [row["number"] for row in listed["results"]] == [mine.number]
    assert (
        client.post(f"/api/v1/shipments/{mine.number}/events/", {"status": "shipped", "event_id": "f1"}).status_code
        == 201
    )
    assert_error_shape(
        client.post(f"/api/v1/shipments/{theirs.number}/events/", {"status": "shipped", "event_id": "f1"}), 404
    )
    assert_error_shape(client.get(f"/api/v1/shipments/{theirs.number}/"), 404)
    assert_error_shape(client.post(f"/api/v1/shipments/{mine.number}/receive/", {"lines": []}, format="json"), 403)


def test_list_queries_do_not_grow(api_client, logistics_user, route, django_assert_num_queries):
    product, origin = route
    client = token_client(api_client, logistics_user)

    def make(n):
        for _ in range(n):
            services.shipment_create(
                acting_user=None,
                kind="inbound",
                from_location=origin,
                to_location=LocationFactory(),
                lines=[services.ShipmentLineInput(product, 1)],
            )

    make(2)
    with django_assert_num_queries(6) as first:
        client.get("/api/v1/shipments/?kind=inbound")
    make(6)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/api/v1/shipments/?kind=inbound")
    assert response.json()["count"] == 8

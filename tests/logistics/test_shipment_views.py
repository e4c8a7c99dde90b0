"""Shipment pages: list with filters, sorting and export, detail with events, receiving, permissions."""

import pytest

from logistics import services
from logistics.models import Shipment, StockLevel
from tests.erp.factories import ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment():
    product = ProductFactory(sku="TP-VIEW")
    origin = FactoryStoreFactory(code="FS-V")
    give_stock(item=product, location=origin, qty=50)
    return services.shipment_create(
        acting_user=None,
        kind="inbound",
        from_location=origin,
        to_location=LocationFactory(code="WH-V"),
        lines=[services.ShipmentLineInput(product, 20)],
        carrier="SF",
        tracking_number="SF-V1",
    )


def test_list_filters_export_and_constant_queries(
    client, logistics_user, shipment, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(logistics_user)
    page = client.get("/logistics/shipments/?status=created&q=SF-V1")
    assert page.status_code == 200 and shipment.number in page.content.decode()
    assert "TP-VIEW" not in client.get("/logistics/shipments/?status=received").content.decode()
    export = client.get("/logistics/shipments/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_assert_max_num_queries(20) as few:
        client.get("/logistics/shipments/")
    origin = shipment.from_location
    product = shipment.lines.get().item
    for _n in range(5):
        services.shipment_create(
            acting_user=None,
            kind="inbound",
            from_location=origin,
            to_location=LocationFactory(),
            lines=[services.ShipmentLineInput(product, 1)],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/logistics/shipments/")


def test_post_events_and_receive_from_the_page(client, logistics_user, shipment):
    client.force_login(logistics_user)
    url = f"/logistics/shipments/{shipment.number}/"
    assert client.get(url).status_code == 200
    response = client.post(url + "events/", {"status": "shipped", "event_key": "staff-1", "place": "Dongguan"})
    assert response.status_code == 302
    # The same form submitted twice records one event.
    client.post(url + "events/", {"status": "shipped", "event_key": "staff-1"})
    assert shipment.events.filter(status="shipped").count() == 1
    line = shipment.lines.get()
    refused = client.post(url + "receive/", {f"line-{line.pk}-received": 25, f"line-{line.pk}-damaged": 0})
    assert refused.status_code == 400 and "over" in refused.content.decode()
    ok = client.post(
        url + "receive/",
        {f"line-{line.pk}-received": 19, f"line-{line.pk}-damaged": 1, f"line-{line.pk}-discrepancy": "damaged"},
    )
    assert ok.status_code == 302
    assert StockLevel.objects.get(location__code="WH-V").on_hand == 19
    detail = client.get(url).content.decode()
    assert "Received" in detail and "WH-V" in detail


def test_create_from_the_page_and_bad_lines(client, logistics_user, shipment):
    client.force_login(logistics_user)
    form = {"kind": "inbound", "from_location": "FS-V", "to_location": "WH-V", "lines": "TP-VIEW 5\nNOPE 1"}
    response = client.post("/logistics/shipments/new/", form)
    assert response.status_code == 200 and "NOPE" in response.content.decode()
    response = client.post("/logistics/shipments/new/", {**form, "lines": "TP-VIEW -3"})
    assert response.status_code == 200
    assert Shipment.objects.count() == 1
    response = client.post("/logistics/shipments/new/", {**form, "lines": "TP-VIEW 5"})
    assert response.status_code == 302 and Shipment.objects.count() == 2


def test_permissions(client, make_user, shipment):
    client.force_login(make_user("sales"))
    url = f"/logistics/shipments/{shipment.number}/"
    assert client.get(url).status_code == 200
    assert client.post(url + "events/", {"status": "shipped", "event_key": "x"}).status_code == 403
    assert client.post(url + "cancel/").status_code == 403
    assert client.get("/logistics/shipments/new/").status_code == 403
    assert client.get("/logistics/shipments/SH-2000-999999/").status_code == 404
    client.force_login(make_user("store_ops"))
    line = shipment.lines.get()
    assert client.post(url + "receive/", {f"line-{line.pk}-received": 20}).status_code == 400  # not shipped yet


def test_admin_is_read_only(client, admin_user, shipment):
    client.force_login(admin_user)
    assert client.get("/admin/logistics/shipment/").status_code == 200
    assert client.get(f"/admin/logistics/shipment/{shipment.pk}/change/").status_code == 200
    assert client.get("/admin/logistics/shipment/add/").status_code == 403

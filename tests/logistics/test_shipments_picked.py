"""Picked shipments that hold a reservation: bulk creation, shipping, cancelling, and the listeners."""

import pytest
from django.db import connection

from erp.counters import yearly_number, yearly_numbers
from erp.errors import ApplicationError
from logistics import services
from logistics.models import Shipment, ShipmentCounter, ShipmentEvent, StockLevel, StockMove
from logistics.services import PickedShipmentInput
from logistics.services import shipments as shipment_module
from tests.erp.factories import ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def _level(item, location) -> tuple[int, int]:
    level = StockLevel.objects.get(item=item, location=location)
    return level.on_hand, level.reserved


@pytest.fixture
def stock():
    product, other = ProductFactory(), ProductFactory()
    warehouse = LocationFactory(code="WH-P1")
    give_stock(product, warehouse, 10)
    give_stock(other, warehouse, 5)
    return product, other, warehouse


def test_yearly_numbers_come_from_one_counter_update_and_follow_on():
    assert yearly_numbers(ShipmentCounter, prefix="SH", year=2031, digits=6, count=3) == [
        "SH-2031-000001",
        "SH-2031-000002",
        "SH-2031-000003",
    ]
    assert yearly_number(ShipmentCounter, prefix="SH", year=2031, digits=6) == "SH-2031-000004"
    assert yearly_numbers(ShipmentCounter, prefix="SH", year=2031, digits=6, count=0) == []
    assert ShipmentCounter.objects.get(year=2031).last_number == 4


def test_bulk_creation_makes_picked_shipments_holding_their_units(stock, logistics_user, django_assert_num_queries):
    product, other, warehouse = stock
    inputs = [
        PickedShipmentInput(warehouse, "R-0001", "RO-2026-000001", [(product.pk, 4), (other.pk, 2)], "East"),
        PickedShipmentInput(warehouse, "web-1", "CO-2026-000001", [(product.pk, 3)]),
    ]
    created = services.shipments_picked_create(acting_user=logistics_user, shipments=inputs)
    assert [s.number for s in created] == sorted(s.number for s in created)
    first, second = (Shipment.objects.get(pk=s.pk) for s in created)
    assert (first.status, first.kind, first.reservation_held, first.consignee, first.region) == (
        "picked",
        "outbound",
        True,
        "R-0001",
        "East",
    )
    assert first.created_by == logistics_user and second.reference == "CO-2026-000001"
    assert sorted(first.lines.values_list("item_id", "quantity")) == sorted([(product.pk, 4), (other.pk, 2)])
    assert list(ShipmentEvent.objects.filter(shipment=first).values_list("status", "source")) == [
        ("created", "system"),
        ("picked", "system"),
    ]
    assert first.history.get().history_change_reason == "created picked (dispatch)"
    assert first.history.get().history_user == logistics_user
    assert _level(product, warehouse) == (10, 7) and _level(other, warehouse) == (5, 2)
    # Any number of shipments, the same statements: one per kind of row, one reservation UPDATE per level
    # (and the savepoints of the nested atomic blocks). PostgreSQL's COPY (shipments, lines) goes past
    # Django's query log; SQLite's executemany is in it.
    give_stock(other, warehouse, 100)
    expected = 11 if connection.vendor == "postgresql" else 13
    for count in (3, 30):
        many = [PickedShipmentInput(warehouse, f"web-{n}", f"CO-{count}-{n}", [(other.pk, 1)]) for n in range(count)]
        with django_assert_num_queries(expected):
            services.shipments_picked_create(acting_user=None, shipments=many)
    assert _level(other, warehouse) == (105, 35)


def test_a_short_level_refuses_everything_with_the_available_figure(stock):
    _product, other, warehouse = stock
    inputs = [
        PickedShipmentInput(warehouse, "web-1", "CO-1", [(other.pk, 3)]),
        PickedShipmentInput(warehouse, "web-2", "CO-2", [(other.pk, 3)]),
    ]
    with pytest.raises(ApplicationError, match=r"5 available, 6 asked") as refused:
        services.shipments_picked_create(acting_user=None, shipments=inputs)
    assert refused.value.extra["available"] == 5
    assert not Shipment.objects.exists() and _level(other, warehouse) == (5, 0)


def test_handed_over_units_are_not_reserved_twice(stock):
    product, _other, warehouse = stock
    services.stock_reserve(acting_user=None, item=product, location=warehouse, qty=6)  # an order line's
    services.shipments_picked_create(
        acting_user=None,
        shipments=[PickedShipmentInput(warehouse, "R-1", "RO-1", [(product.pk, 8)])],
        handed_over={(product.pk, warehouse.pk): 6},
    )
    assert _level(product, warehouse) == (10, 8)
    with pytest.raises(ApplicationError, match="handed over"):
        services.shipments_picked_create(
            acting_user=None,
            shipments=[PickedShipmentInput(warehouse, "R-1", "RO-2", [(product.pk, 1)])],
            handed_over={(product.pk, warehouse.pk): 2},
        )


def test_bad_inputs_are_refused(stock):
    product, _other, warehouse = stock
    store = FactoryStoreFactory()
    cases = [
        (PickedShipmentInput(store, "x", "r", [(product.pk, 1)]), "leaves a"),
        (PickedShipmentInput(warehouse, "", "r", [(product.pk, 1)]), "needs a destination"),
        (PickedShipmentInput(warehouse, "x", "r", []), "1 to 500 lines"),
        (PickedShipmentInput(warehouse, "x", "r", [(product.pk, 1), (product.pk, 2)]), "appears twice"),
        (PickedShipmentInput(warehouse, "x", "r", [(product.pk, 0)]), "whole number"),
        (PickedShipmentInput(warehouse, "x\x00", "r", [(product.pk, 1)]), "cannot be printed"),
    ]
    for shipment, message in cases:
        with pytest.raises(ApplicationError, match=message):
            services.shipments_picked_create(acting_user=None, shipments=[shipment])
    assert services.shipments_picked_create(acting_user=None, shipments=[]) == []
    assert not Shipment.objects.exists()


def _picked(product, warehouse, quantity=4) -> Shipment:
    (made,) = services.shipments_picked_create(
        acting_user=None, shipments=[PickedShipmentInput(warehouse, "web-9", "CO-9", [(product.pk, quantity)])]
    )
    return Shipment.objects.get(pk=made.pk)


def test_shipping_releases_the_reservation_and_issues_in_one_go(stock):
    product, _other, warehouse = stock
    shipment = _picked(product, warehouse)
    result = services.shipment_event_post(acting_user=None, shipment=shipment, status="shipped", event_key="c-1")
    assert not result.shipment.reservation_held and result.shipment.shipped_at
    assert _level(product, warehouse) == (6, 0)
    move = StockMove.objects.get(reference__startswith=shipment.number)
    assert (move.reason, move.qty, move.to_location) == ("issue", 4, None)
    # A resend of the carrier's event changes nothing.
    services.shipment_event_post(acting_user=None, shipment=shipment, status="shipped", event_key="c-1")
    assert _level(product, warehouse) == (6, 0)


def test_cancelling_releases_the_reservation_unless_a_listener_takes_it_over(stock, monkeypatch):
    product, _other, warehouse = stock
    heard = []
    monkeypatch.setattr(shipment_module, "_CANCEL_LISTENERS", [])
    services.shipment_cancel_listener_register(lambda **kwargs: heard.append(kwargs["shipment"].number))
    shipment = _picked(product, warehouse)
    cancelled = services.shipment_cancel(acting_user=None, shipment=shipment)
    assert cancelled.status == "cancelled" and not cancelled.reservation_held
    assert heard == [shipment.number] and _level(product, warehouse) == (10, 0)

    services.shipment_cancel_listener_register(lambda **kwargs: True)  # e.g. the order holds the units again
    kept = _picked(product, warehouse)
    services.shipment_cancel(acting_user=None, shipment=kept)
    assert _level(product, warehouse) == (10, 4)


def test_a_refusing_cancel_listener_refuses_the_cancellation(stock, monkeypatch):
    product, _other, warehouse = stock
    monkeypatch.setattr(shipment_module, "_CANCEL_LISTENERS", [])

    def refuse(**kwargs):
        raise ApplicationError("not now")

    services.shipment_cancel_listener_register(refuse)
    shipment = _picked(product, warehouse)
    with pytest.raises(ApplicationError, match="not now"):
        services.shipment_cancel(acting_user=None, shipment=shipment)
    shipment.refresh_from_db()
    assert shipment.status == "picked" and shipment.reservation_held and _level(product, warehouse) == (10, 4)


def test_event_listeners_hear_status_changes_once(stock, monkeypatch):
    product, _other, warehouse = stock
    heard = []
    monkeypatch.setattr(shipment_module, "_EVENT_LISTENERS", [])
    listener = services.shipment_event_listener_register(lambda **kwargs: heard.append(kwargs["status"]))
    services.shipment_event_listener_register(listener)  # registering twice keeps one
    shipment = _picked(product, warehouse)
    for key, status in (("e1", "shipped"), ("e1", "shipped"), ("e2", "delivered")):
        services.shipment_event_post(acting_user=None, shipment=shipment, status=status, event_key=key)
    assert heard == ["shipped", "delivered"]


def test_the_database_refuses_a_reservation_on_a_departed_shipment(stock):
    from django.db import IntegrityError, transaction

    product, _other, warehouse = stock
    shipment = _picked(product, warehouse)
    services.shipment_ship_now(acting_user=None, shipment=shipment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.filter(pk=shipment.pk).update(reservation_held=True)

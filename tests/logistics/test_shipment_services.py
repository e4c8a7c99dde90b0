"""Shipments: events in order and idempotent, stock through transit, receiving with discrepancies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from erp.errors import ApplicationError
from logistics import services
from logistics.models import LocationKind, Shipment, ShipmentEvent, StockLevel, StockMove
from logistics.services import ReceiptLineInput, ShipmentLineInput
from tests.erp.factories import ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def _level(item, location) -> tuple[int, int]:
    level = StockLevel.objects.filter(item=item, location=location).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


@pytest.fixture
def inbound():
    product = ProductFactory()
    origin = FactoryStoreFactory()
    give_stock(item=product, location=origin, qty=100)
    warehouse = LocationFactory()
    shipment = services.shipment_create(
        acting_user=None,
        kind=Shipment.Kind.INBOUND,
        from_location=origin,
        to_location=warehouse,
        lines=[ShipmentLineInput(product, 40)],
        carrier="SF",
        tracking_number="SF100",
    )
    return shipment, product, origin, warehouse


def _event(shipment, status, key, **kwargs):
    return services.shipment_event_post(acting_user=None, shipment=shipment, status=status, event_key=key, **kwargs)


def test_shipped_moves_stock_into_transit_and_receipt_into_the_warehouse(inbound):
    shipment, product, origin, warehouse = inbound
    _event(shipment, "picked", "e1")
    result = _event(shipment, "shipped", "e2")
    transit = services.transit_location()
    assert result.shipment.status == "shipped" and result.shipment.shipped_at
    assert _level(product, origin) == (60, 0) and _level(product, transit) == (40, 0)
    _event(shipment, "in_transit", "e3", place="Shanghai hub")
    _event(shipment, "delivered", "e4")
    received = services.shipment_receive(
        acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, received=40)]
    )
    assert received.status == "received"
    assert _level(product, transit) == (0, 0) and _level(product, warehouse) == (40, 0)
    # Every unit is traceable by the shipment number.
    assert set(StockMove.objects.filter(reference__startswith=shipment.number).values_list("reason", "qty")) == {
        ("transfer", 40),
        ("receipt", 40),
    }


def test_the_same_event_twice_changes_nothing(inbound):
    shipment, product, origin, _ = inbound
    first = _event(shipment, "shipped", "carrier-77")
    again = _event(shipment, "shipped", "carrier-77")
    assert first.created and not again.created and again.event.pk == first.event.pk
    assert _level(product, origin) == (60, 0)
    assert ShipmentEvent.objects.filter(shipment=shipment).count() == 2  # created + shipped
    with pytest.raises(ApplicationError, match="already used"):
        _event(shipment, "delivered", "carrier-77")


def test_delivered_before_shipped_is_refused(inbound):
    shipment, product, origin, _ = inbound
    with pytest.raises(ApplicationError, match="has not been shipped yet"):
        _event(shipment, "delivered", "e1")
    with pytest.raises(ApplicationError, match="non-postable"):
        _event(shipment, "received", "e2")
    shipment.refresh_from_db()
    assert shipment.status == "created" and _level(product, origin) == (100, 0)


def test_future_or_naive_event_times_are_refused(inbound):
    shipment = inbound[0]
    with pytest.raises(ApplicationError, match="future"):
        _event(shipment, "shipped", "e1", occurred_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ApplicationError, match="time zone"):
        _event(shipment, "shipped", "e2", occurred_at=timezone.now().replace(tzinfo=None))


def test_receiving_short_and_damaged_writes_off_from_transit(inbound):
    shipment, product, _, warehouse = inbound
    _event(shipment, "shipped", "e1")
    with pytest.raises(ApplicationError, match="give the discrepancy reason 'short'"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, received=35)])
    with pytest.raises(ApplicationError, match="the counts say 'damaged'"):
        services.shipment_receive(
            acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 38, damaged=2, discrepancy="short")]
        )
    assert _level(product, warehouse) == (0, 0)
    services.shipment_receive(
        acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 36, damaged=2, discrepancy="short")]
    )
    assert _level(product, warehouse) == (36, 0) and _level(product, services.transit_location()) == (0, 0)
    line = shipment.lines.get()
    assert (line.received_quantity, line.damaged_quantity, line.discrepancy) == (36, 2, "short")


def test_receiving_more_than_shipped_needs_the_reason_over(inbound):
    shipment, product, _, warehouse = inbound
    _event(shipment, "shipped", "e1")
    with pytest.raises(ApplicationError, match="'over'"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 41)])
    services.shipment_receive(
        acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 41, discrepancy="over")]
    )
    assert _level(product, warehouse) == (41, 0)


def test_receiving_twice_is_idempotent_and_other_counts_are_refused(inbound):
    shipment, product, _, warehouse = inbound
    _event(shipment, "shipped", "e1")
    lines = [ReceiptLineInput(product, 40)]
    services.shipment_receive(acting_user=None, shipment=shipment, lines=lines)
    services.shipment_receive(acting_user=None, shipment=shipment, lines=lines)
    assert _level(product, warehouse) == (40, 0)
    with pytest.raises(ApplicationError, match="already received"):
        services.shipment_receive(
            acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 39, discrepancy="short")]
        )


def test_every_line_must_be_counted_and_nothing_else(inbound):
    shipment, product, _, _ = inbound
    _event(shipment, "shipped", "e1")
    with pytest.raises(ApplicationError, match="missing"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[])
    with pytest.raises(ApplicationError, match="is not on"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(ProductFactory(), 1)])
    with pytest.raises(ApplicationError, match="from 0"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, -1)])


def test_outbound_to_a_consignee_leaves_stock_on_delivery():
    product, warehouse = give_stock(item=ProductFactory(), qty=10)
    shipment = services.shipment_create(
        acting_user=None,
        kind=Shipment.Kind.OUTBOUND,
        from_location=warehouse,
        consignee="R-0001",
        reference="RO-2026-000001",
        lines=[ShipmentLineInput(product, 4)],
    )
    _event(shipment, "shipped", "e1")
    _event(shipment, "delivered", "e2")
    assert _level(product, warehouse) == (6, 0) and _level(product, services.transit_location()) == (0, 0)
    with pytest.raises(ApplicationError, match="outside Tempo's stock"):
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 4)])


def test_shipping_more_than_is_available_is_refused_and_nothing_moves():
    product, warehouse = give_stock(item=ProductFactory(), qty=3)
    shipment = services.shipment_create(
        acting_user=None,
        kind=Shipment.Kind.TRANSFER,
        from_location=warehouse,
        to_location=LocationFactory(),
        lines=[ShipmentLineInput(product, 5)],
    )
    with pytest.raises(ApplicationError, match="Not enough"):
        _event(shipment, "shipped", "e1")
    shipment.refresh_from_db()
    assert shipment.status == "created" and not shipment.events.filter(status="shipped").exists()


@pytest.mark.parametrize(
    ("kind", "origin_kind", "destination_kind", "message"),
    [
        ("inbound", LocationKind.WAREHOUSE, LocationKind.WAREHOUSE, "leaves a factory_store"),
        ("transfer", LocationKind.WAREHOUSE, LocationKind.FACTORY_STORE, "goes to a"),
        ("teleport", LocationKind.WAREHOUSE, LocationKind.WAREHOUSE, "Unknown shipment kind"),
    ],
)
def test_routes_are_checked(kind, origin_kind, destination_kind, message):
    def location(location_kind):
        return (
            FactoryStoreFactory()
            if location_kind == LocationKind.FACTORY_STORE
            else LocationFactory(kind=location_kind)
        )

    with pytest.raises(ApplicationError, match=message):
        services.shipment_create(
            acting_user=None,
            kind=kind,
            from_location=location(origin_kind),
            to_location=location(destination_kind),
            lines=[ShipmentLineInput(ProductFactory(), 1)],
        )
    assert not Shipment.objects.exists()


def test_tracking_numbers_are_unique_per_carrier(inbound):
    _shipment, product, origin, warehouse = inbound
    with pytest.raises(ApplicationError, match="already used"):
        services.shipment_create(
            acting_user=None,
            kind="inbound",
            from_location=origin,
            to_location=warehouse,
            lines=[ShipmentLineInput(product, 1)],
            carrier="SF",
            tracking_number="SF100",
        )


def test_receipt_listeners_are_called_inside_the_transaction(inbound):
    shipment, product, _, _ = inbound
    seen = []

    def listener(*, shipment, acting_user):
        seen.append((shipment.number, shipment.status))

    services.shipment_receipt_listener_register(listener)
    try:
        _event(shipment, "shipped", "e1")
        services.shipment_receive(acting_user=None, shipment=shipment, lines=[ReceiptLineInput(product, 40)])
    finally:
        from logistics.services import shipments

        shipments._RECEIPT_LISTENERS.remove(listener)
    assert seen == [(shipment.number, "received")]


def test_cancel_only_before_shipping(inbound):
    shipment = inbound[0]
    services.shipment_cancel(acting_user=None, shipment=shipment)
    shipment.refresh_from_db()
    assert shipment.status == "cancelled"
    with pytest.raises(ApplicationError, match="cannot come now"):
        _event(shipment, "shipped", "e1")


def test_history_has_one_row_per_change(inbound):
    shipment = inbound[0]
    _event(shipment, "shipped", "e1")
    reasons = list(shipment.history.order_by("history_date").values_list("history_type", "history_change_reason"))
    assert reasons == [("+", "created"), ("~", "event shipped")]

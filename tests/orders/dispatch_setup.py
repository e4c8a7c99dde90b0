"""A small network for dispatch tests: warehouses in two regions, a factory store, orders of both kinds waiting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from erp.weeks import IsoWeek
from logistics import services as logistics_services
from logistics.models import Shipment, StockLevel
from logistics.services import ReceiptLineInput, ShipmentLineInput
from orders import services as orders_services
from retail import services as retail_services
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product


@dataclass
class Network:
    product: object
    east: object  # WH-E1, region East
    east2: object  # WH-E2, region East
    south: object  # WH-S1, region South
    factory_store: object


def network(*, price: str = "100.00") -> Network:
    product = priced_product(retailer_price=price, list_price="150.00")
    east = LocationFactory(code="WH-E1", region="East")
    east2 = LocationFactory(code="WH-E2", region="East")
    south = LocationFactory(code="WH-S1", region="South")
    store = FactoryStoreFactory(code="FS-T1")
    give_stock(product, store, 100_000)
    return Network(product, east, east2, south, store)


def level(item, location) -> tuple[int, int]:
    found = StockLevel.objects.filter(item=item, location=location).first()
    return (found.on_hand, found.reserved) if found else (0, 0)


def inbound(net: Network, warehouse, quantity: int, *, item=None, user=None) -> Shipment:
    """An inbound shipment from the factory store to ``warehouse``, shipped (not yet received)."""
    item = item or net.product
    shipment = logistics_services.shipment_create(
        acting_user=user,
        kind=Shipment.Kind.INBOUND,
        from_location=net.factory_store,
        to_location=warehouse,
        lines=[ShipmentLineInput(item, quantity)],
    )
    return logistics_services.shipment_ship_now(acting_user=user, shipment=shipment)


def receive(shipment: Shipment, *, user=None) -> Shipment:
    lines = [ReceiptLineInput(line.item, received=line.quantity) for line in shipment.lines.select_related("item")]
    return logistics_services.shipment_receive(acting_user=user, shipment=shipment, lines=lines)


def arrive(net: Network, warehouse, quantity: int, *, capture, item=None, user=None) -> Shipment:
    """Ship and receive ``quantity`` at ``warehouse``, running the on-commit dispatch it enqueues."""
    shipment = inbound(net, warehouse, quantity, item=item, user=user)
    with capture(execute=True):
        return receive(shipment, user=user)


def paid_consumer_order(lines, *, region: str = "", customer: str = "cust-1"):
    """A paid consumer order (the dispatch its payment enqueues is not run: no on-commit capture here)."""
    order, _ = orders_services.consumer_order_create(
        acting_user=None,
        idempotency_key=str(uuid.uuid4()),
        channel="online",
        customer_ref=customer,
        requested_week=IsoWeek.current() + 1,
        lines=[orders_services.ConsumerOrderLineInput(item, qty) for item, qty in lines],
        region=region,
    )
    return orders_services.consumer_order_pay(acting_user=None, order=order)


def allocated_retailer_order(net: Network, quantity: int, *, region: str = "East", code: str | None = None):
    """A confirmed retailer order of ``quantity``, allocated in full by an applied fcfs run (stock must be there).

    The dispatch the run enqueues on commit is not run here."""
    kwargs = {"code": code} if code else {}
    retailer = RetailerFactory(region=region, **kwargs)
    deposit(retailer, quantity * 200)
    order = make_order(retailer, [(net.product, quantity)], confirm=True)
    retail_services.allocation_run_execute(
        acting_user=None, item=net.product, quantity=quantity, method="fcfs", use_tiers=False, apply=True
    )
    order.refresh_from_db()
    return order


def stocked(net: Network, warehouse, quantity: int, item=None) -> None:
    give_stock(item or net.product, warehouse, quantity)

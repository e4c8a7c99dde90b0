"""Dispatch on arrival for ``seed_demo``: Northwest online orders waiting for phones, an arrival that
cross-docks part of them, and the allocated demo retailer orders dispatched.

The story, at ``WH-XA`` (Xi'an, the only Northwest warehouse), for the TP-X1-128:

1. last week most of its shelf stock went to the Northeast (a transfer ``DEMO-DISPATCH-TR`` to
   ``WH-SY``, on its way), leaving ``SHELF`` units;
2. the online shop took paid orders shipping to the Northwest (``web-nw-*``, 1 to 3 phones each,
   ``WAITING_UNITS`` in all), more than the shelf and the next arrival hold;
3. an inbound shipment from Foxconn's store (``DEMO-DISPATCH-IN``, ``ARRIVAL`` units) is received:
   dispatch on arrival sends the shelf and the arrival to the oldest orders at once, one picked
   shipment each, and the rest keep waiting (the waiting-demand page shows them).

Then every warehouse holding stock reserved for allocated retailer orders dispatches them (trigger
*allocation*), so the demo's allocated orders are on shipments. The runs are made here, inside the
seed's transaction; the on-commit tasks the receipt and the payments enqueue find them done.

Idempotent: it does nothing once its inbound shipment exists. Without the warehouses, the factory
store or the phone (a step run alone), it does nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from erp.models import Item
from erp.weeks import IsoWeek
from logistics import services as logistics_services
from logistics.models import Location, LocationKind, Shipment, StockLevel
from logistics.services import ReceiptLineInput, ShipmentLineInput
from orders import services
from orders.models import DispatchTrigger
from retail.models import OrderLineReservation, RetailerOrderStatus

SKU = "TP-X1-128"
WAREHOUSE, OTHER_WAREHOUSE, FACTORY_STORE = "WH-XA", "WH-SY", "FS-FXN"
REGION = "Northwest"
SHELF, ARRIVAL, WAITING_UNITS = 20, 80, 140
INBOUND_REFERENCE, TRANSFER_REFERENCE = "DEMO-DISPATCH-IN", "DEMO-DISPATCH-TR"
QUANTITIES = [1, 2, 1, 3, 2, 1, 2, 1, 3, 1]


def _free(item: Item, location: Location) -> int:
    level = StockLevel.objects.filter(item=item, location=location).first()
    return level.on_hand - level.reserved if level else 0


def _shipped(kind: str, item: Item, quantity: int, origin: Location, destination: Location, reference: str, user):
    carrier = "Deppon" if kind == Shipment.Kind.TRANSFER else "SF Express"
    shipment = logistics_services.shipment_create(
        acting_user=user,
        kind=kind,
        from_location=origin,
        to_location=destination,
        reference=reference,
        carrier=carrier,
        lines=[ShipmentLineInput(item, quantity)],
    )
    return logistics_services.shipment_ship_now(acting_user=user, shipment=shipment)


def _transfer_away(item: Item, origin: Location, destination: Location, user) -> None:
    surplus = _free(item, origin) - SHELF
    if surplus > 0:
        _shipped(Shipment.Kind.TRANSFER, item, surplus, origin, destination, TRANSFER_REFERENCE, user)


def _online_orders(item: Item, seller) -> int:
    week, total, n = IsoWeek.current() + 1, 0, 0
    while total < WAITING_UNITS:
        quantity = QUANTITIES[n % len(QUANTITIES)]
        order, _created = services.consumer_order_create(
            acting_user=seller,
            idempotency_key=f"demo-dispatch-nw-{n + 1:03d}",
            channel="online",
            customer_ref=f"web-nw-{20001 + n}",
            requested_week=week,
            lines=[services.ConsumerOrderLineInput(item, quantity)],
            region=REGION,
        )
        services.consumer_order_pay(acting_user=seller, order=order)
        total += quantity
        n += 1
    return n


def _arrival(item: Item, origin: Location, warehouse: Location, user) -> Shipment:
    shipment = _shipped(Shipment.Kind.INBOUND, item, ARRIVAL, origin, warehouse, INBOUND_REFERENCE, user)
    return logistics_services.shipment_receive(
        acting_user=user, shipment=shipment, lines=[ReceiptLineInput(item, received=ARRIVAL)]
    )


def _allocated_orders_dispatched(user) -> int:
    reserved = OrderLineReservation.objects.filter(line__order__status=RetailerOrderStatus.ALLOCATED)
    by_warehouse: dict[int, set[int]] = {}
    for location_id, item_id in reserved.values_list("location_id", "line__item_id").distinct():
        by_warehouse.setdefault(location_id, set()).add(item_id)
    units = 0
    for warehouse in Location.objects.filter(pk__in=list(by_warehouse), kind=LocationKind.WAREHOUSE).order_by("code"):
        run = services.dispatch_run(
            acting_user=user,
            warehouse=warehouse,
            item_ids=sorted(by_warehouse[warehouse.pk]),
            trigger=DispatchTrigger.ALLOCATION,
        )
        units += run.units_dispatched if run else 0
    return units


def seed_dispatch(*, scale: str) -> str:
    """Waiting Northwest orders, an arrival cross-docked to part of them, allocated retailer orders dispatched."""
    if Shipment.objects.filter(reference=INBOUND_REFERENCE).exists():
        return ""
    item = Item.objects.filter(sku=SKU).first()
    places = {loc.code: loc for loc in Location.objects.filter(code__in=[WAREHOUSE, OTHER_WAREHOUSE, FACTORY_STORE])}
    if item is None or len(places) < 3 or _free(item, places[FACTORY_STORE]) < ARRIVAL:
        return ""
    users = get_user_model().objects.filter(username__in=["logistics", "sales"]).in_bulk(field_name="username")
    logistics, seller = users.get("logistics"), users.get("sales")
    _transfer_away(item, places[WAREHOUSE], places[OTHER_WAREHOUSE], logistics)
    orders = _online_orders(item, seller)
    receipt = _arrival(item, places[FACTORY_STORE], places[WAREHOUSE], logistics)
    run = services.dispatch_run(acting_user=logistics, warehouse=places[WAREHOUSE], trigger=receipt)
    retail_units = _allocated_orders_dispatched(logistics)
    return (
        f"{orders} paid Northwest online orders; the arrival at {WAREHOUSE} dispatched {run.units_dispatched} units "
        f"on {run.shipments_created} shipments, {run.units_waiting} still wait; "
        f"{retail_units} allocated retailer units dispatched"
    )

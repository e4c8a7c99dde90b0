"""Dispatch racing itself on PostgreSQL: parallel receipts at one warehouse, two warehouses competing for the
same orders. No stock level goes negative, no line is dispatched beyond its quantity, no unit is on two
shipments, and what each warehouse holds reserved is exactly what its open dispatch shipments (and the
retailer lines) hold."""

from collections import defaultdict

import pytest
from django.db.models import F, Sum

from logistics.models import Shipment, ShipmentLine, StockLevel
from orders import services
from orders.models import ConsumerOrder, ConsumerOrderLine, DispatchRun
from orders.tasks import dispatch_on_arrival
from retail.models import OrderLineReservation, OrderLineShipment, RetailerOrderLine
from tests.concurrency import needs_postgres, race_each
from tests.orders.dispatch_setup import (
    allocated_retailer_order,
    inbound,
    network,
    paid_consumer_order,
    receive,
    stocked,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _check_books(net) -> None:
    """The invariants every interleaving must leave."""
    assert not StockLevel.objects.filter(on_hand__lt=0).exists()
    assert not StockLevel.objects.filter(reserved__gt=F("on_hand")).exists()
    held = ShipmentLine.objects.filter(shipment__reservation_held=True)
    for level in StockLevel.objects.filter(location__kind="warehouse"):
        on_shipments = held.filter(shipment__from_location=level.location, item=level.item).aggregate(s=Sum("quantity"))
        for_lines = OrderLineReservation.objects.filter(location=level.location, line__item=level.item).aggregate(
            s=Sum("quantity")
        )
        assert level.reserved == (on_shipments["s"] or 0) + (for_lines["s"] or 0), level
    # Each consumer line's dispatched units are exactly the units on its order's open shipments.
    carried = defaultdict(int)
    for number, item_id, quantity in ShipmentLine.objects.exclude(shipment__status="cancelled").values_list(
        "shipment__reference", "item_id", "quantity"
    ):
        carried[(number, item_id)] += quantity
    for line in ConsumerOrderLine.objects.select_related("order"):
        assert 0 <= line.dispatched_quantity <= line.quantity
        assert carried[(line.order.number, line.item_id)] == line.dispatched_quantity, line.order.number
    for line in RetailerOrderLine.objects.select_related("order"):
        linked = OrderLineShipment.objects.filter(line=line).aggregate(s=Sum("quantity"))["s"] or 0
        reserved = OrderLineReservation.objects.filter(line=line).aggregate(s=Sum("quantity"))["s"] or 0
        assert linked == line.shipped_quantity and line.shipped_quantity + reserved == (line.allocated_quantity or 0)
        assert carried[(line.order.number, line.item_id)] == line.shipped_quantity


def test_parallel_receipts_at_one_warehouse_dispatch_each_unit_once():
    needs_postgres()
    net = network()
    orders = [paid_consumer_order([(net.product, 3)], region="East", customer=f"c-{n}") for n in range(12)]
    shipments = [inbound(net, net.east, 5) for _ in range(6)]  # 30 units for 36 wanted
    # Receive each (its dispatch runs on commit, in the same thread); one receipt twice, at once.
    targets = [lambda s=s: receive(s) for s in shipments] + [lambda: receive(Shipment.objects.get(pk=shipments[0].pk))]
    results = race_each(targets)
    assert all(isinstance(r, Shipment) for r in results), results
    assert DispatchRun.objects.filter(trigger="receipt").count() == 6  # one per receipt, the double one too
    dispatched = ConsumerOrderLine.objects.aggregate(s=Sum("dispatched_quantity"))["s"]
    assert dispatched == 30
    assert StockLevel.objects.get(item=net.product, location=net.east).reserved == 30
    assert ConsumerOrder.objects.filter(status="fulfilled").count() == 10  # oldest first, whole orders
    assert [o.status for o in ConsumerOrder.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk")][:10] == [
        "fulfilled"
    ] * 10
    # The tasks, run again for every receipt at once, do nothing more.
    again = race_each([lambda s=s: dispatch_on_arrival(s.pk) for s in shipments])
    assert sorted(again) == sorted(DispatchRun.objects.values_list("pk", flat=True))
    assert ConsumerOrderLine.objects.aggregate(s=Sum("dispatched_quantity"))["s"] == 30
    _check_books(net)


def test_two_warehouses_compete_for_orders_without_a_region():
    needs_postgres()
    net = network()
    stocked(net, net.south, 31)
    retailer = allocated_retailer_order(net, 6, region="East")  # the East has nothing yet: reserved in the South
    assert OrderLineReservation.objects.get().location == net.south
    stocked(net, net.east, 25)  # so the East cross-docks it while both serve the orders without a region
    for n in range(20):
        paid_consumer_order([(net.product, 2)], region="", customer=f"any-{n}")  # 40 wanted, 50 there
    targets = [
        lambda: services.dispatch_run(acting_user=None, warehouse=net.east),
        lambda: services.dispatch_run(acting_user=None, warehouse=net.south),
    ] * 3
    results = race_each(targets)
    assert all(isinstance(r, DispatchRun) for r in results), results
    assert ConsumerOrderLine.objects.aggregate(s=Sum("dispatched_quantity"))["s"] == 40
    assert ConsumerOrder.objects.filter(status="fulfilled").count() == 20
    retailer.refresh_from_db()
    assert retailer.status == "shipped"
    _check_books(net)
    east, south = (StockLevel.objects.get(item=net.product, location=loc) for loc in (net.east, net.south))
    assert east.reserved + south.reserved == 46 and east.on_hand == 25 and south.on_hand == 31

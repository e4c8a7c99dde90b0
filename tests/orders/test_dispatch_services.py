"""Dispatch on arrival: what a receipt sends out, to whom, from where; statuses, money, refusals, idempotency."""

import pytest

from erp.errors import ApplicationError
from logistics import services as logistics_services
from logistics.models import Shipment, StockMove
from orders import services
from orders.models import ConsumerOrder, DispatchLine, DispatchRun
from orders.tasks import dispatch_on_arrival
from retail import services as retail_services
from retail.models import OrderLineReservation, OrderLineShipment, PrepaymentEntry, RetailerOrder
from tests.erp.factories import ProductFactory
from tests.orders.dispatch_setup import (
    allocated_retailer_order,
    arrive,
    inbound,
    level,
    network,
    paid_consumer_order,
    receive,
    stocked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return network()


def _dispatched(order_number: str) -> list[Shipment]:
    return list(Shipment.objects.filter(reference=order_number).order_by("number"))


def test_a_receipt_dispatches_paid_consumer_orders_of_its_region_oldest_first(
    net, logistics_user, django_capture_on_commit_callbacks
):
    first = paid_consumer_order([(net.product, 3)], region="East", customer="c-first")
    second = paid_consumer_order([(net.product, 4)], region="East", customer="c-second")
    third = paid_consumer_order([(net.product, 5)], region="", customer="c-any")
    other = paid_consumer_order([(net.product, 2)], region="South", customer="c-south")

    receipt = arrive(net, net.east, 9, capture=django_capture_on_commit_callbacks, user=logistics_user)

    run = DispatchRun.objects.get(trigger_shipment=receipt)
    assert (run.warehouse, run.trigger, run.created_by) == (net.east, "receipt", logistics_user)
    assert (run.lines_dispatched, run.units_dispatched, run.shipments_created) == (3, 9, 3)
    assert (run.lines_waiting, run.units_waiting) == (1, 3)  # the order without a region got 2 of its 5
    for order, units in ((first, 3), (second, 4)):
        (shipment,) = _dispatched(order.number)
        assert (shipment.status, shipment.kind, shipment.from_location, shipment.reservation_held) == (
            "picked",
            "outbound",
            net.east,
            True,
        )
        assert shipment.consignee == order.customer_ref and shipment.region == "East"
        assert list(shipment.lines.values_list("quantity", flat=True)) == [units]
        order.refresh_from_db()
        assert order.status == "fulfilled" and order.fulfilled_at
    third.refresh_from_db()
    assert third.status == "paid" and third.lines.get().dispatched_quantity == 2
    assert not _dispatched(other.number)  # South is served by South's warehouses
    # The units are reserved at the warehouse until the shipments leave: nothing else can take them.
    assert level(net.product, net.east) == (9, 9)
    # The run records what it left waiting here: the rest of the order without a region.
    assert list(DispatchLine.objects.filter(run=run).values_list("order_number", "quantity", "waiting_after")) == [
        (first.number, 3, 0),
        (second.number, 4, 0),
        (third.number, 2, 3),
    ]


def test_a_warehouse_serves_only_its_region_and_orders_without_one(net, django_capture_on_commit_callbacks):
    south = paid_consumer_order([(net.product, 2)], region="South")
    anywhere = paid_consumer_order([(net.product, 1)], region="")
    receipt = arrive(net, net.east, 10, capture=django_capture_on_commit_callbacks)
    run = DispatchRun.objects.get(trigger_shipment=receipt)
    assert set(run.lines.values_list("order_number", "quantity")) == {(anywhere.number, 1)}
    assert ConsumerOrder.objects.get(pk=south.pk).status == "paid"
    assert level(net.product, net.east) == (10, 1)


def test_receiving_the_same_shipment_twice_dispatches_once(net, django_capture_on_commit_callbacks):
    order = paid_consumer_order([(net.product, 3)], region="East")
    shipment = inbound(net, net.east, 5)
    with django_capture_on_commit_callbacks(execute=True):
        receive(shipment)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receive(Shipment.objects.get(pk=shipment.pk))
    assert not callbacks  # the second receipt changed nothing, so nothing was enqueued
    assert DispatchRun.objects.count() == 1 and len(_dispatched(order.number)) == 1
    # The task itself, run again for the same receipt, returns the first run and writes nothing.
    again = dispatch_on_arrival(shipment.pk)
    assert again == DispatchRun.objects.get().pk
    assert DispatchRun.objects.count() == 1 and Shipment.objects.filter(reference=order.number).count() == 1
    assert level(net.product, net.east) == (5, 3)


def test_a_retailer_line_takes_its_reservation_here_with_it(net, django_capture_on_commit_callbacks):
    stocked(net, net.east, 30)
    order = allocated_retailer_order(net, 20)
    assert list(OrderLineReservation.objects.values_list("location__code", "quantity")) == [("WH-E1", 20)]
    receipt = arrive(net, net.east, 5, capture=django_capture_on_commit_callbacks)

    run = DispatchRun.objects.get(trigger_shipment=receipt)
    (line,) = run.lines.all()
    assert (line.quantity, line.from_reservation, line.cross_docked, line.waiting_after) == (20, 20, 0, 0)
    (shipment,) = _dispatched(order.number)
    assert shipment.consignee == order.retailer.code and shipment.reservation_held
    # The reservation moved from the order line to the shipment: the level's reserved figure is unchanged.
    assert level(net.product, net.east) == (35, 20)
    assert not OrderLineReservation.objects.exists()
    assert OrderLineShipment.objects.get().quantity == 20
    order.refresh_from_db()
    assert order.status == "shipped" and order.held_cents == 0 and order.shipped_at
    assert order.lines.get().shipped_quantity == 20
    capture = PrepaymentEntry.objects.get(order=order, kind="capture")
    assert capture.amount_cents == 20 * 100 * 100


def test_cross_dock_releases_the_reservation_held_in_another_region(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 12)
    order = allocated_retailer_order(net, 12, region="East")  # East has nothing: reserved in the South
    assert list(OrderLineReservation.objects.values_list("location__code", "quantity")) == [("WH-S1", 12)]
    assert level(net.product, net.south) == (12, 12)

    receipt = arrive(net, net.east, 8, capture=django_capture_on_commit_callbacks)

    (line,) = DispatchRun.objects.get(trigger_shipment=receipt).lines.all()
    assert (line.quantity, line.from_reservation, line.cross_docked, line.waiting_after) == (8, 0, 8, 4)
    assert level(net.product, net.east) == (8, 8)  # on the shipment
    assert level(net.product, net.south) == (12, 4)  # 8 released in the South, 4 still reserved there
    assert list(OrderLineReservation.objects.values_list("location__code", "quantity")) == [("WH-S1", 4)]
    order.refresh_from_db()
    assert order.status == "allocated" and order.lines.get().shipped_quantity == 8
    assert order.held_cents == 12 * 100 * 100  # captured only when every unit is on a shipment


def test_dispatch_at_the_south_does_not_serve_east_retailers(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 12)
    order = allocated_retailer_order(net, 12, region="East")
    shipment = inbound(net, net.south, 3)
    with django_capture_on_commit_callbacks(execute=True):
        receive(shipment)
    # Nothing the South may serve waits: no dispatch is enqueued, no run recorded.
    assert not DispatchRun.objects.exists()
    assert not _dispatched(order.number)
    run = services.dispatch_run(acting_user=None, warehouse=net.south)  # nor would Dispatch now serve them
    assert not run.lines.exists() and not _dispatched(order.number)


def test_oldest_first_across_both_kinds(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 5)
    retailer = allocated_retailer_order(net, 5, region="East")  # allocated first, reserved in the South
    consumer = paid_consumer_order([(net.product, 5)], region="East")
    receipt = arrive(net, net.east, 6, capture=django_capture_on_commit_callbacks)
    lines = {line.order_number: line for line in DispatchRun.objects.get(trigger_shipment=receipt).lines.all()}
    assert (lines[retailer.number].quantity, lines[consumer.number].quantity) == (5, 1)
    assert lines[consumer.number].waiting_after == 4


def test_shipping_a_dispatched_shipment_releases_its_reservation_and_issues_the_units(
    net, django_capture_on_commit_callbacks
):
    order = paid_consumer_order([(net.product, 3)], region="East")
    arrive(net, net.east, 5, capture=django_capture_on_commit_callbacks)
    (shipment,) = _dispatched(order.number)
    shipped = logistics_services.shipment_ship_now(acting_user=None, shipment=shipment)
    assert shipped.status == "shipped" and not shipped.reservation_held
    assert level(net.product, net.east) == (2, 0)
    # Traceable from the factory store to the customer through the moves.
    issue = StockMove.objects.get(reference__startswith=shipment.number)
    assert (issue.reason, issue.qty, issue.from_location, issue.to_location) == ("issue", 3, net.east, None)
    assert order.customer_ref in issue.reference


def test_cancelling_a_consumer_dispatch_puts_its_units_back_to_waiting(net, django_capture_on_commit_callbacks):
    order = paid_consumer_order([(net.product, 3)], region="East")
    arrive(net, net.east, 5, capture=django_capture_on_commit_callbacks)
    (shipment,) = _dispatched(order.number)
    with pytest.raises(ApplicationError, match="is fulfilled"):
        services.consumer_order_cancel(acting_user=None, order=order)
    logistics_services.shipment_cancel(acting_user=None, shipment=shipment)
    order.refresh_from_db()
    assert order.status == "paid" and order.fulfilled_at is None
    assert order.lines.get().dispatched_quantity == 0
    assert level(net.product, net.east) == (5, 0)
    # Waiting again: the next dispatch sends it.
    run = services.dispatch_run(acting_user=None, warehouse=net.east)
    assert run.units_dispatched == 3 and run.trigger == "manual"


def test_a_paid_order_with_units_dispatched_cannot_be_cancelled(net, django_capture_on_commit_callbacks):
    order = paid_consumer_order([(net.product, 5)], region="East")
    arrive(net, net.east, 3, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == "paid"
    with pytest.raises(ApplicationError, match=r"units on a dispatched shipment \(3 .*\); cancel the shipment first"):
        services.consumer_order_cancel(acting_user=None, order=order)
    assert ConsumerOrder.objects.get(pk=order.pk).status == "paid"


def test_cancelling_a_retailer_dispatch_gives_the_reservation_back_and_reverses_the_capture(
    net, django_capture_on_commit_callbacks
):
    stocked(net, net.east, 10)
    order = allocated_retailer_order(net, 10)
    services.dispatch_run(acting_user=None, warehouse=net.east)
    order.refresh_from_db()
    account = order.retailer.prepayment_account
    account.refresh_from_db()
    balance_after_capture = account.balance_cents
    assert order.status == "shipped"
    with pytest.raises(ApplicationError, match="shipped"):
        retail_services.retailer_order_cancel(acting_user=None, order=order)
    (shipment,) = _dispatched(order.number)

    logistics_services.shipment_cancel(acting_user=None, shipment=shipment)

    order.refresh_from_db()
    account.refresh_from_db()
    assert order.status == "allocated" and order.shipped_at is None and order.held_cents == 10 * 100 * 100
    assert order.lines.get().shipped_quantity == 0
    assert list(OrderLineReservation.objects.values_list("location__code", "quantity")) == [("WH-E1", 10)]
    assert level(net.product, net.east) == (10, 10)  # still reserved: the order holds them again
    assert account.balance_cents == balance_after_capture + 10 * 100 * 100
    kinds = list(PrepaymentEntry.objects.filter(order=order).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["capture", "adjustment", "hold"]
    # Now the order can be cancelled: nothing is on a shipment.
    retail_services.retailer_order_cancel(acting_user=None, order=order, reason="changed its mind")
    assert level(net.product, net.east) == (10, 0)


def test_a_partly_dispatched_retailer_order_cannot_be_cancelled(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 10)
    order = allocated_retailer_order(net, 10)
    arrive(net, net.east, 4, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == "allocated"
    with pytest.raises(ApplicationError, match="cancel it first") as refused:
        retail_services.retailer_order_cancel(acting_user=None, order=order)
    assert refused.value.extra["shipments"] == [s.number for s in _dispatched(order.number)]


def test_the_order_is_delivered_when_its_last_shipment_is(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 10)
    order = allocated_retailer_order(net, 10)
    arrive(net, net.east, 4, capture=django_capture_on_commit_callbacks)
    services.dispatch_run(acting_user=None, warehouse=net.east)  # nothing more here
    order = retail_services.retailer_order_ship(acting_user=None, order=order)  # the rest from the South
    assert order.status == "shipped"
    first, second = _dispatched(order.number)
    assert {first.from_location, second.from_location} == {net.east, net.south}
    for n, shipment in enumerate((first, second)):
        for status in ("shipped", "delivered"):
            logistics_services.shipment_event_post(
                acting_user=None, shipment=shipment, status=status, event_key=f"{status}-{n}"
            )
        order.refresh_from_db()
        assert order.status == ("shipped" if n == 0 else "delivered")
    assert order.delivered_at


def test_ship_button_ships_from_where_the_stock_is_reserved(net):
    stocked(net, net.east, 6)
    stocked(net, net.east2, 6)
    order = allocated_retailer_order(net, 10)
    order = retail_services.retailer_order_ship(acting_user=None, order=order)
    assert order.status == "shipped"
    shipments = _dispatched(order.number)
    assert [(s.from_location.code, s.lines.get().quantity) for s in shipments] == [("WH-E1", 6), ("WH-E2", 4)]
    assert level(net.product, net.east) == (6, 6) and level(net.product, net.east2) == (6, 4)
    with pytest.raises(ApplicationError, match="is shipped; only a allocated order"):
        retail_services.retailer_order_ship(acting_user=None, order=order)


def test_ship_button_refuses_an_order_with_nothing_reserved(net):
    stocked(net, net.east, 6)
    order = allocated_retailer_order(net, 6)
    services.dispatch_run(acting_user=None, warehouse=net.east)
    RetailerOrder.objects.filter(pk=order.pk).update(status="allocated")  # as if a line were still open
    with pytest.raises(ApplicationError, match="nothing reserved"):
        retail_services.retailer_order_ship(acting_user=None, order=RetailerOrder.objects.get(pk=order.pk))


def test_paying_an_order_dispatches_it_where_stock_is(net, django_capture_on_commit_callbacks):
    stocked(net, net.east, 4)
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_consumer_order([(net.product, 3)], region="East")
    run = DispatchRun.objects.get()
    assert run.trigger == "payment" and run.units_dispatched == 3
    order.refresh_from_db()
    assert order.status == "fulfilled"


def test_paying_with_no_free_stock_where_it_may_be_served_enqueues_nothing(net, django_capture_on_commit_callbacks):
    stocked(net, net.south, 5)  # free, but in another region
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        paid_consumer_order([(net.product, 3)], region="East")
    assert not callbacks and not DispatchRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = paid_consumer_order([(net.product, 3)], region="")  # any warehouse: the South's stock serves it
    assert len(callbacks) == 1
    assert ConsumerOrder.objects.get(pk=order.pk).status == "fulfilled"


def test_a_receipt_dispatches_only_once_it_is_committed(net, django_capture_on_commit_callbacks):
    paid_consumer_order([(net.product, 3)], region="East")
    shipment = inbound(net, net.east, 5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receive(shipment)
    assert not DispatchRun.objects.exists()  # enqueued for after the commit, not run inside the receipt
    for callback in callbacks:
        callback()
    assert DispatchRun.objects.get().trigger_shipment == shipment


def test_applying_an_allocation_dispatches_what_it_reserved(net, django_capture_on_commit_callbacks):
    stocked(net, net.east, 10)
    with django_capture_on_commit_callbacks(execute=True):
        order = allocated_retailer_order(net, 7)
    order.refresh_from_db()
    assert order.status == "shipped"
    run = DispatchRun.objects.get()
    assert (run.trigger, run.units_dispatched, run.units_from_reservation) == ("allocation", 7, 7)


def test_a_manual_run_limited_to_some_products(net):
    other = ProductFactory()
    stocked(net, net.east, 5)
    stocked(net, net.east, 5, item=other)
    a = paid_consumer_order([(net.product, 2)], region="East")
    b = paid_consumer_order([(other, 2)], region="East")
    run = services.dispatch_run(acting_user=None, warehouse=net.east, item_ids=[other.pk])
    assert [(line.order_number, line.quantity) for line in run.lines.all()] == [(b.number, 2)]
    assert ConsumerOrder.objects.get(pk=a.pk).status == "paid"


def test_an_order_of_two_products_gets_one_shipment(net):
    other = ProductFactory()
    stocked(net, net.east, 5)
    stocked(net, net.east, 5, item=other)
    order = paid_consumer_order([(net.product, 2), (other, 3)], region="East")
    run = services.dispatch_run(acting_user=None, warehouse=net.east)
    (shipment,) = _dispatched(order.number)
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [2, 3]
    assert run.shipments_created == 1 and run.lines_dispatched == 2


def test_refusals(net):
    with pytest.raises(ApplicationError, match="not an active warehouse"):
        services.dispatch_run(acting_user=None, warehouse=net.factory_store)
    with pytest.raises(ApplicationError, match="Unknown dispatch trigger"):
        services.dispatch_run(acting_user=None, warehouse=net.east, trigger="lunch")
    shipment = inbound(net, net.east, 3)
    with pytest.raises(ApplicationError, match="was not received at WH-E1"):
        services.dispatch_run(acting_user=None, warehouse=net.east, trigger=shipment)
    with pytest.raises(ApplicationError, match="No item has the SKU 'NOPE'"):
        services.dispatch_items_check(["nope"])
    assert not DispatchRun.objects.exists()


def test_consumer_order_region_is_checked(net):
    order = paid_consumer_order([(net.product, 1)], region="east")
    assert order.region == "East"  # the warehouses' spelling
    with pytest.raises(ApplicationError, match="No warehouse serves the region 'Mars'") as refused:
        paid_consumer_order([(net.product, 1)], region="Mars")
    assert "region" in refused.value.extra["fields"]

"""Applies racing on PostgreSQL: the run row lock makes a run apply once; a racing cancellation stays consistent."""

import pytest

from erp.errors import ApplicationError
from logistics.models import Location, ShipmentLine, StockLevel
from retail import services
from retail.models import AllocationRun, OrderLineReservation, PrepaymentAccount, PrepaymentEntry, RetailerOrder
from tests.concurrency import needs_postgres, race_each
from tests.retail.allocation_setup import launch

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_applies_of_one_run_apply_once():
    needs_postgres()
    scene = launch()
    run = services.allocation_run_preview(
        acting_user=None, item=scene.product, quantity=55, method="pro_rata", use_tiers=False
    )
    apply = lambda: services.allocation_run_apply(acting_user=None, run=run)  # noqa: E731
    results = race_each([apply, apply, apply])
    applied = [r for r in results if isinstance(r, AllocationRun)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(applied) == 1 and len(refused) == 2, results
    assert all("already applied" in error.message for error in refused)
    assert sum(StockLevel.objects.values_list("reserved", flat=True)) == 55
    # The apply's dispatch (enqueued on commit) put the reserved units on picked shipments, which hold them now.
    on_lines = sum(OrderLineReservation.objects.values_list("quantity", flat=True))
    on_shipments = sum(ShipmentLine.objects.filter(shipment__reservation_held=True).values_list("quantity", flat=True))
    assert on_lines + on_shipments == 55
    assert PrepaymentEntry.objects.filter(kind="release").count() == 3
    for account in PrepaymentAccount.objects.all():
        assert account.held_cents == sum(o.held_cents for o in RetailerOrder.objects.filter(retailer=account.retailer))


def test_apply_racing_a_cancellation_stays_consistent():
    needs_postgres()
    scene = launch()
    # Warehouses outside the retailers' region: the dispatch an apply enqueues on commit serves none of them, so the
    # race stays between the apply and the cancellation (dispatch racing them is tested in tests/orders).
    Location.objects.filter(pk__in=[w.pk for w in scene.warehouses]).update(region="West")
    run = services.allocation_run_preview(
        acting_user=None, item=scene.product, quantity=60, method="fcfs", use_tiers=False
    )
    results = race_each(
        [
            lambda: services.allocation_run_apply(acting_user=None, run=run),
            lambda: services.retailer_order_cancel(acting_user=None, order=scene.orders[1]),
        ]
    )
    assert not isinstance(results[1], Exception), results
    run.refresh_from_db()
    cancelled = RetailerOrder.objects.get(pk=scene.orders[1].pk)
    assert cancelled.status == "cancelled" and cancelled.held_cents == 0
    assert not OrderLineReservation.objects.filter(line__order=cancelled).exists()
    if run.status == "applied":  # the apply went first; the cancellation released what it reserved
        assert sum(StockLevel.objects.values_list("reserved", flat=True)) == 30
    else:  # the cancellation went first; the preview was refused as stale
        assert isinstance(results[0], ApplicationError) and "cancelled since the preview" in results[0].message
        assert sum(StockLevel.objects.values_list("reserved", flat=True)) == 0
    for account in PrepaymentAccount.objects.all():
        assert account.held_cents == sum(o.held_cents for o in RetailerOrder.objects.filter(retailer=account.retailer))
        assert account.balance_cents >= account.held_cents

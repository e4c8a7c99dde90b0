"""The dispatch demo step: Northwest orders waiting, an arrival cross-docked to part of them, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from logistics.models import Shipment, StockLevel
from orders.demo_dispatch import INBOUND_REFERENCE, REGION, seed_dispatch
from orders.models import ConsumerOrder, DispatchLine, DispatchRun
from retail.models import RetailerOrder

pytestmark = pytest.mark.django_db


def test_demo_cross_docks_an_arrival_and_leaves_orders_waiting(demo):
    assert "paid Northwest online orders" in demo
    receipt = Shipment.objects.get(reference=INBOUND_REFERENCE)
    run = DispatchRun.objects.get(trigger_shipment=receipt)
    assert run.warehouse.code == "WH-XA" and run.trigger == "receipt"
    assert run.units_dispatched > 0 and run.units_waiting > 0 and run.units_cross_docked == run.units_dispatched
    waiting = ConsumerOrder.objects.filter(region=REGION, status="paid")
    assert waiting.exists() and ConsumerOrder.objects.filter(region=REGION, status="fulfilled").exists()
    served = DispatchLine.objects.filter(run=run, quantity__gt=0)
    assert served.count() == run.lines_dispatched and all(line.shipment.status == "picked" for line in served)
    # What the shipments hold is reserved at the warehouse; the allocated demo orders are all dispatched.
    level = StockLevel.objects.get(item=receipt.lines.get().item, location=run.warehouse)
    assert level.reserved >= run.units_dispatched
    assert not RetailerOrder.objects.filter(status="allocated").exists()
    assert DispatchRun.objects.filter(trigger="allocation", units_dispatched__gt=0).exists()
    counts = (DispatchRun.objects.count(), Shipment.objects.count(), ConsumerOrder.objects.count())
    assert seed_dispatch(scale="demo") == ""
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert counts == (DispatchRun.objects.count(), Shipment.objects.count(), ConsumerOrder.objects.count())


def test_step_alone_does_nothing_without_the_network():
    assert seed_dispatch(scale="demo") == ""
    assert not DispatchRun.objects.exists()

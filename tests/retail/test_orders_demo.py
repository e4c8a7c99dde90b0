"""The retailer-orders demo step: an over-ordered launch week and orders in every status, idempotent."""

import pytest
from django.db.models import F, Sum

from erp.weeks import IsoWeek
from retail.demo_orders import LAUNCH_SKU, OTHER_SKU, seed_retailer_orders
from retail.models import PrepaymentAccount, PrepaymentEntry, Retailer, RetailerOrder, RetailerOrderLine
from retail.models.prepayments import ENTRY_EFFECTS
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.factories import priced_product

pytestmark = pytest.mark.django_db


def _catalogue():
    phone = priced_product(retailer_price="2699.00", item__sku=LAUNCH_SKU)
    buds = priced_product(retailer_price="349.00", item__sku=OTHER_SKU)
    for n in range(3):
        warehouse = LocationFactory(code=f"WH-D{n}")
        give_stock(item=phone, location=warehouse, qty=1000)
        give_stock(item=buds, location=warehouse, qty=2000)
    return phone, buds


def test_step_alone_makes_its_retailers_and_over_orders_the_launch():
    _catalogue()
    summary = seed_retailer_orders(scale="demo")
    assert summary.startswith("40 retailers") and "launch-week retailer orders" in summary
    assert Retailer.objects.count() == 40
    launch = RetailerOrderLine.objects.filter(item__sku=LAUNCH_SKU, order__status="confirmed")
    assert launch.aggregate(units=Sum("quantity"))["units"] > 3000  # the 3 warehouses hold 3,000
    assert {line.requested_week for line in launch} == {(IsoWeek.current() + 1).monday}
    assert launch.values("order__retailer").distinct().count() >= 10
    statuses = set(RetailerOrder.objects.filter(lines__item__sku=OTHER_SKU).values_list("status", flat=True))
    assert statuses == {"draft", "confirmed", "cancelled", "allocated", "shipped", "delivered"}
    for account in PrepaymentAccount.objects.all():
        entries = PrepaymentEntry.objects.filter(account=account).order_by("created_at", "pk")
        balance = sum(ENTRY_EFFECTS[e.kind][0] * e.amount_cents for e in entries)
        held = sum(ENTRY_EFFECTS[e.kind][1] * e.amount_cents for e in entries)
        assert (balance, held) == (account.balance_cents, account.held_cents)
        assert account.balance_cents >= account.held_cents
    held = RetailerOrder.objects.aggregate(total=Sum("held_cents"))["total"]
    assert held == PrepaymentAccount.objects.aggregate(total=Sum("held_cents"))["total"]
    assert not RetailerOrderLine.objects.filter(shipped_quantity__gt=F("quantity")).exists()
    counts = (RetailerOrder.objects.count(), PrepaymentEntry.objects.count())
    assert seed_retailer_orders(scale="demo") == ""
    assert counts == (RetailerOrder.objects.count(), PrepaymentEntry.objects.count())


def test_step_uses_existing_retailers_and_skips_without_the_products():
    assert seed_retailer_orders(scale="demo") == ""  # no catalogue yet
    from tests.retail.factories import RetailerFactory

    RetailerFactory.create_batch(3)
    _catalogue()
    summary = seed_retailer_orders(scale="demo")
    assert "retailers," not in summary.split("launch")[0] and Retailer.objects.count() == 3
    assert RetailerOrderLine.objects.filter(item__sku=LAUNCH_SKU).aggregate(units=Sum("quantity"))["units"] > 3000

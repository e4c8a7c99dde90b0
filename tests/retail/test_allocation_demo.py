from io import StringIO

import pytest
from django.core.management import call_command

from erp.models import Item
from retail.demo_allocations import seed_allocations
from retail.models import AllocationRun, RetailerOrderLine, RetailerTier
from tests.retail.factories import RetailerFactory, deposit, make_order

pytestmark = pytest.mark.django_db


def test_demo_applies_one_small_run_and_leaves_the_flagship_waiting():
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    # Without retailer orders (another step's demo data) the step does nothing.
    assert seed_allocations(scale="small") == ""
    assert not AllocationRun.objects.exists()

    x1, buds, band = (Item.objects.get(sku=sku) for sku in ("TP-X1-128", "TP-BUDS-3", "TP-BAND-2"))
    for n, tier in enumerate([RetailerTier.KEY, RetailerTier.STANDARD, RetailerTier.SMALL]):
        retailer = RetailerFactory(code=f"R-DEMO{n}", tier=tier)
        deposit(retailer, 5_000_000)
        make_order(retailer, [(x1, 500), (buds, 4_000)], confirm=True)
        if n:
            make_order(retailer, [(band, 10)], confirm=True)

    summary = seed_allocations(scale="small")
    run = AllocationRun.objects.get()
    # TP-BAND-2 has the fewest lines waiting (2); two thirds of 20 units
    assert run.item.sku == "TP-BAND-2" and run.status == "applied" and run.quantity == 13
    assert (run.method, run.use_tiers, run.created_by.username) == ("pro_rata", True, "sales")
    assert summary == "1 allocation run applied (TP-BAND-2: 13 of 20 units to 2 retailers)"
    assert not RetailerOrderLine.objects.filter(item=x1, allocated_quantity__isnull=False).exists()
    assert seed_allocations(scale="small") == ""
    assert AllocationRun.objects.count() == 1

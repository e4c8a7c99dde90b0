from io import StringIO

import pytest
from django.core.management import call_command

from erp.models import Item
from retail.demo_allocations import FLAGSHIP_PREFIX, seed_allocations
from retail.models import AllocationRun, RetailerOrderLine

pytestmark = pytest.mark.django_db


def test_demo_applies_one_small_run_and_leaves_the_flagship_waiting(demo):
    # The orders step leaves launch orders waiting; this step applies one run for a small product.
    run = AllocationRun.objects.get()
    assert "1 allocation run applied" in demo
    assert run.status == "applied" and not run.item.sku.startswith(FLAGSHIP_PREFIX)
    assert (run.method, run.use_tiers, run.created_by.username) == ("pro_rata", True, "sales")
    assert 0 < run.allocated_total <= min(run.quantity, run.requested_total)
    x1 = Item.objects.get(sku="TP-X1-128")
    assert RetailerOrderLine.objects.filter(
        item=x1, order__status="confirmed", allocated_quantity__isnull=True
    ).exists()
    assert not RetailerOrderLine.objects.filter(item=x1, allocated_quantity__isnull=False).exists()
    assert seed_allocations(scale="small") == ""
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert AllocationRun.objects.count() == 1

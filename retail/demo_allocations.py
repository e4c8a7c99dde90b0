"""Allocations' part of ``seed_demo``: one small applied run, so the list of runs is not empty.

It runs after the retailer orders step. It picks the product, other than the flagship X1 phones,
with the fewest order lines waiting for stock, and applies a pro-rata run with tiers of about
two thirds of what was ordered (never more than the warehouses hold). The X1 launch orders are
left waiting for users to allocate. Idempotent: once an applied run exists, it adds nothing; with
no waiting orders (no retailer demo data), it does nothing.
"""

from django.contrib.auth import get_user_model

from erp.models import Item
from retail.models import AllocationMethod, AllocationRun, AllocationRunStatus
from retail.selectors import allocation_waiting_demand
from retail.services import allocation_run_execute

FLAGSHIP_PREFIX = "TP-X1"


def seed_allocations(*, scale: str) -> str:
    if AllocationRun.objects.filter(status=AllocationRunStatus.APPLIED).exists():
        return ""
    rows = [
        row
        for row in allocation_waiting_demand()
        if not row["item__sku"].startswith(FLAGSHIP_PREFIX) and row["available"] > 0
    ]
    if not rows:
        return ""
    row = min(rows, key=lambda r: (r["lines"], r["item__sku"]))
    quantity = min(row["available"], max(1, row["requested"] * 2 // 3))
    run = allocation_run_execute(
        acting_user=get_user_model().objects.filter(username="sales").first(),
        item=Item.objects.get(pk=row["item_id"]),
        quantity=quantity,
        method=AllocationMethod.PRO_RATA,
        use_tiers=True,
        apply=True,
    )
    return (
        f"1 allocation run applied ({run.item.sku}: {run.allocated_total:,} of {run.requested_total:,} units "
        f"to {row['retailers']} retailers)"
    )

"""Reads of allocation runs: the runs and their lines, the order lines waiting for stock, what a retailer sees."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from erp.models import Item
from logistics.selectors import stock_available
from retail.models import (
    AllocationLine,
    AllocationRun,
    AllocationRunStatus,
    Retailer,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerStatus,
    RetailerUser,
)

# A retailer on hold (or closed) keeps its confirmed orders, but scarce stock goes to the others
# until it is active again.
_ALLOCATABLE = Q(
    order__status=RetailerOrderStatus.CONFIRMED,
    allocated_quantity__isnull=True,
    order__retailer__status=RetailerStatus.ACTIVE,
)


def allocation_candidates(*, item: Item) -> QuerySet[RetailerOrderLine]:
    """Lines waiting for ``item``: active retailers' confirmed order lines that no allocation has settled yet."""
    return (
        RetailerOrderLine.objects.filter(_ALLOCATABLE, item=item)
        .select_related("order__retailer__prepayment_account")
        .order_by("pk")
    )


def allocation_waiting_demand(*, item_ids: Iterable[int] | None = None) -> list[dict]:
    """Per product with lines waiting: SKU, name, lines, orders, requested units and warehouse stock available.

    Two queries, whatever the number of products.
    """
    lines = RetailerOrderLine.objects.filter(_ALLOCATABLE)
    if item_ids is not None:
        lines = lines.filter(item_id__in=list(item_ids))
    rows = list(
        lines.values("item_id", "item__sku", "item__name")
        .annotate(lines=Count("pk"), retailers=Count("order__retailer", distinct=True), requested=Sum("quantity"))
        .order_by("item__sku")
    )
    available = stock_available(item_ids=[row["item_id"] for row in rows]) if rows else {}
    for row in rows:
        row["available"] = available.get(row["item_id"], 0)
    return rows


def allocation_run_list() -> QuerySet[AllocationRun]:
    return AllocationRun.objects.select_related("item", "created_by", "applied_by")


def allocation_lines_of(run: AllocationRun) -> QuerySet[AllocationLine]:
    """A run's lines by tier, retailer code and line, with what the pages and the API show."""
    return (
        AllocationLine.objects.filter(run=run)
        .select_related("retailer", "order_line__order")
        .order_by("tier", "retailer__code", "order_line_id")
    )


def allocation_retailer_of_user(user) -> Retailer | None:
    """The retailer a portal or API user acts for; None for staff and unlinked users."""
    from erp.roles import user_is_retailer

    if not user_is_retailer(user):
        return None
    link = RetailerUser.objects.select_related("retailer").filter(user=user).first()
    return link.retailer if link else None


def allocation_runs_of_retailer(retailer: Retailer) -> QuerySet[AllocationRun]:
    """Applied runs holding a line of ``retailer``, each with only that retailer's lines prefetched."""
    own = (
        AllocationLine.objects.filter(retailer=retailer)
        .select_related("retailer", "order_line__order")
        .order_by("order_line_id")
    )
    return (
        allocation_run_list()
        .filter(status=AllocationRunStatus.APPLIED, lines__retailer=retailer)
        .distinct()
        .prefetch_related(Prefetch("lines", queryset=own, to_attr="own_lines"))
    )

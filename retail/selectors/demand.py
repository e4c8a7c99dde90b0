"""What the plan reads from retail: confirmed and allocated retailer order lines by requested week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, F, IntegerField, Sum, When

from erp.weeks import IsoWeek
from retail.models import RetailerOrderLine, RetailerOrderStatus


def retailer_committed_demand(
    *, from_week: IsoWeek, weeks: int, item_ids: Iterable[int] | None = None
) -> dict[tuple[int, date], int]:
    """Committed demand from retailers, ``{(item id, week Monday): units}``, in one query.

    A confirmed line counts in full; once an allocation run settled it, only what it was allocated
    (the rest's hold was released, so the retailer no longer waits for it).
    """
    first = from_week.monday
    end = (from_week + max(weeks, 0)).monday
    queryset = RetailerOrderLine.objects.filter(
        order__status__in=[RetailerOrderStatus.CONFIRMED, RetailerOrderStatus.ALLOCATED],
        requested_week__gte=first,
        requested_week__lt=end,
    )
    if item_ids is not None:
        queryset = queryset.filter(item_id__in=list(item_ids))
    units = Case(
        When(allocated_quantity__isnull=False, then=F("allocated_quantity")),
        default=F("quantity"),
        output_field=IntegerField(),
    )
    rows = queryset.values("item_id", "requested_week").annotate(total=Sum(units)).order_by()
    return {(row["item_id"], row["requested_week"]): int(row["total"]) for row in rows if row["total"]}

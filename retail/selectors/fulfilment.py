"""Retailer demand waiting to be dispatched: allocated units not yet on a shipment.

A line of an *allocated* order waits for ``allocated_quantity - shipped_quantity`` units, and holds
exactly that many reserved in the warehouses (``OrderLineReservation``). It belongs to its retailer's
region: dispatch at a warehouse serves the lines of the warehouse's region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, QuerySet

from retail.models import (
    OrderLineReservation,
    OrderLineShipment,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
)


@dataclass
class RetailerWaitingLine:
    line_id: int
    order_id: int
    number: str
    retailer_code: str
    region: str
    item_id: int
    sku: str
    waiting: int
    since: datetime | None
    # Units of this line reserved per warehouse (location id): they add up to ``waiting``.
    reservations: dict[int, int] = field(default_factory=dict)


def _waiting(*, region: str | None, item_ids: Collection[int] | None, prefix: str = "") -> dict:
    conditions = {
        f"{prefix}order__status": RetailerOrderStatus.ALLOCATED,
        f"{prefix}allocated_quantity__gt": F(f"{prefix}shipped_quantity"),
    }
    if region is not None:
        conditions[f"{prefix}order__retailer__region"] = region
    if item_ids is not None:
        conditions[f"{prefix}item_id__in"] = list(item_ids)
    return conditions


def retailer_waiting_line_list(*, region: str | None = None, item_ids: Collection[int] | None = None) -> QuerySet:
    """The waiting lines as a queryset (of ``region`` and ``item_ids`` when given)."""
    return RetailerOrderLine.objects.filter(**_waiting(region=region, item_ids=item_ids))


def retailer_waiting_lines(
    *, region: str | None = None, item_ids: Collection[int] | None = None
) -> list[RetailerWaitingLine]:
    """Waiting lines with their reservations, oldest allocation first (ties: order number, line id); 2 queries."""
    rows = (
        retailer_waiting_line_list(region=region, item_ids=item_ids)
        .order_by("order__allocated_at", "order__number", "pk")
        .values_list(
            "pk",
            "order_id",
            "order__number",
            "order__retailer__code",
            "order__retailer__region",
            "item_id",
            "item__sku",
            "allocated_quantity",
            "shipped_quantity",
            "order__allocated_at",
        )
    )
    lines = [
        RetailerWaitingLine(pk, order_id, number, code, line_region, item_id, sku, allocated - shipped, since)
        for pk, order_id, number, code, line_region, item_id, sku, allocated, shipped, since in rows
    ]
    reservations: dict[int, dict[int, int]] = defaultdict(dict)
    for line_id, location_id, quantity in OrderLineReservation.objects.filter(
        **_waiting(region=region, item_ids=item_ids, prefix="line__")
    ).values_list("line_id", "location_id", "quantity"):
        reservations[line_id][location_id] = quantity
    for line in lines:
        line.reservations = reservations.get(line.line_id, {})
    return lines


def retailer_waiting_order_ids(*, region: str | None, item_ids: Collection[int] | None) -> QuerySet:
    """The ids of orders with a waiting line, as a subquery."""
    return retailer_waiting_line_list(region=region, item_ids=item_ids).values("order_id")


def retailer_order_shipments(order: RetailerOrder) -> QuerySet:
    """The dispatched shipments carrying the order's units (with what each carries per line); one query."""
    return (
        OrderLineShipment.objects.filter(line__order=order)
        .select_related("shipment__from_location", "line__item")
        .order_by("shipment__number", "line_id")
    )

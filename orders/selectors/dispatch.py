"""Reads of dispatch: the demand waiting for stock (both kinds of order) and the recorded runs.

Waiting demand is every unit an order is owed and that is not yet on a shipment:

- a line of an *allocated* retailer order: ``allocated - shipped`` units, reserved somewhere already;
  it is served by the warehouses of its retailer's region (``retail.selectors.retailer_waiting_lines``);
- a line of a *paid* consumer order: ``quantity - dispatched`` units; served by the warehouses of the
  order's region, or by any warehouse when the order has none.

Oldest first across both kinds: a retailer line since its order's allocation, a consumer line since
its order's payment (ties: order number, then line id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from logistics.models import Location, LocationKind, StockLevel
from orders.models import (
    ConsumerOrderLine,
    ConsumerOrderStatus,
    DispatchLine,
    DispatchOrderKind,
    DispatchRun,
)
from retail.selectors import retailer_waiting_line_list, retailer_waiting_lines

Kind = DispatchOrderKind
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


@dataclass
class WaitingLine:
    kind: str
    line_id: int
    order_id: int
    number: str
    consignee: str
    region: str
    item_id: int
    sku: str
    waiting: int
    since: datetime | None
    # Retailer lines only: units reserved for the line per warehouse (location id).
    reservations: dict[int, int] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        return (self.since or _EPOCH, self.number, self.kind, self.line_id)

    @property
    def order_url(self) -> str:
        name = "retailer-order-detail" if self.kind == Kind.RETAILER else "consumer-order-detail"
        return reverse(name, args=[self.number])


def consumer_waiting_line_list(*, region: str | None = None, item_ids: Collection[int] | None = None) -> QuerySet:
    """Lines of paid consumer orders with units not yet dispatched; ``region``: the orders a warehouse of
    that region may serve (that region, or none)."""
    lines = ConsumerOrderLine.objects.filter(
        order__status=ConsumerOrderStatus.PAID, quantity__gt=F("dispatched_quantity")
    )
    if region is not None:
        lines = lines.filter(order__region__in=[region, ""])
    if item_ids is not None:
        lines = lines.filter(item_id__in=list(item_ids))
    return lines


def consumer_waiting_lines(*, region: str | None = None, item_ids: Collection[int] | None = None) -> list[WaitingLine]:
    rows = consumer_waiting_line_list(region=region, item_ids=item_ids).values_list(
        "pk",
        "order_id",
        "order__number",
        "order__customer_ref",
        "order__region",
        "item_id",
        "item__sku",
        "quantity",
        "dispatched_quantity",
        "order__paid_at",
    )
    return [
        WaitingLine(Kind.CONSUMER, pk, order_id, number, ref, line_region, item_id, sku, quantity - sent, since)
        for pk, order_id, number, ref, line_region, item_id, sku, quantity, sent, since in rows
    ]


def _retailer_lines(*, region: str | None, item_ids: Collection[int] | None) -> list[WaitingLine]:
    return [
        WaitingLine(
            Kind.RETAILER,
            line.line_id,
            line.order_id,
            line.number,
            line.retailer_code,
            line.region,
            line.item_id,
            line.sku,
            line.waiting,
            line.since,
            line.reservations,
        )
        for line in retailer_waiting_lines(region=region, item_ids=item_ids)
    ]


def waiting_lines_for(*, warehouse: Location, item_ids: Collection[int] | None = None) -> list[WaitingLine]:
    """What ``warehouse`` may serve, oldest first: its region's retailer lines and the consumer lines of its
    region or of none. A warehouse without a region serves only consumer orders without one."""
    region = warehouse.region or ""
    lines = consumer_waiting_lines(region=region, item_ids=item_ids)
    if region:
        lines += _retailer_lines(region=region, item_ids=item_ids)
    return sorted(lines, key=lambda line: line.sort_key)


def demand_waits_at(*, warehouse: Location, item_ids: Collection[int]) -> bool:
    """Whether any order line ``warehouse`` may serve waits for one of ``item_ids``; one or two queries."""
    region = warehouse.region or ""
    if consumer_waiting_line_list(region=region, item_ids=item_ids).exists():
        return True
    return bool(region) and retailer_waiting_line_list(region=region, item_ids=item_ids).exists()


def waiting_demand(
    *,
    region: str | None = None,
    warehouse: Location | None = None,
    sku: str = "",
    kind: str = "",
    q: str = "",
) -> list[WaitingLine]:
    """Every waiting line (filtered), oldest first; three queries whatever the number of lines."""
    if warehouse is not None:
        lines = waiting_lines_for(warehouse=warehouse)
    else:
        lines = consumer_waiting_lines() + _retailer_lines(region=None, item_ids=None)
    if region is not None:
        lines = [line for line in lines if line.region == region]
    if sku:
        lines = [line for line in lines if line.sku == sku.strip().upper()]
    if kind:
        lines = [line for line in lines if line.kind == kind]
    if q:
        text = q.strip().lower()
        lines = [line for line in lines if text in line.number.lower() or text in line.consignee.lower()]
    return sorted(lines, key=lambda line: line.sort_key)


@dataclass
class WaitingGroup:
    """Waiting demand of one region and product, against what that region's warehouses have available."""

    region: str
    sku: str
    lines: int = 0
    units: int = 0
    oldest: datetime | None = None
    available: int = 0


def waiting_summary(lines: list[WaitingLine]) -> list[WaitingGroup]:
    """Per region (blank: any) and product, with the available stock of the region's warehouses; one query."""
    groups: dict[tuple[str, str], WaitingGroup] = {}
    item_of: dict[str, int] = {}
    for line in lines:
        group = groups.setdefault((line.region, line.sku), WaitingGroup(line.region, line.sku))
        group.lines += 1
        group.units += line.waiting
        if line.since and (group.oldest is None or line.since < group.oldest):
            group.oldest = line.since
        item_of[line.sku] = line.item_id
    available: dict[tuple[str, int], int] = defaultdict(int)
    if item_of:
        rows = (
            StockLevel.objects.filter(
                item_id__in=list(item_of.values()), location__kind=LocationKind.WAREHOUSE, location__is_active=True
            )
            .values_list("location__region", "item_id")
            .annotate(free=Sum(F("on_hand") - F("reserved")))
            .order_by()
        )
        for region, item_id, free in rows:
            available[(region, item_id)] += free
            available[("", item_id)] += free
    for (region, sku), group in groups.items():
        group.available = available[(region, item_of[sku])]
    return sorted(groups.values(), key=lambda g: (g.region, g.sku))


def free_stock_serving(*, item_ids: Collection[int], region: str) -> bool:
    """Whether a warehouse that may serve ``region`` (its own; any when blank) has some of ``item_ids`` free."""
    levels = StockLevel.objects.filter(
        item_id__in=list(item_ids),
        location__kind=LocationKind.WAREHOUSE,
        location__is_active=True,
        on_hand__gt=F("reserved"),
    )
    if region:
        levels = levels.filter(location__region=region)
    return levels.exists()


def dispatch_run_list() -> QuerySet[DispatchRun]:
    return DispatchRun.objects.select_related("warehouse", "trigger_shipment", "created_by")


def dispatch_run_get(pk: int) -> DispatchRun | None:
    """A run with its lines (and their items and shipments); two queries."""
    lines = DispatchLine.objects.select_related("item", "shipment").order_by(
        "shipment__number", "waiting_since", "order_number", "pk"
    )
    return dispatch_run_list().prefetch_related(Prefetch("lines", queryset=lines)).filter(pk=pk).first()


def consumer_order_dispatches(order) -> QuerySet[DispatchLine]:
    """The shipments dispatch made for a consumer order (with their runs); one query."""
    return (
        DispatchLine.objects.filter(order_kind=Kind.CONSUMER, order_number=order.number, shipment__isnull=False)
        .select_related("shipment__from_location", "item", "run")
        .order_by("shipment__number", "pk")
    )

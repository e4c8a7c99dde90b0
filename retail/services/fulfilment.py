"""Retailer orders leaving the warehouses: dispatched lines, the ship button, cancelled and delivered shipments.

A line's allocated units are reserved in warehouses until they are put on a dispatched (picked)
outbound shipment; from then on the shipment holds them (``logistics.services.shipments_picked_create``).
``retailer_dispatch_record`` books what a dispatch put on shipments, for many lines at once:

- the units come first out of the line's reservation at the shipment's origin, which is handed to the
  shipment as it is (``retailer_handover``); the rest comes from the origin's free stock (an arrival)
  and the same number of the line's reservations elsewhere is released there: that is the cross-dock;
- ``shipped_quantity`` grows and an ``OrderLineShipment`` row links the line to the shipment;
- an order whose every allocated unit is on a shipment becomes *shipped* and its hold is captured
  (one capture entry per order, ``prepayment_entries_bulk_post``).

The caller holds the orders locked (``select_for_update`` in pk order), which every path here does
before it touches a stock level or an account: the order, then levels, then accounts.

Cancelling a dispatch shipment (``retailer_shipment_cancelled``, a logistics cancel listener) gives
its units back to their lines, reserved where they are: the line holds them again, so the listener
takes the shipment's reservation over. A shipped order goes back to allocated and the capture is
reversed (an adjustment of +amount, then a hold of it). ``retailer_shipment_event`` marks a shipped
order delivered when its last shipment is delivered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.excel.bulk import insert_history_from, insert_rows, update_rows
from logistics.models import Location, Shipment, ShipmentStatus
from logistics.services import PickedShipmentInput, shipments_picked_create, stock_release_many
from retail.models import (
    OrderLineReservation,
    OrderLineShipment,
    PrepaymentEntryKind,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    to_cents,
)
from retail.services.ledger_bulk import prepayment_entries_bulk_post
from retail.services.orders import _history, _locked
from retail.services.prepayments import prepayment_entry_post

Status = RetailerOrderStatus
ARRIVED = [ShipmentStatus.DELIVERED, ShipmentStatus.RECEIVED]


@dataclass(frozen=True)
class RetailerLineDispatch:
    """``quantity`` units of order line ``line_id`` put on shipment ``shipment_id`` leaving ``origin_id``."""

    line_id: int
    item_id: int
    origin_id: int
    quantity: int
    shipment_id: int | None = None


def retailer_handover(dispatches: Iterable[RetailerLineDispatch], reservations: dict[int, dict[int, int]]):
    """What the lines' reservations at the origins hand to the shipments, ``{(item id, origin id): units}``:
    per line, as much of the dispatched quantity as it holds reserved at the origin."""
    remaining = {line_id: dict(by_location) for line_id, by_location in reservations.items()}
    handed: dict[tuple[int, int], int] = defaultdict(int)
    for dispatch in dispatches:
        held = remaining.get(dispatch.line_id, {})
        take = min(dispatch.quantity, held.get(dispatch.origin_id, 0))
        if take:
            held[dispatch.origin_id] -= take
            handed[(dispatch.item_id, dispatch.origin_id)] += take
    return dict(handed)


def retailer_orders_lock(order_ids) -> list[int]:
    """Lock the orders (``order_ids`` may be a subquery) in pk order; returns their ids."""
    return list(
        RetailerOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=order_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refuse(message: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, extra)


def _reservations_of(line_ids: list[int]) -> dict[int, list[dict]]:
    rows = (
        OrderLineReservation.objects.filter(line_id__in_ids=line_ids)
        .order_by("line_id", "location__code")
        .values("pk", "line_id", "location_id", "quantity")
    )
    by_line: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_line[row["line_id"]].append(row)
    return by_line


def retailer_dispatch_record(
    *, acting_user: Any, dispatches: Sequence[RetailerLineDispatch], now: datetime | None = None
) -> list[int]:
    """Book ``dispatches`` (their shipments already made, see the module docstring); returns the ids of the
    orders that became shipped. The caller holds the orders locked, inside its transaction."""
    if not dispatches:
        return []
    now = now or timezone.now()
    line_ids = sorted({d.line_id for d in dispatches})
    lines = {
        row["pk"]: row
        for row in RetailerOrderLine.objects.filter(pk__in_ids=line_ids).values(
            "pk", "order_id", "item_id", "allocated_quantity", "shipped_quantity", order_status=F("order__status")
        )
    }
    reservations = _reservations_of(line_ids)
    released: dict[tuple[int, int], int] = defaultdict(int)
    links: dict[tuple[int, int], int] = defaultdict(int)
    for dispatch in dispatches:
        if dispatch.shipment_id is None:
            raise ValueError("a recorded dispatch names its shipment")
        line = lines[dispatch.line_id]
        waiting = (line["allocated_quantity"] or 0) - line["shipped_quantity"]
        if line["order_status"] != Status.ALLOCATED or not 0 < dispatch.quantity <= waiting:
            raise _refuse(
                f"Order line {dispatch.line_id} waits for {waiting} units; cannot dispatch {dispatch.quantity}."
            )
        held = reservations[dispatch.line_id]
        # Its reservation at the origin goes with the shipment; the rest is released where it was held.
        here = next((row for row in held if row["location_id"] == dispatch.origin_id), None)
        need = dispatch.quantity
        if here is not None and here["quantity"]:
            taken = min(need, here["quantity"])
            here["quantity"] -= taken
            here["changed"] = True
            need -= taken
        for row in held:
            if not need:
                break
            if row["location_id"] == dispatch.origin_id or not row["quantity"]:
                continue
            taken = min(need, row["quantity"])
            row["quantity"] -= taken
            row["changed"] = True
            released[(line["item_id"], row["location_id"])] += taken
            need -= taken
        if need:
            raise _refuse(
                f"Order line {dispatch.line_id} holds {dispatch.quantity - need} units; cannot dispatch more."
            )
        line["shipped_quantity"] += dispatch.quantity
        links[(dispatch.line_id, dispatch.shipment_id)] += dispatch.quantity
    stock_release_many(acting_user=acting_user, quantities=released)
    changed = [row for rows in reservations.values() for row in rows if row.get("changed")]
    OrderLineReservation.objects.filter(pk__in_ids=[row["pk"] for row in changed if not row["quantity"]]).delete()
    update_rows(
        OrderLineReservation,
        [{"id": row["pk"], "quantity": row["quantity"]} for row in changed if row["quantity"]],
        ["quantity"],
    )
    update_rows(
        RetailerOrderLine,
        [{"id": pk, "shipped_quantity": lines[pk]["shipped_quantity"]} for pk in line_ids],
        ["shipped_quantity"],
    )
    insert_rows(
        OrderLineShipment,
        [
            {"line_id": line_id, "shipment_id": shipment_id, "quantity": quantity}
            for (line_id, shipment_id), quantity in sorted(links.items())
        ],
    )
    return _orders_shipped(
        acting_user=acting_user, order_ids=sorted({row["order_id"] for row in lines.values()}), now=now
    )


def _orders_shipped(*, acting_user: Any, order_ids: list[int], now: datetime) -> list[int]:
    """Orders among ``order_ids`` whose every allocated unit is on a shipment become shipped; holds captured."""
    open_units: dict[int, int] = defaultdict(int)
    allocated: dict[int, int] = defaultdict(int)
    for order_id, allocated_quantity, shipped in RetailerOrderLine.objects.filter(
        order_id__in_ids=order_ids
    ).values_list("order_id", "allocated_quantity", "shipped_quantity"):
        open_units[order_id] += (allocated_quantity or 0) - shipped
        allocated[order_id] += allocated_quantity or 0
    done = [order_id for order_id in order_ids if not open_units[order_id] and allocated[order_id]]
    if not done:
        return []
    orders = {
        row["pk"]: row
        for row in RetailerOrder.objects.filter(pk__in_ids=done).values(
            "pk", "number", "held_cents", code=F("retailer__code"), account_id=F("retailer__prepayment_account__id")
        )
    }
    prepayment_entries_bulk_post(
        acting_user=acting_user,
        kind=PrepaymentEntryKind.CAPTURE,
        amounts={pk: row["held_cents"] for pk, row in orders.items()},
        orders=orders,
        note="order shipped",
        now=now,
    )
    update_rows(
        RetailerOrder,
        [
            {"id": pk, "status": Status.SHIPPED, "held_cents": 0, "shipped_at": now, "updated_at": now}
            for pk in sorted(orders)
        ],
        ["status", "held_cents", "shipped_at", "updated_at"],
    )
    insert_history_from(
        RetailerOrder.objects.filter(pk__in_ids=done),
        kind="~",
        user=user_or_none(acting_user),
        reason="shipped: every allocated unit is on a shipment",
    )
    return done


@transaction.atomic
def retailer_order_ship(*, acting_user: Any, order: RetailerOrder) -> RetailerOrder:
    """Dispatch the order now from where its stock is reserved: one picked shipment per warehouse, each
    taking over the reservation it carries. Every allocated unit is then on a shipment, so the order
    becomes shipped and its hold is captured; the goods leave when each shipment is shipped."""
    order = _locked(order, allowed=[Status.ALLOCATED], doing="shipped")
    reservations = list(
        OrderLineReservation.objects.filter(line__order=order)
        .order_by("location__code", "line_id")
        .values_list("line_id", "line__item_id", "location_id", "quantity")
    )
    if not reservations:
        raise _refuse(
            f"{order.number} has nothing reserved to ship (no unit was allocated, or all are on shipments already).",
            status=order.status,
        )
    by_location: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _line_id, item_id, location_id, quantity in reservations:
        by_location[location_id][item_id] += quantity
    origins = {loc.pk: loc for loc in Location.objects.filter(pk__in=list(by_location))}
    location_ids = sorted(by_location, key=lambda pk: origins[pk].code)
    created = shipments_picked_create(
        acting_user=acting_user,
        shipments=[
            PickedShipmentInput(
                from_location=origins[location_id],
                consignee=order.retailer.code,
                reference=order.number,
                region=order.retailer.region,
                lines=sorted(by_location[location_id].items()),
            )
            for location_id in location_ids
        ],
        handed_over={
            (item_id, location_id): quantity
            for location_id, items in by_location.items()
            for item_id, quantity in items.items()
        },
    )
    shipment_of = {location_id: shipment.pk for location_id, shipment in zip(location_ids, created, strict=True)}
    retailer_dispatch_record(
        acting_user=acting_user,
        dispatches=[
            RetailerLineDispatch(line_id, item_id, location_id, quantity, shipment_of[location_id])
            for line_id, item_id, location_id, quantity in reservations
        ],
    )
    order.refresh_from_db()
    return order


def _links_of(shipment: Shipment) -> list[OrderLineShipment]:
    return list(
        OrderLineShipment.objects.filter(shipment=shipment).select_related("line").order_by("line__order_id", "line_id")
    )


def retailer_shipment_cancelled(*, shipment: Shipment, acting_user: Any) -> bool:
    """Cancel listener: a dispatch shipment of retailer orders gives its units back to their lines, reserved
    at the shipment's origin (the listener takes the reservation over: returns True). A shipped order goes
    back to allocated and its capture is reversed. Any other shipment: nothing to do (False)."""
    links = _links_of(shipment)
    if not links:
        return False
    order_ids = retailer_orders_lock(sorted({link.line.order_id for link in links}))
    orders = {
        order.pk: order
        for order in RetailerOrder.objects.select_related("retailer__prepayment_account").filter(pk__in=order_ids)
    }
    returned_cents: dict[int, int] = defaultdict(int)
    for link in links:
        line = link.line
        RetailerOrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity") - link.quantity)
        kept = OrderLineReservation.objects.filter(line=line, location_id=shipment.from_location_id)
        if not kept.update(quantity=F("quantity") + link.quantity):
            OrderLineReservation.objects.create(
                line=line, location_id=shipment.from_location_id, quantity=link.quantity
            )
        returned_cents[line.order_id] += to_cents(link.quantity * line.unit_price)
    OrderLineShipment.objects.filter(shipment=shipment).delete()
    for order_id in order_ids:
        order = orders[order_id]
        if order.status != Status.SHIPPED:
            _history(order, acting_user=acting_user, reason=f"shipment {shipment.number} cancelled: units wait again")
            continue
        cents = returned_cents[order_id]
        account_id = order.retailer.prepayment_account.pk
        note = f"shipment {shipment.number} cancelled: capture reversed"
        for kind in (PrepaymentEntryKind.ADJUSTMENT, PrepaymentEntryKind.HOLD):
            prepayment_entry_post(
                acting_user=acting_user,
                account_id=account_id,
                kind=kind,
                cents=cents,
                reference=order.number,
                note=note,
                order=order,
            )
        RetailerOrder.objects.filter(pk=order_id).update(
            status=Status.ALLOCATED, held_cents=cents, shipped_at=None, updated_at=timezone.now()
        )
        order.refresh_from_db()
        _history(order, acting_user=acting_user, reason=f"shipment {shipment.number} cancelled: back to allocated")
    return True


def retailer_shipment_event(*, shipment: Shipment, status: str, acting_user: Any) -> None:
    """Event listener: when the last shipment of a shipped order is delivered, the order is delivered."""
    if status != ShipmentStatus.DELIVERED:
        return
    order_ids = sorted(
        set(OrderLineShipment.objects.filter(shipment=shipment).values_list("line__order_id", flat=True))
    )
    for order_id in retailer_orders_lock(order_ids):
        order = RetailerOrder.objects.get(pk=order_id)
        if order.status != Status.SHIPPED:
            continue
        pending = (
            OrderLineShipment.objects.filter(line__order_id=order_id)
            .exclude(shipment__status__in=ARRIVED)
            .exclude(shipment=shipment)
            .exists()
        )
        if not pending:
            now = timezone.now()
            RetailerOrder.objects.filter(pk=order_id).update(status=Status.DELIVERED, delivered_at=now, updated_at=now)
            order.refresh_from_db()
            _history(order, acting_user=acting_user, reason=f"delivered: shipment {shipment.number} was the last")

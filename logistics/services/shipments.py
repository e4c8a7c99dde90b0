"""Shipments: create, post carrier events (idempotent by event key), receive with discrepancies, cancel.

Each write locks the shipment row first (``select_for_update``), so two scanners posting the same
event, or a receipt racing a late event, are applied one after the other; the second sees the new
status. Stock moves go through ``stock_moves_post``, so levels never go negative.

Listeners: a higher layer (retail, orders) registers functions; logistics never imports those layers.

- ``shipment_receipt_listener_register``: called inside the receiving transaction with the shipment,
  to enqueue dispatch of waiting orders on commit;
- ``shipment_cancel_listener_register``: called inside the cancelling transaction, before a held
  reservation is released, so the order a dispatch shipment served can take its units back;
- ``shipment_event_listener_register``: called inside the transaction after an event changed a
  shipment's status (e.g. delivered), so an order can follow its shipments.

A shipment holding a reservation (made by dispatch, ``logistics.services.shipments_picked_create``)
gives it up when it is shipped (released and issued in the same transaction) or cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Item
from erp.validators import validate_printable
from erp.weeks import business_date
from logistics.models import (
    DiscrepancyReason,
    Location,
    LocationKind,
    Shipment,
    ShipmentCounter,
    ShipmentEvent,
    ShipmentEventSource,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
    StockMoveReason,
)
from logistics.services.stock import StockMoveInput, stock_moves_post, stock_release_many

Status = ShipmentStatus
MAX_LINES = 500
MAX_QUANTITY = 10_000_000
TRANSIT_CODE = "IN-TRANSIT"

# Where each event may come from: the statuses a shipment must be in to accept it.
EVENT_FROM: dict[str, list[str]] = {
    Status.PICKED: [Status.CREATED],
    Status.SHIPPED: [Status.CREATED, Status.PICKED],
    Status.IN_TRANSIT: [Status.SHIPPED, Status.IN_TRANSIT, Status.EXCEPTION],
    Status.EXCEPTION: [Status.CREATED, Status.PICKED, Status.SHIPPED, Status.IN_TRANSIT, Status.EXCEPTION],
    Status.DELIVERED: [Status.SHIPPED, Status.IN_TRANSIT, Status.EXCEPTION],
}
RECEIVABLE = [Status.SHIPPED, Status.IN_TRANSIT, Status.EXCEPTION, Status.DELIVERED]
CANCELLABLE = [Status.CREATED, Status.PICKED]

ReceiptListener = Callable[..., None]
CancelListener = Callable[..., bool | None]
EventListener = Callable[..., None]
_RECEIPT_LISTENERS: list[ReceiptListener] = []
_CANCEL_LISTENERS: list[CancelListener] = []
_EVENT_LISTENERS: list[EventListener] = []


def _register(listeners: list, fn):
    if fn not in listeners:
        listeners.append(fn)
    return fn


def shipment_receipt_listener_register(fn: ReceiptListener) -> ReceiptListener:
    """Call ``fn(shipment=..., acting_user=...)`` inside every receiving transaction; twice keeps one."""
    return _register(_RECEIPT_LISTENERS, fn)


def shipment_cancel_listener_register(fn: CancelListener) -> CancelListener:
    """Call ``fn(shipment=..., acting_user=...)`` inside every cancelling transaction, before the shipment's
    reservation (if it holds one) is released. A listener that returns True takes the reservation over:
    the units stay reserved, held again by the order they came from. A refusal (``ApplicationError``)
    refuses the cancellation. Twice keeps one."""
    return _register(_CANCEL_LISTENERS, fn)


def shipment_event_listener_register(fn: EventListener) -> EventListener:
    """Call ``fn(shipment=..., status=..., acting_user=...)`` after an event changed a shipment's status,
    inside that transaction (a replayed event changes nothing and calls nobody). Twice keeps one."""
    return _register(_EVENT_LISTENERS, fn)


@dataclass(frozen=True)
class ShipmentLineInput:
    item: Item
    quantity: int


@dataclass(frozen=True)
class ReceiptLineInput:
    item: Item
    received: int
    damaged: int = 0
    discrepancy: str = ""
    note: str = ""


def _refuse(message: str, field: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}, **extra})


def _text(value: Any, field: str, max_length: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > max_length:
        raise _refuse(f"The {field} is longer than {max_length} characters.", field)
    try:
        validate_printable(text)
    except Exception as error:
        raise _refuse(f"The {field} has characters that cannot be printed.", field) from error
    return text


def _whole(value: Any, *, field: str, where: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_QUANTITY:
        raise _refuse(
            f"{where}{field} must be a whole number from {minimum} to {MAX_QUANTITY:,}, not {value!r}.", field
        )
    return value


def transit_location() -> Location:
    """The location goods are in between leaving and arriving: the first in-transit location, made if none."""
    found = Location.objects.filter(kind=LocationKind.IN_TRANSIT, is_active=True).order_by("code").first()
    if found is not None:
        return found
    location, _ = Location.objects.get_or_create(
        code=TRANSIT_CODE, defaults={"name": "In transit", "kind": LocationKind.IN_TRANSIT}
    )
    return location


def _next_number() -> str:
    return yearly_number(ShipmentCounter, prefix="SH", year=business_date().year, digits=6)


_ROUTES = {
    ShipmentKind.INBOUND: ({LocationKind.FACTORY_STORE}, {LocationKind.WAREHOUSE}),
    ShipmentKind.TRANSFER: ({LocationKind.WAREHOUSE}, {LocationKind.WAREHOUSE, LocationKind.STORE}),
    ShipmentKind.OUTBOUND: ({LocationKind.WAREHOUSE, LocationKind.STORE}, {LocationKind.STORE}),
}


def shipment_route_check(kind: str, origin: Location, destination: Location | None, consignee: str) -> None:
    """Refuse a route the kind does not allow (also used by the Excel import, row by row)."""
    if kind not in ShipmentKind.values:
        raise _refuse(f"Unknown shipment kind {kind!r}; use one of {', '.join(ShipmentKind.values)}.", "kind")
    origins, destinations = _ROUTES[kind]
    label = ShipmentKind(kind).label
    if not isinstance(origin, Location) or origin.kind not in origins:
        raise _refuse(f"A shipment '{label}' leaves a {' or '.join(sorted(origins))}.", "from_location")
    if destination is None:
        if kind != ShipmentKind.OUTBOUND or not consignee:
            raise _refuse(f"A shipment '{label}' needs a destination location.", "to_location")
        return
    if destination.kind not in destinations:
        raise _refuse(f"A shipment '{label}' goes to a {' or '.join(sorted(destinations))}.", "to_location")
    if destination.pk == origin.pk:
        raise _refuse("A shipment cannot go to the location it leaves.", "to_location")
    if not destination.is_active:
        raise _refuse(f"{destination.code} is inactive and takes no goods.", "to_location")


def _check_lines(lines: Sequence[ShipmentLineInput]) -> None:
    if not lines:
        raise _refuse("A shipment needs at least one line.", "lines")
    if len(lines) > MAX_LINES:
        raise _refuse(f"A shipment has at most {MAX_LINES} lines.", "lines")
    seen: set[int] = set()
    for n, line in enumerate(lines, start=1):
        if not isinstance(line.item, Item):
            raise _refuse(f"Line {n}: name an item.", "item")
        _whole(line.quantity, field="quantity", where=f"Line {n} ({line.item.sku}): ", minimum=1)
        if line.item.pk in seen:
            raise _refuse(f"Line {n}: {line.item.sku} appears twice; put its quantity on one line.", "item")
        seen.add(line.item.pk)


def _history(shipment: Shipment, *, acting_user: Any, reason: str) -> None:
    """A history row for a change made with a queryset UPDATE (which simple-history does not see)."""
    Shipment.history.bulk_history_create(
        [shipment], update=True, default_user=user_or_none(acting_user), default_change_reason=reason
    )


@transaction.atomic
def shipment_create(
    *,
    acting_user: Any,
    kind: str,
    from_location: Location,
    lines: Sequence[ShipmentLineInput],
    to_location: Location | None = None,
    consignee: str = "",
    reference: str = "",
    carrier: str = "",
    tracking_number: str = "",
    expected_at: datetime | None = None,
) -> Shipment:
    """A shipment in status created; nothing moves until it is shipped."""
    consignee = _text(consignee, "consignee", 200)
    shipment_route_check(kind, from_location, to_location, consignee)
    _check_lines(lines)
    carrier = _text(carrier, "carrier", 100)
    tracking_number = _text(tracking_number, "tracking_number", 100)
    if tracking_number and Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
        raise _refuse(
            f"Tracking number {tracking_number} is already used by another shipment of {carrier or 'this carrier'}.",
            "tracking_number",
        )
    shipment = Shipment(
        number=_next_number(),
        kind=kind,
        from_location=from_location,
        to_location=to_location,
        consignee=consignee,
        reference=_text(reference, "reference", 100),
        region=(to_location.region if to_location else "") or "",
        carrier=carrier,
        tracking_number=tracking_number,
        expected_at=expected_at,
        created_by=user_or_none(acting_user),
    )
    # The history row simple-history writes on this save names the user and the reason.
    shipment._history_user = user_or_none(acting_user)
    shipment._change_reason = "created"
    shipment.save()
    ShipmentLine.objects.bulk_create(
        [ShipmentLine(shipment=shipment, item=line.item, quantity=line.quantity) for line in lines]
    )
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=Status.CREATED,
        occurred_at=timezone.now(),
        event_key="created",
        source=ShipmentEventSource.SYSTEM,
        created_by=user_or_none(acting_user),
    )
    return shipment


def _locked(shipment: Shipment) -> Shipment:
    return (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("from_location", "to_location")
        .get(pk=shipment.pk)
    )


def _lines(shipment: Shipment) -> list[ShipmentLine]:
    return list(shipment.lines.select_related("item").order_by("pk"))


def _reservation_release(shipment: Shipment, lines: list[ShipmentLine], *, acting_user: Any) -> None:
    stock_release_many(
        acting_user=acting_user,
        quantities={(line.item_id, shipment.from_location_id): line.quantity for line in lines},
    )


def _depart(shipment: Shipment, *, acting_user: Any, when: datetime) -> None:
    """Shipped: to a location, the goods go into transit; to an external consignee, they leave stock
    here (an issue from the origin, so the origin's turnover counts them as shipped). A reservation the
    shipment holds is released first, in the same transaction, so the units it kept are the ones leaving."""
    external = shipment.to_location_id is None
    transit = None if external else transit_location()
    lines = _lines(shipment)
    if shipment.reservation_held:
        _reservation_release(shipment, lines, acting_user=acting_user)
    stock_moves_post(
        acting_user=acting_user,
        moved_at=when,
        moves=[
            StockMoveInput(
                item=line.item,
                qty=line.quantity,
                from_location=shipment.from_location,
                to_location=transit,
                reason=StockMoveReason.ISSUE if external else StockMoveReason.TRANSFER,
                reference=f"{shipment.number} to {shipment.consignee}" if external else shipment.number,
            )
            for line in lines
        ],
    )


@dataclass(frozen=True)
class EventResult:
    event: ShipmentEvent
    shipment: Shipment
    created: bool


@transaction.atomic
def shipment_event_post(
    *,
    acting_user: Any,
    shipment: Shipment,
    status: str,
    event_key: str,
    occurred_at: datetime | None = None,
    place: str = "",
    note: str = "",
    source: str = ShipmentEventSource.STAFF,
) -> EventResult:
    """Apply a carrier/factory/staff event. The same ``event_key`` again returns the first result unchanged."""
    key = _text(event_key, "event_key", 100)
    if not key:
        raise _refuse("An event needs an event key (the carrier's event id, or an Idempotency-Key).", "event_key")
    shipment = _locked(shipment)
    stored = shipment.events.filter(event_key=key).first()
    if stored is not None:
        if stored.status != status:
            raise ApplicationError(
                f"Event key {key} was already used for a '{stored.status}' event of {shipment.number}.",
                {"fields": {"event_key": ["Already used for another status."]}, "code": "idempotency_key_reused"},
            )
        return EventResult(stored, shipment, False)
    if status not in EVENT_FROM:
        allowed = ", ".join(EVENT_FROM)
        raise _refuse(f"Unknown or non-postable status {status!r}; post one of {allowed}.", "status")
    if shipment.status not in EVENT_FROM[status]:
        current = Status(shipment.status).label.lower()
        raise ApplicationError(
            f"{shipment.number} is {current}; a '{status}' event cannot come now"
            + (" (it has not been shipped yet)." if shipment.status in (Status.CREATED, Status.PICKED) else "."),
            {"fields": {"status": [f"The shipment is {current}."]}, "status": shipment.status},
        )
    when = occurred_at or timezone.now()
    if timezone.is_naive(when):
        raise _refuse("occurred_at needs a time zone (e.g. 2026-11-25T10:00:00+08:00).", "occurred_at")
    if when > timezone.now() + timezone.timedelta(minutes=10):
        raise _refuse("occurred_at is in the future.", "occurred_at")
    event = ShipmentEvent.objects.create(
        shipment=shipment,
        status=status,
        occurred_at=when,
        event_key=key,
        place=_text(place, "place", 200),
        note=_text(note, "note", 500),
        source=source,
        created_by=user_or_none(acting_user),
    )
    changes: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status == Status.SHIPPED:
        _depart(shipment, acting_user=acting_user, when=when)
        changes.update(shipped_at=when, reservation_held=False)
    elif status == Status.DELIVERED:
        changes["delivered_at"] = when
    Shipment.objects.filter(pk=shipment.pk).update(**changes)
    shipment.refresh_from_db()
    _history(shipment, acting_user=acting_user, reason=f"event {status}")
    for listener in _EVENT_LISTENERS:
        listener(shipment=shipment, status=status, acting_user=acting_user)
    return EventResult(event, shipment, True)


def _discrepancy(line: ShipmentLine, received: ReceiptLineInput, n: int) -> str:
    sku = line.item.sku
    where = f"Line {n} ({sku}): "
    _whole(received.received, field="received", where=where, minimum=0)
    _whole(received.damaged, field="damaged", where=where, minimum=0)
    counted = received.received + received.damaged
    reason = received.discrepancy or ""
    if reason not in DiscrepancyReason.values:
        raise _refuse(f"{where}unknown discrepancy {reason!r}; use short, over or damaged.", "discrepancy")
    if counted == line.quantity and received.damaged == 0:
        wanted = ""
    elif counted == line.quantity:
        wanted = DiscrepancyReason.DAMAGED
    elif counted < line.quantity:
        wanted = DiscrepancyReason.SHORT
    else:
        wanted = DiscrepancyReason.OVER
    if reason != wanted:
        if not reason:
            raise _refuse(
                f"{where}{counted} counted against {line.quantity} shipped"
                + (f" ({received.damaged} damaged)" if received.damaged else "")
                + f"; give the discrepancy reason '{wanted}'.",
                "discrepancy",
            )
        raise _refuse(f"{where}the counts say '{wanted or 'no discrepancy'}', not '{reason}'.", "discrepancy")
    return wanted


def _same_receipt(lines: list[ShipmentLine], receipts: dict[int, ReceiptLineInput]) -> bool:
    return all(
        line.item_id in receipts
        and receipts[line.item_id].received == line.received_quantity
        and receipts[line.item_id].damaged == line.damaged_quantity
        for line in lines
    )


@transaction.atomic
def shipment_receive(
    *, acting_user: Any, shipment: Shipment, lines: Sequence[ReceiptLineInput], received_at: datetime | None = None
) -> Shipment:
    """Count a shipment in at its destination: good units enter its stock, short and damaged ones are written off.

    Every shipped line must be counted; a count that differs from what was shipped needs its reason
    (short, over, damaged). Receiving the same counts again changes nothing.
    """
    shipment = _locked(shipment)
    shipment_lines = _lines(shipment)
    by_item = {line.item.pk: line for line in shipment_lines}
    receipts: dict[int, ReceiptLineInput] = {}
    for n, receipt in enumerate(lines, start=1):
        if not isinstance(receipt.item, Item) or receipt.item.pk not in by_item:
            sku = getattr(receipt.item, "sku", receipt.item)
            raise _refuse(f"Line {n}: {sku} is not on {shipment.number}.", "item")
        if receipt.item.pk in receipts:
            raise _refuse(f"Line {n}: {receipt.item.sku} is counted twice.", "item")
        receipts[receipt.item.pk] = receipt
    if shipment.status == Status.RECEIVED:
        if _same_receipt(shipment_lines, receipts):
            return shipment
        raise _refuse(f"{shipment.number} was already received with other counts.", "status")
    if shipment.to_location_id is None:
        raise _refuse(
            f"{shipment.number} goes to {shipment.consignee}, outside Tempo's stock; post 'delivered'.", "status"
        )
    if shipment.status not in RECEIVABLE:
        current = Status(shipment.status).label.lower()
        raise _refuse(f"{shipment.number} is {current}; only a shipment on its way can be received.", "status")
    missing = [line.item.sku for line in shipment_lines if line.item.pk not in receipts]
    if missing:
        raise _refuse(f"Count every line: {', '.join(missing)} missing.", "lines")
    transit = transit_location()
    moves: list[StockMoveInput] = []
    for n, line in enumerate(shipment_lines, start=1):
        receipt = receipts[line.item.pk]
        line.discrepancy = _discrepancy(line, receipt, n)
        line.received_quantity, line.damaged_quantity = receipt.received, receipt.damaged
        line.note = _text(receipt.note, "note", 300)
        good_from_transit = min(receipt.received, line.quantity)
        if good_from_transit:
            moves.append(
                StockMoveInput(
                    line.item,
                    good_from_transit,
                    StockMoveReason.RECEIPT,
                    transit,
                    shipment.to_location,
                    shipment.number,
                )
            )
        lost = line.quantity - good_from_transit
        if lost:  # damaged or missing: written off from transit
            moves.append(
                StockMoveInput(
                    line.item, lost, StockMoveReason.ADJUSTMENT, transit, None, f"{shipment.number} {line.discrepancy}"
                )
            )
        extra = receipt.received - good_from_transit
        if extra:  # over-delivery: found stock at the destination
            moves.append(
                StockMoveInput(
                    line.item, extra, StockMoveReason.ADJUSTMENT, None, shipment.to_location, f"{shipment.number} over"
                )
            )
    ShipmentLine.objects.bulk_update(shipment_lines, ["received_quantity", "damaged_quantity", "discrepancy", "note"])
    if moves:
        stock_moves_post(acting_user=acting_user, moves=moves, moved_at=received_at)
    when = received_at or timezone.now()
    Shipment.objects.filter(pk=shipment.pk).update(
        status=Status.RECEIVED, received_at=when, delivered_at=shipment.delivered_at or when, updated_at=timezone.now()
    )
    shipment.refresh_from_db()
    _history(shipment, acting_user=acting_user, reason="received")
    for listener in _RECEIPT_LISTENERS:
        listener(shipment=shipment, acting_user=acting_user)
    return shipment


@transaction.atomic
def shipment_cancel(*, acting_user: Any, shipment: Shipment) -> Shipment:
    """Cancel a shipment that has not left yet; a reservation it holds is released (or taken over by a
    listener: the order it served holds the units again)."""
    shipment = _locked(shipment)
    if shipment.status not in CANCELLABLE:
        current = Status(shipment.status).label.lower()
        raise _refuse(f"{shipment.number} is {current}; only a shipment not yet shipped can be cancelled.", "status")
    # Listeners first: they lock their order before any stock level is touched, the order dispatch locks in.
    taken_over = False
    for listener in _CANCEL_LISTENERS:
        taken_over = bool(listener(shipment=shipment, acting_user=acting_user)) or taken_over
    if shipment.reservation_held and not taken_over:
        _reservation_release(shipment, _lines(shipment), acting_user=acting_user)
    Shipment.objects.filter(pk=shipment.pk).update(
        status=Status.CANCELLED, reservation_held=False, updated_at=timezone.now()
    )
    shipment.refresh_from_db()
    _history(shipment, acting_user=acting_user, reason="cancelled")
    return shipment


def shipment_ship_now(*, acting_user: Any, shipment: Shipment) -> Shipment:
    """Staff shortcut: post a 'shipped' event now."""
    return shipment_event_post(
        acting_user=acting_user, shipment=shipment, status=Status.SHIPPED, event_key=f"staff-shipped-{shipment.pk}"
    ).shipment

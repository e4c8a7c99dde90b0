"""Retailer orders: create (draft), confirm (hold the prepayment), cancel (release it) and deliver.

Shipping (dispatch onto shipments) is in ``retail.services.fulfilment``.

Status changes lock the order row first (``select_for_update``), so two clerks cannot confirm or
cancel the same order twice; money moves through ``prepayment_entry_post``, whose conditional
UPDATE on the account row is what makes 50 concurrent confirmations against a balance for 10
end with exactly 10 confirmed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Item, ItemKind, ItemLifecycle
from erp.selectors import prices_in_force
from erp.weeks import IsoWeek, business_date
from logistics.services import stock_release
from retail.models import (
    OrderLineShipment,
    PrepaymentEntryKind,
    Retailer,
    RetailerOrder,
    RetailerOrderCounter,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerStatus,
    to_cents,
)
from retail.services.prepayments import (
    InsufficientPrepayment,
    _text,
    prepayment_account_ensure,
    prepayment_entry_post,
)

Status = RetailerOrderStatus
MAX_LINES = 200
MAX_LINE_QUANTITY = 1_000_000
# Where an order can be cancelled from; shipped goods come back as a return, not a cancellation.
CANCELLABLE = [Status.DRAFT, Status.CONFIRMED, Status.ALLOCATED]


@dataclass(frozen=True)
class RetailerOrderLineInput:
    item: Item
    quantity: int
    requested_week: IsoWeek


def order_line_cents(line: RetailerOrderLine) -> int:
    return to_cents(line.quantity * line.unit_price)


def _next_number() -> str:
    return yearly_number(RetailerOrderCounter, prefix="RO", year=business_date().year, digits=6)


def _refuse_line(n: int, message: str, field: str) -> ApplicationError:
    return ApplicationError(f"Line {n}: {message}", {"fields": {field: [message]}, "line": n})


def _check_lines(lines: Sequence[RetailerOrderLineInput], on: date) -> dict[int, Any]:
    """Refuse bad lines naming the line; return the price in force per item id."""
    if not lines:
        raise ApplicationError("An order needs at least one line.", {"fields": {"lines": ["At least one line."]}})
    if len(lines) > MAX_LINES:
        raise ApplicationError(f"At most {MAX_LINES} lines.", {"fields": {"lines": [f"At most {MAX_LINES}."]}})
    prices = {p.item_id: p for p in prices_in_force(on).filter(item__in=[line.item for line in lines])}
    this_week = IsoWeek.current()
    seen = set()
    for n, line in enumerate(lines, start=1):
        item = line.item
        if item.kind != ItemKind.PRODUCT:
            raise _refuse_line(n, f"{item.sku} is not a product retailers can order.", "sku")
        if item.lifecycle_status == ItemLifecycle.OBSOLETE:
            raise _refuse_line(n, f"{item.sku} is discontinued and can no longer be ordered.", "sku")
        quantity = line.quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise _refuse_line(
                n, f"the quantity must be a whole number from 1 to {MAX_LINE_QUANTITY:,}, not {quantity!r}.", "quantity"
            )
        if not isinstance(line.requested_week, IsoWeek):
            raise _refuse_line(n, "the requested week is missing.", "requested_week")
        if line.requested_week < this_week:
            raise _refuse_line(n, f"the requested week {line.requested_week.key} is in the past.", "requested_week")
        if item.pk not in prices:
            raise _refuse_line(n, f"{item.sku} has no retailer price in force on {on}.", "sku")
        key = (item.pk, line.requested_week)
        if key in seen:
            raise _refuse_line(
                n, f"{item.sku} for {line.requested_week.key} appears twice; put its quantity on one line.", "sku"
            )
        seen.add(key)
    return prices


def _history(order: RetailerOrder, *, acting_user: Any, reason: str, update: bool = True) -> None:
    RetailerOrder.history.bulk_history_create(
        [order], update=update, default_user=user_or_none(acting_user), default_change_reason=reason
    )


@transaction.atomic
def retailer_order_create(
    *,
    acting_user: Any,
    retailer,
    lines: Sequence[RetailerOrderLineInput],
    reference: str = "",
    note: str = "",
) -> RetailerOrder:
    """A draft order at the retailer prices in force today; nothing is held until it is confirmed."""
    return _order_create(
        acting_user=acting_user, retailer=retailer, lines=lines, reference=reference, note=note, reason="created"
    )


def _order_create(*, acting_user: Any, retailer, lines, reference: str, note: str, reason: str) -> RetailerOrder:
    if retailer.status != RetailerStatus.ACTIVE:
        raise ApplicationError(
            f"{retailer.code} is {retailer.get_status_display().lower()}; only an active retailer can order.",
            {"fields": {"retailer": ["Not active."]}},
        )
    reference = _text(reference, field="reference", max_length=100)
    note = _text(note, field="note", max_length=500)
    prices = _check_lines(lines, business_date())
    order = RetailerOrder(
        number=_next_number(), retailer=retailer, reference=reference, note=note, created_by=user_or_none(acting_user)
    )
    # The creation record is written below, with its user and reason; not a second, anonymous one by the signal.
    order.skip_history_when_saving = True
    order.save()
    del order.skip_history_when_saving
    RetailerOrderLine.objects.bulk_create(
        [
            RetailerOrderLine(
                order=order,
                item=line.item,
                quantity=line.quantity,
                requested_week=line.requested_week.monday,
                unit_price=prices[line.item.pk].retailer_price,
            )
            for line in lines
        ]
    )
    _history(order, acting_user=acting_user, reason=reason, update=False)
    return order


class IdempotencyKeyReused(ApplicationError):
    """The key was already used for a different order (the API answers 422)."""


IDEMPOTENCY_KEY_MAX = 64
_KEY_REASON = "created; key {key} {fingerprint}"  # fits the history's 100-character change reason


def _idempotency_key_check(key: Any) -> str:
    key = key.strip() if isinstance(key, str) else ""
    if len(key) > IDEMPOTENCY_KEY_MAX or not all(33 <= ord(c) < 127 for c in key):
        raise ApplicationError(
            f"The Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters without spaces.",
            {"header": "Idempotency-Key"},
        )
    return key


def _fingerprint(lines: Sequence[RetailerOrderLineInput], reference: str, note: str, confirm: bool) -> str:
    parts = [f"{line.item.pk}:{line.quantity}:{getattr(line.requested_week, 'key', '')}" for line in lines]
    text = "|".join([*parts, reference.strip(), note.strip(), str(bool(confirm))])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@transaction.atomic
def retailer_order_submit(
    *,
    acting_user: Any,
    retailer,
    lines: Sequence[RetailerOrderLineInput],
    reference: str = "",
    note: str = "",
    confirm: bool = False,
    idempotency_key: str = "",
) -> tuple[RetailerOrder, bool]:
    """Create a draft (or, with ``confirm``, place it: create + confirm, all or nothing), once per key.

    Returns ``(order, created)``. With an ``idempotency_key`` a repeated request gets the order the
    first one made (``created`` false); the key is kept in the order's creation history record (no
    extra table), and submissions of one retailer are serialised on its row while the key is looked
    up, so two requests racing with one key make one order. The same key with a different request is
    refused with ``IdempotencyKeyReused``.
    """
    key = _idempotency_key_check(idempotency_key)
    reason = "created"
    if key:
        Retailer.objects.select_for_update().filter(pk=retailer.pk).values_list("pk").first()
        fingerprint = _fingerprint(lines, reference, note, confirm)
        prefix = f"created; key {key} "
        found = (
            RetailerOrder.history.filter(
                history_type="+", retailer_id=retailer.pk, history_change_reason__startswith=prefix
            )
            .values_list("id", "history_change_reason")
            .first()
        )
        if found is not None:
            order_id, stored = found
            if stored != prefix + fingerprint:
                raise IdempotencyKeyReused(
                    f"The Idempotency-Key '{key}' was already used for a different order; use a new key per order.",
                    {"header": "Idempotency-Key", "code": "idempotency_key_reused"},
                )
            return RetailerOrder.objects.get(pk=order_id), False
        reason = _KEY_REASON.format(key=key, fingerprint=fingerprint)
    order = _order_create(
        acting_user=acting_user, retailer=retailer, lines=lines, reference=reference, note=note, reason=reason
    )
    if confirm:
        order = _confirm_new(acting_user=acting_user, order=order)
    return order, True


def _locked(order: RetailerOrder, *, allowed: Sequence[str], doing: str) -> RetailerOrder:
    locked = RetailerOrder.objects.select_for_update().select_related("retailer").get(pk=order.pk)
    if locked.status not in allowed:
        shown = Status(locked.status).label.lower()
        labels = [str(Status(s).label).lower() for s in allowed]
        allowed_text = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
        raise ApplicationError(
            f"{locked.number} is {shown}; only a {allowed_text} order can be {doing}.",
            {"fields": {"status": [f"The order is {shown}."]}, "status": locked.status},
        )
    return locked


@transaction.atomic
def retailer_order_confirm(*, acting_user: Any, order: RetailerOrder) -> RetailerOrder:
    """Hold quantity x price of every line on the retailer's prepayment; refuse with the shortfall if short."""
    order = _locked(order, allowed=[Status.DRAFT], doing="confirmed")
    cents = sum(order_line_cents(line) for line in order.lines.all())
    account = prepayment_account_ensure(retailer=order.retailer)
    prepayment_entry_post(
        acting_user=acting_user,
        account_id=account.pk,
        kind=PrepaymentEntryKind.HOLD,
        cents=cents,
        reference=order.number,
        note="order confirmed",
        order=order,
    )
    now = timezone.now()
    RetailerOrder.objects.filter(pk=order.pk).update(
        status=Status.CONFIRMED, held_cents=cents, confirmed_at=now, updated_at=now
    )
    order.refresh_from_db()
    _history(order, acting_user=acting_user, reason="confirmed")
    return order


@transaction.atomic
def retailer_order_place(
    *,
    acting_user: Any,
    retailer,
    lines: Sequence[RetailerOrderLineInput],
    reference: str = "",
    note: str = "",
) -> RetailerOrder:
    """Create and confirm in one step (portal and API): refused as a whole, nothing kept, when money is short."""
    order = retailer_order_create(
        acting_user=acting_user, retailer=retailer, lines=lines, reference=reference, note=note
    )
    return _confirm_new(acting_user=acting_user, order=order)


def _confirm_new(*, acting_user: Any, order: RetailerOrder) -> RetailerOrder:
    """Confirm an order created in the same transaction, which a refusal rolls back with it."""
    try:
        return retailer_order_confirm(acting_user=acting_user, order=order)
    except InsufficientPrepayment as error:
        # The rolled-back order's number would name an order nobody can find.
        raise error.renamed("this order") from None


def order_hold_release(*, acting_user: Any, order: RetailerOrder, cents: int, note: str) -> None:
    """Give ``cents`` of the order's hold back to the retailer's available balance (locked order expected)."""
    if cents <= 0:
        return
    prepayment_entry_post(
        acting_user=acting_user,
        account_id=order.retailer.prepayment_account.pk,
        kind=PrepaymentEntryKind.RELEASE,
        cents=cents,
        reference=order.number,
        note=note,
        order=order,
    )
    RetailerOrder.objects.filter(pk=order.pk).update(held_cents=F("held_cents") - cents)
    order.held_cents -= cents


def _reservations_release(*, acting_user: Any, order: RetailerOrder) -> None:
    for line in order.lines.select_related("item").prefetch_related("reservations__location"):
        for reservation in line.reservations.all():
            stock_release(
                acting_user=acting_user, item=line.item, location=reservation.location, qty=reservation.quantity
            )
        line.reservations.all().delete()


@transaction.atomic
def retailer_order_cancel(*, acting_user: Any, order: RetailerOrder, reason: str = "") -> RetailerOrder:
    """Cancel a draft, confirmed or allocated order: its hold and its stock reservations are released.
    Refused while units of it are on a dispatched shipment: cancel that shipment first."""
    order = _locked(order, allowed=CANCELLABLE, doing="cancelled")
    reason = _text(reason, field="reason", max_length=200)
    on_shipments = sorted(
        set(OrderLineShipment.objects.filter(line__order=order).values_list("shipment__number", flat=True))
    )
    if on_shipments:
        raise ApplicationError(
            f"{order.number} has units on dispatched shipment{'s' if len(on_shipments) > 1 else ''} "
            f"{', '.join(on_shipments)}; cancel {'them' if len(on_shipments) > 1 else 'it'} first.",
            {"fields": {"status": ["Units are on shipments."]}, "shipments": on_shipments},
        )
    _reservations_release(acting_user=acting_user, order=order)
    order_hold_release(acting_user=acting_user, order=order, cents=order.held_cents, note=reason or "order cancelled")
    now = timezone.now()
    RetailerOrder.objects.filter(pk=order.pk).update(status=Status.CANCELLED, cancelled_at=now, updated_at=now)
    order.refresh_from_db()
    _history(order, acting_user=acting_user, reason=f"cancelled: {reason}" if reason else "cancelled")
    return order


@transaction.atomic
def retailer_order_deliver(*, acting_user: Any, order: RetailerOrder) -> RetailerOrder:
    """Record by hand that a shipped order reached the retailer (it also happens by itself when its last
    shipment is delivered)."""
    order = _locked(order, allowed=[Status.SHIPPED], doing="marked delivered")
    now = timezone.now()
    RetailerOrder.objects.filter(pk=order.pk).update(status=Status.DELIVERED, delivered_at=now, updated_at=now)
    order.refresh_from_db()
    _history(order, acting_user=acting_user, reason="delivered")
    return order

"""Consumer orders (online shop, pre-sales, stores): idempotent creation, payment and cancellation.

Creation is idempotent on the ``Idempotency-Key``: the key is unique in the database and the
order stores a SHA-256 fingerprint of its normalised request. The same key with the same request
returns the stored order (``created`` is false); the same key with a different request is refused
with ``IdempotencyKeyReused``. Two requests with one key racing each other both try to insert;
the unique constraint lets one win, and the loser (inside a savepoint) returns the winner's order.
Paying is a single conditional UPDATE, so two cashiers cannot both pay; it enqueues dispatch on
commit (the paid order may be served at once where stock is). Cancelling locks the order row, the lock
dispatch takes too, and is refused while units of it are on a dispatched shipment.

``region`` is the ship-to region: one of the regions the active warehouses serve, or blank (any
warehouse may serve the order).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Item
from erp.validators import validate_printable
from erp.weeks import IsoWeek, business_date
from logistics.selectors import warehouse_regions
from orders.models import (
    ConsumerChannel,
    ConsumerOrder,
    ConsumerOrderCounter,
    ConsumerOrderLine,
    ConsumerOrderStatus,
    DispatchLine,
    DispatchOrderKind,
)
from orders.selectors.dispatch import free_stock_serving
from orders.services.forecasts import _check_product, week_check

Status = ConsumerOrderStatus
MAX_KEY_LENGTH = 100
MAX_LINES = 100
MAX_LINE_QUANTITY = 10_000


class IdempotencyKeyReused(ApplicationError):
    """The key was already used for a different request (the API answers 422)."""


@dataclass(frozen=True)
class ConsumerOrderLineInput:
    item: Item
    quantity: int


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ApplicationError(
            "The Idempotency-Key is required: send a unique key per order (e.g. a UUID).",
            {"fields": {"idempotency_key": ["Required."]}, "header": "Idempotency-Key"},
        )
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH or any(not ch.isprintable() for ch in key):
        raise ApplicationError(
            f"The Idempotency-Key must be at most {MAX_KEY_LENGTH} printable characters.",
            {"fields": {"idempotency_key": ["Too long or not printable."]}, "header": "Idempotency-Key"},
        )
    return key


def consumer_order_fingerprint(
    *,
    channel: str,
    customer_ref: str,
    requested_week: IsoWeek,
    lines: Sequence[ConsumerOrderLineInput],
    region: str = "",
) -> str:
    """SHA-256 of the normalised request: what makes two requests 'the same order'."""
    canonical = {
        "channel": channel,
        "customer_ref": customer_ref,
        "requested_week": requested_week.key,
        "lines": sorted([line.item.sku, line.quantity] for line in lines),
    }
    if region:  # orders made before regions existed keep their fingerprint
        canonical["region"] = region.strip().casefold()
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _replay(order: ConsumerOrder, fingerprint: str, key: str) -> ConsumerOrder:
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"The Idempotency-Key '{key}' was already used for order {order.number} with a different request; "
            "use a new key for a new order.",
            {"header": "Idempotency-Key", "order": order.number, "code": "idempotency_key_reused"},
        )
    return order


def consumer_region_check(region: Any) -> str:
    """Blank, or a region an active warehouse serves (matched ignoring case; its own spelling is kept)."""
    if region is None or (isinstance(region, str) and not region.strip()):
        return ""
    known = warehouse_regions()
    text = region.strip() if isinstance(region, str) else str(region)
    found = next((name for name in known if name.casefold() == text.casefold()), None)
    if found is None:
        choices = ", ".join(known) or "(none yet)"
        message = f"No warehouse serves the region '{text}'; use one of {choices}, or leave it blank."
        raise ApplicationError(message, {"fields": {"region": [message]}})
    return found


def _next_number() -> str:
    return yearly_number(ConsumerOrderCounter, prefix="CO", year=business_date().year, digits=6)


def _check(channel: Any, customer_ref: Any, requested_week: Any, lines: Sequence[ConsumerOrderLineInput]):
    if channel not in ConsumerChannel.values:
        raise ApplicationError(
            f"Unknown channel '{channel}'; use online, presale or store.",
            {"fields": {"channel": [f"Unknown channel '{channel}'."]}},
        )
    customer_ref = (customer_ref or "").strip() if isinstance(customer_ref, str) else ""
    if not customer_ref or len(customer_ref) > 100:
        raise ApplicationError(
            "The customer reference is required (at most 100 characters).",
            {"fields": {"customer_ref": ["Required, at most 100 characters."]}},
        )
    try:
        validate_printable(customer_ref)
    except Exception as error:
        raise ApplicationError(
            "The customer reference has characters that cannot be printed.",
            {"fields": {"customer_ref": ["Not printable."]}},
        ) from error
    week = week_check(requested_week, field="requested_week")
    if week < IsoWeek.current():
        raise ApplicationError(
            f"The requested week {week.key} is in the past.",
            {"fields": {"requested_week": [f"{week.key} is in the past."]}},
        )
    if not lines:
        raise ApplicationError("An order needs at least one line.", {"fields": {"lines": ["At least one line."]}})
    if len(lines) > MAX_LINES:
        raise ApplicationError(f"At most {MAX_LINES} lines.", {"fields": {"lines": [f"At most {MAX_LINES}."]}})
    seen = set()
    for n, line in enumerate(lines, start=1):
        where = f"Line {n}: "
        _check_product(line.item, where)
        quantity = line.quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise ApplicationError(
                f"{where}the quantity must be a whole number from 1 to {MAX_LINE_QUANTITY}, not {quantity!r}.",
                {"fields": {"quantity": [f"{quantity!r} is not from 1 to {MAX_LINE_QUANTITY}."]}, "line": n},
            )
        if line.item.pk in seen:
            raise ApplicationError(
                f"{where}{line.item.sku} appears twice; put its whole quantity on one line.",
                {"fields": {"lines": [f"{line.item.sku} twice."]}, "line": n},
            )
        seen.add(line.item.pk)
    return customer_ref, week


@transaction.atomic
def consumer_order_create(
    *,
    acting_user: Any,
    idempotency_key: str,
    channel: str,
    customer_ref: str,
    requested_week: IsoWeek | str,
    lines: Sequence[ConsumerOrderLineInput],
    region: str = "",
) -> tuple[ConsumerOrder, bool]:
    """Create a consumer order once per ``idempotency_key``: returns (order, created)."""
    key = _check_key(idempotency_key)
    stored = ConsumerOrder.objects.filter(idempotency_key=key).first()
    if stored is not None:
        # A replay returns the stored order even once its requested week has passed.
        week = requested_week if isinstance(requested_week, IsoWeek) else IsoWeek.parse(requested_week)
        ref = customer_ref.strip() if isinstance(customer_ref, str) else customer_ref
        fingerprint = consumer_order_fingerprint(
            channel=channel, customer_ref=ref, requested_week=week, lines=lines, region=region or ""
        )
        return _replay(stored, fingerprint, key), False
    customer_ref, week = _check(channel, customer_ref, requested_week, lines)
    region = consumer_region_check(region)
    fingerprint = consumer_order_fingerprint(
        channel=channel, customer_ref=customer_ref, requested_week=week, lines=lines, region=region
    )
    try:
        with transaction.atomic():
            order = ConsumerOrder(
                number=_next_number(),
                channel=channel,
                customer_ref=customer_ref,
                requested_week=week.monday,
                region=region,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                created_by=user_or_none(acting_user),
            )
            # simple-history writes the creation row on this save, naming the user and the reason.
            order._history_user = user_or_none(acting_user)
            order._change_reason = f"created ({channel})"
            order.save()
            ConsumerOrderLine.objects.bulk_create(
                [ConsumerOrderLine(order=order, item=line.item, quantity=line.quantity) for line in lines]
            )
    except IntegrityError:
        stored = ConsumerOrder.objects.filter(idempotency_key=key).first()
        if stored is None:
            raise
        return _replay(stored, fingerprint, key), False
    return order, True


def _refuse_status(order: ConsumerOrder, current: str | None, allowed: list[str], doing: str) -> ApplicationError:
    shown = Status(current).label.lower() if current else "gone"
    allowed_text = " or ".join(str(Status(s).label).lower() for s in allowed)
    return ApplicationError(
        f"{order.number} is {shown}; only a {allowed_text} order can be {doing}.",
        {"fields": {"status": [f"The order is {shown}."]}, "status": current},
    )


def _history(instance: Any, *, acting_user: Any, reason: str) -> None:
    """A history row for a change made by a conditional UPDATE (which simple-history does not see)."""
    type(instance).history.bulk_history_create(
        [instance], update=True, default_user=user_or_none(acting_user), default_change_reason=reason
    )


@transaction.atomic
def consumer_order_pay(*, acting_user: Any, order: ConsumerOrder) -> ConsumerOrder:
    """Record the payment of a pending order; when stock is free where it may be served, those warehouses
    dispatch it after the commit (``orders.tasks.dispatch_serving_task``)."""
    from orders.tasks import dispatch_serving_task

    now = timezone.now()
    allowed = [Status.PENDING]
    if not ConsumerOrder.objects.filter(pk=order.pk, status__in=allowed).update(
        status=Status.PAID, paid_at=now, updated_at=now
    ):
        current = ConsumerOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        raise _refuse_status(order, current, allowed, "paid")
    order = ConsumerOrder.objects.get(pk=order.pk)
    _history(order, acting_user=acting_user, reason="paid")
    item_ids = sorted(order.lines.values_list("item_id", flat=True))
    if free_stock_serving(item_ids=item_ids, region=order.region):
        user = user_or_none(acting_user)
        transaction.on_commit(
            lambda: dispatch_serving_task.delay(item_ids, order.region, "payment", user.pk if user else None)
        )
    return order


@transaction.atomic
def consumer_order_cancel(*, acting_user: Any, order: ConsumerOrder) -> ConsumerOrder:
    """Cancel a pending or paid order with nothing dispatched; it stops counting as committed demand.

    The order row is locked first (dispatch locks it too), so a cancellation and a dispatch of the same
    order happen one after the other and the second sees what the first did."""
    allowed = [Status.PENDING, Status.PAID]
    locked = ConsumerOrder.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None or locked.status not in allowed:
        raise _refuse_status(order, locked.status if locked else None, allowed, "cancelled")
    sent = list(
        ConsumerOrderLine.objects.filter(order=locked, dispatched_quantity__gt=0).values_list(
            "item__sku", "dispatched_quantity"
        )
    )
    if sent:
        what = ", ".join(f"{quantity} {sku}" for sku, quantity in sent)
        raise ApplicationError(
            f"{locked.number} has units on a dispatched shipment ({what}); cancel the shipment first.",
            {"fields": {"status": ["Units are dispatched."]}, "dispatched": dict(sent)},
        )
    now = timezone.now()
    ConsumerOrder.objects.filter(pk=locked.pk).update(status=Status.CANCELLED, cancelled_at=now, updated_at=now)
    locked.refresh_from_db()
    _history(locked, acting_user=acting_user, reason="cancelled")
    return locked


def consumer_shipment_cancelled(*, shipment: Any, acting_user: Any) -> bool:
    """Cancel listener: a dispatch shipment of a consumer order gives its units back to waiting, and a
    fulfilled order goes back to paid. The shipment's reservation is released (returns False)."""
    carried = list(
        DispatchLine.objects.filter(shipment=shipment, order_kind=DispatchOrderKind.CONSUMER).values_list(
            "order_number", "item_id", "quantity"
        )
    )
    if not carried:
        return False
    for number in sorted({number for number, _, _ in carried}):
        order = ConsumerOrder.objects.select_for_update().get(number=number)
        for _, item_id, quantity in (row for row in carried if row[0] == number):
            ConsumerOrderLine.objects.filter(order=order, item_id=item_id).update(
                dispatched_quantity=F("dispatched_quantity") - quantity
            )
        reason = f"shipment {shipment.number} cancelled: units wait again"
        if order.status == Status.FULFILLED:
            ConsumerOrder.objects.filter(pk=order.pk).update(
                status=Status.PAID, fulfilled_at=None, updated_at=timezone.now()
            )
            order.refresh_from_db()
            reason = f"shipment {shipment.number} cancelled: back to paid"
        _history(order, acting_user=acting_user, reason=reason)
    return False

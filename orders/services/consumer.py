"""Consumer orders (online shop, pre-sales, stores): idempotent creation, payment and cancellation.

Creation is idempotent on the ``Idempotency-Key``: the key is unique in the database and the
order stores a SHA-256 fingerprint of its normalised request. The same key with the same request
returns the stored order (``created`` is false); the same key with a different request is refused
with ``IdempotencyKeyReused``. Two requests with one key racing each other both try to insert;
the unique constraint lets one win, and the loser (inside a savepoint) returns the winner's order.
Status changes are single conditional UPDATEs, so two cashiers cannot both cancel or pay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Item
from erp.validators import validate_printable
from erp.weeks import IsoWeek, business_date
from orders.models import (
    ConsumerChannel,
    ConsumerOrder,
    ConsumerOrderCounter,
    ConsumerOrderLine,
    ConsumerOrderStatus,
)
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
    *, channel: str, customer_ref: str, requested_week: IsoWeek, lines: Sequence[ConsumerOrderLineInput]
) -> str:
    """SHA-256 of the normalised request: what makes two requests 'the same order'."""
    canonical = {
        "channel": channel,
        "customer_ref": customer_ref,
        "requested_week": requested_week.key,
        "lines": sorted([line.item.sku, line.quantity] for line in lines),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _replay(order: ConsumerOrder, fingerprint: str, key: str) -> ConsumerOrder:
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"The Idempotency-Key '{key}' was already used for order {order.number} with a different request; "
            "use a new key for a new order.",
            {"header": "Idempotency-Key", "order": order.number, "code": "idempotency_key_reused"},
        )
    return order


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
) -> tuple[ConsumerOrder, bool]:
    """Create a consumer order once per ``idempotency_key``: returns (order, created)."""
    key = _check_key(idempotency_key)
    stored = ConsumerOrder.objects.filter(idempotency_key=key).first()
    if stored is not None:
        # A replay returns the stored order even once its requested week has passed.
        week = requested_week if isinstance(requested_week, IsoWeek) else IsoWeek.parse(requested_week)
        ref = customer_ref.strip() if isinstance(customer_ref, str) else customer_ref
        fingerprint = consumer_order_fingerprint(channel=channel, customer_ref=ref, requested_week=week, lines=lines)
        return _replay(stored, fingerprint, key), False
    customer_ref, week = _check(channel, customer_ref, requested_week, lines)
    fingerprint = consumer_order_fingerprint(
        channel=channel, customer_ref=customer_ref, requested_week=week, lines=lines
    )
    try:
        with transaction.atomic():
            order = ConsumerOrder(
                number=_next_number(),
                channel=channel,
                customer_ref=customer_ref,
                requested_week=week.monday,
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


def _transition(order: ConsumerOrder, *, allowed: list[str], to: str, doing: str, acting_user: Any, **fields):
    now = timezone.now()
    if not ConsumerOrder.objects.filter(pk=order.pk, status__in=allowed).update(status=to, updated_at=now, **fields):
        current = ConsumerOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        shown = Status(current).label.lower() if current else "gone"
        allowed_text = " or ".join(str(Status(s).label).lower() for s in allowed)
        raise ApplicationError(
            f"{order.number} is {shown}; only a {allowed_text} order can be {doing}.",
            {"fields": {"status": [f"The order is {shown}."]}, "status": current},
        )
    order = ConsumerOrder.objects.get(pk=order.pk)
    ConsumerOrder.history.bulk_history_create(
        [order], update=True, default_user=user_or_none(acting_user), default_change_reason=doing
    )
    return order


@transaction.atomic
def consumer_order_pay(*, acting_user: Any, order: ConsumerOrder) -> ConsumerOrder:
    """Record the payment of a pending order."""
    return _transition(
        order, allowed=[Status.PENDING], to=Status.PAID, doing="paid", acting_user=acting_user, paid_at=timezone.now()
    )


@transaction.atomic
def consumer_order_cancel(*, acting_user: Any, order: ConsumerOrder) -> ConsumerOrder:
    """Cancel a pending or paid order; it stops counting as committed demand."""
    return _transition(
        order,
        allowed=[Status.PENDING, Status.PAID],
        to=Status.CANCELLED,
        doing="cancelled",
        acting_user=acting_user,
        cancelled_at=timezone.now(),
    )

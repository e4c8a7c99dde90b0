"""Flash sales: creating one, taking its orders under load, paying and cancelling them.

Taking an order (``flash_sale_order_take``) is the hot path: hundreds of calls a second on one sale.
It runs three statements in one transaction, none of which reads before it writes:

1. the customer's row is raised by one conditional upsert (``taken < max_units``), else 422;
2. one unit is taken from a counter row by one conditional UPDATE (``remaining > 0``): first the
   row this request hashes to, and only when that row is empty one UPDATE on any row that still
   has units (locked and rechecked by the database), else 409 sold out;
3. the order is inserted; its (sale, Idempotency-Key) is unique, so when the key is already there
   the insert does nothing, the transaction rolls back (giving the unit back) and the stored order is
   the answer (or 422 when that key was used for another customer).

A refusal rolls the whole transaction back, so a refused request writes nothing. The number is made
from the counter row and its ``taken`` value, which only grows: no other shared row is touched.

On PostgreSQL the three writes run inside one function (``tempo_flash_sale_take``, migration 0008), so
an order costs one statement instead of five (BEGIN, three writes, COMMIT): a third less CPU per order
in ``bench/flash_profile.py``. A refusal raises in the function, which undoes the statement's writes.
tests/orders/test_flash_take_function.py checks both ways answer alike.
"""

from __future__ import annotations

import hashlib
import zlib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Item
from erp.validators import validate_printable
from erp.weeks import IsoWeek, business_date
from orders.models import (
    MAX_COUNTER_SHARDS,
    MAX_PAYMENT_MINUTES,
    ConsumerChannel,
    FlashSale,
    FlashSaleChannel,
    FlashSaleCodeCounter,
    FlashSaleCounter,
    FlashSaleCustomer,
    FlashSaleOrder,
    FlashSaleOrderStatus,
)
from orders.selectors.flash import flash_sale_intake_forget, flash_sale_order_pay_by
from orders.services.consumer import (
    ConsumerOrderLineInput,
    IdempotencyKeyReused,
    _check_key,
    _history,
    consumer_order_create,
    consumer_order_pay,
    consumer_region_check,
)
from orders.services.forecasts import _check_product

MAX_QUANTITY = 10_000_000
MAX_PER_CUSTOMER = 1_000
Status = FlashSaleOrderStatus


class FlashSaleSoldOut(ApplicationError):
    """No unit left (the API answers 409)."""


class FlashSaleBusy(ApplicationError):
    """The last units are all held by orders in flight (the API answers 429: slow down)."""


class FlashSaleRefused(ApplicationError):
    """Outside the sale's window or over the per-customer limit (the API answers 422)."""


@dataclass(frozen=True)
class FlashTake:
    order: FlashSaleOrder
    created: bool


# --- creating and changing a sale ----------------------------------------------------------------


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}})


def _whole(value: Any, field: str, low: int, high: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _field_error(field, f"The {what} must be a whole number from {low:,} to {high:,}, not {value!r}.")
    return value


def _check_sale(
    *,
    item: Any,
    name: Any,
    quantity: Any,
    starts_at: Any,
    ends_at: Any,
    per_customer_limit: Any,
    channel: Any,
    counter_shards: Any,
    region: Any,
    payment_minutes: Any = None,
) -> dict[str, Any]:
    if not isinstance(item, Item):
        raise _field_error("item", "Choose the product on sale.")
    _check_product(item, "")
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise _field_error("name", "The name is required (at most 200 characters).")
    try:
        validate_printable(name)
    except Exception as error:
        raise _field_error("name", "The name has characters that cannot be printed.") from error
    quantity = _whole(quantity, "quantity", 1, MAX_QUANTITY, "quantity")
    per_customer_limit = _whole(per_customer_limit, "per_customer_limit", 1, MAX_PER_CUSTOMER, "per-customer limit")
    counter_shards = _whole(counter_shards, "counter_shards", 1, MAX_COUNTER_SHARDS, "number of counter rows")
    if payment_minutes is not None:
        payment_minutes = _whole(payment_minutes, "payment_minutes", 1, MAX_PAYMENT_MINUTES, "payment window")
    if counter_shards > quantity:
        raise _field_error(
            "counter_shards", f"{counter_shards} counter rows for {quantity} units: at most one per unit."
        )
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise _field_error(field, f"{field}: give a date and time with its time zone.")
    if ends_at <= starts_at:
        raise _field_error("ends_at", "The sale must end after it starts.")
    if channel not in FlashSaleChannel.values:
        raise _field_error("channel", f"Unknown channel '{channel}'; use {', '.join(FlashSaleChannel.values)}.")
    return {
        "item": item,
        "name": name,
        "quantity": quantity,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "per_customer_limit": per_customer_limit,
        "channel": channel,
        "counter_shards": counter_shards,
        "region": consumer_region_check(region),
        "payment_minutes": payment_minutes,
    }


def _split(quantity: int, shards: int) -> list[int]:
    base, extra = divmod(quantity, shards)
    return [base + (1 if shard < extra else 0) for shard in range(shards)]


def _make_counters(sale: FlashSale) -> None:
    FlashSaleCounter.objects.filter(sale=sale).delete()
    FlashSaleCounter.objects.bulk_create(
        FlashSaleCounter(sale=sale, shard=shard, initial=units, remaining=units)
        for shard, units in enumerate(_split(sale.quantity, sale.counter_shards))
    )


@transaction.atomic
def flash_sale_create(
    *,
    acting_user: Any,
    item: Item,
    name: str,
    quantity: int,
    starts_at: datetime,
    ends_at: datetime,
    per_customer_limit: int = 1,
    channel: str = FlashSaleChannel.ONLINE,
    counter_shards: int = 1,
    region: str = "",
    payment_minutes: int | None = None,
) -> FlashSale:
    """A new sale with its stock split over ``counter_shards`` counter rows; with ``payment_minutes``,
    an order not paid that long after it was accepted is cancelled by ``flash_sale_orders_expire``."""
    fields = _check_sale(
        item=item,
        name=name,
        quantity=quantity,
        starts_at=starts_at,
        ends_at=ends_at,
        per_customer_limit=per_customer_limit,
        channel=channel,
        counter_shards=counter_shards,
        region=region,
        payment_minutes=payment_minutes,
    )
    code = yearly_number(FlashSaleCodeCounter, prefix="FS", year=business_date().year, digits=3)
    sale = FlashSale(code=code, created_by=user_or_none(acting_user), **fields)
    sale._history_user = user_or_none(acting_user)
    sale._change_reason = "created"
    sale.save()
    _make_counters(sale)
    return sale


@transaction.atomic
def flash_sale_change(*, acting_user: Any, sale: FlashSale, reason: str = "", **changes: Any) -> FlashSale:
    """Change a sale. Before it starts anything may change (its counters are made again); once it has
    started only its name, its end (which cannot move before now) and its payment window."""
    locked = FlashSale.objects.select_for_update().select_related("item").get(pk=sale.pk)
    allowed = {
        "name",
        "item",
        "quantity",
        "starts_at",
        "ends_at",
        "per_customer_limit",
        "channel",
        "counter_shards",
        "region",
        "payment_minutes",
    }
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise _field_error(unknown[0], f"{unknown[0]} cannot be changed.")
    now = timezone.now()
    started = locked.starts_at <= now or locked.orders.exists()
    if started:
        frozen = sorted(name for name in changes if name not in {"name", "ends_at", "payment_minutes"})
        if frozen:
            raise _field_error(
                frozen[0], f"{locked.code} has started: only its name, its end and its payment window can change."
            )
        if "ends_at" in changes and isinstance(changes["ends_at"], datetime) and changes["ends_at"] < now:
            raise _field_error("ends_at", "A running sale cannot end in the past; end it now instead.")
    current = {name: getattr(locked, name) for name in allowed}
    fields = _check_sale(**{**current, **changes})
    for name, value in fields.items():
        setattr(locked, name, value)
    locked._history_user = user_or_none(acting_user)
    locked._change_reason = reason or "changed"
    locked.save()
    if not started and (current["quantity"] != locked.quantity or current["counter_shards"] != locked.counter_shards):
        _make_counters(locked)
    return locked


@transaction.atomic
def flash_sale_end(*, acting_user: Any, sale: FlashSale) -> FlashSale:
    """End a running or scheduled sale now: no order is taken after this."""
    now = timezone.now()
    locked = FlashSale.objects.select_for_update().get(pk=sale.pk)
    if locked.ends_at <= now:
        raise _field_error("ends_at", f"{locked.code} has already ended.")
    # A sale that has not started yet ends one microsecond after its start (ends_at > starts_at holds).
    end = max(now, locked.starts_at + timedelta(microseconds=1))
    FlashSale.objects.filter(pk=locked.pk).update(ends_at=end, updated_at=now)
    locked.refresh_from_db()
    _history(locked, acting_user=acting_user, reason="ended early")
    return locked


# --- taking orders (the hot path) ----------------------------------------------------------------


def flash_sale_fingerprint(*, sale: FlashSale, customer_ref: str) -> str:
    return hashlib.sha256(f"{sale.pk}\n{customer_ref}".encode()).hexdigest()


def _check_customer(customer_ref: Any) -> str:
    ref = customer_ref.strip() if isinstance(customer_ref, str) else ""
    if not ref or len(ref) > 100 or not ref.isprintable():
        raise ApplicationError(
            "The customer reference is required: at most 100 printable characters.",
            {"fields": {"customer_ref": ["Required, at most 100 printable characters."]}},
        )
    return ref


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _hold_for_customer(cursor: Any, sale: FlashSale, ref: str) -> bool:
    table = _table(FlashSaleCustomer)
    cursor.execute(
        f"INSERT INTO {table} AS c (sale_id, customer_ref, taken, max_units) VALUES (%s, %s, 1, %s) "
        "ON CONFLICT (sale_id, customer_ref) DO UPDATE SET taken = c.taken + 1 WHERE c.taken < c.max_units "
        "RETURNING taken",
        [sale.pk, ref, sale.per_customer_limit],
    )
    return cursor.fetchone() is not None


FALLBACK_TRIES = 200


def _take_unit(cursor: Any, sale: FlashSale, key: str) -> tuple[int, int] | None:
    """(shard, taken) of the unit taken, or None when every counter row is empty."""
    table = _table(FlashSaleCounter)
    take = f"UPDATE {table} SET remaining = remaining - 1, taken = taken + 1 "
    preferred = zlib.crc32(key.encode()) % sale.counter_shards
    cursor.execute(
        take + "WHERE sale_id = %s AND shard = %s AND remaining > 0 RETURNING shard, taken", [sale.pk, preferred]
    )
    row = cursor.fetchone()
    if row is not None or sale.counter_shards == 1:
        return (int(row[0]), int(row[1])) if row else None
    # The preferred row is empty: take from any row that still has units, skipping rows other orders
    # hold. Never waiting here matters: an UPDATE whose recheck failed keeps its row locked until the
    # transaction ends, so waiting for a second row could close a cycle (seen as deadlocks in the test).
    skip = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip else ""
    for _ in range(FALLBACK_TRIES):
        cursor.execute(
            take + f"WHERE id = (SELECT id FROM {table} WHERE sale_id = %s AND remaining > 0 "
            f"ORDER BY id LIMIT 1{lock}) AND remaining > 0 RETURNING shard, taken",
            [sale.pk],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0]), int(row[1])
        if not skip:
            return None
        # Nothing free right now: sold out, or every row with units is held by an order in flight.
        cursor.execute(f"SELECT 1 FROM {table} WHERE sale_id = %s AND remaining > 0 LIMIT 1", [sale.pk])
        if cursor.fetchone() is None:
            return None
    raise _busy(sale)


def _insert_order(
    cursor: Any, *, sale: FlashSale, number: str, ref: str, key: str, fingerprint: str, shard: int, now: datetime, user
) -> int | None:
    table = _table(FlashSaleOrder)
    cursor.execute(
        f"INSERT INTO {table} (sale_id, number, customer_ref, idempotency_key, request_fingerprint, shard, status, "
        "created_at, created_by_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (sale_id, idempotency_key) DO NOTHING RETURNING id",
        [
            sale.pk,
            number,
            ref,
            key,
            fingerprint,
            shard,
            Status.ACCEPTED.value,
            connection.ops.adapt_datetimefield_value(now),
            user.pk if user else None,
        ],
    )
    row = cursor.fetchone()
    return int(row[0]) if row else None


def _over_limit(sale: FlashSale, ref: str) -> FlashSaleRefused:
    return FlashSaleRefused(
        f"{ref} already holds {sale.per_customer_limit} of {sale.code}, the most one customer may buy.",
        {"code": "over_limit", "per_customer_limit": sale.per_customer_limit},
    )


def _sold_out(sale: FlashSale) -> FlashSaleSoldOut:
    return FlashSaleSoldOut(f"{sale.code} is sold out.", {"code": "sold_out", "remaining": 0})


def _busy(sale: FlashSale) -> FlashSaleBusy:
    return FlashSaleBusy(
        f"{sale.code} is very busy: every unit left is being taken by another order; try again in a moment.",
        {"code": "busy", "retry_after_seconds": 1},
    )


def _changed(sale: FlashSale) -> FlashSaleRefused:
    return FlashSaleRefused(
        f"{sale.code} changed while this order was taken; send it again with the same key.",
        {"code": "changed"},
    )


class _WindowClosed(Exception):
    """The sale's row says it is not open now (the copy the caller holds may be a moment old)."""


def _order_number(sale: FlashSale, shard: int, sequence: int) -> str:
    return f"{sale.code}-{shard:02d}{sequence:06d}"


def _take(
    *, sale: FlashSale, ref: str, key: str, fingerprint: str, now: datetime, user: Any
) -> tuple[int, str, int, int | None]:
    """The three writes; (order id, number, counter row, the sale's payment window as its row has it),
    or ``_Refusal`` / ``_WindowClosed`` with nothing written."""
    take = _take_in_function if connection.vendor == "postgresql" else _take_in_statements
    return take(sale=sale, ref=ref, key=key, fingerprint=fingerprint, now=now, user=user)


def _take_in_statements(
    *, sale: FlashSale, ref: str, key: str, fingerprint: str, now: datetime, user: Any
) -> tuple[int, str, int, int | None]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT payment_minutes FROM {_table(FlashSale)} WHERE id = %s AND starts_at <= %s AND ends_at > %s",
            [sale.pk, *[connection.ops.adapt_datetimefield_value(now)] * 2],
        )
        window = cursor.fetchone()
        if window is None:
            raise _WindowClosed
        if not _hold_for_customer(cursor, sale, ref):
            raise _Refusal(_over_limit(sale, ref))
        taken = _take_unit(cursor, sale, key)
        if taken is None:
            raise _Refusal(_sold_out(sale))
        shard, sequence = taken
        number = _order_number(sale, shard, sequence)
        fields = {"ref": ref, "key": key, "fingerprint": fingerprint, "shard": shard, "now": now, "user": user}
        order_id = _insert_order(cursor, sale=sale, number=number, **fields)
        if order_id is None:
            raise _Refusal(None)
    return order_id, number, shard, window[0]


# Typed, so the call always resolves to the one function whatever types the driver sends.
_TAKE_CALL = (
    "SELECT * FROM tempo_flash_sale_take(%s::bigint, %s::varchar, %s::integer, %s::integer, %s::integer, "
    "%s::varchar, %s::varchar, %s::varchar, %s::timestamptz, %s::integer, %s::integer)"
)


def _take_in_function(
    *, sale: FlashSale, ref: str, key: str, fingerprint: str, now: datetime, user: Any
) -> tuple[int, str, int, int | None]:
    """The same three writes in one statement: PostgreSQL runs them in a function, so an order costs one
    round trip and no BEGIN/COMMIT; a refusal raises inside it, which undoes the statement."""
    params = [
        sale.pk,
        ref,
        sale.per_customer_limit,
        sale.counter_shards,
        zlib.crc32(key.encode()) % sale.counter_shards,
        key,
        fingerprint,
        sale.code,
        now,
        user.pk if user else None,
        FALLBACK_TRIES,
    ]
    # Inside a caller's transaction the refusal must not abort it: a savepoint then, nothing otherwise.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(_TAKE_CALL, params)
            order_id, number, shard, minutes = cursor.fetchone()
    except DatabaseError as error:
        state = getattr(error.__cause__, "sqlstate", None)
        if state == "TF001":
            raise _Refusal(_over_limit(sale, ref)) from None
        if state == "TF002":
            raise _Refusal(_sold_out(sale)) from None
        if state == "TF003":
            raise _busy(sale) from None
        if state == "TF004":
            raise _Refusal(None) from None
        if state == "TF005":
            raise _WindowClosed from None
        raise
    return int(order_id), number, int(shard), minutes


class _Refusal(Exception):
    def __init__(self, error: ApplicationError | None) -> None:
        self.error = error


def _replay(sale: FlashSale, key: str, fingerprint: str, refusal: ApplicationError | None) -> FlashTake:
    stored = FlashSaleOrder.objects.filter(sale=sale, idempotency_key=key).first()
    if stored is None:
        if refusal is None:  # the key's order was there a moment ago and is not now: cannot happen
            raise ApplicationError("The order could not be stored; send it again with the same key.")
        raise refusal
    if stored.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"The Idempotency-Key '{key}' was already used in {sale.code} for another customer; "
            "use a new key for a new order.",
            {"header": "Idempotency-Key", "order": stored.number, "code": "idempotency_key_reused"},
        )
    return FlashTake(stored, created=False)


def flash_sale_window_refusal(sale: FlashSale, now: datetime) -> FlashSaleRefused | None:
    if now < sale.starts_at:
        return FlashSaleRefused(
            f"{sale.code} has not started: it opens at {sale.starts_at.isoformat()}.",
            {"code": "not_started", "starts_at": sale.starts_at.isoformat()},
        )
    if now >= sale.ends_at:
        return FlashSaleRefused(
            f"{sale.code} has ended ({sale.ends_at.isoformat()}).",
            {"code": "ended", "ends_at": sale.ends_at.isoformat()},
        )
    return None


def flash_sale_order_take(
    *, acting_user: Any, sale: FlashSale, customer_ref: str, idempotency_key: str, now: datetime | None = None
) -> FlashTake:
    """Take one unit of ``sale`` for ``customer_ref``, once per ``idempotency_key``.

    Returns the order and whether it is new; a replay with the same key and customer returns the stored
    order, even after the sale has ended or sold out. Raises ``FlashSaleSoldOut`` (no unit left),
    ``FlashSaleRefused`` (outside the window, over the per-customer limit), ``IdempotencyKeyReused``,
    or ``ApplicationError`` for a missing key or customer. A refusal writes nothing."""
    key = _check_key(idempotency_key)
    ref = _check_customer(customer_ref)
    fingerprint = flash_sale_fingerprint(sale=sale, customer_ref=ref)
    now = now or timezone.now()
    refusal = flash_sale_window_refusal(sale, now)
    if refusal is not None:
        return _replay(sale, key, fingerprint, refusal)
    user = user_or_none(acting_user)
    try:
        order_id, number, shard, minutes = _take(
            sale=sale, ref=ref, key=key, fingerprint=fingerprint, now=now, user=user
        )
    except _Refusal as refused:
        return _replay(sale, key, fingerprint, refused.error)
    except _WindowClosed:
        # The caller's copy of the sale was older than its row, which has ended (or gone): answer from the row.
        flash_sale_intake_forget()
        fresh = FlashSale.objects.filter(pk=sale.pk).first()
        if fresh is None:
            raise ApplicationError(f"{sale.code} no longer exists.") from None
        return _replay(fresh, key, fingerprint, flash_sale_window_refusal(fresh, now) or _changed(fresh))
    sale.payment_minutes = minutes  # as the row has it now: the window may have changed since sale was read
    order = FlashSaleOrder(
        pk=order_id,
        sale=sale,
        number=number,
        customer_ref=ref,
        idempotency_key=key,
        request_fingerprint=fingerprint,
        shard=shard,
        status=Status.ACCEPTED,
        created_at=now,
        created_by=user,
    )
    order._state.adding = False
    return FlashTake(order, created=True)


# --- after the sale: paying and cancelling -------------------------------------------------------


def _locked_order(order: FlashSaleOrder, allowed: list[str], doing: str) -> FlashSaleOrder:
    locked = FlashSaleOrder.objects.select_for_update().select_related("sale__item").filter(pk=order.pk).first()
    if locked is None or locked.status not in allowed:
        shown = Status(locked.status).label.lower() if locked else "gone"
        raise ApplicationError(
            f"{order.number} is {shown}; only an accepted order can be {doing}.",
            {"fields": {"status": [f"The order is {shown}."]}, "status": locked.status if locked else None},
        )
    return locked


@transaction.atomic
def flash_sale_order_pay(*, acting_user: Any, order: FlashSaleOrder) -> FlashSaleOrder:
    """Record the payment: a paid consumer order (channel flash, one unit) is made for it, and from there
    dispatch on arrival serves it like any other paid order."""
    locked = _locked_order(order, [Status.ACCEPTED], "paid")
    sale = locked.sale
    pay_by = flash_sale_order_pay_by(locked)
    if pay_by is not None and timezone.now() >= pay_by:
        raise ApplicationError(
            f"{locked.number} was not paid by {timezone.localtime(pay_by):%Y-%m-%d %H:%M}, the end of its "
            f"{sale.payment_minutes}-minute payment window: its unit goes back on sale.",
            {"fields": {"status": ["The payment window has closed."]}, "pay_by": pay_by.isoformat()},
        )
    consumer, _ = consumer_order_create(
        acting_user=acting_user,
        idempotency_key=f"flash:{locked.number}",
        channel=ConsumerChannel.FLASH,
        customer_ref=locked.customer_ref,
        requested_week=IsoWeek.current(),
        region=sale.region,
        lines=[ConsumerOrderLineInput(sale.item, 1)],
    )
    consumer = consumer_order_pay(acting_user=acting_user, order=consumer)
    now = timezone.now()
    FlashSaleOrder.objects.filter(pk=locked.pk, status=Status.ACCEPTED).update(
        status=Status.PAID, paid_at=now, consumer_order=consumer
    )
    locked.refresh_from_db()
    _history(locked, acting_user=acting_user, reason=f"paid: consumer order {consumer.number}")
    return locked


@transaction.atomic
def flash_sale_order_cancel(*, acting_user: Any, order: FlashSaleOrder) -> FlashSaleOrder:
    """Cancel an unpaid order: its unit goes back to its counter row and to the customer's allowance."""
    return _cancel_locked(
        _locked_order(order, [Status.ACCEPTED], "cancelled"),
        acting_user=acting_user,
        reason="cancelled: unit back on sale",
    )


def _cancel_locked(locked: FlashSaleOrder, *, acting_user: Any, reason: str) -> FlashSaleOrder:
    now = timezone.now()
    # The customer's row before the counter row, the order the intake locks them in: no deadlock with a
    # new order of the same customer on the same row.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(FlashSaleCustomer)} SET taken = taken - 1 "
            "WHERE sale_id = %s AND customer_ref = %s AND taken > 0",
            [locked.sale_id, locked.customer_ref],
        )
        cursor.execute(
            f"UPDATE {_table(FlashSaleCounter)} SET remaining = remaining + 1 "
            "WHERE sale_id = %s AND shard = %s AND remaining < initial",
            [locked.sale_id, locked.shard],
        )
        returned = cursor.rowcount
    if returned != 1:  # the ledger of units would no longer add up: refuse rather than lose a unit
        raise ApplicationError(f"{locked.number}: its counter row has no unit out to give back.")
    FlashSaleOrder.objects.filter(pk=locked.pk, status=Status.ACCEPTED).update(
        status=Status.CANCELLED, cancelled_at=now
    )
    locked.refresh_from_db()
    _history(locked, acting_user=acting_user, reason=reason)
    return locked


EXPIRE_BATCH = 500


def flash_sale_orders_expire(*, acting_user: Any = None, now: datetime | None = None, limit: int = EXPIRE_BATCH) -> int:
    """Cancel up to ``limit`` accepted orders whose payment window has closed, oldest first; each in its
    own transaction (a payment recorded meanwhile wins: the order is locked and rechecked). Returns how
    many were cancelled; the periodic task runs it again while a batch comes back full."""
    now = now or timezone.now()
    due: list[tuple[datetime, int]] = []
    windows = FlashSale.objects.filter(payment_minutes__isnull=False, orders__status=Status.ACCEPTED).distinct()
    for sale_id, minutes in windows.values_list("pk", "payment_minutes"):
        cutoff = now - timedelta(minutes=minutes)
        rows = FlashSaleOrder.objects.filter(sale_id=sale_id, status=Status.ACCEPTED, created_at__lte=cutoff)
        due += rows.order_by("created_at", "pk").values_list("created_at", "pk")[:limit]
    cancelled = 0
    for _, pk in sorted(due)[:limit]:
        with transaction.atomic():
            locked = (
                FlashSaleOrder.objects.select_for_update()
                .select_related("sale")
                .filter(pk=pk, status=Status.ACCEPTED)
                .first()
            )
            pay_by = flash_sale_order_pay_by(locked) if locked else None
            if pay_by is None or pay_by > now:  # paid, cancelled or given a longer window meanwhile
                continue
            _cancel_locked(
                locked,
                acting_user=acting_user,
                reason=f"expired: not paid within {locked.sale.payment_minutes} minutes",
            )
            cancelled += 1
    return cancelled

"""Every write to purchase orders and receipts. Keyword-only, atomic, attributed to ``acting_user``.

Concurrency is left to the database: a status change is one conditional UPDATE (``WHERE status
IN (...)``), so of two people sending the same order only one wins; editing or receiving first
claims the order row with such an UPDATE (which also locks it until the transaction ends), and
received quantities are added with conditional UPDATEs in line-pk order that cannot take a line
past its ordered quantity.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import audited_save, user_or_none
from erp.counters import yearly_number
from erp.errors import ApplicationError
from erp.models import Currency, Item
from erp.roles import user_is_staff_member
from erp.weeks import business_date
from procurement.models import (
    PurchaseOrder,
    PurchaseOrderCounter,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Receipt,
    Supplier,
    SupplierOffer,
    SupplierStatus,
    SupplierUser,
)
from procurement.selectors.sourcing import offer_unit_price, offers_valid_on

Status = PurchaseOrderStatus
RECEIVABLE = [Status.CONFIRMED, Status.PARTIALLY_RECEIVED]
CANCELLABLE = [Status.DRAFT, Status.SENT, Status.CONFIRMED]


@dataclass(frozen=True)
class LineTerms:
    """What a line will be ordered at: the price, the offer it comes from and the requested date."""

    unit_price: Decimal
    source_offer: SupplierOffer | None
    requested_date: date


@dataclass(frozen=True)
class ReceiptInput:
    """Goods received against one line: ``received`` = ``accepted`` + ``rejected``."""

    line: PurchaseOrderLine | int  # a line or its line number on the order
    received: int
    accepted: int
    rejected: int
    received_on: date


def _refuse_blocked(supplier: Supplier) -> None:
    if supplier.status == SupplierStatus.BLOCKED:
        raise ApplicationError(
            f"{supplier.code} is blocked, so purchase orders to it are refused: {supplier.status_reason}",
            {"fields": {"supplier": [f"{supplier.code} is blocked: {supplier.status_reason}"]}},
        )


def _check_quantity(quantity: Any, where: str = "") -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise ApplicationError(
            f"{where}The quantity must be a whole number above zero, not {quantity}.",
            {"fields": {"quantity": [f"{quantity} is not a quantity above zero."]}},
        )


def purchase_order_line_terms(
    *,
    supplier: Supplier,
    currency_code: str,
    order_date: date,
    item: Item,
    quantity: int,
    unit_price: Decimal | None = None,
    requested_date: date | None = None,
    offers: dict[int, SupplierOffer] | None = None,
) -> LineTerms:
    """Check a line against the supplier's offer valid on the order date and say what it will cost.

    The price defaults from that offer at ``quantity``; its MOQ and order multiple apply whether or
    not a price is given. Without an offer a price must be given. ``offers`` (by item id) lets a
    caller that checks many lines read the offers once.
    """
    sku = item.sku
    _check_quantity(quantity, f"{sku}: ")
    if item.kind == Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{sku} is a product; purchase orders are for components and assemblies.",
            {"fields": {"sku": ["Only components and assemblies are bought."]}},
        )
    if unit_price is not None and Decimal(unit_price) <= 0:
        raise ApplicationError(
            f"{sku}: the unit price must be above zero, not {unit_price}.",
            {"fields": {"unit_price": [f"{unit_price} is not above zero."]}},
        )
    if offers is None:
        offer = offers_valid_on(order_date).filter(supplier=supplier, item=item).first()
    else:
        offer = offers.get(item.pk)
    if offer is not None and (quantity < offer.moq or quantity % offer.order_multiple):
        raise ApplicationError(
            f"{sku}: {quantity} cannot be ordered from {supplier.code}; its offer needs at least the MOQ "
            f"{offer.moq} in multiples of {offer.order_multiple}.",
            {
                "fields": {"quantity": [f"Order at least {offer.moq}, in multiples of {offer.order_multiple}."]},
                "quantity": quantity,
                "moq": offer.moq,
                "order_multiple": offer.order_multiple,
            },
        )
    if unit_price is None:
        if offer is None:
            raise ApplicationError(
                f"{sku}: {supplier.code} has no offer valid on {order_date.isoformat()}; give the unit price.",
                {"fields": {"unit_price": ["No valid offer: give the unit price."]}},
            )
        if offer.currency_id != currency_code:
            raise ApplicationError(
                f"{sku}: the offer of {supplier.code} is in {offer.currency_id} but the order is in "
                f"{currency_code}; give the unit price in {currency_code}.",
                {"fields": {"unit_price": [f"The offer is in {offer.currency_id}: give the price."]}},
            )
        unit_price = offer_unit_price(offer, quantity)
    if requested_date is None:
        lead_time = offer.lead_time_days if offer is not None else 0
        requested_date = order_date + timedelta(days=lead_time)
    elif requested_date < order_date:
        raise ApplicationError(
            f"{sku}: the requested date {requested_date.isoformat()} is before the order date "
            f"{order_date.isoformat()}.",
            {"fields": {"requested_date": ["Cannot be before the order date."]}},
        )
    return LineTerms(unit_price=Decimal(unit_price), source_offer=offer, requested_date=requested_date)


def _next_number(order_date: date) -> str:
    return yearly_number(PurchaseOrderCounter, prefix="PO", year=order_date.year, digits=5)


def _claim(order: PurchaseOrder, allowed: list[str], doing: str) -> PurchaseOrder:
    """Lock the order row with an UPDATE that succeeds only in ``allowed`` statuses; refuse otherwise."""
    if not PurchaseOrder.objects.filter(pk=order.pk, status__in=allowed).update(updated_at=timezone.now()):
        _refuse_status(order, allowed, doing)
    return PurchaseOrder.objects.select_related("supplier").get(pk=order.pk)


def _refuse_status(order: PurchaseOrder, allowed: list[str], doing: str) -> None:
    current = PurchaseOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    shown = Status(current).label.lower() if current else "gone"
    allowed_text = " or ".join(str(Status(s).label).lower() for s in allowed)
    raise ApplicationError(
        f"{order.number} is {shown}; only a {allowed_text} order can be {doing}.",
        {"fields": {"status": [f"The order is {shown}."]}, "status": current},
    )


# Called inside the transaction with a one-line reason whenever an order's status changes; planning
# (above procurement) registers here to recompute what it expects to receive. A listener defers
# its own work to the commit, so the changes of one transaction share one recalculation.
_listeners: list[Callable[[str], None]] = []


def purchasing_listener_register(listener: Callable[[str], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _announce(reason: str) -> None:
    for listener in _listeners:
        listener(reason)


def _transition(
    order: PurchaseOrder, *, allowed: list[str], to: str, doing: str, acting_user: Any, reason: str, **fields: Any
) -> PurchaseOrder:
    """Change the status with one conditional UPDATE, then record the change in the order's history."""
    now = timezone.now()
    if not PurchaseOrder.objects.filter(pk=order.pk, status__in=allowed).update(status=to, updated_at=now, **fields):
        _refuse_status(order, allowed, doing)
    order = PurchaseOrder.objects.select_related("supplier").get(pk=order.pk)
    PurchaseOrder.history.bulk_history_create(
        [order], update=True, default_user=user_or_none(acting_user), default_change_reason=reason[:100]
    )
    _announce(f"purchase order {order.number}: {reason}"[:200])
    return order


@transaction.atomic
def purchase_order_create(
    *,
    acting_user: Any,
    supplier: Supplier,
    order_date: date | None = None,
    currency: Currency | None = None,
    note: str = "",
    lines: Iterable[dict[str, Any]] = (),
) -> PurchaseOrder:
    """A draft order to ``supplier``, in its currency unless told otherwise, with optional lines.

    Each line is a dict of ``item``, ``quantity`` and optionally ``unit_price`` and ``requested_date``.
    A blocked supplier is refused. An on-hold supplier is not: holding is a warning sign, not a ban.
    """
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    _refuse_blocked(supplier)
    order_date = order_date or business_date()
    order = PurchaseOrder(
        supplier=supplier,
        currency_id=(currency.code if currency is not None else supplier.currency_id),
        order_date=order_date,
        note=note.strip(),
        created_by=user_or_none(acting_user),
        number=_next_number(order_date),
    )
    order = audited_save(order, acting_user=acting_user, reason="created")
    for number, line in enumerate(lines, start=1):
        _line_add(order, acting_user=acting_user, line_number=number, **line)
    return order


def _line_add(
    order: PurchaseOrder,
    *,
    acting_user: Any,
    line_number: int,
    item: Item,
    quantity: int,
    unit_price: Decimal | None = None,
    requested_date: date | None = None,
) -> PurchaseOrderLine:
    clash = order.lines.filter(item=item).values_list("line_number", flat=True).first()
    if clash is not None:
        raise ApplicationError(
            f"{item.sku} is already on line {clash} of {order.number}; change that line's quantity instead.",
            {"fields": {"sku": [f"Already on line {clash}."]}, "line": clash},
        )
    terms = purchase_order_line_terms(
        supplier=order.supplier,
        currency_code=order.currency_id,
        order_date=order.order_date,
        item=item,
        quantity=quantity,
        unit_price=unit_price,
        requested_date=requested_date,
    )
    line = PurchaseOrderLine(
        order=order,
        line_number=line_number,
        item=item,
        quantity=quantity,
        unit_price=terms.unit_price,
        source_offer=terms.source_offer,
        requested_date=terms.requested_date,
    )
    return audited_save(line, acting_user=acting_user, reason="added")


@transaction.atomic
def purchase_order_line_add(
    *,
    acting_user: Any,
    order: PurchaseOrder,
    item: Item,
    quantity: int,
    unit_price: Decimal | None = None,
    requested_date: date | None = None,
) -> PurchaseOrderLine:
    """Add an item to a draft order, priced from the supplier's offer unless a price is given."""
    order = _claim(order, [Status.DRAFT], "changed")
    _refuse_blocked(order.supplier)
    last = order.lines.order_by("-line_number").values_list("line_number", flat=True).first() or 0
    return _line_add(
        order,
        acting_user=acting_user,
        line_number=last + 1,
        item=item,
        quantity=quantity,
        unit_price=unit_price,
        requested_date=requested_date,
    )


def _line_of(order: PurchaseOrder, line: PurchaseOrderLine | int) -> PurchaseOrderLine:
    number = line if isinstance(line, int) else line.line_number
    if not isinstance(line, int) and line.order_id != order.pk:
        raise ApplicationError(
            f"That line is not on {order.number}.", {"fields": {"line": ["Not a line of this order."]}}
        )
    found = order.lines.select_related("item").filter(line_number=number).first()
    if found is None:
        raise ApplicationError(
            f"{order.number} has no line {number}.", {"fields": {"line": [f"No line {number} on this order."]}}
        )
    return found


@transaction.atomic
def purchase_order_line_update(
    *,
    acting_user: Any,
    order: PurchaseOrder,
    line: PurchaseOrderLine | int,
    quantity: int | None = None,
    unit_price: Decimal | None = None,
    requested_date: date | None = None,
) -> PurchaseOrderLine:
    """Change a draft line's quantity, price or requested date. A new quantity without a price is re-priced."""
    order = _claim(order, [Status.DRAFT], "changed")
    _refuse_blocked(order.supplier)
    line = _line_of(order, line)
    new_quantity = line.quantity if quantity is None else quantity
    price = unit_price
    if price is None and quantity is None:
        price = line.unit_price  # nothing says to re-price
    terms = purchase_order_line_terms(
        supplier=order.supplier,
        currency_code=order.currency_id,
        order_date=order.order_date,
        item=line.item,
        quantity=new_quantity,
        unit_price=price,
        requested_date=requested_date or line.requested_date,
    )
    changed = (new_quantity, terms.unit_price, terms.requested_date) != (
        line.quantity,
        line.unit_price,
        line.requested_date,
    )
    if not changed:
        return line
    line.quantity, line.unit_price, line.requested_date = new_quantity, terms.unit_price, terms.requested_date
    line.source_offer = terms.source_offer
    return audited_save(line, acting_user=acting_user, reason="updated")


@transaction.atomic
def purchase_order_line_remove(*, acting_user: Any, order: PurchaseOrder, line: PurchaseOrderLine | int) -> None:
    order = _claim(order, [Status.DRAFT], "changed")
    line = _line_of(order, line)
    line._history_user = user_or_none(acting_user)
    line._change_reason = "removed"
    line.delete()


@transaction.atomic
def purchase_order_send(*, acting_user: Any, order: PurchaseOrder) -> PurchaseOrder:
    """Draft -> sent. The order needs at least one line, and its supplier must not be blocked."""
    supplier = Supplier.objects.select_for_update().get(pk=order.supplier_id)
    _refuse_blocked(supplier)
    if not PurchaseOrderLine.objects.filter(order_id=order.pk).exists():
        raise ApplicationError(
            f"{order.number} has no lines; add at least one before sending it.",
            {"fields": {"lines": ["Add at least one line."]}},
        )
    return _transition(
        order,
        allowed=[Status.DRAFT],
        to=Status.SENT,
        doing="sent",
        acting_user=acting_user,
        reason="sent",
        sent_at=timezone.now(),
    )


@transaction.atomic
def purchase_order_confirm(*, acting_user: Any, order: PurchaseOrder, promised_dates: dict[int, date]) -> PurchaseOrder:
    """Sent -> confirmed, with the supplier's promised date for every line (by line number)."""
    order = _transition(
        order,
        allowed=[Status.SENT],
        to=Status.CONFIRMED,
        doing="confirmed",
        acting_user=acting_user,
        reason="confirmed",
        confirmed_at=timezone.now(),
    )
    lines = list(order.lines.order_by("pk"))
    numbers = {line.line_number for line in lines}
    unknown = sorted(set(promised_dates) - numbers)
    if unknown:
        raise ApplicationError(
            f"{order.number} has no line {', '.join(map(str, unknown))}.",
            {"fields": {"lines": [f"No line {n} on this order." for n in unknown]}},
        )
    missing = sorted(numbers - set(promised_dates))
    if missing:
        raise ApplicationError(
            f"Give a promised date for every line of {order.number}; missing for line {', '.join(map(str, missing))}.",
            {"fields": {"lines": [f"Line {n} needs a promised date." for n in missing]}, "missing_lines": missing},
        )
    for line in lines:
        promised = promised_dates[line.line_number]
        if promised < order.order_date:
            raise ApplicationError(
                f"Line {line.line_number}: the promised date {promised.isoformat()} is before the order date "
                f"{order.order_date.isoformat()}.",
                {"fields": {"lines": [f"Line {line.line_number}: before the order date."]}},
            )
        line.promised_date = promised
        line.updated_at = timezone.now()
    PurchaseOrderLine.objects.bulk_update(lines, ["promised_date", "updated_at"])
    PurchaseOrderLine.history.bulk_history_create(
        lines, update=True, default_user=user_or_none(acting_user), default_change_reason="confirmed"
    )
    return order


def _check_receipt(entry: ReceiptInput, order: PurchaseOrder, today: date) -> None:
    label = f"Line {entry.line if isinstance(entry.line, int) else entry.line.line_number}"
    for name in ("received", "accepted", "rejected"):
        value = getattr(entry, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ApplicationError(
                f"{label}: {name} must be a whole number of at least 0, not {value}.",
                {"fields": {name: [f"{value} is not a quantity."]}},
            )
    if entry.received <= 0:
        raise ApplicationError(
            f"{label}: the received quantity must be above zero.",
            {"fields": {"received": ["Must be above zero."]}},
        )
    if entry.accepted + entry.rejected != entry.received:
        raise ApplicationError(
            f"{label}: accepted {entry.accepted} + rejected {entry.rejected} must equal received {entry.received}.",
            {"fields": {"accepted": ["Accepted + rejected must equal received."]}},
        )
    if entry.received_on > today:
        raise ApplicationError(
            f"{label}: the receipt date {entry.received_on.isoformat()} is in the future.",
            {"fields": {"received_on": ["Cannot be in the future."]}},
        )
    if entry.received_on < order.order_date:
        raise ApplicationError(
            f"{label}: the receipt date {entry.received_on.isoformat()} is before the order date "
            f"{order.order_date.isoformat()}.",
            {"fields": {"received_on": ["Cannot be before the order date."]}},
        )


@transaction.atomic
def purchase_order_receive(
    *, acting_user: Any, order: PurchaseOrder, receipts: Iterable[ReceiptInput], note: str = ""
) -> PurchaseOrder:
    """Record goods received (with the inspection result) against lines of a confirmed order.

    All or nothing: one line asked to take more than it still has open refuses the whole call.
    The order becomes received when every line is complete, else partially received.
    """
    receipts = list(receipts)
    if not receipts:
        raise ApplicationError("Say what was received.", {"fields": {"lines": ["Give at least one line."]}})
    order = _claim(order, RECEIVABLE, "received against")
    today = business_date()
    by_line: dict[int, tuple[PurchaseOrderLine, ReceiptInput]] = {}
    for entry in receipts:
        _check_receipt(entry, order, today)
        line = _line_of(order, entry.line)
        if line.pk in by_line:
            raise ApplicationError(
                f"Line {line.line_number} appears twice; give one entry per line.",
                {"fields": {"lines": [f"Line {line.line_number} appears twice."]}},
            )
        by_line[line.pk] = (line, entry)
    user = user_or_none(acting_user)
    for pk in sorted(by_line):  # the same lock order in every transaction
        line, entry = by_line[pk]
        taken = PurchaseOrderLine.objects.filter(pk=pk, received_qty__lte=F("quantity") - entry.received).update(
            received_qty=F("received_qty") + entry.received,
            accepted_qty=F("accepted_qty") + entry.accepted,
            rejected_qty=F("rejected_qty") + entry.rejected,
            updated_at=timezone.now(),
        )
        if not taken:
            current = PurchaseOrderLine.objects.get(pk=pk)
            raise ApplicationError(
                f"Line {line.line_number} ({line.item.sku}): {entry.received} is more than the open "
                f"{current.open_qty} (ordered {current.quantity}, received {current.received_qty}).",
                {
                    "fields": {"received": [f"Line {line.line_number}: at most {current.open_qty} is open."]},
                    "line": line.line_number,
                    "open": current.open_qty,
                },
            )
    Receipt.objects.bulk_create(
        Receipt(
            line_id=pk,
            received_on=entry.received_on,
            received_qty=entry.received,
            accepted_qty=entry.accepted,
            rejected_qty=entry.rejected,
            received_by=user,
            note=note.strip(),
        )
        for pk, (_line, entry) in sorted(by_line.items())
    )
    lines = list(PurchaseOrderLine.objects.filter(pk__in=by_line).order_by("pk"))
    PurchaseOrderLine.history.bulk_history_create(
        lines, update=True, default_user=user, default_change_reason="received"
    )
    complete = not order.lines.filter(received_qty__lt=F("quantity")).exists()
    return _transition(
        order,
        allowed=RECEIVABLE,
        to=Status.RECEIVED if complete else Status.PARTIALLY_RECEIVED,
        doing="received against",
        acting_user=acting_user,
        reason="received" if complete else "partially received",
    )


@transaction.atomic
def purchase_order_cancel(*, acting_user: Any, order: PurchaseOrder, reason: str) -> PurchaseOrder:
    """Cancel an order nothing has been received against yet (draft, sent or confirmed); say why."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the order is cancelled.", {"fields": {"reason": ["A reason is required."]}})
    if len(reason) > 500:
        raise ApplicationError("The reason is too long.", {"fields": {"reason": ["At most 500 characters."]}})
    return _transition(
        order,
        allowed=CANCELLABLE,
        to=Status.CANCELLED,
        doing="cancelled",
        acting_user=acting_user,
        reason=f"cancelled: {reason}",
        cancelled_at=timezone.now(),
        cancel_reason=reason,
    )


@transaction.atomic
def supplier_user_link(*, acting_user: Any, user: Any, supplier: Supplier) -> SupplierUser:
    """Make ``user`` the integration user of ``supplier``. Staff and retailer users cannot be one."""
    if user.is_staff or user.is_superuser or user_is_staff_member(user) or user.groups.exists():
        raise ApplicationError(
            f"{user.username} is a staff or portal user; a supplier integration user must have no other role.",
            {"fields": {"user": ["Use a user with no role and no staff access."]}},
        )
    link = SupplierUser.objects.select_for_update().filter(user=user).first()
    if link is None:
        link = SupplierUser(user=user, supplier=supplier)
    elif link.supplier_id == supplier.pk:
        return link
    else:
        link.supplier = supplier
    link.full_clean()
    link.save()
    return link

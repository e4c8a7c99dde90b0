"""The prepayment ledger's writes. Every entry is one conditional UPDATE of the account row.

The UPDATE's WHERE clause carries the rule (``balance >= held + amount`` to hold or refund,
``held >= amount`` to release or capture), so two confirmations racing for the last yuan cannot
both pass: the database serialises them on the row and the second finds the condition false.
The account's check constraints are the last line of defence behind that.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.validators import validate_printable
from retail.models import (
    ENTRY_EFFECTS,
    PrepaymentAccount,
    PrepaymentEntry,
    PrepaymentEntryKind,
    Retailer,
    RetailerOrder,
    from_cents,
    to_cents,
)

Kind = PrepaymentEntryKind
MAX_AMOUNT = Decimal("100000000000.00")  # 100 billion CNY: far above any real transfer, below the column limit
_REDUCES_AVAILABLE = {Kind.HOLD, Kind.REFUND}
_REDUCES_HELD = {Kind.RELEASE, Kind.CAPTURE}


class InsufficientPrepayment(ApplicationError):
    """The available balance does not cover the amount (the API answers 400 with the shortfall)."""

    @classmethod
    def of(
        cls, *, retailer_code: str, what: str, available: str, required: str, shortfall: str
    ) -> InsufficientPrepayment:
        return cls(
            f"{retailer_code}'s available prepayment is {available} CNY; {what} needs {required} CNY, "
            f"{shortfall} CNY short. Deposit at least the shortfall and try again.",
            {
                "fields": {"amount": [f"{shortfall} CNY short."]},
                "retailer": retailer_code,
                "available": available,
                "required": required,
                "shortfall": shortfall,
                "code": "insufficient_prepayment",
            },
        )

    def renamed(self, what: str) -> InsufficientPrepayment:
        """The same refusal for something else: an order that was rolled back has no number to name."""
        extra = self.extra
        return InsufficientPrepayment.of(
            retailer_code=extra["retailer"],
            what=what,
            available=extra["available"],
            required=extra["required"],
            shortfall=extra["shortfall"],
        )


def money_check(value: Any, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """A CNY amount with at most two decimals, positive (or non-zero when ``allow_negative``)."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise ApplicationError(
            f"The {field} '{value}' is not a number.", {"fields": {field: [f"'{value}' is not a number."]}}
        ) from error
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(
            f"The {field} {value} must have at most two decimals.", {"fields": {field: ["At most two decimals."]}}
        )
    if abs(amount) > MAX_AMOUNT:
        raise ApplicationError(
            f"The {field} {value} is above the limit of {MAX_AMOUNT:,}.", {"fields": {field: ["Too large."]}}
        )
    if amount == 0 or (amount < 0 and not allow_negative):
        wanted = "not zero" if allow_negative else "above zero"
        raise ApplicationError(
            f"The {field} must be {wanted}, not {value}.", {"fields": {field: [f"Must be {wanted}."]}}
        )
    return amount


def _text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ApplicationError(f"The {field} is required.", {"fields": {field: ["Required."]}})
    if len(text) > max_length:
        raise ApplicationError(
            f"The {field} is longer than {max_length} characters.", {"fields": {field: [f"At most {max_length}."]}}
        )
    try:
        validate_printable(text)
    except Exception as error:
        raise ApplicationError(
            f"The {field} has characters that cannot be printed.", {"fields": {field: ["Not printable."]}}
        ) from error
    return text


def prepayment_account_ensure(*, retailer: Retailer) -> PrepaymentAccount:
    account, _ = PrepaymentAccount.objects.get_or_create(retailer=retailer)
    return account


def _short(account_id: int, kind: str, cents: int, order: RetailerOrder | None) -> ApplicationError:
    account = PrepaymentAccount.objects.select_related("retailer").get(pk=account_id)
    if kind in _REDUCES_HELD:
        return ApplicationError(
            f"Only {from_cents(account.held_cents)} CNY is held for {account.retailer.code}; "
            f"cannot {kind} {from_cents(cents)}.",
            {"held": str(account.held), "amount": str(from_cents(cents))},
        )
    shortfall = cents - (account.balance_cents - account.held_cents)
    what = f"order {order.number}" if order is not None else f"this {kind}"
    return InsufficientPrepayment.of(
        retailer_code=account.retailer.code,
        what=what,
        available=str(account.available),
        required=str(from_cents(cents)),
        shortfall=str(from_cents(shortfall)),
    )


def prepayment_entry_post(
    *,
    acting_user: Any,
    account_id: int,
    kind: str,
    cents: int,
    reference: str = "",
    note: str = "",
    order: RetailerOrder | None = None,
) -> PrepaymentEntry:
    """Post one entry: move the account by ``ENTRY_EFFECTS[kind] x cents`` if its rule allows, else refuse.

    ``cents`` is positive, except for an adjustment, which may be negative. The caller is inside a
    transaction (the account row stays locked by the UPDATE until it commits).
    """
    if kind not in ENTRY_EFFECTS or cents == 0 or (cents < 0 and kind != Kind.ADJUSTMENT):
        raise ValueError(f"bad ledger entry {kind} {cents}")
    d_balance, d_held = ENTRY_EFFECTS[kind]
    condition = Q(pk=account_id)
    if kind in _REDUCES_AVAILABLE or (kind == Kind.ADJUSTMENT and cents < 0):
        condition &= Q(balance_cents__gte=F("held_cents") + abs(cents))
    elif kind in _REDUCES_HELD:
        condition &= Q(held_cents__gte=cents)
    moved = PrepaymentAccount.objects.filter(condition).update(
        balance_cents=F("balance_cents") + d_balance * cents,
        held_cents=F("held_cents") + d_held * cents,
        updated_at=timezone.now(),
    )
    if not moved:
        raise _short(account_id, kind, abs(cents), order)
    # The UPDATE holds the row lock, so this read sees exactly the figures after our entry.
    balance_cents, held_cents = PrepaymentAccount.objects.filter(pk=account_id).values_list(
        "balance_cents", "held_cents"
    )[0]
    return PrepaymentEntry.objects.create(
        account_id=account_id,
        kind=kind,
        amount_cents=cents,
        balance_after_cents=balance_cents,
        held_after_cents=held_cents,
        reference=reference,
        note=note,
        order=order,
        created_by=user_or_none(acting_user),
    )


def _money_entry(
    *, acting_user: Any, retailer: Retailer, kind: str, amount: Any, reference: Any, note: Any, allow_negative=False
) -> PrepaymentEntry:
    value = money_check(amount, allow_negative=allow_negative)
    reference = _text(reference, field="reference", max_length=100, required=kind != Kind.ADJUSTMENT)
    note = _text(note, field="note", max_length=300, required=kind == Kind.ADJUSTMENT)
    account = prepayment_account_ensure(retailer=retailer)
    try:
        with transaction.atomic():
            return prepayment_entry_post(
                acting_user=acting_user,
                account_id=account.pk,
                kind=kind,
                cents=to_cents(value),
                reference=reference,
                note=note,
            )
    except IntegrityError as error:
        if "reference" in str(error) or "unique" in str(error).lower():
            raise ApplicationError(
                f"A deposit with reference '{reference}' is already booked for {retailer.code}; "
                "a bank transfer is booked once.",
                {"fields": {"reference": ["Already booked."]}, "code": "duplicate_reference"},
            ) from error
        raise


@transaction.atomic
def prepayment_deposit_record(
    *, acting_user: Any, retailer: Retailer, amount: Any, reference: str, note: str = ""
) -> PrepaymentEntry:
    """Book money received from a retailer; ``reference`` (the bank transfer's) is booked once."""
    return _money_entry(
        acting_user=acting_user, retailer=retailer, kind=Kind.DEPOSIT, amount=amount, reference=reference, note=note
    )


@transaction.atomic
def prepayment_refund_record(
    *, acting_user: Any, retailer: Retailer, amount: Any, reference: str, note: str = ""
) -> PrepaymentEntry:
    """Pay money back to a retailer out of its available (not held) balance."""
    return _money_entry(
        acting_user=acting_user, retailer=retailer, kind=Kind.REFUND, amount=amount, reference=reference, note=note
    )


@transaction.atomic
def prepayment_adjustment_record(
    *, acting_user: Any, retailer: Retailer, amount: Any, note: str, reference: str = ""
) -> PrepaymentEntry:
    """Correct a balance up or down with a stated reason; it cannot take available below zero."""
    return _money_entry(
        acting_user=acting_user,
        retailer=retailer,
        kind=Kind.ADJUSTMENT,
        amount=amount,
        reference=reference,
        note=note,
        allow_negative=True,
    )

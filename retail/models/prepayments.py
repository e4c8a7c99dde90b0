"""The prepayment ledger: one account per retailer and its immutable entries.

The account row holds the running ``balance`` (money received and not yet used or refunded) and
``held`` (reserved for confirmed orders). The database refuses ``held < 0`` and
``balance < held``, so the available balance ``balance - held`` can never go negative, whatever
the code or the concurrency. Amounts are stored as integer fen (cents): SQLite does decimal
arithmetic in binary floating point, and a check like ``balance >= held`` must be exact.

Each entry records the account figures right after it, so a statement
is a plain read and the ledger can be re-added to the cent.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from erp.validators import validate_printable
from retail.models.retailers import Retailer

MONEY = {"max_digits": 16, "decimal_places": 2}
CENTS = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    """Whole fen of a CNY amount; the caller has already refused more than two decimals."""
    return int((Decimal(amount) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENTS)


class PrepaymentAccount(models.Model):
    retailer = models.OneToOneField(
        Retailer, on_delete=models.PROTECT, related_name="prepayment_account", verbose_name=_("retailer")
    )
    balance_cents = models.BigIntegerField(_("balance (fen)"), default=0)
    held_cents = models.BigIntegerField(_("held for orders (fen)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prepayment account")
        verbose_name_plural = _("prepayment accounts")
        ordering = ["retailer"]
        permissions = [("record_deposit", "Can record prepayment deposits, refunds and adjustments")]
        constraints = [
            models.CheckConstraint(condition=Q(held_cents__gte=0), name="prepaymentaccount_held_not_negative"),
            models.CheckConstraint(
                condition=Q(balance_cents__gte=F("held_cents")), name="prepaymentaccount_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.balance} ({self.held} held)"

    @property
    def balance(self) -> Decimal:
        return from_cents(self.balance_cents)

    @property
    def held(self) -> Decimal:
        return from_cents(self.held_cents)

    @property
    def available(self) -> Decimal:
        return from_cents(self.balance_cents - self.held_cents)


class PrepaymentEntryKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    HOLD = "hold", _("Hold")
    RELEASE = "release", _("Release")
    CAPTURE = "capture", _("Capture")
    REFUND = "refund", _("Refund")
    ADJUSTMENT = "adjustment", _("Adjustment")


# How each kind moves (balance, held) per unit of its amount.
ENTRY_EFFECTS: dict[str, tuple[int, int]] = {
    PrepaymentEntryKind.DEPOSIT: (1, 0),
    PrepaymentEntryKind.HOLD: (0, 1),
    PrepaymentEntryKind.RELEASE: (0, -1),
    PrepaymentEntryKind.CAPTURE: (-1, -1),
    PrepaymentEntryKind.REFUND: (-1, 0),
    PrepaymentEntryKind.ADJUSTMENT: (1, 0),
}


class PrepaymentEntry(models.Model):
    """One movement on an account; never changed or deleted (a mistake is corrected by an adjustment)."""

    Kind = PrepaymentEntryKind

    account = models.ForeignKey(
        PrepaymentAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PrepaymentEntryKind.choices)
    amount_cents = models.BigIntegerField(
        _("amount (fen)"), help_text=_("Positive, except an adjustment, which may be negative.")
    )
    balance_after_cents = models.BigIntegerField(_("balance after (fen)"))
    held_after_cents = models.BigIntegerField(_("held after (fen)"))
    reference = models.CharField(_("reference"), max_length=100, blank=True, validators=[validate_printable])
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_printable])
    order = models.ForeignKey(
        "retail.RetailerOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prepayment_entries",
        verbose_name=_("retailer order"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("prepayment entry")
        verbose_name_plural = _("prepayment entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PrepaymentEntryKind.values), name="prepaymententry_kind_valid"),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0) | Q(kind=PrepaymentEntryKind.ADJUSTMENT, amount_cents__lt=0),
                name="prepaymententry_amount_sign",
                violation_error_message=_("Amounts are positive; only an adjustment may be negative."),
            ),
            models.CheckConstraint(
                condition=Q(held_after_cents__gte=0) & Q(balance_after_cents__gte=F("held_after_cents")),
                name="prepaymententry_after_consistent",
            ),
            # One bank transfer is booked once: a deposit's reference is unique per account.
            models.UniqueConstraint(
                fields=["account", "reference"],
                condition=Q(kind=PrepaymentEntryKind.DEPOSIT) & ~Q(reference=""),
                name="prepaymententry_deposit_reference_once",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_cents)

    @property
    def balance_after(self) -> Decimal:
        return from_cents(self.balance_after_cents)

    @property
    def held_after(self) -> Decimal:
        return from_cents(self.held_after_cents)

    @property
    def available_after(self) -> Decimal:
        return from_cents(self.balance_after_cents - self.held_after_cents)

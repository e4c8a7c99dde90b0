"""Purchase orders, their lines and the receipts against them, and the users suppliers integrate as.

Every invariant that can be stated on one row lives here as a database constraint. Status
changes and received quantities are written with conditional UPDATEs by the services, so two
people (or a person and a supplier's system) acting at once cannot both win.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Currency, Item, TimeStamped
from erp.validators import validate_printable
from procurement.models.sourcing import MIN_UNIT_PRICE, Supplier, SupplierOffer

PO_NUMBER_PATTERN = r"^PO-[0-9]{4}-[0-9]{5}$"


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


SENT_OR_LATER = [
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.CONFIRMED,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
    PurchaseOrderStatus.RECEIVED,
]
CONFIRMED_OR_LATER = [
    PurchaseOrderStatus.CONFIRMED,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
    PurchaseOrderStatus.RECEIVED,
]


class PurchaseOrderCounter(models.Model):
    """The last purchase-order number given out in a year; incremented with one conditional UPDATE."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("purchase order counter")
        verbose_name_plural = _("purchase order counters")
        constraints = [models.CheckConstraint(condition=Q(last_number__gte=0), name="purchaseordercounter_positive")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class PurchaseOrder(TimeStamped):
    """An order to one supplier, in one currency: draft -> sent -> confirmed -> (partially) received, or cancelled."""

    Status = PurchaseOrderStatus

    number = models.CharField(
        _("number"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(PO_NUMBER_PATTERN, _("Use the form PO-2026-00001."))],
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("supplier")
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency"))
    status = models.CharField(
        _("status"), max_length=20, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT
    )
    order_date = models.DateField(_("order date"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=500, blank=True, validators=[validate_printable])
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-order_date", "-number"]
        permissions = [
            ("send_purchaseorder", "Can send a purchase order to its supplier"),
            ("confirm_purchaseorder", "Can record a supplier's confirmation of a purchase order"),
            ("receive_purchaseorder", "Can receive goods against a purchase order"),
            ("cancel_purchaseorder", "Can cancel a purchase order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=PO_NUMBER_PATTERN), name="purchaseorder_number_format"),
            models.CheckConstraint(
                condition=Q(status__in=PurchaseOrderStatus.values), name="purchaseorder_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=SENT_OR_LATER) | Q(sent_at__isnull=False),
                name="purchaseorder_sent_at_when_sent",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CONFIRMED_OR_LATER) | Q(confirmed_at__isnull=False),
                name="purchaseorder_confirmed_at_when_confirmed",
            ),
            models.CheckConstraint(
                condition=(Q(status=PurchaseOrderStatus.CANCELLED, cancelled_at__isnull=False) & ~Q(cancel_reason=""))
                | (~Q(status=PurchaseOrderStatus.CANCELLED) & Q(cancelled_at__isnull=True, cancel_reason="")),
                name="purchaseorder_cancelled_with_reason",
                violation_error_message=_("A cancelled order needs a reason; only a cancelled order has one."),
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status"]), models.Index(fields=["status", "order_date"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchase-order-detail", args=[self.number])


class PurchaseOrderLine(TimeStamped):
    """One item on an order. Received = accepted + rejected, never more than ordered."""

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="lines", verbose_name=_("purchase order")
    )
    line_number = models.PositiveIntegerField(_("line"), validators=[MinValueValidator(1)])
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="purchase_order_lines", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=14,
        decimal_places=6,
        validators=[MinValueValidator(MIN_UNIT_PRICE)],
        help_text=_("In the order's currency."),
    )
    source_offer = models.ForeignKey(
        SupplierOffer,
        on_delete=models.PROTECT,
        related_name="purchase_order_lines",
        null=True,
        blank=True,
        verbose_name=_("source offer"),
        help_text=_("The supplier offer whose terms apply; empty when there was none."),
    )
    requested_date = models.DateField(_("requested delivery date"))
    promised_date = models.DateField(
        _("promised date"), null=True, blank=True, help_text=_("The supplier's date, set when it confirms.")
    )
    received_qty = models.PositiveIntegerField(_("received"), default=0)
    accepted_qty = models.PositiveIntegerField(_("accepted"), default=0)
    rejected_qty = models.PositiveIntegerField(_("rejected"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="purchaseorderline_one_number"),
            models.UniqueConstraint(fields=["order", "item"], name="purchaseorderline_one_line_per_item"),
            models.CheckConstraint(condition=Q(line_number__gte=1), name="purchaseorderline_number_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchaseorderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="purchaseorderline_unit_price_positive"),
            models.CheckConstraint(
                condition=Q(received_qty__gte=0) & Q(accepted_qty__gte=0) & Q(rejected_qty__gte=0),
                name="purchaseorderline_received_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(received_qty__lte=F("quantity")), name="purchaseorderline_not_over_received"
            ),
            models.CheckConstraint(
                condition=Q(received_qty=F("accepted_qty") + F("rejected_qty")),
                name="purchaseorderline_received_is_accepted_plus_rejected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} line {self.line_number}"

    @property
    def open_qty(self) -> int:
        return self.quantity - self.received_qty

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


class Receipt(models.Model):
    """Goods received against one line on one day, with the inspection result: a record, never edited."""

    line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("purchase order line")
    )
    received_on = models.DateField(_("received on"))
    received_qty = models.PositiveIntegerField(_("received"))
    accepted_qty = models.PositiveIntegerField(_("accepted"))
    rejected_qty = models.PositiveIntegerField(_("rejected"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("received by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(received_qty__gt=0), name="receipt_received_positive"),
            models.CheckConstraint(
                condition=Q(accepted_qty__gte=0) & Q(rejected_qty__gte=0), name="receipt_results_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(received_qty=F("accepted_qty") + F("rejected_qty")),
                name="receipt_received_is_accepted_plus_rejected",
            ),
        ]
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self) -> str:
        return f"{self.received_qty} of line {self.line_id} on {self.received_on}"


class SupplierUser(models.Model):
    """Makes a user a supplier's integration user: its API token sees only that supplier's orders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_link", verbose_name=_("user")
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="users", verbose_name=_("supplier"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier user")
        verbose_name_plural = _("supplier users")
        ordering = ["supplier", "user"]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.supplier_id}"

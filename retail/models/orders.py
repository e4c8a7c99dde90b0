"""Retailer orders: lines of product x quantity x requested week at the retailer price in force.

draft -> confirmed (holds quantity x price on the prepayment account) -> allocated (an allocation
run settled every line: ``allocated_quantity`` is reserved in stock, the rest's hold released)
-> shipped (every allocated unit is on a dispatched shipment; the hold is captured) -> delivered
(all its shipments delivered, or marked by hand); draft, confirmed or allocated with nothing
dispatched -> cancelled (the hold and the reservations released).

A line's allocated units are always either reserved in a warehouse (``OrderLineReservation``) or on
a dispatched outbound shipment (``OrderLineShipment``, summed in ``shipped_quantity``):
allocated = reserved + shipped. Dispatch hands a reservation to the shipment; cancelling the
shipment hands it back.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from logistics.models import Location, Shipment
from retail.models.prepayments import MONEY, from_cents
from retail.models.retailers import Retailer

RETAILER_ORDER_NUMBER_PATTERN = r"^RO-[0-9]{4}-[0-9]{6}$"


class RetailerOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    ALLOCATED = "allocated", _("Allocated")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Orders whose lines count as committed demand in the plan.
RETAILER_COMMITTED_STATUSES = [RetailerOrderStatus.CONFIRMED, RetailerOrderStatus.ALLOCATED]


class RetailerOrderCounter(models.Model):
    """The last retailer-order number given out in a year; incremented with one conditional UPDATE."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("retailer order counter")
        verbose_name_plural = _("retailer order counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class RetailerOrder(TimeStamped):
    Status = RetailerOrderStatus

    number = models.CharField(_("number"), max_length=16, unique=True)
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("retailer"))
    status = models.CharField(
        _("status"), max_length=10, choices=RetailerOrderStatus.choices, default=RetailerOrderStatus.DRAFT
    )
    reference = models.CharField(_("retailer's reference"), max_length=100, blank=True, validators=[validate_printable])
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    held_cents = models.BigIntegerField(
        _("held (fen)"), default=0, help_text=_("Prepayment held for this order right now, in fen.")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, db_index=True)
    allocated_at = models.DateTimeField(_("allocated at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
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
        verbose_name = _("retailer order")
        verbose_name_plural = _("retailer orders")
        ordering = ["-created_at", "-number"]
        permissions = [
            ("confirm_retailerorder", "Can confirm a retailer order"),
            ("cancel_retailerorder", "Can cancel a retailer order"),
            ("ship_retailerorder", "Can mark a retailer order shipped or delivered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=RETAILER_ORDER_NUMBER_PATTERN), name="retailerorder_number_format"
            ),
            models.CheckConstraint(condition=Q(status__in=RetailerOrderStatus.values), name="retailerorder_status"),
            models.CheckConstraint(condition=Q(held_cents__gte=0), name="retailerorder_held_not_negative"),
            models.CheckConstraint(
                condition=Q(status=RetailerOrderStatus.DRAFT)
                | Q(confirmed_at__isnull=False)
                | Q(status=RetailerOrderStatus.CANCELLED),
                name="retailerorder_confirmed_at_when_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(status=RetailerOrderStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=RetailerOrderStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="retailerorder_cancelled_at_when_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(held_cents=0)
                | Q(status__in=[RetailerOrderStatus.CONFIRMED, RetailerOrderStatus.ALLOCATED]),
                name="retailerorder_holds_only_while_open",
            ),
        ]
        indexes = [models.Index(fields=["retailer", "status"]), models.Index(fields=["status", "confirmed_at"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("retailer-order-detail", args=[self.number])

    @property
    def held_amount(self) -> Decimal:
        return from_cents(self.held_cents)


class RetailerOrderLine(models.Model):
    order = models.ForeignKey(
        RetailerOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("retailer order")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="retailer_order_lines", verbose_name=_("item")
    )
    requested_week = models.DateField(_("requested week (Monday)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (CNY)"), **MONEY)
    allocated_quantity = models.PositiveIntegerField(
        _("allocated quantity"), null=True, blank=True, help_text=_("Empty until an allocation run settles the line.")
    )
    shipped_quantity = models.PositiveIntegerField(
        _("shipped quantity"), default=0, help_text=_("Units on dispatched shipments (picked or later, not cancelled).")
    )

    class Meta:
        verbose_name = _("retailer order line")
        verbose_name_plural = _("retailer order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="retailerorderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="retailerorderline_price_positive"),
            models.CheckConstraint(condition=Q(requested_week__week_day=2), name="retailerorderline_week_is_monday"),
            models.CheckConstraint(
                condition=Q(allocated_quantity__isnull=True) | Q(allocated_quantity__lte=F("quantity")),
                name="retailerorderline_allocated_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity=0)
                | (Q(allocated_quantity__isnull=False) & Q(shipped_quantity__lte=F("allocated_quantity"))),
                name="retailerorderline_shipped_within_allocated",
            ),
            models.UniqueConstraint(fields=["order", "item", "requested_week"], name="retailerorderline_once"),
        ]
        indexes = [models.Index(fields=["item", "requested_week"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.item_id} x {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


class OrderLineReservation(models.Model):
    """Stock reserved in one warehouse for one order line by an applied allocation; consumed on shipping."""

    line = models.ForeignKey(
        RetailerOrderLine, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("order line")
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("order line reservation")
        verbose_name_plural = _("order line reservations")
        ordering = ["line", "location"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderlinereservation_quantity_positive"),
            models.UniqueConstraint(fields=["line", "location"], name="orderlinereservation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} @ {self.location_id}: {self.quantity}"


class OrderLineShipment(models.Model):
    """Units of one order line carried by one dispatched outbound shipment (the shipment's reference is the
    order number); removed when the shipment is cancelled, so the rows add up to ``shipped_quantity``."""

    line = models.ForeignKey(
        RetailerOrderLine, on_delete=models.CASCADE, related_name="shipment_links", verbose_name=_("order line")
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, related_name="retailer_order_lines", verbose_name=_("shipment")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("order line shipment")
        verbose_name_plural = _("order line shipments")
        ordering = ["line", "shipment"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderlineshipment_quantity_positive"),
            models.UniqueConstraint(fields=["line", "shipment"], name="orderlineshipment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} on {self.shipment_id}: {self.quantity}"

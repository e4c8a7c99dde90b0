"""Consumer orders from the online shop, pre-sales and stores: committed demand by requested week.

pending -> paid -> fulfilled (every unit on a dispatched shipment: dispatch on arrival, from a
warehouse of the order's ship-to ``region``, or of any region when it is blank); pending or paid
with nothing dispatched -> cancelled. A cancelled dispatch shipment gives its units back to waiting
(and a fulfilled order back to paid).

The shop posts each order once with an ``Idempotency-Key``; the key is unique in the database
and the request's fingerprint is stored with it, so a replay returns the stored order and a
reuse of the key for a different request is refused.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable

CONSUMER_ORDER_NUMBER_PATTERN = r"^CO-[0-9]{4}-[0-9]{6}$"


class ConsumerChannel(models.TextChoices):
    ONLINE = "online", _("Online shop")
    PRESALE = "presale", _("Pre-sale")
    STORE = "store", _("Store")
    FLASH = "flash", _("Flash sale")


class ConsumerOrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    FULFILLED = "fulfilled", _("Fulfilled")


COMMITTED_STATUSES = [ConsumerOrderStatus.PENDING, ConsumerOrderStatus.PAID]


class ConsumerOrderCounter(models.Model):
    """The last consumer-order number given out in a year; incremented with one conditional UPDATE."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("consumer order counter")
        verbose_name_plural = _("consumer order counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ConsumerOrder(TimeStamped):
    Channel = ConsumerChannel
    Status = ConsumerOrderStatus

    number = models.CharField(_("number"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsumerChannel.choices)
    customer_ref = models.CharField(_("customer reference"), max_length=100, validators=[validate_printable])
    requested_week = models.DateField(_("requested week (Monday)"))
    region = models.CharField(
        _("ship-to region"),
        max_length=64,
        blank=True,
        validators=[validate_printable],
        help_text=_("The region whose warehouses ship it; blank: any warehouse may."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConsumerOrderStatus.choices, default=ConsumerOrderStatus.PENDING
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
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
        verbose_name = _("consumer order")
        verbose_name_plural = _("consumer orders")
        ordering = ["-created_at", "-number"]
        permissions = [
            ("pay_consumerorder", "Can record a consumer order's payment"),
            ("cancel_consumerorder", "Can cancel a consumer order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=CONSUMER_ORDER_NUMBER_PATTERN), name="consumerorder_number_format"
            ),
            models.CheckConstraint(condition=Q(status__in=ConsumerOrderStatus.values), name="consumerorder_status"),
            models.CheckConstraint(condition=Q(channel__in=ConsumerChannel.values), name="consumerorder_channel"),
            models.CheckConstraint(condition=Q(requested_week__week_day=2), name="consumerorder_week_is_monday"),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="consumerorder_key_not_blank"),
            models.CheckConstraint(condition=~Q(customer_ref=""), name="consumerorder_customer_not_blank"),
            models.CheckConstraint(
                condition=Q(status=ConsumerOrderStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=ConsumerOrderStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="consumerorder_cancelled_at_when_cancelled",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsumerOrderStatus.PAID) | Q(paid_at__isnull=False),
                name="consumerorder_paid_at_when_paid",
            ),
            models.CheckConstraint(
                condition=Q(status=ConsumerOrderStatus.FULFILLED, fulfilled_at__isnull=False, paid_at__isnull=False)
                | (~Q(status=ConsumerOrderStatus.FULFILLED) & Q(fulfilled_at__isnull=True)),
                name="consumerorder_fulfilled_at_when_fulfilled",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_week"]), models.Index(fields=["requested_week"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("consumer-order-detail", args=[self.number])


class ConsumerOrderLine(models.Model):
    order = models.ForeignKey(
        ConsumerOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("consumer order")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="consumer_order_lines", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    dispatched_quantity = models.PositiveIntegerField(
        _("dispatched quantity"), default=0, help_text=_("Units on dispatched shipments (picked or later).")
    )

    class Meta:
        verbose_name = _("consumer order line")
        verbose_name_plural = _("consumer order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="consumerorderline_quantity_positive"),
            models.UniqueConstraint(fields=["order", "item"], name="consumerorderline_item_once"),
            models.CheckConstraint(
                condition=Q(dispatched_quantity__lte=F("quantity")), name="consumerorderline_dispatched_within_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.item_id} x {self.quantity}"

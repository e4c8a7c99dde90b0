"""Flash sales: a fixed quantity of one product sold in a time window, with a per-customer limit.

The sale's stock lives in ``FlashSaleCounter`` rows (``counter_shards`` of them, the quantity split
evenly): an order takes one unit with ONE conditional UPDATE on one row (``remaining > 0``), so no
code path can oversell, and several rows spread the lock contention of a hot sale over several rows.
``remaining >= 0`` is also a database constraint. ``taken`` only ever grows (a cancelled order gives
its unit back to ``remaining`` but not to ``taken``), so (shard, taken) numbers every order uniquely.

The per-customer limit is a row per (sale, customer) whose ``taken`` is raised with one conditional
upsert; ``taken <= max_units`` is a database constraint (the sale's limit is copied on the row for that).

Orders: accepted (a unit is held for the customer) -> paid (a consumer order of channel "flash" is
made and waits for dispatch like any paid order) or -> cancelled (the unit goes back to the sale), by
staff or, when the sale has a payment window, by the periodic expiry once the window has passed.
The ``Idempotency-Key`` is unique per sale with the request's fingerprint, so a replay returns the
stored order and a reuse of the key for another request is refused.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from orders.models.consumer import ConsumerOrder

FLASH_SALE_CODE_PATTERN = r"^FS-[0-9]{4}-[0-9]{3,}$"
MAX_COUNTER_SHARDS = 64
MAX_PAYMENT_MINUTES = 7 * 24 * 60


class FlashSaleChannel(models.TextChoices):
    ONLINE = "online", _("Online shop")
    APP = "app", _("Mobile app")
    STORE = "store", _("Own stores")


class FlashSaleCodeCounter(models.Model):
    """The last flash-sale number given out in a year (FS-2026-001)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("flash sale counter")
        verbose_name_plural = _("flash sale counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class FlashSale(TimeStamped):
    Channel = FlashSaleChannel

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="flash_sales", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"), help_text=_("Units on sale; never more are sold."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    per_customer_limit = models.PositiveIntegerField(_("per-customer limit"), default=1)
    channel = models.CharField(_("channel"), max_length=10, choices=FlashSaleChannel.choices)
    region = models.CharField(
        _("ship-to region"),
        max_length=64,
        blank=True,
        validators=[validate_printable],
        help_text=_("The region whose warehouses ship its paid orders; blank: any warehouse may."),
    )
    payment_minutes = models.PositiveIntegerField(
        _("payment window (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "An accepted order not paid within this many minutes is cancelled and its unit goes back on sale; "
            "blank: accepted orders wait for payment."
        ),
    )
    counter_shards = models.PositiveSmallIntegerField(
        _("counter rows"),
        default=1,
        help_text=_("How many rows the stock is split over, to spread lock contention of a hot sale."),
    )
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
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        ordering = ["-starts_at", "-code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=FLASH_SALE_CODE_PATTERN), name="flashsale_code_format"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="flashsale_quantity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="flashsale_ends_after_start"),
            models.CheckConstraint(condition=Q(per_customer_limit__gt=0), name="flashsale_limit_positive"),
            models.CheckConstraint(
                condition=Q(counter_shards__gte=1, counter_shards__lte=MAX_COUNTER_SHARDS),
                name="flashsale_shards_range",
            ),
            models.CheckConstraint(condition=Q(counter_shards__lte=F("quantity")), name="flashsale_shards_le_quantity"),
            models.CheckConstraint(condition=Q(channel__in=FlashSaleChannel.values), name="flashsale_channel"),
            models.CheckConstraint(condition=~Q(name=""), name="flashsale_name_not_blank"),
            models.CheckConstraint(
                condition=Q(payment_minutes__isnull=True)
                | Q(payment_minutes__gte=1, payment_minutes__lte=MAX_PAYMENT_MINUTES),
                name="flashsale_payment_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("flash-sale-detail", args=[self.code])


class FlashSaleCounter(models.Model):
    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="counters", verbose_name=_("sale"))
    shard = models.PositiveSmallIntegerField(_("row"))
    initial = models.PositiveIntegerField(_("initial units"))
    remaining = models.IntegerField(_("remaining units"))
    taken = models.PositiveIntegerField(_("units taken"), default=0, help_text=_("Only grows; numbers the orders."))

    class Meta:
        verbose_name = _("flash sale counter row")
        verbose_name_plural = _("flash sale counter rows")
        ordering = ["sale", "shard"]
        constraints = [
            models.UniqueConstraint(fields=["sale", "shard"], name="flashsalecounter_shard_once"),
            models.CheckConstraint(condition=Q(remaining__gte=0), name="flashsalecounter_remaining_not_negative"),
            models.CheckConstraint(condition=Q(remaining__lte=F("initial")), name="flashsalecounter_within_initial"),
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}/{self.shard}: {self.remaining} of {self.initial}"


class FlashSaleCustomer(models.Model):
    """Units a customer holds in a sale (accepted or paid orders)."""

    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="customers", verbose_name=_("sale"))
    customer_ref = models.CharField(_("customer reference"), max_length=100)
    taken = models.PositiveIntegerField(_("units held"), default=0)
    max_units = models.PositiveIntegerField(_("limit"))

    class Meta:
        verbose_name = _("flash sale customer")
        verbose_name_plural = _("flash sale customers")
        constraints = [
            models.UniqueConstraint(fields=["sale", "customer_ref"], name="flashsalecustomer_once"),
            models.CheckConstraint(condition=Q(taken__lte=F("max_units")), name="flashsalecustomer_within_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}/{self.customer_ref}: {self.taken}"


class FlashSaleOrderStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class FlashSaleOrder(models.Model):
    """Written by raw SQL on the hot path (no history row for its creation: the row itself says who and
    when); paying and cancelling are recorded in its history."""

    Status = FlashSaleOrderStatus

    sale = models.ForeignKey(FlashSale, on_delete=models.PROTECT, related_name="orders", verbose_name=_("sale"))
    number = models.CharField(_("number"), max_length=32, unique=True)
    customer_ref = models.CharField(_("customer reference"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    shard = models.PositiveSmallIntegerField(_("counter row"))
    status = models.CharField(
        _("status"), max_length=10, choices=FlashSaleOrderStatus.choices, default=FlashSaleOrderStatus.ACCEPTED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    consumer_order = models.OneToOneField(
        ConsumerOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flash_sale_order",
        verbose_name=_("consumer order"),
        help_text=_("Made when it is paid; dispatch serves it from there."),
    )
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
        verbose_name = _("flash sale order")
        verbose_name_plural = _("flash sale orders")
        ordering = ["-created_at", "-number"]
        permissions = [
            ("pay_flashsaleorder", "Can record a flash sale order's payment"),
            ("cancel_flashsaleorder", "Can cancel a flash sale order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sale", "idempotency_key"], name="flashsaleorder_key_once_per_sale"),
            models.CheckConstraint(condition=Q(status__in=FlashSaleOrderStatus.values), name="flashsaleorder_status"),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="flashsaleorder_key_not_blank"),
            models.CheckConstraint(condition=~Q(customer_ref=""), name="flashsaleorder_customer_not_blank"),
            models.CheckConstraint(
                condition=Q(status=FlashSaleOrderStatus.PAID, paid_at__isnull=False, consumer_order__isnull=False)
                | (~Q(status=FlashSaleOrderStatus.PAID) & Q(consumer_order__isnull=True)),
                name="flashsaleorder_paid_has_consumer_order",
            ),
            models.CheckConstraint(
                condition=Q(status=FlashSaleOrderStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=FlashSaleOrderStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="flashsaleorder_cancelled_at_when_cancelled",
            ),
        ]
        # The live counter counts a sale's recent orders: (sale, created_at) serves it.
        indexes = [models.Index(fields=["sale", "created_at"]), models.Index(fields=["sale", "status"])]

    def __str__(self) -> str:
        return self.number

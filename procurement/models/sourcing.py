"""Suppliers and what procurement knows about the components it buys.

Every invariant that can be stated on one row lives here as a database constraint.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Mod
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import SKU_PATTERN, Currency, Item, TimeStamped
from erp.validators import validate_printable

COUNTRY_PATTERN = r"^[A-Z]{2}$"
MAX_LEAD_TIME_DAYS = 365
BASE_CURRENCY = "CNY"
MIN_UNIT_PRICE = Decimal("0.000001")
MAX_PRICE_BREAKS = 5


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    NET30 = "net30", _("Net 30 days")
    NET60 = "net60", _("Net 60 days")
    NET90 = "net90", _("Net 90 days")


class SupplierStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    BLOCKED = "blocked", _("Blocked")


class Supplier(TimeStamped):
    """A company Tempo buys from, identified by its code."""

    Status = SupplierStatus
    Terms = PaymentTerms

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(SKU_PATTERN, _("Use upper-case letters, digits, '.', '_' or '-'."))],
        help_text=_("Upper-case letters, digits, '.', '_' and '-'; starts with a letter or digit."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(COUNTRY_PATTERN, _("Use a two-letter ISO 3166 code, e.g. CN."))],
        help_text=_("Two-letter ISO 3166 code, e.g. CN."),
    )
    currency = models.ForeignKey(
        Currency,
        on_delete=models.PROTECT,
        related_name="+",
        default=BASE_CURRENCY,
        verbose_name=_("currency"),
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True, validators=[validate_printable])
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True, validators=[validate_printable])
    payment_terms = models.CharField(
        _("payment terms"), max_length=16, choices=PaymentTerms.choices, default=PaymentTerms.NET60
    )
    status = models.CharField(_("status"), max_length=16, choices=SupplierStatus.choices, default=SupplierStatus.ACTIVE)
    status_reason = models.CharField(
        _("status reason"),
        max_length=500,
        blank=True,
        validators=[validate_printable],
        help_text=_("Why the supplier is on hold or blocked."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]
        permissions = [("block_supplier", "Can block a supplier")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SKU_PATTERN), name="supplier_code_format"),
            models.CheckConstraint(condition=~Q(name=""), name="supplier_name_not_blank"),
            models.CheckConstraint(condition=Q(country__regex=COUNTRY_PATTERN), name="supplier_country_format"),
            models.CheckConstraint(
                condition=Q(payment_terms__in=PaymentTerms.values), name="supplier_payment_terms_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=SupplierStatus.values), name="supplier_status_valid"),
            models.CheckConstraint(
                condition=Q(status=SupplierStatus.ACTIVE) | ~Q(status_reason=""),
                name="supplier_status_reason_when_not_active",
                violation_error_message=_("Say why the supplier is on hold or blocked."),
            ),
        ]
        indexes = [models.Index(fields=["status", "country"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("supplier-detail", args=[self.code])


class SupplierStatusChange(models.Model):
    """One change of a supplier's status: a record, never edited."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("supplier")
    )
    from_status = models.CharField(_("from status"), max_length=16, choices=SupplierStatus.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=SupplierStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True, validators=[validate_printable])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("changed by"),
        help_text=_("Empty for changes made by the system."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier status change")
        verbose_name_plural = _("supplier status changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=SupplierStatus.values) & Q(to_status__in=SupplierStatus.values),
                name="supplierstatuschange_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="supplierstatuschange_is_a_change"
            ),
            models.CheckConstraint(
                condition=Q(to_status=SupplierStatus.ACTIVE) | ~Q(reason=""),
                name="supplierstatuschange_reason_when_not_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.from_status} -> {self.to_status}"


class ComponentCategory(models.TextChoices):
    SCREEN = "screen", _("Screen")
    CHIP = "chip", _("Chip")
    MEMORY = "memory", _("Memory")
    STORAGE = "storage", _("Storage")
    BATTERY = "battery", _("Battery")
    CAMERA = "camera", _("Camera")
    SCREW = "screw", _("Screw")
    HOUSING = "housing", _("Housing")
    PCB = "pcb", _("PCB")
    CONNECTOR = "connector", _("Connector")
    PACKAGING = "packaging", _("Packaging")
    OTHER = "other", _("Other")


class ComponentProfile(TimeStamped):
    """What procurement knows about a component or assembly it buys."""

    Category = ComponentCategory

    item = models.OneToOneField(
        Item,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="component_profile",
        verbose_name=_("item"),
    )
    category = models.CharField(_("category"), max_length=16, choices=ComponentCategory.choices)
    customised = models.BooleanField(
        _("customised"), default=False, help_text=_("Made to Tempo's design rather than bought off the shelf.")
    )
    default_lead_time_days = models.PositiveSmallIntegerField(
        _("default lead time (days)"),
        default=0,
        validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)],
        help_text=_("Days from order to receipt when no offer says otherwise."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("component profile")
        verbose_name_plural = _("component profiles")
        ordering = ["item__sku"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ComponentCategory.values), name="componentprofile_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(default_lead_time_days__gte=0) & Q(default_lead_time_days__lte=MAX_LEAD_TIME_DAYS),
                name="componentprofile_lead_time_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku} ({self.category})"


class SupplierOffer(TimeStamped):
    """What a supplier offers a component or assembly for over a period: terms and price breaks.

    Offers of the same supplier and item may not overlap in time; the service checks that
    under a lock of the supplier row, as it needs other rows.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="offers", verbose_name=_("supplier"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="supplier_offers", verbose_name=_("item"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency"))
    moq = models.PositiveIntegerField(
        _("MOQ"), default=1, validators=[MinValueValidator(1)], help_text=_("Minimum order quantity.")
    )
    order_multiple = models.PositiveIntegerField(
        _("order multiple"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Orders are placed in multiples of this; the MOQ must be one."),
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), default=0, validators=[MaxValueValidator(MAX_LEAD_TIME_DAYS)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day in force; empty means open-ended.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier offer")
        verbose_name_plural = _("supplier offers")
        ordering = ["supplier__code", "item__sku", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "item", "valid_from"], name="supplieroffer_one_start"),
            models.CheckConstraint(condition=Q(moq__gte=1), name="supplieroffer_moq_positive"),
            models.CheckConstraint(condition=Q(order_multiple__gte=1), name="supplieroffer_order_multiple_positive"),
            models.CheckConstraint(
                condition=Exact(Mod("moq", Greatest("order_multiple", 1)), 0),  # no division by zero
                name="supplieroffer_moq_multiple",
                violation_error_message=_("The MOQ must be a multiple of the order multiple."),
            ),
            models.CheckConstraint(
                condition=Q(lead_time_days__gte=0) & Q(lead_time_days__lte=MAX_LEAD_TIME_DAYS),
                name="supplieroffer_lead_time_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="supplieroffer_period_ordered",
                violation_error_message=_("'Valid to' cannot be before 'valid from'."),
            ),
        ]
        indexes = [models.Index(fields=["item", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.supplier.code} {self.item.sku} from {self.valid_from}"

    def clean(self) -> None:
        # The constraints hold these rules; this only names the field at fault.
        errors = {}
        if self.moq and self.order_multiple and self.moq % self.order_multiple:
            errors["moq"] = _("The MOQ must be a multiple of the order multiple.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("'Valid to' cannot be before 'valid from'.")
        if errors:
            raise ValidationError(errors)


class PriceBreak(models.Model):
    """From ``min_qty`` pieces on, each costs ``unit_price`` in the offer's currency."""

    offer = models.ForeignKey(
        SupplierOffer, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("supplier offer")
    )
    min_qty = models.PositiveIntegerField(_("minimum quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=6, validators=[MinValueValidator(MIN_UNIT_PRICE)]
    )

    class Meta:
        verbose_name = _("price break")
        verbose_name_plural = _("price breaks")
        ordering = ["offer", "min_qty"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "min_qty"], name="pricebreak_one_per_qty"),
            models.CheckConstraint(condition=Q(min_qty__gte=1), name="pricebreak_min_qty_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="pricebreak_unit_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.min_qty}+ @ {self.unit_price}"

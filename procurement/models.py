"""Suppliers and what procurement knows about the components it buys.

Every invariant that can be stated on one row lives here as a database constraint.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import SKU_PATTERN, Currency, Item, TimeStamped
from erp.validators import validate_printable

COUNTRY_PATTERN = r"^[A-Z]{2}$"
MAX_LEAD_TIME_DAYS = 365
BASE_CURRENCY = "CNY"


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

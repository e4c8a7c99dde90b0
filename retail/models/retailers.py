"""Direct-supply retailers, the users who act for them and their portal notices (stores: ``stores.py``)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import SKU_PATTERN, TimeStamped
from erp.validators import validate_printable

_CODE = RegexValidator(SKU_PATTERN, _("Use upper-case letters, digits, '.', '_' or '-'."))


class RetailerTier(models.IntegerChoices):
    """Priority when stock is scarce: tier 1 is served first when an allocation honours tiers."""

    KEY = 1, _("Tier 1 (key account)")
    STANDARD = 2, _("Tier 2 (standard)")
    SMALL = 3, _("Tier 3 (small)")


class RetailerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class Retailer(TimeStamped):
    """A company the maker supplies directly; it prepays and orders through the portal or the API."""

    Tier = RetailerTier
    Status = RetailerStatus

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[_CODE])
    legal_name = models.CharField(_("legal name"), max_length=200, validators=[validate_printable])
    region = models.CharField(_("region"), max_length=64, validators=[validate_printable])
    tier = models.PositiveSmallIntegerField(_("tier"), choices=RetailerTier.choices, default=RetailerTier.STANDARD)
    status = models.CharField(_("status"), max_length=10, choices=RetailerStatus.choices, default=RetailerStatus.ACTIVE)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True, validators=[validate_printable])
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True, validators=[validate_printable])
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=200,
        default="100% prepayment",
        validators=[validate_printable],
        help_text=_("Orders are always held against the prepayment balance; this records the agreed terms."),
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retailer")
        verbose_name_plural = _("retailers")
        ordering = ["code"]
        permissions = [("onboard_retailer", "Can onboard retailers and invite their users")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SKU_PATTERN), name="retailer_code_format"),
            models.CheckConstraint(condition=~Q(legal_name=""), name="retailer_legal_name_not_blank"),
            models.CheckConstraint(condition=~Q(region=""), name="retailer_region_not_blank"),
            models.CheckConstraint(condition=Q(tier__in=RetailerTier.values), name="retailer_tier_valid"),
            models.CheckConstraint(condition=Q(status__in=RetailerStatus.values), name="retailer_status_valid"),
        ]
        indexes = [models.Index(fields=["region", "tier"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.legal_name}"

    def get_absolute_url(self) -> str:
        return reverse("retailer-detail", args=[self.code])


class RetailerUser(models.Model):
    """Makes a user act for a retailer: in the portal and through the API they see only its rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retailer_link", verbose_name=_("user")
    )
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="users", verbose_name=_("retailer"))
    is_admin = models.BooleanField(
        _("retailer admin"), default=False, help_text=_("May invite and deactivate the retailer's other users.")
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retailer user")
        verbose_name_plural = _("retailer users")
        ordering = ["retailer", "user"]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.retailer_id}"


class NoticeKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    ORDER = "order", _("Order")
    PREPAYMENT = "prepayment", _("Prepayment")


class RetailerNotice(models.Model):
    """A message for a retailer's users in the portal (an allocation applied, an order shipped, a deposit booked)."""

    Kind = NoticeKind

    retailer = models.ForeignKey(Retailer, on_delete=models.CASCADE, related_name="notices", verbose_name=_("retailer"))
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("retailer notice")
        verbose_name_plural = _("retailer notices")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid")]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.message[:40]}"

"""The shared kernel: items, the price list, currencies and FX rates.

Every invariant that can be stated on one row lives here as a database
constraint, so no code path (admin, API, import, shell) can break it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.validators import validate_printable

SKU_PATTERN = r"^[A-Z0-9][A-Z0-9._-]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
MIN_MONEY = Decimal("0.01")
MIN_RATE = Decimal("0.00000001")
# SQLite keeps decimals as doubles: above ~15 significant digits they come back altered.
MAX_RATE = Decimal("1000000")
MAX_BATCH_MULTIPLE = 10_000_000
MAX_CASE_PACK = 100_000


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ItemKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    ASSEMBLY = "assembly", _("Assembly")
    COMPONENT = "component", _("Component")


class ItemUnit(models.TextChoices):
    PIECE = "pcs", _("pieces")
    SET = "set", _("sets")
    KILOGRAM = "kg", _("kilograms")
    GRAM = "g", _("grams")
    METRE = "m", _("metres")
    MILLIMETRE = "mm", _("millimetres")
    LITRE = "l", _("litres")
    MILLILITRE = "ml", _("millilitres")
    ROLL = "roll", _("rolls")
    PACK = "pack", _("packs")


class ItemLifecycle(models.TextChoices):
    DEVELOPMENT = "development", _("In development")
    ACTIVE = "active", _("Active")
    PHASE_OUT = "phase_out", _("Phasing out")
    OBSOLETE = "obsolete", _("Obsolete")


class Item(TimeStamped):
    """Anything Tempo plans, buys, builds or sells, identified by its SKU."""

    Kind = ItemKind
    Unit = ItemUnit
    Lifecycle = ItemLifecycle

    sku = models.CharField(
        _("SKU"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(SKU_PATTERN, _("Use upper-case letters, digits, '.', '_' or '-'."))],
        help_text=_("Upper-case letters, digits, '.', '_' and '-'; starts with a letter or digit."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    lifecycle_status = models.CharField(
        _("lifecycle status"),
        max_length=16,
        choices=Lifecycle.choices,
        default=Lifecycle.ACTIVE,
    )
    batch_multiple = models.PositiveIntegerField(
        _("batch multiple"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BATCH_MULTIPLE)],
        help_text=_("Production and purchase quantities are rounded up to a multiple of this."),
    )
    case_pack = models.PositiveIntegerField(
        _("case pack"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CASE_PACK)],
        help_text=_("Units in one shipping case; store replenishment ships whole cases."),
    )
    family = models.CharField(
        _("family"),
        max_length=100,
        blank=True,
        validators=[validate_printable],
        help_text=_("Product family, e.g. 'Phones'."),
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(sku__regex=SKU_PATTERN), name="item_sku_format"),
            models.CheckConstraint(condition=~Q(name=""), name="item_name_not_blank"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="item_kind_valid"),
            models.CheckConstraint(condition=Q(unit__in=ItemUnit.values), name="item_unit_valid"),
            models.CheckConstraint(
                condition=Q(lifecycle_status__in=ItemLifecycle.values),
                name="item_lifecycle_valid",
            ),
            models.CheckConstraint(
                condition=Q(batch_multiple__gte=1) & Q(batch_multiple__lte=MAX_BATCH_MULTIPLE),
                name="item_batch_multiple_range",
            ),
            models.CheckConstraint(
                condition=Q(case_pack__gte=1) & Q(case_pack__lte=MAX_CASE_PACK),
                name="item_case_pack_range",
            ),
        ]
        indexes = [models.Index(fields=["kind", "lifecycle_status"])]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("item-detail", args=[self.sku])


class Currency(TimeStamped):
    code = models.CharField(
        _("code"),
        max_length=3,
        primary_key=True,
        validators=[RegexValidator(CURRENCY_PATTERN, _("Use a three-letter ISO 4217 code, e.g. USD."))],
    )
    name = models.CharField(_("name"), max_length=64, validators=[validate_printable])
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=2, validators=[MaxValueValidator(4)])
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CURRENCY_PATTERN), name="currency_code_format"),
            models.CheckConstraint(condition=Q(decimal_places__lte=4), name="currency_decimal_places_max_4"),
        ]

    def __str__(self) -> str:
        return self.code


class FxRate(TimeStamped):
    """How many CNY one unit of ``currency`` was worth on ``date``."""

    currency = models.ForeignKey(
        Currency,
        on_delete=models.PROTECT,
        related_name="fx_rates",
        verbose_name=_("currency"),
    )
    date = models.DateField(_("date"))
    rate = models.DecimalField(
        _("rate to CNY"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(MIN_RATE), MaxValueValidator(MAX_RATE)],
        help_text=_("CNY per one unit of the currency."),
    )
    source = models.CharField(_("source"), max_length=64, blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("FX rate")
        verbose_name_plural = _("FX rates")
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="fxrate_one_per_currency_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=0) & Q(rate__lte=MAX_RATE), name="fxrate_rate_range"),
            models.CheckConstraint(condition=~Q(currency="CNY"), name="fxrate_not_base_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.date}: {self.rate}"


class Price(TimeStamped):
    """A price-list period for one product, in CNY. Online and offline share it."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="prices", verbose_name=_("item"))
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(MIN_MONEY)]
    )
    retailer_price = models.DecimalField(
        _("retailer price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(MIN_MONEY)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day in force; empty means open-ended."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["item__sku", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "valid_from"], name="price_one_start_per_item"),
            models.CheckConstraint(condition=Q(list_price__gt=0), name="price_list_price_positive"),
            models.CheckConstraint(condition=Q(retailer_price__gt=0), name="price_retailer_price_positive"),
            models.CheckConstraint(
                condition=Q(retailer_price__lte=F("list_price")),
                name="price_retailer_not_above_list",
                violation_error_message=_("The retailer price cannot be above the list price."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_period_ordered",
                violation_error_message=_("'Valid to' cannot be before 'valid from'."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku} from {self.valid_from}"

    def clean(self) -> None:
        # The constraints below hold these rules; this only names the field at fault.
        errors = {}
        if self.list_price and self.retailer_price and self.retailer_price > self.list_price:
            errors["retailer_price"] = _("The retailer price cannot be above the list price.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("'Valid to' cannot be before 'valid from'.")
        if errors:
            raise ValidationError(errors)


class ImportRun(models.Model):
    """One upload of a workbook into a dataset: who, when, which file, what it did or would do."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    dataset = models.CharField(_("dataset"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True)
    dry_run = models.BooleanField(_("dry run"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("by"),
        help_text=_("Empty for imports run from the command line."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("to create / created"), default=0)
    updated_count = models.PositiveIntegerField(_("to update / updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(
        _("errors"), default=list, blank=True, help_text=_("The first errors: row, column, message.")
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]), name="importrun_status_valid"
            ),
            models.CheckConstraint(condition=~Q(file_name=""), name="importrun_file_name_not_blank"),
        ]
        indexes = [models.Index(fields=["dataset", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.dataset} import #{self.pk} ({self.file_name})"

    def get_absolute_url(self) -> str:
        return reverse("excel-run-detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class TokenScope(models.TextChoices):
    """Which kind of caller an API token acts as; views declare the scopes they accept."""

    STAFF = "staff", _("Staff")
    RETAILER = "retailer", _("Retailer")
    SUPPLIER = "supplier", _("Supplier")
    FACTORY = "factory", _("Factory")
    SHOP = "shop", _("Shop")


class ApiTokenStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    """Tempo's record of a knox token: its scope and label, and who made and revoked it.

    The row outlives the knox token (SET_NULL) so the token page and the history keep
    what happened to it after revocation or expiry.
    """

    token = models.OneToOneField(
        "knox.AuthToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="tempo_token"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    token_key = models.CharField(_("token prefix"), max_length=25)
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expiry = models.DateTimeField(_("expiry"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=TokenScope.values), name="apitoken_scope_valid"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(token__isnull=True), name="apitoken_revoked_has_no_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.scope})"

    def status_at(self, now) -> str:
        """Revoked (by Tempo, or its knox token deleted before it expired, e.g. by the API's revoke
        endpoints), expired, or active. ``erp.selectors.api_token_status_q`` is the same rule in SQL."""
        if self.revoked_at is not None:
            return ApiTokenStatus.REVOKED
        if self.expiry is not None and self.expiry < now:
            return ApiTokenStatus.EXPIRED
        if self.token_id is None:
            return ApiTokenStatus.REVOKED
        return ApiTokenStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return ApiTokenStatus(self.status).label

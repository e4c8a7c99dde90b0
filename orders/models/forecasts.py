"""Forecast versions and their weekly values, demand signals and sales actuals.

Weeks are stored as the ISO week's Monday (a ``DateField``); a check constraint refuses any
other day. Pages, the API and Excel show them as ISO week keys (``2026-W48``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable

MONDAY = Q(week__week_day=2)  # Django's week_day: 1 = Sunday, 2 = Monday


class ForecastMethod(models.TextChoices):
    MANUAL = "manual", _("Manual")
    IMPORT = "import", _("Excel import")
    API = "api", _("API")
    NAIVE = "naive", _("Naive (last week)")
    MOVING_AVERAGE = "moving_average", _("Moving average")
    SIGNAL_ADJUSTED = "signal_adjusted", _("Signal-adjusted")


GENERATED_METHODS = [ForecastMethod.NAIVE, ForecastMethod.MOVING_AVERAGE, ForecastMethod.SIGNAL_ADJUSTED]


class SignalSource(models.TextChoices):
    SEARCH = "search", _("Search index")
    FORUM = "forum", _("Forum topic heat")
    SOCIAL = "social", _("Social topic heat")


class ForecastVersion(TimeStamped):
    """A numbered set of forecast values. Exactly one version is current: the demand plan reads it."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[validate_printable])
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    is_current = models.BooleanField(_("current"), default=False)
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
        verbose_name = _("forecast version")
        verbose_name_plural = _("forecast versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="forecastversion_one_current",
                violation_error_message=_("Only one forecast version can be current."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="forecastversion_number_positive"),
            models.CheckConstraint(condition=~Q(name=""), name="forecastversion_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name}"


class ForecastValue(models.Model):
    """The forecast of one product for one week in one version, with the method that produced it.

    Values are written in bulk (a grid, a file, a generation run); who wrote each and when is kept
    on the row, and every write adds a history entry to the version naming the change.
    """

    Method = ForecastMethod

    version = models.ForeignKey(
        ForecastVersion, on_delete=models.CASCADE, related_name="values", verbose_name=_("version")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="forecast_values", verbose_name=_("item"))
    week = models.DateField(_("week (Monday)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    method = models.CharField(_("method"), max_length=20, choices=ForecastMethod.choices)
    method_param = models.PositiveSmallIntegerField(_("method parameter"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("forecast value")
        verbose_name_plural = _("forecast values")
        ordering = ["version", "item", "week"]
        constraints = [
            models.UniqueConstraint(fields=["version", "item", "week"], name="forecastvalue_unique_cell"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="forecastvalue_quantity_not_negative"),
            models.CheckConstraint(condition=MONDAY, name="forecastvalue_week_is_monday"),
            models.CheckConstraint(condition=Q(method__in=ForecastMethod.values), name="forecastvalue_method_valid"),
            models.CheckConstraint(
                condition=Q(method=ForecastMethod.MOVING_AVERAGE, method_param__gte=1)
                | (~Q(method=ForecastMethod.MOVING_AVERAGE) & Q(method_param__isnull=True)),
                name="forecastvalue_param_for_moving_average",
            ),
        ]
        indexes = [models.Index(fields=["version", "week"])]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.item_id}/{self.week}: {self.quantity}"


class DemandSignal(TimeStamped):
    """Weekly topic heat of a product from one source (search index, forum, social), imported weekly."""

    Source = SignalSource

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="demand_signals", verbose_name=_("item"))
    week = models.DateField(_("week (Monday)"))
    source = models.CharField(_("source"), max_length=10, choices=SignalSource.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demand signal")
        verbose_name_plural = _("demand signals")
        ordering = ["item", "week", "source"]
        constraints = [
            models.UniqueConstraint(fields=["item", "week", "source"], name="demandsignal_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="demandsignal_value_not_negative"),
            models.CheckConstraint(condition=MONDAY, name="demandsignal_week_is_monday"),
            models.CheckConstraint(condition=Q(source__in=SignalSource.values), name="demandsignal_source_valid"),
        ]
        indexes = [models.Index(fields=["week", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.week} {self.source}: {self.value}"


class SalesActual(TimeStamped):
    """Units sold of a product in a week, per channel ('' when the source does not split by channel)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="sales_actuals", verbose_name=_("item"))
    week = models.DateField(_("week (Monday)"))
    channel = models.CharField(_("channel"), max_length=32, blank=True, default="", validators=[validate_printable])
    quantity = models.PositiveIntegerField(_("quantity"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales actual")
        verbose_name_plural = _("sales actuals")
        ordering = ["item", "week", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["item", "week", "channel"], name="salesactual_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="salesactual_quantity_not_negative"),
            models.CheckConstraint(condition=MONDAY, name="salesactual_week_is_monday"),
        ]
        indexes = [models.Index(fields=["week", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.week} {self.channel or '-'}: {self.quantity}"

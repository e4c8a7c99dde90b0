"""Where goods are: warehouses, factory stores, stores, in transit; and the factories that make products."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import SKU_PATTERN, Item, TimeStamped
from erp.validators import validate_printable

WORKING_DAYS_PATTERN = r"^[01]{7}$"
_CODE = RegexValidator(SKU_PATTERN, _("Use upper-case letters, digits, '.', '_' or '-'."))


class Factory(TimeStamped):
    """A contract manufacturer that builds Tempo's products."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[_CODE])
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    country = models.CharField(_("country"), max_length=2, default="CN")
    working_days = models.CharField(
        _("working days"),
        max_length=7,
        default="1111110",
        validators=[RegexValidator(WORKING_DAYS_PATTERN, _("Seven 0/1 flags, Monday first, e.g. 1111110."))],
        help_text=_("Seven 0/1 flags, Monday first: 1111110 works Monday to Saturday."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("factory")
        verbose_name_plural = _("factories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SKU_PATTERN), name="factory_code_format"),
            models.CheckConstraint(condition=Q(working_days__regex=WORKING_DAYS_PATTERN), name="factory_working_days"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def working_day_count(self) -> int:
        return self.working_days.count("1")


class FactoryCapacity(TimeStamped):
    """How many units of a product a factory can build in a week."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("factory"))
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="factory_capacities", verbose_name=_("product")
    )
    weekly_capacity = models.PositiveIntegerField(_("weekly capacity"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("factory capacity")
        verbose_name_plural = _("factory capacities")
        ordering = ["factory__code", "item__sku"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "item"], name="factorycapacity_one_per_product"),
            models.CheckConstraint(condition=Q(weekly_capacity__gte=1), name="factorycapacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.factory.code} {self.item.sku}: {self.weekly_capacity}/week"


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    FACTORY_STORE = "factory_store", _("Factory store")
    STORE = "store", _("Store")
    IN_TRANSIT = "in_transit", _("In transit")


class Location(TimeStamped):
    """A place stock is counted in. A factory store belongs to its factory."""

    Kind = LocationKind

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[_CODE])
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    kind = models.CharField(_("kind"), max_length=16, choices=LocationKind.choices)
    region = models.CharField(_("region"), max_length=64, blank=True, validators=[validate_printable])
    factory = models.ForeignKey(
        Factory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("factory"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SKU_PATTERN), name="location_code_format"),
            models.CheckConstraint(condition=Q(kind__in=LocationKind.values), name="location_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=LocationKind.FACTORY_STORE, factory__isnull=False)
                | (~Q(kind=LocationKind.FACTORY_STORE) & Q(factory__isnull=True)),
                name="location_factory_store_has_factory",
                violation_error_message=_("A factory store names its factory; other locations do not."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

"""Bills of materials and the per-unit costs that are not bought parts."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable

MAX_SCRAP_PCT = Decimal("99.99")
MIN_QTY_PER = Decimal("0.0001")


class BomLine(TimeStamped):
    """``qty_per`` of ``child`` go into one ``parent``, plus ``scrap_pct`` percent lost in assembly.

    A parent is a product or an assembly; a child is an assembly or a component. Lines of the same
    parent and child may not overlap in time and the structure may not loop; the service checks
    both, as they need other rows.
    """

    parent = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bom_lines", verbose_name=_("parent"))
    child = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="used_in", verbose_name=_("component"))
    qty_per = models.DecimalField(
        _("quantity per parent"), max_digits=12, decimal_places=4, validators=[MinValueValidator(MIN_QTY_PER)]
    )
    scrap_pct = models.DecimalField(
        _("scrap %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_SCRAP_PCT)],
        help_text=_("Share of the component lost in assembly, in percent: 2.5 means 2.5%."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day in force; empty means open-ended.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("BOM line")
        verbose_name_plural = _("BOM lines")
        ordering = ["parent__sku", "child__sku", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "child", "valid_from"], name="bomline_one_start"),
            models.CheckConstraint(
                condition=~Q(parent=F("child")),
                name="bomline_not_own_parent",
                violation_error_message=_("An item cannot be a component of itself."),
            ),
            models.CheckConstraint(condition=Q(qty_per__gt=0), name="bomline_qty_per_positive"),
            models.CheckConstraint(
                condition=Q(scrap_pct__gte=0) & Q(scrap_pct__lte=MAX_SCRAP_PCT), name="bomline_scrap_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="bomline_period_ordered",
                violation_error_message=_("'Valid to' cannot be before 'valid from'."),
            ),
        ]
        indexes = [models.Index(fields=["parent", "valid_from"]), models.Index(fields=["child"])]

    def __str__(self) -> str:
        return f"{self.parent.sku} <- {self.qty_per} x {self.child.sku}"

    def clean(self) -> None:
        # The constraints hold these rules; this only names the field at fault.
        errors = {}
        if self.parent_id and self.parent_id == self.child_id:
            errors["child"] = _("An item cannot be a component of itself.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("'Valid to' cannot be before 'valid from'.")
        if errors:
            raise ValidationError(errors)


class CostRates(TimeStamped):
    """What one unit of a product or assembly costs beyond its parts, in CNY.

    Conversion is the factory's assembly and test charge; logistics is freight and duty to the
    warehouse. Both are added on top of the rolled-up material cost.
    """

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="cost_rates", verbose_name=_("item")
    )
    conversion_cost = models.DecimalField(
        _("conversion cost (CNY)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Assembly and test charge per unit."),
    )
    logistics_cost = models.DecimalField(
        _("logistics cost (CNY)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Freight and duty per unit."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_printable])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost rates")
        verbose_name_plural = _("cost rates")
        ordering = ["item__sku"]
        constraints = [
            models.CheckConstraint(condition=Q(conversion_cost__gte=0), name="costrates_conversion_not_negative"),
            models.CheckConstraint(condition=Q(logistics_cost__gte=0), name="costrates_logistics_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku}: {self.conversion_cost} + {self.logistics_cost}"


class StandardCost(models.Model):
    """A product's standard unit cost: its cost roll-up frozen on a date, so reports that value stock
    (inventory turnover) read one number per product instead of rolling up BOMs on every request.
    Refreshed on demand by ``standard_costs_refresh``."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="standard_cost", verbose_name=_("item")
    )
    unit_cost = models.DecimalField(
        _("unit cost (CNY)"), max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    costed_on = models.DateField(_("costed on"))
    lot = models.PositiveIntegerField(_("costing lot"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("standard cost")
        verbose_name_plural = _("standard costs")
        ordering = ["item__sku"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="standardcost_not_negative"),
            models.CheckConstraint(condition=Q(lot__gte=1), name="standardcost_lot_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.unit_cost}"

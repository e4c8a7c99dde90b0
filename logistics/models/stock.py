"""The stock ledger: immutable moves, the levels they add up to, and counts that correct the levels.

A ``StockMove`` is never changed or deleted; a mistake is corrected by another move. A
``StockLevel`` is the materialized sum of the moves into and out of one location for one item,
written by the services in the same transaction as the move. The database refuses a negative
level and a reservation above what is on hand, whatever the code does.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from logistics.models.network import Location


class StockMoveReason(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER = "transfer", _("Transfer")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Count")
    PRODUCTION = "production", _("Production")


class StockMove(models.Model):
    """``qty`` units of ``item`` leaving ``from_location`` and/or arriving at ``to_location``."""

    Reason = StockMoveReason

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="stock_moves", verbose_name=_("item"))
    qty = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    from_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves_out",
        verbose_name=_("from"),
    )
    to_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves_in",
        verbose_name=_("to"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=StockMoveReason.choices)
    reference = models.CharField(_("reference"), max_length=200, blank=True, validators=[validate_printable])
    moved_at = models.DateTimeField(_("moved at"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-moved_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(qty__gte=1), name="stockmove_qty_positive"),
            models.CheckConstraint(condition=Q(reason__in=StockMoveReason.values), name="stockmove_reason_valid"),
            models.CheckConstraint(
                condition=Q(from_location__isnull=False) | Q(to_location__isnull=False),
                name="stockmove_has_a_location",
                violation_error_message=_("A move needs a location to come from, to go to, or both."),
            ),
            models.CheckConstraint(
                condition=Q(from_location__isnull=True)
                | Q(to_location__isnull=True)
                | ~Q(from_location=F("to_location")),
                name="stockmove_locations_differ",
                violation_error_message=_("A move cannot go from a location to the same location."),
            ),
        ]
        indexes = [
            models.Index(fields=["item", "from_location"]),
            models.Index(fields=["item", "to_location"]),
        ]

    def __str__(self) -> str:
        source = self.from_location.code if self.from_location_id else "-"
        target = self.to_location.code if self.to_location_id else "-"
        return f"{self.item.sku} {self.qty} {source} -> {target} ({self.reason})"


class StockLevel(models.Model):
    """What one location holds of one item: on hand, and how much of that is reserved."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("item"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("location")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["item__sku", "location__code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "location"], name="stocklevel_one_per_item_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stocklevel_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="stocklevel_reserved_within_on_hand",
            ),
        ]
        indexes = [models.Index(fields=["location", "item"])]

    def __str__(self) -> str:
        return f"{self.item.sku} @ {self.location.code}: {self.on_hand}"

    def get_absolute_url(self) -> str:
        return reverse("stock-item-location", args=[self.item.sku, self.location.code])

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockCountStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class StockCount(TimeStamped):
    """A physical count of some items at one location; posting it writes adjustment moves."""

    Status = StockCountStatus

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="stock_counts", verbose_name=_("location")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=StockCountStatus.choices, default=StockCountStatus.DRAFT
    )
    counted_at = models.DateTimeField(_("counted at"))
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_at", "-pk"]
        permissions = [("post_stockcount", "Can post a stock count")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StockCountStatus.values), name="stockcount_status_valid"),
            models.CheckConstraint(
                condition=Q(status=StockCountStatus.POSTED, posted_at__isnull=False)
                | Q(status=StockCountStatus.DRAFT, posted_at__isnull=True),
                name="stockcount_posted_at_when_posted",
            ),
        ]

    def __str__(self) -> str:
        return f"Count {self.pk} @ {self.location.code}"

    def get_absolute_url(self) -> str:
        return reverse("stock-count-detail", args=[self.pk])


class StockCountLine(models.Model):
    """One item's counted quantity; ``expected`` is the level on hand when the count was posted."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("count"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    counted = models.PositiveIntegerField(_("counted"))
    expected = models.IntegerField(_("expected"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["count", "item__sku"]
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="stockcountline_one_per_item"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="stockcountline_counted_not_negative"),
            models.CheckConstraint(
                condition=Q(expected__isnull=True) | Q(expected__gte=0), name="stockcountline_expected_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku}: {self.counted}"


# Seconds are counted from this instant in the flow tables, so sums of quantity x seconds stay well
# inside a 64-bit integer for any realistic day.
FLOW_EPOCH_ISO = "2020-01-01T00:00:00+00:00"
FLOW_EPOCH = datetime.fromisoformat(FLOW_EPOCH_ISO)


def flow_seconds(moment: datetime) -> int:
    return int((moment - FLOW_EPOCH).total_seconds())


class StockFlowDay(models.Model):
    """One item's movements at one location on one business day (Asia/Shanghai), summed as moves are posted.

    ``net_in`` is units in minus units out, ``weighted`` the sum of signed units x seconds since
    ``FLOW_EPOCH_ISO`` (what a time-weighted average inventory needs), ``issued`` the units that left
    stock to customers (issues to nowhere). Reports over weeks read these rows, not every move.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+", verbose_name=_("item"))
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("location"))
    day = models.DateField(_("day"))
    net_in = models.BigIntegerField(_("net units in"), default=0)
    weighted = models.BigIntegerField(_("units x seconds"), default=0)
    issued = models.BigIntegerField(_("units issued"), default=0)

    class Meta:
        verbose_name = _("daily stock flow")
        verbose_name_plural = _("daily stock flows")
        constraints = [
            models.UniqueConstraint(fields=["item", "location", "day"], name="stockflowday_once"),
            models.CheckConstraint(condition=Q(issued__gte=0), name="stockflowday_issued_not_negative"),
        ]
        indexes = [models.Index(fields=["day", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.location_id} {self.day}: {self.net_in}"


class ItemFlowDay(models.Model):
    """The same sums for the whole network (transfers cancel out): one row per item and business day."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+", verbose_name=_("item"))
    day = models.DateField(_("day"))
    net_in = models.BigIntegerField(_("net units in"), default=0)
    weighted = models.BigIntegerField(_("units x seconds"), default=0)
    issued = models.BigIntegerField(_("units issued"), default=0)

    class Meta:
        verbose_name = _("daily item flow")
        verbose_name_plural = _("daily item flows")
        constraints = [
            models.UniqueConstraint(fields=["item", "day"], name="itemflowday_once"),
            models.CheckConstraint(condition=Q(issued__gte=0), name="itemflowday_issued_not_negative"),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.day}: {self.net_in}"

"""The versioned production schedule: per factory x product x ISO week, spread over working days,
and the daily output factories report against it.

A week is stored as the date of its Monday (a CheckConstraint says so); pages, the API and Excel
show it as an ISO week key such as ``2026-W48``. Only a draft version is edited; locking freezes it.
At most one draft exists at a time (a partial unique constraint), and a lock is one conditional UPDATE.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from logistics.models.network import Factory

# Django's week_day lookup: 1 = Sunday, 2 = Monday.
MONDAY = Q(week__week_day=2)


class ScheduleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LOCKED = "locked", _("Locked")


class ScheduleVersion(TimeStamped):
    """One numbered version of the whole schedule: a draft being edited, or locked (frozen) with who, when, why."""

    Status = ScheduleStatus

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(_("status"), max_length=8, choices=ScheduleStatus.choices, default=ScheduleStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    lock_reason = models.CharField(_("lock reason"), max_length=500, blank=True, validators=[validate_printable])

    class Meta:
        verbose_name = _("schedule version")
        verbose_name_plural = _("schedule versions")
        ordering = ["-number"]
        permissions = [("lock_scheduleversion", "Can lock a production schedule version")]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="scheduleversion_number_positive"),
            models.CheckConstraint(condition=Q(status__in=ScheduleStatus.values), name="scheduleversion_status_valid"),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=ScheduleStatus.DRAFT),
                name="scheduleversion_one_draft",
                violation_error_message=_("There is already a draft schedule version."),
            ),
            models.CheckConstraint(
                condition=(Q(status=ScheduleStatus.LOCKED, locked_at__isnull=False) & ~Q(lock_reason=""))
                | Q(status=ScheduleStatus.DRAFT, locked_at__isnull=True, locked_by__isnull=True, lock_reason=""),
                name="scheduleversion_locked_with_reason",
                violation_error_message=_("A locked version has a time and a reason; a draft has neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("schedule-version-detail", args=[self.number])

    @property
    def is_draft(self) -> bool:
        return self.status == ScheduleStatus.DRAFT


class ScheduleLine(models.Model):
    """How many units of a product a factory builds in one ISO week of one version."""

    version = models.ForeignKey(
        ScheduleVersion, on_delete=models.CASCADE, related_name="lines", verbose_name=_("version")
    )
    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="schedule_lines", verbose_name=_("factory")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="schedule_lines", verbose_name=_("product"))
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("schedule line")
        verbose_name_plural = _("schedule lines")
        ordering = ["version", "factory__code", "item__sku", "week"]
        constraints = [
            models.UniqueConstraint(fields=["version", "factory", "item", "week"], name="scheduleline_one_per_cell"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="scheduleline_quantity_not_negative"),
            models.CheckConstraint(condition=MONDAY, name="scheduleline_week_is_monday"),
        ]
        indexes = [models.Index(fields=["version", "week"])]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.factory_id}/{self.item_id} {self.week}: {self.quantity}"


class ScheduleDay(models.Model):
    """A line's quantity on one working day of its week; the days of a line add up to its quantity."""

    line = models.ForeignKey(ScheduleLine, on_delete=models.CASCADE, related_name="days", verbose_name=_("line"))
    date = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("schedule day")
        verbose_name_plural = _("schedule days")
        ordering = ["line", "date"]
        constraints = [
            models.UniqueConstraint(fields=["line", "date"], name="scheduleday_one_per_date"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="scheduleday_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.date}: {self.quantity}"


class ProductionActual(TimeStamped):
    """What a factory built of a product on one day; posting the same day again replaces the figure."""

    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="production_actuals", verbose_name=_("factory")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="production_actuals", verbose_name=_("product")
    )
    date = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        verbose_name = _("production actual")
        verbose_name_plural = _("production actuals")
        ordering = ["-date", "factory__code", "item__sku"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "item", "date"], name="productionactual_one_per_day"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="productionactual_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.factory_id}/{self.item_id} {self.date}: {self.quantity}"


class FactoryUser(models.Model):
    """Makes a user a factory's integration user: its API token sees only that factory's schedule."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factory_link", verbose_name=_("user")
    )
    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="users", verbose_name=_("factory"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("factory user")
        verbose_name_plural = _("factory users")
        ordering = ["factory", "user"]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.factory_id}"


class FactoryOrderSheet(models.Model):
    """A factory's weekly order sheet, issued when a schedule version is locked for a week.

    The workbook is built from the locked version on download, so it can never differ from the
    frozen plan; the row records that it was issued and when the factory first fetched it.
    """

    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="order_sheets", verbose_name=_("factory")
    )
    version = models.ForeignKey(
        ScheduleVersion, on_delete=models.PROTECT, related_name="order_sheets", verbose_name=_("schedule version")
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ordered week."))
    lines = models.PositiveIntegerField(_("products"), default=0)
    units = models.PositiveIntegerField(_("units"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    first_downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("factory order sheet")
        verbose_name_plural = _("factory order sheets")
        ordering = ["-week", "factory__code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "version", "week"], name="factoryordersheet_once"),
            models.CheckConstraint(condition=MONDAY, name="factoryordersheet_week_monday"),
        ]

    def __str__(self) -> str:
        return f"{self.factory_id} v{self.version_id} {self.week}"

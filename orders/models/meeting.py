"""The weekly order meeting: one record per ISO week, the edits made in it and the decisions taken.

A meeting edits the one draft schedule version (logistics) and, when locked, points at the locked
version it produced. Each planned-production edit is kept with who, when, old and new value and an
optional comment; decisions are free text linked, when they are about one, to a product/week cell.
Locking and unlocking are recorded in the meeting's history (django-simple-history) with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from logistics.models import MrpRun, ScheduleVersion
from procurement.models import PurchaseOrder

MONDAY = Q(week__week_day=2)  # Django's week_day: 1 = Sunday, 2 = Monday


class MeetingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("meeting status", "Open")
    LOCKED = "locked", pgettext_lazy("meeting status", "Locked")


class MeetingWeek(TimeStamped):
    Status = MeetingStatus

    week = models.DateField(_("week"), unique=True, help_text=_("The Monday of the meeting's ISO week."))
    status = models.CharField(_("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.OPEN)
    schedule = models.ForeignKey(
        ScheduleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("schedule version"),
        help_text=_("The draft it edits while open; the version it locked once locked."),
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
    status_reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        validators=[validate_printable],
        help_text=_("Why it was last locked or unlocked."),
    )
    # What locking produced: the MRP run it asked for, the draft purchase orders made from that run's
    # shortages, and when that was done (empty while the run is still going).
    mrp_run = models.ForeignKey(
        MrpRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("MRP run")
    )
    draft_purchase_orders = models.ManyToManyField(
        PurchaseOrder, blank=True, related_name="+", verbose_name=_("draft purchase orders")
    )
    outputs_at = models.DateTimeField(_("lock outputs made at"), null=True, blank=True)
    outputs_note = models.CharField(
        _("lock outputs note"),
        max_length=2000,
        blank=True,
        help_text=_("Shortages that could not be ordered, and why."),
    )
    history = HistoricalRecords(excluded_fields=["outputs_note"])

    class Meta:
        verbose_name = _("order meeting")
        verbose_name_plural = _("order meetings")
        ordering = ["-week"]
        permissions = [("unlock_meetingweek", "Can unlock a locked order meeting")]
        constraints = [
            models.CheckConstraint(condition=MONDAY, name="meetingweek_week_is_monday"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meetingweek_status_valid"),
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.LOCKED, locked_at__isnull=False, schedule__isnull=False)
                | Q(status=MeetingStatus.OPEN, locked_at__isnull=True, locked_by__isnull=True),
                name="meetingweek_locked_has_time_and_schedule",
            ),
        ]

    def __str__(self) -> str:
        from erp.weeks import IsoWeek

        return IsoWeek.of(self.week).key

    @property
    def is_locked(self) -> bool:
        return self.status == MeetingStatus.LOCKED


class MeetingCellEdit(models.Model):
    """One saved edit of a planned-production cell (product x week) in a meeting."""

    meeting = models.ForeignKey(MeetingWeek, on_delete=models.CASCADE, related_name="edits", verbose_name=_("meeting"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    plan_week = models.DateField(_("planned week"), help_text=_("The Monday of the edited week."))
    old_quantity = models.PositiveIntegerField(_("old quantity"))
    new_quantity = models.PositiveIntegerField(_("new quantity"))
    comment = models.CharField(_("comment"), max_length=500, blank=True, validators=[validate_printable])
    source = models.CharField(
        _("source"), max_length=16, default="grid", help_text=_("grid, workbook or api: where the edit was made.")
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    edited_at = models.DateTimeField(_("edited at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("planned-production edit")
        verbose_name_plural = _("planned-production edits")
        ordering = ["-edited_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(plan_week__week_day=2), name="meetingcelledit_week_is_monday"),
            models.CheckConstraint(condition=~Q(old_quantity=models.F("new_quantity")), name="meetingcelledit_changes"),
        ]
        indexes = [models.Index(fields=["meeting", "item", "plan_week"], name="meetingcelledit_cell")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.plan_week}: {self.old_quantity} -> {self.new_quantity}"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(
        MeetingWeek, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.CharField(_("decision"), max_length=500, validators=[validate_printable])
    reason = models.CharField(_("why"), max_length=1000, blank=True, validators=[validate_printable])
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    plan_week = models.DateField(_("planned week"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="meetingdecision_text_not_blank"),
            models.CheckConstraint(
                condition=Q(plan_week__isnull=True) | Q(plan_week__week_day=2), name="meetingdecision_week_is_monday"
            ),
            # A cell is a product and a week: a week alone links to nothing.
            models.CheckConstraint(
                condition=Q(plan_week__isnull=True) | Q(item__isnull=False), name="meetingdecision_week_needs_product"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

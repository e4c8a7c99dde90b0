"""Results of MRP runs: what each part needs week by week, and what should be ordered."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.models import Item
from procurement.models import PurchaseOrder, Supplier, SupplierOffer


class MrpRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MrpRun(models.Model):
    """One computation of the material plan. At most one waits in the queue, so bursts of changes
    (a schedule lock, a day of stock moves) cost one run, not one each."""

    Status = MrpRunStatus

    status = models.CharField(_("status"), max_length=10, choices=MrpRunStatus.choices, default=MrpRunStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    from_week = models.DateField(_("first week"), null=True, blank=True, help_text=_("Monday of the first week."))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=12, validators=[MinValueValidator(1)])
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    part_count = models.PositiveIntegerField(_("parts"), default=0)
    shortage_count = models.PositiveIntegerField(_("shortages"), default=0)

    class Meta:
        verbose_name = _("MRP run")
        verbose_name_plural = _("MRP runs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MrpRunStatus.values), name="mrprun_status_valid"),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status=MrpRunStatus.QUEUED), name="mrprun_one_queued"
            ),
            models.CheckConstraint(
                condition=~Q(status=MrpRunStatus.DONE) | Q(finished_at__isnull=False, from_week__isnull=False),
                name="mrprun_done_has_result",
            ),
            models.CheckConstraint(
                condition=Q(from_week__isnull=True) | Q(from_week__week_day=2), name="mrprun_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"MRP run {self.pk} ({self.status})"


class MrpPart(models.Model):
    """One part's time-phased view in a run: lists indexed by week from the run's first week."""

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="parts", verbose_name=_("run"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("supplier")
    )
    offer = models.ForeignKey(
        SupplierOffer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("offer")
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=0)
    moq = models.PositiveIntegerField(_("MOQ"), default=1)
    order_multiple = models.PositiveIntegerField(_("order multiple"), default=1)
    on_hand = models.IntegerField(_("on hand"), default=0)
    gross = models.JSONField(_("gross requirement"), default=list)
    scheduled = models.JSONField(_("scheduled receipts"), default=list)
    planned = models.JSONField(_("planned receipts"), default=list)
    projected = models.JSONField(_("projected available"), default=list)
    products = models.JSONField(_("used in"), default=list, help_text=_("SKUs of the planned products using it."))

    class Meta:
        verbose_name = _("MRP part")
        verbose_name_plural = _("MRP parts")
        ordering = ["run", "item__sku"]
        constraints = [models.UniqueConstraint(fields=["run", "item"], name="mrppart_one_per_run")]

    def __str__(self) -> str:
        return f"{self.item.sku} in run {self.run_id}"


class MrpPlannedOrder(models.Model):
    """A planned receipt: ``quantity`` of a part must arrive in ``need_week``, ordered by ``release_week``.

    A release week before the run's first week is a shortage, ``weeks_late`` weeks late.
    """

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="planned_orders", verbose_name=_("run"))
    part = models.ForeignKey(MrpPart, on_delete=models.CASCADE, related_name="planned_orders", verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    need_week = models.DateField(_("needed in week"))
    release_week = models.DateField(_("order in week"))
    weeks_late = models.PositiveSmallIntegerField(_("weeks late"), default=0)
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft purchase order"),
    )

    class Meta:
        verbose_name = _("planned order")
        verbose_name_plural = _("planned orders")
        ordering = ["-weeks_late", "need_week", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="mrpplannedorder_quantity_positive"),
            models.CheckConstraint(
                condition=Q(release_week__lte=models.F("need_week")), name="mrpplannedorder_release"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part.item.sku} by {self.need_week}"

"""Allocation runs: one product's scarce stock shared among confirmed retailer order lines.

A run records its inputs (product, quantity, method, tiers) and, line by line, what each order
line asked for, its weight and tier, and what it got; a preview is kept as well as an applied run,
so anyone can see later why a retailer got what it got.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.models import Item
from retail.models.orders import RetailerOrderLine
from retail.models.prepayments import MONEY
from retail.models.retailers import Retailer


class AllocationMethod(models.TextChoices):
    FCFS = "fcfs", _("First come, first served")
    PRO_RATA = "pro_rata", _("Pro rata to quantity")
    BY_PREPAYMENT = "by_prepayment", _("Pro rata to prepayment")


class AllocationRunStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    APPLIED = "applied", _("Applied")


class AllocationRun(models.Model):
    Method = AllocationMethod
    Status = AllocationRunStatus

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="allocation_runs", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity to allocate"))
    method = models.CharField(_("method"), max_length=16, choices=AllocationMethod.choices)
    use_tiers = models.BooleanField(_("serve tiers in order"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=AllocationRunStatus.choices, default=AllocationRunStatus.PREVIEW
    )
    requested_total = models.PositiveIntegerField(_("requested in total"), default=0)
    allocated_total = models.PositiveIntegerField(_("allocated in total"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-created_at", "-pk"]
        permissions = [("apply_allocationrun", "Can apply an allocation run")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocationrun_quantity_positive"),
            models.CheckConstraint(condition=Q(method__in=AllocationMethod.values), name="allocationrun_method_valid"),
            models.CheckConstraint(
                condition=Q(status__in=AllocationRunStatus.values), name="allocationrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(allocated_total__lte=F("quantity")) & Q(allocated_total__lte=F("requested_total")),
                name="allocationrun_total_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(status=AllocationRunStatus.PREVIEW, applied_at__isnull=True)
                | Q(status=AllocationRunStatus.APPLIED, applied_at__isnull=False),
                name="allocationrun_applied_at_when_applied",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_id} {self.method} {self.quantity}"

    def get_absolute_url(self) -> str:
        return reverse("allocation-run-detail", args=[self.pk])


class AllocationLine(models.Model):
    """One order line's share in a run: its inputs (requested, weight, tier, rank) and its result."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="lines", verbose_name=_("run"))
    order_line = models.ForeignKey(
        RetailerOrderLine, on_delete=models.PROTECT, related_name="allocation_lines", verbose_name=_("order line")
    )
    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="+", verbose_name=_("retailer"))
    tier = models.PositiveSmallIntegerField(_("tier"))
    requested = models.PositiveIntegerField(_("requested"))
    weight = models.DecimalField(_("weight"), **MONEY)
    allocated = models.PositiveIntegerField(_("allocated"))

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["run", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(allocated__lte=F("requested")), name="allocationline_within_request"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="allocationline_weight_not_negative"),
            models.UniqueConstraint(fields=["run", "order_line"], name="allocationline_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.order_line_id}: {self.allocated}/{self.requested}"

    @property
    def fill_rate(self) -> float:
        return self.allocated / self.requested if self.requested else 1.0

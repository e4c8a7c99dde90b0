"""Dispatch runs: what one warehouse sent out to waiting orders at once, and what it left waiting.

A run is recorded per warehouse and trigger: a receipt at the warehouse (at most one run per
receipt, a unique constraint, so a repeated task does nothing), a manual "Dispatch now", an applied
allocation run or a paid consumer order. Its lines are the waiting order lines it looked at: the
units it put on a shipment (``quantity``, of which ``from_reservation`` were already reserved for the
line here) and the units still waiting after it (``waiting_after``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.models import Item
from logistics.models import Location, Shipment


class DispatchTrigger(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    MANUAL = "manual", _("Dispatch now")
    ALLOCATION = "allocation", _("Allocation applied")
    PAYMENT = "payment", _("Order paid")


class DispatchOrderKind(models.TextChoices):
    RETAILER = "retailer", _("Retailer order")
    CONSUMER = "consumer", _("Consumer order")


class DispatchRun(models.Model):
    Trigger = DispatchTrigger

    warehouse = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="dispatch_runs", verbose_name=_("warehouse")
    )
    region = models.CharField(_("region"), max_length=64, blank=True)
    trigger = models.CharField(_("trigger"), max_length=10, choices=DispatchTrigger.choices)
    trigger_shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatch_runs",
        verbose_name=_("received shipment"),
    )
    skus = models.CharField(_("products"), max_length=500, blank=True, help_text=_("The products it dispatched for."))
    lines_dispatched = models.PositiveIntegerField(_("lines dispatched"), default=0)
    units_dispatched = models.PositiveIntegerField(_("units dispatched"), default=0)
    units_from_reservation = models.PositiveIntegerField(_("units already reserved here"), default=0)
    shipments_created = models.PositiveIntegerField(_("shipments"), default=0)
    lines_waiting = models.PositiveIntegerField(_("lines still waiting"), default=0)
    units_waiting = models.PositiveIntegerField(_("units still waiting"), default=0)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )

    class Meta:
        verbose_name = _("dispatch run")
        verbose_name_plural = _("dispatch runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=DispatchTrigger.values), name="dispatchrun_trigger_valid"),
            # A receipt triggers one run, and only a receipt names a received shipment.
            models.UniqueConstraint(
                fields=["trigger_shipment"],
                condition=Q(trigger_shipment__isnull=False),
                name="dispatchrun_once_per_receipt",
            ),
            models.CheckConstraint(
                condition=Q(trigger=DispatchTrigger.RECEIPT, trigger_shipment__isnull=False)
                | (~Q(trigger=DispatchTrigger.RECEIPT) & Q(trigger_shipment__isnull=True)),
                name="dispatchrun_receipt_names_its_shipment",
            ),
            models.CheckConstraint(
                condition=Q(units_dispatched__gte=F("lines_dispatched"))
                & Q(units_from_reservation__lte=F("units_dispatched"))
                & Q(units_waiting__gte=F("lines_waiting")),
                name="dispatchrun_counts_consistent",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "started_at"]), models.Index(fields=["trigger", "started_at"])]

    def __str__(self) -> str:
        return f"Dispatch {self.pk} @ {self.warehouse_id}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch-run-detail", args=[self.pk])

    @property
    def units_cross_docked(self) -> int:
        """Units taken from the warehouse's free stock (its arrivals), not from reservations held here."""
        return self.units_dispatched - self.units_from_reservation


class DispatchLine(models.Model):
    Kind = DispatchOrderKind

    run = models.ForeignKey(DispatchRun, on_delete=models.CASCADE, related_name="lines", verbose_name=_("run"))
    order_kind = models.CharField(_("order kind"), max_length=10, choices=DispatchOrderKind.choices)
    order_number = models.CharField(_("order"), max_length=16)
    line_id = models.PositiveIntegerField(_("order line id"), help_text=_("The line's id in its kind's table."))
    consignee = models.CharField(_("consignee"), max_length=200)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("dispatched"), default=0)
    from_reservation = models.PositiveIntegerField(_("already reserved here"), default=0)
    waiting_after = models.PositiveIntegerField(_("still waiting"), default=0)
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("shipment")
    )

    class Meta:
        verbose_name = _("dispatch line")
        verbose_name_plural = _("dispatch lines")
        ordering = ["run", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_kind__in=DispatchOrderKind.values), name="dispatchline_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(waiting_after__gt=0), name="dispatchline_dispatched_or_waiting"
            ),
            models.CheckConstraint(
                condition=Q(quantity=0, shipment__isnull=True) | Q(quantity__gt=0, shipment__isnull=False),
                name="dispatchline_shipment_when_dispatched",
            ),
            models.CheckConstraint(
                condition=Q(from_reservation__lte=F("quantity")), name="dispatchline_reserved_within_dispatched"
            ),
        ]
        indexes = [models.Index(fields=["order_number"])]

    def __str__(self) -> str:
        return f"{self.order_number} {self.item_id} x {self.quantity}"

    @property
    def cross_docked(self) -> int:
        """Units taken from the warehouse's free stock (its arrivals), not from a reservation held here."""
        return self.quantity - self.from_reservation

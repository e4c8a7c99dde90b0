"""Shipments: goods on their way from one place to another, with carrier events and receiving.

A shipment leaves ``from_location`` (a factory store or a warehouse) for ``to_location`` (a
warehouse or a store), or for a consignee outside Tempo's stock (a retailer, a consumer), named by
``consignee`` and ``reference``. Higher layers (retail, orders) link their orders to shipments by
``reference``; logistics never imports them.

A shipment made by dispatch is created already *picked* and holds a reservation of its units at
the origin (``reservation_held``), so nothing else can take them; the reservation ends when the
shipment is shipped (the units then leave) or cancelled.

Stock follows the status: on *shipped* the lines move from the origin to the in-transit location,
or, for an external consignee, leave stock there (an issue); on *received* (a location
destination) what arrived moves from transit into the destination and any short or damaged
quantity is written off from transit. Every unit stays traceable through the stock moves,
whose reference is the shipment number.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from erp.validators import validate_printable
from logistics.models.network import Location

SHIPMENT_NUMBER_PATTERN = r"^SH-[0-9]{4}-[0-9]{6}$"


class ShipmentKind(models.TextChoices):
    INBOUND = "inbound", _("Inbound")  # factory store to warehouse
    OUTBOUND = "outbound", _("Outbound")  # warehouse or store to a store or an external consignee
    TRANSFER = "transfer", _("Transfer")  # warehouse to warehouse or store


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PICKED = "picked", _("Picked")
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    EXCEPTION = "exception", _("Exception")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses after which the goods have left the origin.
DEPARTED = [
    ShipmentStatus.SHIPPED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.EXCEPTION,
    ShipmentStatus.DELIVERED,
    ShipmentStatus.RECEIVED,
]


class ShipmentCounter(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("shipment counter")
        verbose_name_plural = _("shipment counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Shipment(TimeStamped):
    Kind = ShipmentKind
    Status = ShipmentStatus

    number = models.CharField(_("number"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ShipmentKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="shipments_out", verbose_name=_("from")
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments_in", verbose_name=_("to")
    )
    consignee = models.CharField(
        _("consignee"),
        max_length=200,
        blank=True,
        validators=[validate_printable],
        help_text=_("Who receives it when it leaves Tempo's stock: a retailer code or a customer reference."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        db_index=True,
        validators=[validate_printable],
        help_text=_("The order it serves, e.g. RO-2026-000123."),
    )
    region = models.CharField(_("destination region"), max_length=64, blank=True, validators=[validate_printable])
    carrier = models.CharField(_("carrier"), max_length=100, blank=True, validators=[validate_printable])
    tracking_number = models.CharField(
        _("tracking number"), max_length=100, blank=True, validators=[validate_printable]
    )
    expected_at = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    reservation_held = models.BooleanField(
        _("reservation held"),
        default=False,
        help_text=_("Its units are reserved at the origin until it is shipped or cancelled (dispatch)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-number"]
        permissions = [("receive_shipment", "Can receive a shipment"), ("post_shipment_event", "Can post events")]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=SHIPMENT_NUMBER_PATTERN), name="shipment_number_format"),
            models.CheckConstraint(condition=Q(kind__in=ShipmentKind.values), name="shipment_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"),
            models.CheckConstraint(
                condition=Q(to_location__isnull=True) | ~Q(to_location=F("from_location")),
                name="shipment_locations_differ",
            ),
            models.CheckConstraint(
                condition=Q(to_location__isnull=False) | ~Q(consignee=""),
                name="shipment_has_a_destination",
                violation_error_message=_("A shipment goes to a location or to a named consignee."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ShipmentStatus.RECEIVED) | Q(to_location__isnull=False, received_at__isnull=False),
                name="shipment_received_at_a_location",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DEPARTED) | Q(shipped_at__isnull=False),
                name="shipment_shipped_at_when_departed",
            ),
            # Only a shipment that has not left (and is not cancelled) can hold units reserved at its origin.
            models.CheckConstraint(
                condition=Q(reservation_held=False)
                | Q(
                    status__in=[ShipmentStatus.CREATED, ShipmentStatus.PICKED, ShipmentStatus.EXCEPTION],
                    shipped_at__isnull=True,
                ),
                name="shipment_reservation_only_before_departure",
            ),
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~Q(tracking_number=""),
                name="shipment_tracking_number_once_per_carrier",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["tracking_number"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("shipment-detail", args=[self.number])


class DiscrepancyReason(models.TextChoices):
    NONE = "", _("None")
    SHORT = "short", _("Short")
    OVER = "over", _("Over")
    DAMAGED = "damaged", _("Damaged")


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity shipped"))
    received_quantity = models.PositiveIntegerField(_("received in good order"), null=True, blank=True)
    damaged_quantity = models.PositiveIntegerField(_("received damaged"), default=0)
    discrepancy = models.CharField(
        _("discrepancy"), max_length=8, blank=True, choices=DiscrepancyReason.choices, default=DiscrepancyReason.NONE
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_printable])

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "item"], name="shipmentline_item_once"),
            models.CheckConstraint(
                condition=Q(discrepancy__in=DiscrepancyReason.values), name="shipmentline_discrepancy_valid"
            ),
            # What was counted (good + damaged) must add up to what was shipped unless a discrepancy says why not.
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(discrepancy="", damaged_quantity=0, received_quantity=F("quantity"))
                | Q(discrepancy="short", quantity__gt=F("received_quantity") + F("damaged_quantity"))
                | Q(discrepancy="over", quantity__lt=F("received_quantity") + F("damaged_quantity"))
                | Q(
                    discrepancy="damaged",
                    damaged_quantity__gt=0,
                    quantity=F("received_quantity") + F("damaged_quantity"),
                ),
                name="shipmentline_discrepancy_explains_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.item_id} x {self.quantity}"


class ShipmentEventSource(models.TextChoices):
    STAFF = "staff", _("Staff")
    API = "api", _("API")
    SYSTEM = "system", _("System")


class ShipmentEvent(models.Model):
    """A status event as reported by a carrier, a factory or staff; the key makes a resend harmless."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment"))
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    event_key = models.CharField(_("event key"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[validate_printable])
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    source = models.CharField(_("source"), max_length=8, choices=ShipmentEventSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["shipment", "occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_key"], name="shipmentevent_key_once"),
            models.CheckConstraint(condition=~Q(event_key=""), name="shipmentevent_key_not_blank"),
            models.CheckConstraint(condition=Q(status__in=ShipmentStatus.values), name="shipmentevent_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"

"""Stores, own and retailer-run, what they sell each day, and the point-of-sale integrations that report it.

A store is a stock location of kind ``store``. One with a ``retailer`` is run by that retailer: its
stock is the retailer's, set by its counts, and its sell-through is recorded only. One without is
Tempo's own: its sales leave its stock (an ``issue`` move on the sale day) and it is replenished
from the warehouse ``replenished_from`` (see ``retail.selectors.replenishment_math``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.models import Item, TimeStamped
from logistics.models import Location
from retail.models.retailers import Retailer

MIN_COVER_DAYS, MAX_COVER_DAYS, DEFAULT_COVER_DAYS = 1, 90, 7


class Store(TimeStamped):
    """A store: a stock location (kind store), run by a retailer or, with no retailer, one of Tempo's own."""

    location = models.OneToOneField(
        Location, on_delete=models.PROTECT, related_name="store", verbose_name=_("location")
    )
    retailer = models.ForeignKey(
        Retailer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stores",
        verbose_name=_("retailer"),
        help_text=_("The retailer that runs it; empty for one of Tempo's own stores."),
    )
    cover_days = models.PositiveSmallIntegerField(
        _("cover days"),
        default=DEFAULT_COVER_DAYS,
        validators=[MinValueValidator(MIN_COVER_DAYS), MaxValueValidator(MAX_COVER_DAYS)],
        help_text=_("Replenishment target: this many days of the recent mean daily sales (1-90)."),
    )
    replenished_from = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplied_stores",
        verbose_name=_("replenished from"),
        help_text=_("The warehouse that supplies it."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["location__code"]
        permissions = [
            ("count_store", "Can post a stock count of a store"),
            ("accept_replenishment", "Can accept replenishment suggestions into transfer shipments"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cover_days__gte=MIN_COVER_DAYS) & Q(cover_days__lte=MAX_COVER_DAYS),
                name="store_cover_days_range",
            ),
            models.CheckConstraint(
                condition=Q(replenished_from__isnull=True) | ~Q(replenished_from=F("location")),
                name="store_not_replenished_from_itself",
            ),
        ]
        indexes = [models.Index(fields=["retailer"])]

    def __str__(self) -> str:
        return self.location.code

    def get_absolute_url(self) -> str:
        return reverse("store-detail", args=[self.location.code])

    @property
    def code(self) -> str:
        return self.location.code

    @property
    def is_own(self) -> bool:
        return self.retailer_id is None


class SellThroughSource(models.TextChoices):
    PORTAL = "portal", _("Retailer portal")
    STAFF = "staff", _("Store operations")
    API = "api", _("API")
    POS = "pos", _("Point of sale")


class StoreSellThrough(models.Model):
    """Units of a product a store sold on one day, as reported; one row per store, product and day."""

    Source = SellThroughSource

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="sell_through", verbose_name=_("store")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="sell_through", verbose_name=_("item"))
    date = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("units sold"))
    source = models.CharField(_("source"), max_length=8, choices=SellThroughSource.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("store sell-through")
        verbose_name_plural = _("store sell-through")
        ordering = ["-date", "location", "item"]
        constraints = [
            models.UniqueConstraint(fields=["location", "item", "date"], name="sellthrough_one_per_store_item_day"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sellthrough_quantity_not_negative"),
            models.CheckConstraint(condition=Q(source__in=SellThroughSource.values), name="sellthrough_source_valid"),
        ]
        indexes = [models.Index(fields=["item", "date"])]

    def __str__(self) -> str:
        return f"{self.location_id} {self.item_id} {self.date}: {self.quantity}"


class PosUser(models.Model):
    """Makes a user a point-of-sale integration: its token posts sell-through of Tempo's own stores only
    (one store, or every own store when ``store`` is empty)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pos_link", verbose_name=_("user")
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pos_users",
        verbose_name=_("store"),
        help_text=_("Empty: every one of Tempo's own stores."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("point-of-sale user")
        verbose_name_plural = _("point-of-sale users")
        ordering = ["user"]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.store_id or 'own stores'}"

"""Reads of stores: which stores a caller may see (``StoreScope``), the store list with its figures,
and one store's sell-through and shipments.

Figures over days use complete business days (Asia/Shanghai) before today: "sold 28 days" is
``today - 28`` to ``today - 1``; today's sales are still coming in. "In transit" is what shipments to
the store carry that has not been received and was not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from erp.errors import ApplicationError
from erp.models import Item, ItemKind, Price
from erp.weeks import business_date
from logistics.models import Shipment, ShipmentLine, ShipmentStatus, StockLevel
from retail.models import PosUser, Retailer, Store, StoreSellThrough
from retail.selectors.retailers import retailer_of_user

LIST_DAYS = 28
# Shipments whose goods are no longer on their way to the store.
CLOSED_STATUSES = (ShipmentStatus.RECEIVED, ShipmentStatus.CANCELLED)


@dataclass(frozen=True)
class StoreScope:
    """The stores a caller may see and report for.

    Staff see every store (their permissions decide what they may do); a retailer's users only that
    retailer's stores; a point-of-sale integration only Tempo's own stores, or the one store it is
    linked to. A store outside the scope is answered exactly like one that does not exist.
    """

    retailer_id: int | None = None
    own_only: bool = False
    store_id: int | None = None

    def stores(self) -> QuerySet[Store]:
        stores = Store.objects.all()
        if self.retailer_id is not None:
            stores = stores.filter(retailer_id=self.retailer_id)
        if self.own_only:
            stores = stores.filter(retailer__isnull=True)
        if self.store_id is not None:
            stores = stores.filter(pk=self.store_id)
        return stores

    @property
    def is_staff(self) -> bool:
        return self.retailer_id is None and not self.own_only

    @property
    def is_everything(self) -> bool:
        return self.is_staff and self.store_id is None


ALL_STORES = StoreScope()


def retailer_scope(retailer: Retailer) -> StoreScope:
    return StoreScope(retailer_id=retailer.pk)


def pos_link_of(user) -> PosUser | None:
    """The point-of-sale link of an integration user; None for everybody else (cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tempo_pos_link"):
        user._tempo_pos_link = PosUser.objects.filter(user=user).first()
    return user._tempo_pos_link


def store_scope_of(user) -> StoreScope:
    """A retailer user: its retailer's stores. A POS user: own stores (or its one store). Anyone else: all."""
    retailer_id = retailer_of_user(user)
    if retailer_id is not None:
        return StoreScope(retailer_id=retailer_id)
    link = pos_link_of(user)
    if link is not None:
        return StoreScope(own_only=True, store_id=link.store_id)
    return ALL_STORES


def stores_by_code(*, scope: StoreScope, codes) -> dict[str, Store]:
    """The stores of ``codes`` within ``scope``, by code, with their locations; one query."""
    return {
        store.location.code: store
        for store in scope.stores().filter(location__code__in=set(codes)).select_related("location")
    }


def store_get(*, scope: StoreScope, code: str) -> Store:
    """One store by code, or a 404 (also for a store outside the scope)."""
    store = (
        scope.stores()
        .filter(location__code=str(code).strip().upper()[:32])
        .select_related("location", "retailer", "replenished_from")
        .first()
    )
    if store is None:
        raise Http404("No such store.")
    return store


def products_by_sku(skus, *, label: str = "Row", field: str = "sku") -> dict[str, Item]:
    """The products named by ``skus`` (in batch order); an unknown SKU or a non-product is refused, naming
    its place (``"Row 3"``, ``"Line 3"``). One query."""
    skus = list(skus)
    found = {item.sku: item for item in Item.objects.filter(sku__in=set(skus), kind=ItemKind.PRODUCT)}
    for number, sku in enumerate(skus, start=1):
        if sku not in found:
            message = f"{label} {number}: unknown product '{sku}'."
            raise ApplicationError(message, {"fields": {field: [message]}, "row": number})
    return found


def complete_days(today: date, days: int) -> tuple[date, date]:
    return today - timedelta(days=days), today - timedelta(days=1)


def open_transfer_lines() -> QuerySet[ShipmentLine]:
    """Shipment lines whose goods are still to arrive at their destination."""
    return ShipmentLine.objects.exclude(shipment__status__in=CLOSED_STATUSES)


def _sum_per_location(queryset, location_field: str, value: str) -> Subquery:
    return Subquery(
        queryset.filter(**{location_field: OuterRef("location")})
        .order_by()
        .values(location_field)
        .annotate(total=Sum(value))
        .values("total")[:1],
        output_field=IntegerField(),
    )


def store_list(*, scope: StoreScope = ALL_STORES, on: date | None = None) -> QuerySet[Store]:
    """Stores with ``units_on_hand``, ``units_in_transit``, ``sold_recently`` (last 28 complete days) and
    ``days_of_cover`` (on hand / mean daily units sold over those days; null when nothing sold): one query."""
    start, end = complete_days(on or business_date(), LIST_DAYS)
    sold = StoreSellThrough.objects.filter(date__gte=start, date__lte=end)
    return (
        scope.stores()
        .select_related("location", "retailer", "replenished_from")
        .annotate(
            units_on_hand=Coalesce(_sum_per_location(StockLevel.objects.all(), "location", "on_hand"), Value(0)),
            units_in_transit=Coalesce(
                _sum_per_location(open_transfer_lines(), "shipment__to_location", "quantity"), Value(0)
            ),
            sold_recently=Coalesce(_sum_per_location(sold, "location", "quantity"), Value(0)),
        )
        .annotate(
            days_of_cover=Case(
                When(
                    sold_recently__gt=0,
                    then=ExpressionWrapper(
                        F("units_on_hand") * Value(float(LIST_DAYS)) / F("sold_recently"), output_field=FloatField()
                    ),
                ),
                default=None,
                output_field=FloatField(),
            )
        )
    )


def store_regions() -> list[str]:
    return list(
        Store.objects.exclude(location__region="")
        .order_by("location__region")
        .values_list("location__region", flat=True)
        .distinct()
    )


def list_price_on(day_field: str = "date") -> Subquery:
    """The list price in force on the row's ``day_field`` for its ``item`` (the one price online and offline)."""
    prices = (
        Price.objects.filter(item=OuterRef("item"), valid_from__lte=OuterRef(day_field))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef(day_field)))
        .order_by("-valid_from")
        .values("list_price")[:1]
    )
    return Subquery(prices, output_field=DecimalField(max_digits=12, decimal_places=2))


def sell_through_list(*, scope: StoreScope = ALL_STORES) -> QuerySet[StoreSellThrough]:
    """Sell-through rows in scope with the store, product and reporter, ``list_price`` (in force on the day)
    and ``value`` (units x that price); one query."""
    rows = StoreSellThrough.objects.all()
    if not scope.is_everything:
        rows = rows.filter(location__store__in=scope.stores())
    return (
        rows.select_related("location__store__retailer", "item", "reported_by")
        .annotate(list_price=list_price_on())
        .annotate(
            value=ExpressionWrapper(
                F("quantity") * F("list_price"), output_field=DecimalField(max_digits=18, decimal_places=2)
            )
        )
    )


def store_recent_sell_through(*, store: Store, days: int = LIST_DAYS, limit: int = 200) -> list[StoreSellThrough]:
    start = business_date() - timedelta(days=days)
    return list(
        sell_through_list(scope=StoreScope(store_id=store.pk))
        .filter(date__gte=start)
        .order_by("-date", "item__sku")[:limit]
    )


def store_shipments(*, store: Store, limit: int = 50) -> list[Shipment]:
    """Shipments to the store, newest first, with their lines."""
    return list(
        Shipment.objects.filter(to_location_id=store.location_id)
        .select_related("from_location")
        .prefetch_related("lines__item")
        .order_by("-created_at", "-pk")[:limit]
    )

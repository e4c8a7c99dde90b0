"""Reads for the retailer portal. Every function takes the retailer and filters by it: a portal page
never reads another company's rows, and a lookup by number or id of another company's row is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.http import Http404

from erp.models import Item, ItemKind, ItemLifecycle, Price
from erp.selectors import prices_in_force
from erp.weeks import business_date
from logistics.models import StockLevel
from retail.models import (
    AllocationLine,
    AllocationRunStatus,
    PrepaymentAccount,
    Retailer,
    RetailerNotice,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerUser,
    Store,
    StoreSellThrough,
)

OPEN_STATUSES = [RetailerOrderStatus.CONFIRMED, RetailerOrderStatus.ALLOCATED]
SHIPMENT_STATUSES = [RetailerOrderStatus.SHIPPED, RetailerOrderStatus.DELIVERED]
SELL_THROUGH_DAYS = 28

_LINE_AMOUNT = ExpressionWrapper(
    F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=20, decimal_places=2)
)


@dataclass(frozen=True)
class PortalDashboard:
    account: PrepaymentAccount
    open_orders: int
    open_value: Decimal
    allocation_notices: list[RetailerNotice]
    allocation_lines: list[AllocationLine]
    shipments: list[RetailerOrder]
    unread_notices: list[RetailerNotice]
    unread_count: int


def portal_account(*, retailer: Retailer) -> PrepaymentAccount:
    account, _ = PrepaymentAccount.objects.get_or_create(retailer=retailer)
    return account


def portal_dashboard(*, retailer: Retailer) -> PortalDashboard:
    """The dashboard in a fixed number of queries, whatever the number of orders."""
    open_figures = RetailerOrderLine.objects.filter(
        order__retailer=retailer, order__status__in=OPEN_STATUSES
    ).aggregate(orders=Count("order", distinct=True), value=Sum(_LINE_AMOUNT))
    notices = RetailerNotice.objects.filter(retailer=retailer)
    unread = notices.filter(read_at__isnull=True)
    return PortalDashboard(
        account=portal_account(retailer=retailer),
        open_orders=open_figures["orders"] or 0,
        open_value=open_figures["value"] or Decimal("0.00"),
        allocation_notices=list(notices.filter(kind=RetailerNotice.Kind.ALLOCATION)[:5]),
        allocation_lines=list(
            AllocationLine.objects.filter(
                retailer=retailer, order_line__order__retailer=retailer, run__status=AllocationRunStatus.APPLIED
            )
            .select_related("run", "order_line__order", "order_line__item")
            .order_by("-run__applied_at", "-pk")[:10]
        ),
        shipments=list(
            RetailerOrder.objects.filter(retailer=retailer, status__in=SHIPMENT_STATUSES).order_by(
                "-shipped_at", "-pk"
            )[:5]
        ),
        unread_notices=list(unread[:10]),
        unread_count=unread.count(),
    )


def portal_notices(*, retailer: Retailer) -> QuerySet[RetailerNotice]:
    return RetailerNotice.objects.filter(retailer=retailer)


def portal_catalog(*, on: date, family: str = "", search: str = "") -> QuerySet[Price]:
    """Products a retailer can order (not obsolete) with the retailer price in force on ``on``."""
    prices = (
        prices_in_force(on).filter(item__kind=ItemKind.PRODUCT).exclude(item__lifecycle_status=ItemLifecycle.OBSOLETE)
    )
    if family:
        prices = prices.filter(item__family=family)
    if search:
        prices = prices.filter(Q(item__sku__icontains=search) | Q(item__name__icontains=search))
    return prices.order_by("item__family", "item__sku")


def portal_families() -> list[str]:
    return list(
        Item.objects.filter(kind=ItemKind.PRODUCT)
        .exclude(lifecycle_status=ItemLifecycle.OBSOLETE)
        .exclude(family="")
        .order_by("family")
        .values_list("family", flat=True)
        .distinct()
    )


def portal_orderable_items(*, on: date) -> QuerySet[Item]:
    return Item.objects.filter(pk__in=portal_catalog(on=on).values("item_id")).order_by("sku")


def portal_orders(*, retailer: Retailer, status: str = "") -> QuerySet[RetailerOrder]:
    orders = RetailerOrder.objects.filter(retailer=retailer).annotate(
        line_count=Count("lines"),
        value=Sum(
            ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"), output_field=_LINE_AMOUNT.output_field)
        ),
    )
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def portal_order(*, retailer: Retailer, number: str) -> RetailerOrder:
    """The retailer's own order; any other number (another company's, or none) is a 404."""
    order = RetailerOrder.objects.filter(retailer=retailer, number=number).select_related("created_by").first()
    if order is None:
        raise Http404("No such order.")
    return order


def portal_order_lines(*, order: RetailerOrder) -> list[RetailerOrderLine]:
    """Lines with their applied allocation results; reservations (warehouses) are not shown to retailers."""
    return list(
        order.lines.select_related("item")
        .prefetch_related(
            # Only applied runs: a preview is the maker's working, not a result.
            _applied_allocation_lines()
        )
        .order_by("requested_week", "item__sku")
    )


def _applied_allocation_lines():
    from django.db.models import Prefetch

    return Prefetch(
        "allocation_lines",
        queryset=AllocationLine.objects.filter(run__status=AllocationRunStatus.APPLIED).select_related("run"),
        to_attr="applied_allocations",
    )


def portal_users(*, retailer: Retailer) -> QuerySet[RetailerUser]:
    return RetailerUser.objects.filter(retailer=retailer).select_related("user").order_by("user__email", "pk")


def portal_user(*, retailer: Retailer, pk: int) -> RetailerUser:
    link = RetailerUser.objects.filter(retailer=retailer, pk=pk).select_related("user").first()
    if link is None:
        raise Http404("No such user.")
    return link


def portal_stores(*, retailer: Retailer) -> list[Store]:
    """The retailer's stores with units on hand and units sold over the last ``SELL_THROUGH_DAYS`` days."""
    stores = list(Store.objects.filter(retailer=retailer).select_related("location").order_by("location__code"))
    location_ids = [store.location_id for store in stores]
    on_hand = dict(
        StockLevel.objects.filter(location_id__in=location_ids)
        .values("location_id")
        .annotate(units=Sum("on_hand"))
        .values_list("location_id", "units")
    )
    since = business_date() - timedelta(days=SELL_THROUGH_DAYS)
    sold = dict(
        StoreSellThrough.objects.filter(location_id__in=location_ids, date__gte=since)
        .values("location_id")
        .annotate(units=Sum("quantity"))
        .values_list("location_id", "units")
    )
    for store in stores:
        store.on_hand = on_hand.get(store.location_id) or 0
        store.sold_recently = sold.get(store.location_id) or 0
    return stores


def portal_store(*, retailer: Retailer, code: str) -> Store:
    store = Store.objects.filter(retailer=retailer, location__code=code).select_related("location").first()
    if store is None:
        raise Http404("No such store.")
    return store


def portal_store_stock(*, store: Store) -> QuerySet[StockLevel]:
    return StockLevel.objects.filter(location_id=store.location_id).select_related("item").order_by("item__sku")


def portal_store_sell_through(*, store: Store, days: int = SELL_THROUGH_DAYS) -> QuerySet[StoreSellThrough]:
    since = business_date() - timedelta(days=days)
    return (
        StoreSellThrough.objects.filter(location_id=store.location_id, date__gte=since)
        .select_related("item")
        .order_by("-date", "item__sku")
    )

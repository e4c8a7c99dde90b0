"""The replenishment plan: per own store x product, the figures of ``replenishment_math`` read from the
ledger, in a fixed number of queries whatever the number of stores and products.

A warehouse's stock that replenishment may give away is its on hand minus reserved minus the units on
transfer shipments leaving it that have not departed yet (created or picked: nothing reserves those,
so an accepted suggestion is not offered twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from erp.models import Item, ItemKind
from erp.selectors import prices_in_force
from erp.weeks import business_date
from logistics.models import Location, ShipmentKind, ShipmentLine, ShipmentStatus, StockLevel
from retail.models import Store, StoreSellThrough
from retail.selectors.replenishment_math import WINDOW_DAYS, LineNeed, plan_lines, sales_window
from retail.selectors.stores import LIST_DAYS, complete_days, open_transfer_lines

NOT_DEPARTED = (ShipmentStatus.CREATED, ShipmentStatus.PICKED)


@dataclass
class ReplenishmentLine:
    store: Store
    item: Item
    warehouse: Location | None
    on_hand: int
    in_transit: int
    sold_14: int
    sold_28: int
    target: int | None  # None for a retailer-run store: it is not replenished from here
    suggested: int | None
    shippable: int
    short: int
    warehouse_available: int
    list_price: Decimal | None

    @property
    def mean_daily(self) -> Decimal:
        return (Decimal(self.sold_14) / WINDOW_DAYS).quantize(Decimal("0.01"))

    @property
    def stock_value(self) -> Decimal | None:
        return None if self.list_price is None else self.list_price * self.on_hand

    @property
    def needed(self) -> bool:
        return bool(self.suggested)


@dataclass
class StorePlan:
    store: Store
    lines: list[ReplenishmentLine] = field(default_factory=list)

    @property
    def suggested(self) -> int:
        return sum(line.suggested or 0 for line in self.lines)

    @property
    def shippable(self) -> int:
        return sum(line.shippable for line in self.lines)

    @property
    def short(self) -> int:
        return sum(line.short for line in self.lines)

    @property
    def needed_lines(self) -> int:
        return sum(1 for line in self.lines if line.needed)


@dataclass
class ReplenishmentPlan:
    on: date
    window: tuple[date, date]
    lines: list[ReplenishmentLine]
    stores: list[StorePlan]

    def of_store(self, store: Store) -> StorePlan:
        return next((plan for plan in self.stores if plan.store.pk == store.pk), StorePlan(store))


def _sums(queryset, keys: tuple[str, str], value: str) -> dict[tuple[int, int], int]:
    rows = queryset.order_by().values(*keys).annotate(total=Sum(value)).values_list(*keys, "total")
    return {(a, b): total or 0 for a, b, total in rows}


def replenishment_plan(
    *, stores: QuerySet[Store] | Iterable[Store] | None = None, item_ids: Iterable[int] | None = None, on=None
) -> ReplenishmentPlan:
    """Lines for every product a store holds, has on its way or sold in the last 28 complete days.

    Own stores get a target and a suggestion, capped by their warehouse's stock; retailer-run stores
    get the figures only. Nine queries.
    """
    on = on or business_date()
    window = sales_window(on)
    if stores is None:
        stores = Store.objects.filter(retailer__isnull=True)
    if isinstance(stores, QuerySet):
        stores = stores.select_related("location", "replenished_from", "retailer").order_by("location__code")
    stores = sorted(stores, key=lambda store: store.location.code)
    location_ids = [store.location_id for store in stores]
    item_filter = {} if item_ids is None else {"item_id__in": list(item_ids)}

    on_hand = _sums(
        StockLevel.objects.filter(location_id__in=location_ids, **item_filter), ("location_id", "item_id"), "on_hand"
    )
    in_transit = _sums(
        open_transfer_lines().filter(shipment__to_location_id__in=location_ids, **item_filter),
        ("shipment__to_location_id", "item_id"),
        "quantity",
    )
    start28, end = complete_days(on, LIST_DAYS)
    sales = StoreSellThrough.objects.filter(location_id__in=location_ids, date__gte=start28, date__lte=end)
    sold_28 = _sums(sales.filter(**item_filter), ("location_id", "item_id"), "quantity")
    sold_14 = _sums(
        sales.filter(date__gte=window[0], date__lte=window[1], **item_filter), ("location_id", "item_id"), "quantity"
    )
    keys = sorted(set(on_hand) | set(in_transit) | set(sold_28))
    items = Item.objects.filter(pk__in={item_id for _loc, item_id in keys}, kind=ItemKind.PRODUCT).in_bulk()
    warehouse_ids = {store.replenished_from_id for store in stores if store.replenished_from_id and store.is_own}
    item_pks = list(items)
    held = _sums(
        StockLevel.objects.filter(location_id__in=warehouse_ids, item_id__in=item_pks).annotate(
            free=F("on_hand") - F("reserved")
        ),
        ("location_id", "item_id"),
        "free",
    )
    leaving = _sums(
        ShipmentLine.objects.filter(
            shipment__from_location_id__in=warehouse_ids,
            shipment__kind=ShipmentKind.TRANSFER,
            shipment__status__in=NOT_DEPARTED,
            item_id__in=item_pks,
        ),
        ("shipment__from_location_id", "item_id"),
        "quantity",
    )
    available = {key: free - leaving.get(key, 0) for key, free in held.items()}
    prices = {price.item_id: price.list_price for price in prices_in_force(on).filter(item_id__in=item_pks)}

    by_location = {store.location_id: store for store in stores}
    needs, stores_of_need = [], []
    for location_id, item_id in keys:
        store = by_location[location_id]
        if item_id not in items:
            continue
        needs.append(
            LineNeed(
                store=store.pk,
                item=item_id,
                warehouse=store.replenished_from_id if store.is_own else None,
                on_hand=on_hand.get((location_id, item_id), 0),
                in_transit=in_transit.get((location_id, item_id), 0),
                sold=sold_14.get((location_id, item_id), 0),
                cover_days=store.cover_days,
                case_pack=items[item_id].case_pack,
            )
        )
        stores_of_need.append(store)
    planned = plan_lines(needs, available)

    plans = {store.pk: StorePlan(store) for store in stores}
    lines = []
    for store, result in zip(stores_of_need, planned, strict=True):
        need = result.need
        own = store.is_own
        line = ReplenishmentLine(
            store=store,
            item=items[need.item],
            warehouse=store.replenished_from,
            on_hand=need.on_hand,
            in_transit=need.in_transit,
            sold_14=need.sold,
            sold_28=sold_28.get((store.location_id, need.item), 0),
            target=result.target if own else None,
            suggested=result.suggested if own else None,
            shippable=result.shippable if own else 0,
            short=result.short if own else 0,
            warehouse_available=max(0, available.get((need.warehouse, need.item), 0)) if own else 0,
            list_price=prices.get(need.item),
        )
        lines.append(line)
        plans[store.pk].lines.append(line)
    for plan in plans.values():
        plan.lines.sort(key=lambda line: line.item.sku)
    lines.sort(key=lambda line: (line.store.location.code, line.item.sku))
    return ReplenishmentPlan(on=on, window=window, lines=lines, stores=[plans[store.pk] for store in stores])


def replenishment_view(
    *, region: str = "", store: str = "", warehouse: str = "", sku: str = "", only_needed: bool = False, on=None
) -> ReplenishmentPlan:
    """The plan of the own stores matching the filters (region, store code, warehouse code, SKU); with
    ``only_needed`` only the lines (and stores) with a suggestion. Ten queries at most."""
    stores = Store.objects.filter(retailer__isnull=True)
    if region:
        stores = stores.filter(location__region__iexact=region)
    if store:
        stores = stores.filter(location__code=store)
    if warehouse:
        stores = stores.filter(replenished_from__code=warehouse)
    item_ids = list(Item.objects.filter(sku=sku).values_list("pk", flat=True)) if sku else None
    plan = replenishment_plan(stores=stores, item_ids=item_ids, on=on)
    if only_needed:
        plan.lines = [line for line in plan.lines if line.needed]
        for store_plan in plan.stores:
            store_plan.lines = [line for line in store_plan.lines if line.needed]
        plan.stores = [store_plan for store_plan in plan.stores if store_plan.lines]
    return plan

"""Retail's stores part of ``seed_demo``: 50 stores in all (``--scale large``: 200).

- 30 own stores (large: 150), spread evenly over the ten demo warehouses, each supplied by its own
  warehouse. Their stock arrived about five weeks ago and is traceable unit by unit: produced at the
  factory store, an inbound shipment to the warehouse, a transfer to the store (both received), then
  28 days of daily sell-through, each day an ``issue`` from the store. Some products run low or sell
  out, so the replenishment page has real suggestions; the warehouses' own stock is left as it was
  (what the stores got passed through), so the allocation demo that runs after this sees the same.
- 14 more retailer-run stores (large: 44) besides the six of the retailers' step, one each for the
  next retailers, with a week of sell-through reported through the portal (recorded only).
- the point-of-sale integration user ``pos`` for every own store (API token only).

Registered right after the retailers' step. Idempotent: missing stores are created; a store's stock
is seeded once (when no ``SEED-STORE-<code>`` transfer exists) and its sales once (when it has none).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from erp.demo import demo_login_register
from erp.models import Item, ItemKind
from erp.weeks import BUSINESS_TZ, business_date
from logistics import services as logistics_services
from logistics.models import Location, LocationKind, Shipment, ShipmentKind, StockMoveReason
from logistics.services import ReceiptLineInput, ShipmentLineInput, StockMoveInput
from retail import services
from retail.models import PosUser, Retailer, SellThroughSource, Store, StoreSellThrough
from retail.selectors import ALL_STORES
from retail.selectors.replenishment_math import round_up_to

POS_LOGIN = "pos"
OWN_PER_WAREHOUSE = {"demo": 3, "large": 15}
EXTRA_RETAILER_STORES = {"demo": 14, "large": 44}
RETAILER_STORES_BEFORE = 6  # made by the retailers' step
SALES_DAYS = 28
RETAILER_SALES_DAYS = 7
REFERENCE = "SEED-STORE"  # not DEMO-: that prefix marks the shipments demo
# warehouse code -> the city its stores are in and three districts for their names
CITIES = {
    "WH-SZ": ("Shenzhen", ["Futian", "Nanshan", "Luohu"]),
    "WH-GZ": ("Guangzhou", ["Tianhe", "Yuexiu", "Haizhu"]),
    "WH-SH": ("Shanghai", ["Jing'an", "Xuhui", "Huangpu"]),
    "WH-HZ": ("Hangzhou", ["Xihu", "Binjiang", "Gongshu"]),
    "WH-BJ": ("Beijing", ["Chaoyang", "Haidian", "Dongcheng"]),
    "WH-SY": ("Shenyang", ["Heping", "Shenhe", "Tiexi"]),
    "WH-CD": ("Chengdu", ["Jinjiang", "Wuhou", "Qingyang"]),
    "WH-KM": ("Kunming", ["Wuhua", "Panlong", "Guandu"]),
    "WH-WH": ("Wuhan", ["Jianghan", "Wuchang", "Hongshan"]),
    "WH-XA": ("Xi'an", ["Beilin", "Yanta", "Lianhu"]),
}
# Mean units a day an own store sells of a product, by family (each store and product varies around it).
DAILY_RATE = {"Phones": 2.0, "Wearables": 3.0, "Audio": 4.0, "Accessories": 6.0}
# Which factory store a warehouse's store stock came from: Luxshare Kunshan ships to the East, Foxconn to the rest.
FACTORY_OF_REGION = {"East": "FS-LUX"}
DEFAULT_FACTORY = "FS-FXN"


def _spread(*parts) -> float:
    """A stable pseudo-random number in [0, 1) for the given key, so reruns and tests agree."""
    return (zlib.crc32("|".join(str(p) for p in parts).encode()) % 10_000) / 10_000


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=BUSINESS_TZ)


def _own_store_specs(scale: str) -> list[tuple[str, str, str, str]]:
    """(code, name, region, warehouse code) of every own demo store."""
    per_warehouse = OWN_PER_WAREHOUSE.get(scale, OWN_PER_WAREHOUSE["demo"])
    warehouses = {w.code: w for w in Location.objects.filter(code__in=CITIES, kind=LocationKind.WAREHOUSE)}
    specs = []
    for code, (city, districts) in CITIES.items():
        if code not in warehouses:
            continue
        for n in range(1, per_warehouse + 1):
            place = districts[n - 1] if n <= len(districts) else f"{districts[n % len(districts)]} {n}"
            specs.append((f"ST-{code[3:]}-{n:02d}", f"Tempo Store {city} {place}", warehouses[code].region, code))
    return specs


def _seed_store_rows(scale: str, user) -> tuple[int, int]:
    existing = set(Store.objects.values_list("location__code", flat=True))
    taken = set(Location.objects.values_list("code", flat=True))
    warehouses = {w.code: w for w in Location.objects.filter(kind=LocationKind.WAREHOUSE)}
    own = 0
    for code, name, region, warehouse in _own_store_specs(scale):
        if code in existing or code in taken:
            continue
        services.store_create(
            acting_user=user, code=code, name=name, region=region, replenished_from=warehouses[warehouse]
        )
        own += 1
    run_by_retailer = 0
    # The retailers' step made six retailer-run stores; the next retailers without a store get one each.
    target = RETAILER_STORES_BEFORE + EXTRA_RETAILER_STORES.get(scale, EXTRA_RETAILER_STORES["demo"])
    missing = max(0, target - Store.objects.filter(retailer__isnull=False).count())
    for retailer in Retailer.objects.filter(code__startswith="R-", stores__isnull=True).order_by("code")[:missing]:
        code = f"ST-{retailer.code.replace('-', '')}-1"
        if code in taken:
            continue
        trade_name = retailer.legal_name.split(" Co.")[0]
        services.store_create(
            acting_user=user,
            code=code,
            name=f"{trade_name} – {trade_name.split(' ')[0]} store",
            region=retailer.region,
            retailer=retailer,
        )
        run_by_retailer += 1
    return own, run_by_retailer


def _daily_sales(store: Store, item: Item, days) -> dict:
    rate = DAILY_RATE.get(item.family, 2.0) * (0.5 + _spread(store.location.code, item.sku))
    sales = {}
    for day in days:
        weekend = 1.3 if day.weekday() >= 5 else 1.0
        sales[day] = int(rate * weekend * (0.4 + 1.2 * _spread(store.location.code, item.sku, day)) + 0.5)
    return sales


def _plan_own_stores(stores: list[Store], products: list[Item]) -> tuple[dict, dict]:
    """What each new own store receives and sells: {store: {item: units}}, {store: {item: {day: units}}}."""
    today = business_date()
    days = [today - timedelta(days=offset) for offset in range(SALES_DAYS, 0, -1)]
    received: dict = defaultdict(dict)
    sold: dict = defaultdict(dict)
    for store in stores:
        for item in products:
            sales = _daily_sales(store, item, days)
            # Stocked for 0.8-1.4 times what it will sell: some products sell out before today.
            shipped = round_up_to(
                max(1, int(sum(sales.values()) * (0.8 + 0.6 * _spread("stock", store.pk, item.sku)))), item.case_pack
            )
            left = shipped
            for day in days:
                sales[day] = min(sales[day], left)
                left -= sales[day]
            received[store][item] = shipped
            sold[store][item] = {day: units for day, units in sales.items() if units}
    return received, sold


def _ship_and_receive(user, *, kind, origin, destination, lines, reference, shipped_at, received_at) -> None:
    shipment = logistics_services.shipment_create(
        acting_user=user,
        kind=kind,
        from_location=origin,
        to_location=destination,
        reference=reference,
        carrier="Deppon" if kind == ShipmentKind.TRANSFER else "SF Express",
        lines=[ShipmentLineInput(item, qty) for item, qty in lines],
    )
    shipment.events.filter(event_key="created").update(occurred_at=shipped_at - timedelta(hours=4))
    logistics_services.shipment_event_post(
        acting_user=user,
        shipment=shipment,
        status="shipped",
        event_key=f"demo-{reference}-shipped",
        occurred_at=shipped_at,
    )
    logistics_services.shipment_receive(
        acting_user=user,
        shipment=shipment,
        lines=[ReceiptLineInput(item, qty) for item, qty in lines],
        received_at=received_at,
    )


def _seed_own_stock(stores: list[Store], products: list[Item], user, tills) -> tuple[int, int]:
    """Produce at the factories, ship to the warehouses, transfer to the stores, then sell for 28 days."""
    stores = [s for s in stores if not Shipment.objects.filter(reference=f"{REFERENCE}-{s.location.code}").exists()]
    if not stores or not products:
        return 0, 0
    received, sold = _plan_own_stores(stores, products)
    locations = {loc.code: loc for loc in Location.objects.filter(code__in=["FS-FXN", "FS-LUX"])}
    start = business_date() - timedelta(days=SALES_DAYS + 12)
    per_factory_warehouse: dict = defaultdict(lambda: defaultdict(int))
    for store in stores:
        factory = FACTORY_OF_REGION.get(store.replenished_from.region, DEFAULT_FACTORY)
        for item, qty in received[store].items():
            per_factory_warehouse[(factory, store.replenished_from_id)][item] += qty
    if len(locations) < 2:
        return 0, 0
    logistics_services.stock_moves_post(
        acting_user=user,
        moved_at=_at(start, 9),
        moves=[
            StockMoveInput(item, qty, StockMoveReason.PRODUCTION, None, locations[factory], "demo production (stores)")
            for (factory, _warehouse), lines in sorted(per_factory_warehouse.items())
            for item, qty in lines.items()
        ],
    )
    warehouses = Location.objects.in_bulk({warehouse for _factory, warehouse in per_factory_warehouse})
    for (factory, warehouse_id), lines in sorted(per_factory_warehouse.items()):
        warehouse = warehouses[warehouse_id]
        _ship_and_receive(
            user,
            kind=ShipmentKind.INBOUND,
            origin=locations[factory],
            destination=warehouse,
            lines=sorted(lines.items(), key=lambda line: line[0].sku),
            reference=f"{REFERENCE}S-{warehouse.code}-{factory}",
            shipped_at=_at(start + timedelta(days=1), 10),
            received_at=_at(start + timedelta(days=3), 9),
        )
    for n, store in enumerate(stores):
        _ship_and_receive(
            user,
            kind=ShipmentKind.TRANSFER,
            origin=store.replenished_from,
            destination=store.location,
            lines=sorted(received[store].items(), key=lambda line: line[0].sku),
            reference=f"{REFERENCE}-{store.location.code}",
            shipped_at=_at(start + timedelta(days=3), 14) + timedelta(minutes=n),
            received_at=_at(start + timedelta(days=5), 10) + timedelta(minutes=n),
        )
    return len(stores), _sell(stores, sold, tills, SellThroughSource.POS)


def _sell(stores: list[Store], sold: dict, user, source: str) -> int:
    rows = [
        services.SellThroughInput(store.location.code, item, day, units)
        for store in stores
        for item, days in sold[store].items()
        for day, units in days.items()
    ]
    written = 0
    for start in range(0, len(rows), 10_000):
        written += services.store_sell_through_record(
            acting_user=user, scope=ALL_STORES, rows=rows[start : start + 10_000], source=source
        ).written
    return written


def _seed_retailer_sales(stores: list[Store], products: list[Item]) -> int:
    stores = [s for s in stores if not StoreSellThrough.objects.filter(location_id=s.location_id).exists()]
    today = business_date()
    days = [today - timedelta(days=offset) for offset in range(RETAILER_SALES_DAYS, 0, -1)]
    sold = {store: {item: _daily_sales(store, item, days) for item in products} for store in stores}
    return _sell(stores, sold, None, SellThroughSource.PORTAL) if stores else 0


def _pos_user() -> tuple[Any, int]:
    from erp.management.commands.seed_demo import DEMO_PASSWORD  # the same password as every demo login

    user, created = get_user_model().objects.get_or_create(
        username=POS_LOGIN,
        defaults={"first_name": "Store tills (API)", "email": f"{POS_LOGIN}@demo.tempo.local", "is_staff": False},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not PosUser.objects.filter(user=user).exists():
        services.pos_user_link(acting_user=None, user=user, store=None)
    return user, int(created)


def seed_stores(*, scale: str = "demo") -> str:
    user = get_user_model().objects.filter(username="logistics").first()
    own, run_by_retailer = _seed_store_rows(scale, user)
    tills, pos = _pos_user()  # the own stores' sales come in from the tills
    # Stores carry the demo line-up; the large scale's variants (TP-...-V2) are for the benchmarks.
    products = list(
        Item.objects.filter(Q(sku__startswith="TP-"), kind=ItemKind.PRODUCT)
        .exclude(lifecycle_status="obsolete")
        .exclude(sku__regex=r"-V[0-9]+$")
        .order_by("sku")
    )
    own_stores = list(
        Store.objects.filter(retailer__isnull=True, location__code__in=[spec[0] for spec in _own_store_specs(scale)])
        .select_related("location", "replenished_from")
        .order_by("location__code")
    )
    stocked, sales = _seed_own_stock(own_stores, products, user, tills)
    retailer_stores = list(
        Store.objects.filter(retailer__isnull=False).select_related("location").order_by("location__code")
    )
    retailer_sales = _seed_retailer_sales(retailer_stores, products)
    parts = [
        f"{own} own stores" if own else "",
        f"{run_by_retailer} retailer-run stores" if run_by_retailer else "",
        f"stock for {stocked} own stores with {sales} days x products of sell-through" if stocked else "",
        f"{retailer_sales} retailer store sell-through rows" if retailer_sales else "",
        "POS user 'pos'" if pos else "",
    ]
    return ", ".join(part for part in parts if part)


demo_login_register(POS_LOGIN, "POS API", "/api/v1/store-sell-through/ (own stores, token only)")

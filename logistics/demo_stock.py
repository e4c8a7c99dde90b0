"""Logistics' stock part of ``seed_demo``: ten warehouses across China, an in-transit location, the two
demo factories with their factory stores, and opening stock.

Products (TP-*) start in the warehouses; components and assemblies (CP-*, AS-*) at the factory
stores. The OLED screen CP-OLED-667 is kept low (a few hundred) so that MRP shows a screen
shortage. The opening is dated ``OPENED_DAYS_AGO`` days back, when the demo ledger opened:
``demo_history`` fills the days since with deliveries and sales that end at these levels.
Registered with ``erp.demo.demo_step_register`` from ``LogisticsConfig.ready``. Idempotent:
a location or factory that exists is left alone, and opening stock is only given to levels that
have none yet.
"""

import zlib
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from erp.audit import audited_save
from erp.models import Item
from erp.weeks import BUSINESS_TZ, business_date
from logistics import services
from logistics.models import Factory, Location, LocationKind, StockLevel, StockMoveReason
from logistics.services import StockMoveInput

# code, name, region
WAREHOUSES = [
    ("WH-SZ", "Shenzhen warehouse", "South"),
    ("WH-GZ", "Guangzhou warehouse", "South"),
    ("WH-SH", "Shanghai warehouse", "East"),
    ("WH-HZ", "Hangzhou warehouse", "East"),
    ("WH-BJ", "Beijing warehouse", "North"),
    ("WH-SY", "Shenyang warehouse", "Northeast"),
    ("WH-CD", "Chengdu warehouse", "Southwest"),
    ("WH-KM", "Kunming warehouse", "Southwest"),
    ("WH-WH", "Wuhan warehouse", "Central"),
    ("WH-XA", "Xi'an warehouse", "Northwest"),
]
IN_TRANSIT = ("IT-CN", "In transit (China)", "")
# factory code, name, its store's code, the store's region
FACTORIES = [
    ("FAC-FXN", "Foxconn Zhengzhou", "FS-FXN", "Central"),
    ("FAC-LUX", "Luxshare Kunshan", "FS-LUX", "East"),
]
SCARCE_SCREEN = "CP-OLED-667"
SCARCE_SCREEN_QTY = {"FS-FXN": 300, "FS-LUX": 0}
OPENED_DAYS_AGO = 91  # 13 weeks: the turnover trend's 12 and one to build the stock up


def ledger_opened_at(today: date) -> datetime:
    """When the demo's opening stock was counted in: 06:00 business time, ``OPENED_DAYS_AGO`` days ago."""
    return datetime.combine(today - timedelta(days=OPENED_DAYS_AGO), time(6), tzinfo=BUSINESS_TZ)


def _demo_user():
    return get_user_model().objects.filter(username="logistics").first()


def _quantity(sku: str, code: str, low: int, high: int, step: int) -> int:
    """A stable pseudo-random quantity per (sku, location), so reruns and tests agree."""
    spread = (high - low) // step
    return low + (zlib.crc32(f"{sku}@{code}".encode()) % (spread + 1)) * step


def _seed_locations(user) -> tuple[int, int]:
    existing = set(Location.objects.values_list("code", flat=True))
    locations = factories = 0
    for code, name, region in [*WAREHOUSES, IN_TRANSIT]:
        if code not in existing:
            kind = LocationKind.IN_TRANSIT if code == IN_TRANSIT[0] else LocationKind.WAREHOUSE
            services.location_create(acting_user=user, code=code, name=name, kind=kind, region=region)
            locations += 1
    for code, name, store, region in FACTORIES:
        factory = Factory.objects.filter(code=code).first()
        if factory is None:
            factory = audited_save(
                Factory(code=code, name=name, country="CN", working_days="1111110"), acting_user=user, reason="demo"
            )
            factories += 1
        if store not in existing:
            services.location_create(
                acting_user=user,
                code=store,
                name=f"{name} store",
                kind=LocationKind.FACTORY_STORE,
                region=region,
                factory=factory,
            )
            locations += 1
    return locations, factories


def _seed_opening(user) -> int:
    warehouses = list(Location.objects.filter(code__in=[w[0] for w in WAREHOUSES]).order_by("code"))
    stores = list(Location.objects.filter(code__in=[f[2] for f in FACTORIES]).order_by("code"))
    stocked = set(StockLevel.objects.values_list("item_id", "location_id"))
    items = Item.objects.filter(
        Q(sku__startswith="TP-") | Q(sku__startswith="CP-") | Q(sku__startswith="AS-")
    ).order_by("sku")
    moves = []
    for item in items:
        if item.sku.startswith("TP-"):
            for wh in warehouses:
                if (item.pk, wh.pk) not in stocked:
                    qty = _quantity(item.sku, wh.code, 200, 3000, 50)
                    moves.append(StockMoveInput(item=item, qty=qty, reason=StockMoveReason.OPENING, to_location=wh))
            continue
        for store in stores:
            if (item.pk, store.pk) in stocked:
                continue
            if item.sku == SCARCE_SCREEN:
                qty = SCARCE_SCREEN_QTY.get(store.code, 0)
            else:
                qty = _quantity(item.sku, store.code, 5000, 60000, 1000)
            if qty:
                moves.append(StockMoveInput(item=item, qty=qty, reason=StockMoveReason.OPENING, to_location=store))
    opened = ledger_opened_at(business_date())
    for start in range(0, len(moves), 2000):
        services.stock_moves_post(acting_user=user, moves=moves[start : start + 2000], moved_at=opened)
    return len(moves)


def seed_stock(*, scale: str) -> str:
    """Locations, the two demo factories and opening stock; adds only what is missing."""
    user = _demo_user()
    locations, factories = _seed_locations(user)
    opening = _seed_opening(user)
    if not (locations or factories or opening):
        return ""
    return f"{locations} locations, {factories} factories, {opening} opening stock moves"

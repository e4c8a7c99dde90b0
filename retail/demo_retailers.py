"""Retail's retailers part of ``seed_demo``: 400 direct-supply retailers in three tiers across the
warehouse regions, a deposit for each (tier 1 prepaid the most; about 230 million CNY in all), the demo
user ``retailer`` as the retailer admin of the tier-1 retailer ``R-0001``, and a few retailer-run stores.

Registered with ``erp.demo.demo_step_register`` from ``RetailConfig._ready_retailers``. Idempotent: only
missing retailers, accounts, deposits (one per retailer with no entry yet), links and stores are added.
Retailers go in with one bulk insert and their history rows; deposits through ``prepayment_deposit_record``.
"""

from __future__ import annotations

import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from logistics.models import Location, LocationKind
from retail import services
from retail.models import PrepaymentAccount, PrepaymentEntry, Retailer, RetailerTier, RetailerUser

RETAILERS = 400
TIER_1, TIER_2 = 40, 120  # the first 40 codes are tier 1, the next 120 tier 2, the rest tier 3
DEMO_RETAILER = "R-0001"
# The regions of the demo warehouses (logistics/demo_stock.py), with cities for the names.
REGIONS = [
    ("East", ["Shanghai", "Hangzhou", "Nanjing", "Suzhou", "Ningbo"]),
    ("South", ["Shenzhen", "Guangzhou", "Dongguan", "Xiamen", "Nanning"]),
    ("North", ["Beijing", "Tianjin", "Shijiazhuang", "Jinan", "Taiyuan"]),
    ("Central", ["Wuhan", "Zhengzhou", "Changsha", "Hefei", "Nanchang"]),
    ("Southwest", ["Chengdu", "Chongqing", "Kunming", "Guiyang"]),
    ("Northeast", ["Shenyang", "Dalian", "Harbin", "Changchun"]),
    ("Northwest", ["Xi'an", "Lanzhou", "Urumqi", "Yinchuan"]),
]
TRADES = ["Mobile", "Digital", "Telecom", "Electronics", "Smart Life", "Communication"]
# Deposit range per tier, in CNY (low, high, step).
DEPOSITS = {
    RetailerTier.KEY: (2_000_000, 6_000_000, 50_000),
    RetailerTier.STANDARD: (300_000, 900_000, 10_000),
    RetailerTier.SMALL: (50_000, 150_000, 1_000),
}
# Retailer code -> its stores (code, name).
STORES = {
    DEMO_RETAILER: [("ST-R0001-XJH", "Xujiahui flagship"), ("ST-R0001-NJL", "Nanjing Road"), ("ST-R0001-PD", "Pudong")],
    "R-0002": [("ST-R0002-1", "Tianhe store")],
    "R-0003": [("ST-R0003-1", "Wangfujing store")],
    "R-0004": [("ST-R0004-1", "Jiefangbei store")],
}


def _pick(seed: str, low: int, high: int, step: int) -> int:
    """A stable pseudo-random value, so reruns and tests agree."""
    return low + (zlib.crc32(seed.encode()) % ((high - low) // step + 1)) * step


def _tier(n: int) -> int:
    return RetailerTier.KEY if n <= TIER_1 else RetailerTier.STANDARD if n <= TIER_1 + TIER_2 else RetailerTier.SMALL


def demo_retailer_rows() -> list[dict]:
    rows = []
    for n in range(1, RETAILERS + 1):
        region, cities = REGIONS[(n - 1) % len(REGIONS)]
        city = cities[(n // len(REGIONS)) % len(cities)]
        trade = TRADES[n % len(TRADES)]
        code = f"R-{n:04d}"
        rows.append(
            {
                "code": code,
                "legal_name": f"{city} {trade} Retail Co., Ltd. No. {n}",
                "region": region,
                "tier": _tier(n),
                "contact_name": f"Buyer {n}",
                "contact_email": f"orders@{code.lower()}.example.cn",
                "contact_phone": f"+86 400 {n:03d} {n * 7 % 10000:04d}",
            }
        )
    # The demo retailer user's company is in Shanghai.
    rows[0].update(legal_name="Shanghai Sunrise Mobile Retail Co., Ltd.", region="East")
    return rows


def seed_retailers(*, scale: str = "small") -> str:
    User = get_user_model()
    acting = User.objects.filter(username="sales").first()
    stored = set(Retailer.objects.values_list("code", flat=True))
    new = [Retailer(**row) for row in demo_retailer_rows() if row["code"] not in stored]
    if new:
        bulk_create_with_history(new, Retailer, default_user=acting, default_change_reason="demo data")
    retailers = {r.code: r for r in Retailer.objects.filter(code__startswith="R-")}
    with_account = set(PrepaymentAccount.objects.values_list("retailer_id", flat=True))
    PrepaymentAccount.objects.bulk_create(
        [PrepaymentAccount(retailer=r) for r in retailers.values() if r.pk not in with_account]
    )

    funded = set(PrepaymentEntry.objects.values_list("account__retailer_id", flat=True).distinct())
    finance = User.objects.filter(username="finance").first()
    deposits = total = 0
    for code in sorted(retailers):
        retailer = retailers[code]
        if retailer.pk in funded:
            continue
        low, high, step = DEPOSITS[retailer.tier]
        amount = _pick(code, low, high, step)
        services.prepayment_deposit_record(
            acting_user=finance,
            retailer=retailer,
            amount=Decimal(amount),
            reference=f"ICBC-{zlib.crc32(code.encode()) % 10**8:08d}-{code}",
            note="Launch prepayment",
        )
        deposits += 1
        total += amount

    linked = 0
    demo_user = User.objects.filter(username="retailer").first()
    if (
        demo_user is not None
        and DEMO_RETAILER in retailers
        and not RetailerUser.objects.filter(user=demo_user).exists()
    ):
        RetailerUser.objects.create(user=demo_user, retailer=retailers[DEMO_RETAILER], is_admin=True)
        linked = 1

    stores = 0
    existing = set(Location.objects.filter(kind=LocationKind.STORE).values_list("code", flat=True))
    logistics_user = User.objects.filter(username="logistics").first()
    for code, locations in STORES.items():
        retailer = retailers.get(code)
        if retailer is None:
            continue
        for location_code, name in locations:
            if location_code in existing:
                continue
            services.store_create(
                acting_user=logistics_user,
                code=location_code,
                name=f"{retailer.legal_name.split(' Co.')[0]} – {name}",
                region=retailer.region,
                retailer=retailer,
            )
            stores += 1

    parts = []
    if new:
        parts.append(f"{len(new)} retailers")
    if deposits:
        parts.append(f"{deposits} deposits ({total:,} CNY)")
    if stores:
        parts.append(f"{stores} retailer stores")
    if linked:
        parts.append(f"user 'retailer' acts for {DEMO_RETAILER}")
    return ", ".join(parts)

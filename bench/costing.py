"""Benchmark: cost roll-up of an 800-component, 4-level product and the cost-outlier report, on PostgreSQL.

    .venv/bin/python bench/costing.py [--offers-per-component 6] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``tempo_bench_cost`` on that server (dropped afterwards), migrates it and
bulk-loads: 150 suppliers, 800 components, each offered by ``--offers-per-component`` suppliers (three
price breaks each, one offer in five in USD), and one product whose BOM has 4 levels (10 assemblies,
30 sub-assemblies, 60 modules holding 780 components, plus 20 components on the product itself).
Then it times, after one warm-up run, the median of repeated runs of:

1. ``cost_rollup`` of the product at a lot of 10,000 (target: <= 200 ms, fixed query count);
2. ``cost_outliers`` over every current offer (target: <= 1 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "tempo_bench_cost"
ON = date(2026, 11, 2)
SUPPLIERS, COMPONENTS = 150, 800


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    import django

    django.setup()


def load(offers_per_component: int) -> int:
    """Bulk-load the bench data (no services: the structure is known to be valid); return the product id."""
    import random

    from erp.models import Currency, FxRate, Item, Price
    from procurement.models import BomLine, CostRates, PriceBreak, Supplier, SupplierOffer

    rng = random.Random(7)
    cny, usd = Currency.objects.get(code="CNY"), Currency.objects.get(code="USD")
    FxRate.objects.create(currency=usd, date=date(2026, 11, 1), rate=Decimal("7.12"))
    suppliers = Supplier.objects.bulk_create(
        Supplier(code=f"BS-{n:03d}", name=f"Bench supplier {n}", country="CN", currency=cny) for n in range(SUPPLIERS)
    )
    product = Item.objects.create(sku="BENCH-PHONE", name="Bench phone", kind=Item.Kind.PRODUCT)
    Price.objects.create(
        item=product, list_price=Decimal("2999"), retailer_price=Decimal("2699"), valid_from=date(2026, 1, 1)
    )
    assemblies = Item.objects.bulk_create(
        Item(sku=f"BENCH-AS-{n:03d}", name=f"Bench assembly {n}", kind=Item.Kind.ASSEMBLY) for n in range(100)
    )
    components = Item.objects.bulk_create(
        Item(sku=f"BENCH-CP-{n:04d}", name=f"Bench component {n}", kind=Item.Kind.COMPONENT) for n in range(COMPONENTS)
    )
    level1, level2, level3 = assemblies[:10], assemblies[10:40], assemblies[40:100]
    lines = [(product, a) for a in level1]
    lines += [(level1[n // 3], a) for n, a in enumerate(level2)]
    lines += [(level2[n // 2], a) for n, a in enumerate(level3)]
    lines += [(product, c) for c in components[:20]]
    lines += [(level3[n % 60], c) for n, c in enumerate(components[20:])]
    BomLine.objects.bulk_create(
        BomLine(
            parent=parent,
            child=child,
            qty_per=Decimal(rng.choice([1, 1, 1, 2, 4, 12]) if child.kind == Item.Kind.COMPONENT else 1),
            scrap_pct=Decimal(rng.choice(["0", "0.5", "1", "2"])),
            valid_from=date(2026, 1, 1),
        )
        for parent, child in lines
    )
    CostRates.objects.bulk_create(
        CostRates(item=item, conversion_cost=Decimal("1.5"), logistics_cost=Decimal("0")) for item in assemblies
    )
    CostRates.objects.create(item=product, conversion_cost=Decimal("45"), logistics_cost=Decimal("12"))
    offers = []
    for component in components:
        base = Decimal(rng.randint(1, 1000)) / 100
        for supplier in rng.sample(suppliers, offers_per_component):
            in_usd = rng.random() < 0.2
            offers.append(
                SupplierOffer(
                    supplier=supplier,
                    item=component,
                    currency=usd if in_usd else cny,
                    lead_time_days=rng.randint(7, 91),
                    valid_from=date(2026, 1, 1),
                )
            )
            factor = Decimal(rng.choice(["0.9", "1", "1.1", "1.2"] * 10 + ["2.5"]))  # one in 41 is dear
            offers[-1].bench_price = base * factor / (Decimal("7.12") if in_usd else 1)
    SupplierOffer.objects.bulk_create(offers, batch_size=2000)
    PriceBreak.objects.bulk_create(
        (
            PriceBreak(offer=offer, min_qty=qty, unit_price=(offer.bench_price * factor).quantize(Decimal("0.000001")))
            for offer in offers
            for qty, factor in ((1, Decimal(1)), (5000, Decimal("0.97")), (50000, Decimal("0.94")))
        ),
        batch_size=5000,
    )
    return product.pk


def timed(function, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm-up: connection, caches
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(queries)


def run(url: str, offers_per_component: int) -> None:
    setup_django(url)
    from erp.models import Item
    from procurement.models import BomLine, PriceBreak, SupplierOffer
    from procurement.selectors import cost_outliers, cost_rollup

    start = time.perf_counter()
    product_id = load(offers_per_component)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do after a bulk load; the plans depend on it
    print(
        f"loaded in {time.perf_counter() - start:.1f} s: {BomLine.objects.count()} BOM lines, "
        f"{SupplierOffer.objects.count()} offers, {PriceBreak.objects.count()} price breaks; PostgreSQL"
    )
    product = Item.objects.get(pk=product_id)
    rollup = cost_rollup(item=product, on=ON)
    lines = list(rollup.flat())
    depth = max(line.depth for line in lines)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("cost_rollup(item=product, on=ON)", globals(), locals(), sort="cumtime")
    ms, queries = timed(lambda: cost_rollup(item=product, on=ON), repeat=15)
    print(
        f"cost roll-up: {ms:.0f} ms median of 15 ({len(lines)} lines, depth {depth}, {queries} queries, "
        f"unit cost {rollup.unit_cost:.2f} CNY)  target <= 200 ms"
    )
    found = cost_outliers(on=ON)
    ms, queries = timed(lambda: cost_outliers(on=ON), repeat=7)
    print(f"cost outliers: {ms:.0f} ms median of 7 ({len(found)} outliers, {queries} queries)  target <= 1,000 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offers-per-component", type=int, default=6)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.database_url, args.offers_per_component)
        return

    import psycopg

    admin_url = args.database_url
    bench_url = admin_url.rsplit("/", 1)[0] + "/" + BENCH_DB
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--run",
                "--database-url",
                bench_url,
                "--offers-per-component",
                str(args.offers_per_component),
            ],
            check=True,
        )
    finally:
        if not os.environ.get("BENCH_KEEP"):  # keep the database to study query plans
            with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

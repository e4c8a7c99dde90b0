"""Benchmark: the inventory turnover report over 200 locations x 20 products x 26 weeks, on PostgreSQL.

    .venv/bin/python bench/turnover.py [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``tempo_bench_turnover`` (dropped afterwards; ``BENCH_KEEP=1`` keeps it),
migrates it and loads, with COPY: 20 products with a standard cost, 10 warehouses and 190 stores,
and 26 weeks of history per (location, product): a receipt every Monday and a sale (an issue) every
day, about 820,000 stock moves, plus the stock levels they add up to and the daily flow sums (the
services keep those in step with every posted move; COPY bypasses them, so they are rebuilt). Then it times, after a
warm-up, the median of repeated ``turnover_report(window=28, weeks=26)`` calls (target: <= 500 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "tempo_bench_turnover"
PRODUCTS, WAREHOUSES, STORES, WEEKS = 20, 10, 190, 26


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    import django

    django.setup()


def load(now) -> int:
    from django.db import connection

    from erp.models import Item
    from logistics.models import Location, LocationKind, StockLevel
    from procurement.models import StandardCost

    rng = random.Random(11)
    products = Item.objects.bulk_create(
        Item(sku=f"BENCH-P{n:02d}", name=f"Bench phone {n}", kind=Item.Kind.PRODUCT) for n in range(PRODUCTS)
    )
    StandardCost.objects.bulk_create(
        StandardCost(item=p, unit_cost=Decimal(rng.randint(300, 3000)), costed_on=now.date(), lot=10000)
        for p in products
    )
    locations = Location.objects.bulk_create(
        [
            Location(code=f"BW-{n:03d}", name=f"Bench warehouse {n}", kind=LocationKind.WAREHOUSE)
            for n in range(WAREHOUSES)
        ]
        + [Location(code=f"BS-{n:03d}", name=f"Bench store {n}", kind=LocationKind.STORE) for n in range(STORES)]
    )
    start = now - timedelta(weeks=WEEKS)
    levels = []
    moves = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY logistics_stockmove (item_id, qty, from_location_id, to_location_id, reason, reference, moved_at) "
            "FROM STDIN"
        ) as copy,
    ):
        for location in locations:
            for product in products:
                level = 0
                daily = rng.randint(2, 12)
                for day in range(WEEKS * 7):
                    moment = start + timedelta(days=day, hours=10)
                    if day % 7 == 0:
                        # Stock falls over the half year: receipts shrink from ~4 to ~1.5 weeks of sales.
                        weeks_of_cover = 4 - 2.5 * day / (WEEKS * 7)
                        qty = max(1, round(daily * 7 * weeks_of_cover) - level // 2)
                        copy.write_row((product.pk, qty, None, location.pk, "receipt", "bench", moment))
                        level += qty
                        moves += 1
                    sold = min(level, daily + rng.randint(-2, 2))
                    if sold > 0:
                        copy.write_row(
                            (product.pk, sold, location.pk, None, "issue", "bench", moment + timedelta(hours=6))
                        )
                        level -= sold
                        moves += 1
                levels.append(StockLevel(item=product, location=location, on_hand=level))
    StockLevel.objects.bulk_create(levels, batch_size=2000)
    from logistics.services.flows import flows_rebuild

    started = time.perf_counter()
    flows_rebuild()  # what stock_moves_post keeps in step when moves go through the services
    print(f"daily flow sums rebuilt from the moves in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return moves


def run(url: str) -> None:
    setup_django(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from logistics.selectors import turnover_report

    now = timezone.now()
    started = time.perf_counter()
    moves = load(now)
    print(
        f"loaded in {time.perf_counter() - started:.1f} s: {PRODUCTS} products x {WAREHOUSES + STORES} locations x "
        f"{WEEKS} weeks, {moves:,} stock moves; PostgreSQL"
    )
    report = turnover_report(window=28, weeks=WEEKS, now=now)
    times = []
    for _ in range(9):
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            turnover_report(window=28, weeks=WEEKS, now=now)
            times.append(time.perf_counter() - begin)
    trend = [p.turnover_days for p in report.trend]
    first, last = trend[0], trend[-1]
    print(
        f"turnover report: {statistics.median(times) * 1000:.0f} ms median of 9 ({len(queries)} queries; "
        f"{len(report.by_product)} products, {len(report.by_location)} locations, {len(report.trend)} weeks)  "
        f"target <= 500 ms"
    )
    overall = report.overall.turnover_days
    print(f"overall over 28 days: {overall:.1f} days; weekly trend from {first:.1f} to {last:.1f} days")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.database_url)
        return

    import psycopg

    admin_url = args.database_url.replace("postgres://", "postgresql://")
    bench_url = args.database_url.rsplit("/", 1)[0] + "/" + BENCH_DB
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, __file__, "--run", "--database-url", bench_url], check=True)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

"""Benchmark: an allocation run (preview + apply) over 1,000 retailer order lines, on PostgreSQL.

    .venv/bin/python bench/allocation.py [--lines 1000] [--retailers 400] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``tempo_bench_alloc`` on that server (dropped afterwards), migrates it and
bulk-loads one product with stock in 10 warehouses, ``--retailers`` retailers in three tiers with
prepayment accounts, and ``--lines`` confirmed orders of one line each for the product (holds booked
on the accounts as confirmation books them). Then, for each method, it times a preview and an apply
of half the requested units (tiers on) inside a transaction that is rolled back, so every repeat
starts from the same data; it prints the median of 5 repeats after one warm-up, and the query counts.
Target: preview + apply <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from scratch import run_on_scratch_database, setup_django

BENCH_DB = "tempo_bench_alloc"
WAREHOUSES = 10


def load(lines: int, retailers: int) -> int:
    """Bulk-load the bench data (no services: it is known to be valid); return the product id."""
    import random
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from erp.models import Item, Price
    from erp.weeks import IsoWeek
    from logistics.models import Location, LocationKind, StockLevel
    from retail.models import PrepaymentAccount, Retailer, RetailerOrder, RetailerOrderLine

    rng = random.Random(11)
    product = Item.objects.create(sku="BENCH-X1", name="Bench phone", kind=Item.Kind.PRODUCT)
    price = Decimal("2699.00")
    Price.objects.create(item=product, list_price=Decimal("2999"), retailer_price=price, valid_from=date(2026, 1, 1))
    quantities = [rng.randint(20, 400) for _ in range(lines)]
    warehouses = Location.objects.bulk_create(
        Location(code=f"WH-B{n:02d}", name=f"Bench warehouse {n}", kind=LocationKind.WAREHOUSE, region="East")
        for n in range(WAREHOUSES)
    )
    per_warehouse = sum(quantities) // 2 // WAREHOUSES + 100
    StockLevel.objects.bulk_create(StockLevel(item=product, location=wh, on_hand=per_warehouse) for wh in warehouses)
    shops = Retailer.objects.bulk_create(
        Retailer(code=f"R-B{n:04d}", legal_name=f"Bench retailer {n}", region="East", tier=1 + n % 3)
        for n in range(retailers)
    )
    owner = [shops[n % retailers] for n in range(lines)]
    held: dict[int, int] = {}
    for shop, quantity in zip(owner, quantities, strict=True):
        held[shop.pk] = held.get(shop.pk, 0) + quantity * 269900
    PrepaymentAccount.objects.bulk_create(
        PrepaymentAccount(
            retailer=shop, balance_cents=held[shop.pk] + rng.randint(0, 5_000_000) * 100, held_cents=held[shop.pk]
        )
        for shop in shops
    )
    start = timezone.now() - timedelta(days=2)
    orders = RetailerOrder.objects.bulk_create(
        RetailerOrder(
            number=f"RO-2026-{n + 1:06d}",
            retailer=shop,
            status="confirmed",
            held_cents=quantity * 269900,
            confirmed_at=start + timedelta(seconds=rng.randint(0, 3600)),
        )
        for n, (shop, quantity) in enumerate(zip(owner, quantities, strict=True))
    )
    week = (IsoWeek.current() + 1).monday
    RetailerOrderLine.objects.bulk_create(
        RetailerOrderLine(order=order, item=product, requested_week=week, quantity=quantity, unit_price=price)
        for order, quantity in zip(orders, quantities, strict=True)
    )
    return product.pk


def run(url: str, lines: int, retailers: int) -> None:
    setup_django(url)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from erp.models import Item
    from retail.models import RetailerOrderLine
    from retail.services import allocation_run_apply, allocation_run_preview

    started = time.perf_counter()
    product = Item.objects.get(pk=load(lines, retailers))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    requested = sum(RetailerOrderLine.objects.values_list("quantity", flat=True))
    print(
        f"loaded in {time.perf_counter() - started:.1f} s: {lines} order lines of {retailers} retailers, "
        f"{requested:,} units requested, {requested // 2:,} to allocate; PostgreSQL"
    )

    class Rollback(Exception):
        pass

    def once(method: str) -> tuple[float, float, int, int, float]:
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                t0, c0 = time.perf_counter(), time.process_time()
                preview = allocation_run_preview(
                    acting_user=None, item=product, quantity=requested // 2, method=method, use_tiers=True
                )
                t1 = time.perf_counter()
                preview_queries = len(queries)
                applied = allocation_run_apply(acting_user=None, run=preview)
                t2, c2 = time.perf_counter(), time.process_time()
                assert applied.status == "applied" and applied.allocated_total == requested // 2
                result = (t1 - t0, t2 - t1, preview_queries, len(queries) - preview_queries, c2 - c0)
                raise Rollback
        except Rollback:
            return result

    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("once('pro_rata')", globals(), locals(), sort="cumtime")
        with CaptureQueriesContext(connection) as queries:
            once("pro_rata")
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:12]:
            print(query["time"], query["sql"][:150])
        return
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    for method in ("fcfs", "pro_rata", "by_prepayment"):
        once(method)  # warm-up
        runs = [once(method) for _ in range(5)]
        preview_ms = statistics.median(r[0] for r in runs) * 1000
        apply_ms = statistics.median(r[1] for r in runs) * 1000
        total_ms = statistics.median(r[0] + r[1] for r in runs) * 1000
        cpu_ms = statistics.median(r[4] for r in runs) * 1000
        print(
            f"{method:>13}: preview {preview_ms:4.0f} ms ({runs[0][2]} queries), apply {apply_ms:4.0f} ms "
            f"({runs[0][3]} queries), together {total_ms:4.0f} ms (this process's CPU {cpu_ms:4.0f} ms), "
            f"median of 5 (target <= 1 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--retailers", type=int, default=400)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.database_url, args.lines, args.retailers)
        return

    run_on_scratch_database(
        name=BENCH_DB,
        admin_url=args.database_url,
        script=__file__,
        args=["--lines", str(args.lines), "--retailers", str(args.retailers)],
    )


if __name__ == "__main__":
    main()

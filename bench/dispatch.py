"""Benchmark: dispatch on arrival of one receipt against 10,000 waiting order lines, on PostgreSQL.

    .venv/bin/python bench/dispatch.py [--lines 10000] [--retailer-share 0.3] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``tempo_bench_dispatch`` on that server (dropped afterwards), migrates it and
bulk-loads one product, 10 warehouses (``WH-B00`` in the East receives; the others hold reservations),
and ``--lines`` waiting order lines of one line each, all in the East: a share of allocated retailer
orders (400 retailers, holds booked; half of each line's units reserved at ``WH-B00``, half in another
warehouse, so dispatch both hands reservations over and cross-docks) and the rest paid consumer orders
(1 to 3 units). An inbound shipment large enough for everything is shipped from the factory store.

Each repeat, inside a transaction that is rolled back (so every repeat starts from the same data),
receives the shipment and times ``dispatch_run`` for the receipt: one shipment per order, every line
served. It prints the median of 5 repeats after a warm-up, the query count and this process's CPU time.
Target: <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from scratch import run_on_scratch_database, setup_django

BENCH_DB = "tempo_bench_dispatch"
WAREHOUSES = 10
RETAILERS = 400


def load(lines: int, retailer_share: float) -> tuple[int, int, int]:
    """Bulk-load the bench data (no services: it is known to be valid); return (item id, shipment id, units)."""
    import random
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from erp.models import Item, Price
    from erp.weeks import IsoWeek
    from logistics import services as logistics_services
    from logistics.models import Factory, Location, LocationKind, StockLevel
    from orders.models import ConsumerOrder, ConsumerOrderLine
    from retail.models import (
        OrderLineReservation,
        PrepaymentAccount,
        Retailer,
        RetailerOrder,
        RetailerOrderLine,
    )

    rng = random.Random(8)
    product = Item.objects.create(sku="BENCH-X1", name="Bench phone", kind=Item.Kind.PRODUCT)
    price = Decimal("2699.00")
    Price.objects.create(item=product, list_price=Decimal("2999"), retailer_price=price, valid_from=date(2026, 1, 1))
    warehouses = Location.objects.bulk_create(
        Location(
            code=f"WH-B{n:02d}",
            name=f"Bench warehouse {n}",
            kind=LocationKind.WAREHOUSE,
            region="East" if n == 0 else f"Region {n}",
        )
        for n in range(WAREHOUSES)
    )
    here, others = warehouses[0], warehouses[1:]
    factory = Factory.objects.create(code="FAC-BENCH", name="Bench factory")
    store = Location.objects.create(
        code="FS-BENCH", name="Bench store", kind=LocationKind.FACTORY_STORE, factory=factory
    )

    retailer_lines = int(lines * retailer_share)
    consumer_lines = lines - retailer_lines
    start = timezone.now() - timedelta(days=2)
    week = (IsoWeek.current() + 1).monday

    shops = Retailer.objects.bulk_create(
        Retailer(code=f"R-B{n:04d}", legal_name=f"Bench retailer {n}", region="East", tier=1 + n % 3)
        for n in range(RETAILERS)
    )
    quantities = [rng.randint(2, 40) for _ in range(retailer_lines)]
    owner = [shops[n % RETAILERS] for n in range(retailer_lines)]
    held: dict[int, int] = {}
    for shop, quantity in zip(owner, quantities, strict=True):
        held[shop.pk] = held.get(shop.pk, 0) + quantity * 269900
    PrepaymentAccount.objects.bulk_create(
        PrepaymentAccount(
            retailer=shop, balance_cents=held.get(shop.pk, 0) + 10_000_000, held_cents=held.get(shop.pk, 0)
        )
        for shop in shops
    )
    orders = RetailerOrder.objects.bulk_create(
        RetailerOrder(
            number=f"RO-2026-{n + 1:06d}",
            retailer=shop,
            status="allocated",
            held_cents=quantity * 269900,
            confirmed_at=start,
            allocated_at=start + timedelta(seconds=rng.randint(0, 3600)),
        )
        for n, (shop, quantity) in enumerate(zip(owner, quantities, strict=True))
    )
    order_lines = RetailerOrderLine.objects.bulk_create(
        RetailerOrderLine(
            order=order, item=product, requested_week=week, quantity=q, unit_price=price, allocated_quantity=q
        )
        for order, q in zip(orders, quantities, strict=True)
    )
    reservations, reserved = [], {wh.pk: 0 for wh in warehouses}
    for n, (line, quantity) in enumerate(zip(order_lines, quantities, strict=True)):
        at_here = quantity // 2
        elsewhere = others[n % len(others)]
        for location, units in ((here, at_here), (elsewhere, quantity - at_here)):
            if units:
                reservations.append(OrderLineReservation(line=line, location=location, quantity=units))
                reserved[location.pk] += units
    OrderLineReservation.objects.bulk_create(reservations, batch_size=5000)
    StockLevel.objects.bulk_create(
        StockLevel(item=product, location=wh, on_hand=reserved[wh.pk], reserved=reserved[wh.pk]) for wh in warehouses
    )

    consumer_quantities = [rng.randint(1, 3) for _ in range(consumer_lines)]
    consumers = ConsumerOrder.objects.bulk_create(
        (
            ConsumerOrder(
                number=f"CO-2026-{n + 1:06d}",
                channel="online",
                customer_ref=f"web-{n}",
                requested_week=week,
                region="" if n % 10 == 0 else "East",
                status="paid",
                idempotency_key=f"bench-{n}",
                request_fingerprint="bench",
                paid_at=start + timedelta(seconds=rng.randint(0, 3600)),
            )
            for n in range(consumer_lines)
        ),
        batch_size=5000,
    )
    ConsumerOrderLine.objects.bulk_create(
        (
            ConsumerOrderLine(order=order, item=product, quantity=q)
            for order, q in zip(consumers, consumer_quantities, strict=True)
        ),
        batch_size=5000,
    )
    # Enough for every unit the lines wait for that is not reserved at WH-B00 already.
    units = sum(quantities) - reserved[here.pk] + sum(consumer_quantities)
    StockLevel.objects.create(item=product, location=store, on_hand=units)
    shipment = logistics_services.shipment_create(
        acting_user=None,
        kind="inbound",
        from_location=store,
        to_location=here,
        lines=[logistics_services.ShipmentLineInput(product, units)],
    )
    logistics_services.shipment_ship_now(acting_user=None, shipment=shipment)
    return product.pk, shipment.pk, units


def run(url: str, lines: int, retailer_share: float) -> None:
    setup_django(url)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from logistics.models import Shipment
    from logistics.services import ReceiptLineInput, shipment_receive
    from orders.services import dispatch_run

    started = time.perf_counter()
    _item_id, shipment_id, units = load(lines, retailer_share)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"loaded in {time.perf_counter() - started:.1f} s: {lines:,} waiting order lines "
        f"({int(lines * retailer_share):,} retailer, {lines - int(lines * retailer_share):,} consumer), "
        f"a receipt of {units:,} units; PostgreSQL"
    )

    class Rollback(Exception):
        pass

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def backend_cpu() -> float:
        """CPU seconds the PostgreSQL backend serving this process has used (same machine: /proc)."""
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def once() -> tuple[float, float, int, object, float]:
        try:
            with transaction.atomic():
                shipment = Shipment.objects.get(pk=shipment_id)
                lines_ = [ReceiptLineInput(line.item, received=line.quantity) for line in shipment.lines.all()]
                shipment = shipment_receive(acting_user=None, shipment=shipment, lines=lines_)
                with CaptureQueriesContext(connection) as queries:
                    t0, c0, b0 = time.perf_counter(), time.process_time(), backend_cpu()
                    result = dispatch_run(acting_user=None, warehouse=shipment.to_location, trigger=shipment)
                    t1, c1, b1 = time.perf_counter(), time.process_time(), backend_cpu()
                assert result.lines_dispatched == lines and result.lines_waiting == 0, result
                outcome = (t1 - t0, c1 - c0, len(queries), result, b1 - b0)
                raise Rollback
        except Rollback:
            return outcome

    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("once()", globals(), locals(), sort="cumtime")
        with CaptureQueriesContext(connection) as queries:
            once()
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:15]:
            print(query["time"], query["sql"][:160])
        return
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    once()  # warm-up
    runs = [once() for _ in range(5)]
    result = runs[0][3]
    wall = statistics.median(r[0] for r in runs) * 1000
    cpu = statistics.median(r[1] for r in runs) * 1000
    db_cpu = statistics.median(r[4] for r in runs) * 1000
    print(
        f"dispatch of one receipt: {wall:,.0f} ms median of 5 (CPU: this process {cpu:,.0f} ms, "
        f"its PostgreSQL backend {db_cpu:,.0f} ms), "
        f"{runs[0][2]} queries; {result.lines_dispatched:,} lines, {result.units_dispatched:,} units "
        f"({result.units_from_reservation:,} handed over from reservations here, {result.units_cross_docked:,} "
        f"cross-docked) on {result.shipments_created:,} shipments (target <= 2 s)"
    )
    print(f"runs: {', '.join(f'{r[0] * 1000:,.0f} ms' for r in runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--retailer-share", type=float, default=0.3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.database_url, args.lines, args.retailer_share)
        return

    run_on_scratch_database(
        name=BENCH_DB,
        admin_url=args.database_url,
        script=__file__,
        args=["--lines", str(args.lines), "--retailer-share", str(args.retailer_share)],
    )


if __name__ == "__main__":
    main()

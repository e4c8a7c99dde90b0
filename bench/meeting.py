"""Benchmark: the weekly order meeting page for 50 products x 12 weeks and a cell edit round trip, on PostgreSQL.

    .venv/bin/python bench/meeting.py [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--products 50]

Creates a scratch database ``tempo_bench_meeting`` (dropped afterwards; ``BENCH_KEEP=1`` keeps it),
migrates it, runs ``seed_demo --scale large``, and tops the catalogue up to ``--products`` active
products, each with 16 weeks of forecast, a factory capacity and planned production in the draft
schedule, so that every row of the grid has numbers. Then, through Django's test client (the whole
request: middleware, session, permissions, grid, template), it prints the median of repeated GETs of
``/meeting/`` (target: <= 300 ms) with the page's query count, and the median of htmx POSTs that edit
one planned-production cell and get the product's redrawn block back (target: <= 150 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from scratch import ROOT, run_on_scratch_database, setup_django

BENCH_DB = "tempo_bench_meeting"
REPEAT = 9


def top_up(count: int) -> None:
    from erp.models import Item
    from erp.weeks import IsoWeek
    from logistics.models import Factory, FactoryCapacity
    from logistics.selectors import schedule_draft
    from logistics.services import schedule_draft_create, schedule_line_set
    from orders.models import ForecastValue, ForecastVersion

    products = Item.objects.filter(kind=Item.Kind.PRODUCT).exclude(lifecycle_status=Item.Lifecycle.OBSOLETE)
    missing = count - products.count()
    week = IsoWeek.current()
    version = ForecastVersion.objects.get(is_current=True)
    factory = Factory.objects.filter(is_active=True).order_by("code").first()
    draft = schedule_draft() or schedule_draft_create(acting_user=None)
    for n in range(max(missing, 0)):
        item = Item.objects.create(
            sku=f"BENCH-P{n:03d}", name=f"Bench product {n}", kind=Item.Kind.PRODUCT, family="Bench", batch_multiple=100
        )
        ForecastValue.objects.bulk_create(
            [
                ForecastValue(
                    version=version, item=item, week=(week + w).monday, quantity=1000 + 10 * n, method="manual"
                )
                for w in range(16)
            ]
        )
        FactoryCapacity.objects.create(factory=factory, item=item, weekly_capacity=5000)
        for w in range(12):
            schedule_line_set(acting_user=None, version=draft, factory=factory, item=item, week=week + w, quantity=900)


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def profile(client) -> None:
    """Where one GET of the page spends its time (top functions by cumulative time)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    client.get("/meeting/")
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def run(url: str, products: int, *, show_profile: bool = False, seed: bool = True) -> None:
    env_seed = None
    if seed:
        env_seed = subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--scale", "large"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
    if env_seed and env_seed.returncode:
        sys.exit(f"seed_demo --scale large failed:\n{env_seed.stderr[-2000:]}")
    os.environ.setdefault("DEBUG", "0")  # server time as in production: no debug templates or query log
    setup_django(url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from erp.weeks import IsoWeek
    from orders.selectors.meeting import meeting_grid

    top_up(products)
    week = IsoWeek.current()
    client = Client()
    client.force_login(get_user_model().objects.get(username="planning"))
    page = client.get("/meeting/")
    assert page.status_code == 200, page.status_code
    rows = len(meeting_grid(week=week).rows)
    # Counted by a wrapper: each request opens a new connection, which resets Django's query log.
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get("/meeting/")
    gets = [timed(lambda: client.get("/meeting/")) for _ in range(REPEAT)]
    grid = [timed(lambda: meeting_grid(week=week)) for _ in range(REPEAT)]

    row = meeting_grid(week=week).rows[0]
    sku, cell = row.item.sku, row.cells[1]
    url_cell = f"/meeting/{week.key}/cells/{sku}/{cell.week.key}/"
    current = cell.planned
    posts = []
    for n in range(REPEAT + 1):
        new = current + (100 if n % 2 == 0 else -100)
        start = time.perf_counter()
        response = client.post(url_cell, {"quantity": str(new), "expected": str(current)}, HTTP_HX_REQUEST="true")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200 and 'role="alert"' not in response.text, response.text[:500]
        current = new
        if n:  # the first one opens the meeting
            posts.append(elapsed)
    if show_profile:
        profile(client)
    print(f"products in the grid: {rows} x {len(row.cells)} weeks")
    print(
        f"GET /meeting/: median {statistics.median(gets):.0f} ms (min {min(gets):.0f}, max {max(gets):.0f}), "
        f"{len(queries)} queries  [target <= 300 ms]"
    )
    print(f"meeting_grid alone: median {statistics.median(grid):.0f} ms")
    print(
        f"cell edit round trip (htmx POST, redrawn block): median {statistics.median(posts):.0f} ms "
        f"(min {min(posts):.0f}, max {max(posts):.0f})  [target <= 150 ms]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one page GET")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-seed", action="store_true", help="with --run: reuse a database kept by BENCH_KEEP=1")
    args = parser.parse_args()
    if args.run:
        run(args.database_url, args.products, show_profile=args.profile, seed=not args.no_seed)
        return
    run_on_scratch_database(
        name=BENCH_DB,
        admin_url=args.database_url,
        script=__file__,
        args=["--products", str(args.products), *(["--profile"] if args.profile else [])],
    )


if __name__ == "__main__":
    main()

"""Benchmark: flash-sale order intake under gunicorn on PostgreSQL, driven over loopback.

    .venv/bin/python bench/flash_sale.py [--duration 20] [--max-orders 50000] [--concurrency 48]
        [--stock 30000] [--shards 8] [--workers 3] [--worker-class gthread] [--threads 2] [--skip-pgbench]

Makes a scratch database ``tempo_bench_flash`` (dropped afterwards; ``BENCH_KEEP=1`` keeps it), creates a
product, the shop integration user and a live sale, starts gunicorn (``erp.wsgi``, DEBUG off, production
settings without the TLS redirect) on 127.0.0.1, and drives ``POST /api/v1/flash-sales/<id>/orders/``
from an asyncio load generator on the same machine for a bounded time and count. Every request has a
new Idempotency-Key and customer; one request in 50 replays an acknowledged key and must get the same
number back. Then it prints orders/s sustained (201s after a 2 s warm-up, up to the last 201), p50/p99
latency, units sold vs stock (oversold must be 0), acknowledged orders missing from the database (must
be 0), and the raw PostgreSQL ceiling for the same single-row conditional decrement measured by pgbench
in the same run, with our ratio to it. Exits non-zero when anything was oversold or lost.

The app runs with production's defaults, so each process trusts a token it checked for 1 s and keeps
the running sale for 2 s (``API_AUTH_CACHE_SECONDS``, ``FLASH_SALE_CACHE_SECONDS``; README "Running in
production" says what that costs); either set to 0 in the environment measures without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import timedelta

from scratch import ROOT, run_on_scratch_database, setup_django

BENCH_DB = os.environ.get("BENCH_FLASH_DB", "tempo_bench_flash")
PORT = 8765
WARM_UP = 2.0
PASSWORD = "bench-flash-2026"


def prepare(stock: int, shards: int) -> tuple[int, str]:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from erp import roles
    from erp.models import Item
    from erp.services import api_token_create
    from orders.services.flash import flash_sale_create
    from tests.erp.factories import UserFactory

    item = Item.objects.create(sku="BENCH-PHONE", name="Bench phone", kind=Item.Kind.PRODUCT, unit="pcs")
    shop = UserFactory(username="bench-shop", is_staff=False)
    shop.groups.add(Group.objects.get(name=roles.SHOP))
    _record, token = api_token_create(acting_user=None, user=shop, label="bench")
    now = timezone.now()
    sale = flash_sale_create(
        acting_user=None,
        item=item,
        name="Bench launch",
        quantity=stock,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        per_customer_limit=1,
        counter_shards=shards,
    )
    return sale.pk, token


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() == "close"


async def drive(sale_id: int, token: str, *, duration: float, max_orders: int, concurrency: int) -> dict:
    path = f"/api/v1/flash-sales/{sale_id}/orders/"
    sent = 0
    acked: dict[str, tuple[str, str]] = {}  # key -> (customer, number)
    ack_keys: list[str] = []
    samples: list[tuple[float, float, int]] = []  # (finished at, latency, status)
    replay_mismatch = 0
    start = time.perf_counter()
    stop_at = start + duration

    def request(key: str, customer: str) -> bytes:
        body = json.dumps({"customer_ref": customer}).encode()
        return (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
            f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode() + body

    async def client(index: int) -> None:
        nonlocal sent, replay_mismatch
        reader = writer = None
        while time.perf_counter() < stop_at and sent < max_orders:
            sent += 1
            n = sent
            replay = n % 50 == 0 and ack_keys
            if replay:
                key = ack_keys[n % len(ack_keys)]
                customer = acked[key][0]
            else:
                key, customer = f"bench-{index}-{n}", f"cust-{n}"
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            began = time.perf_counter()
            writer.write(request(key, customer))
            try:
                status, body, close = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                reader = writer = None
                samples.append((time.perf_counter(), time.perf_counter() - began, 0))
                continue
            done = time.perf_counter()
            samples.append((done, done - began, status))
            if status == 201:
                number = json.loads(body)["number"]
                if replay:
                    replay_mismatch += number != acked[key][1]
                else:
                    acked[key] = (customer, number)
                    ack_keys.append(key)
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return {"start": start, "samples": samples, "acked": acked, "replay_mismatch": replay_mismatch, "sent": sent}


def pgbench_ceiling(url: str, clients: int, seconds: int) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_counter")
        conn.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0))")
        conn.execute("INSERT INTO bench_counter VALUES (1, 1000000000)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("UPDATE bench_counter SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0;\n")
    dbname = url.rsplit("/", 1)[1]
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            script.name,
            dbname,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))


# Production turns both on (erp/settings.py); set either to 0 in the environment to measure without it.
CACHE_SETTINGS = ("API_AUTH_CACHE_SECONDS", "FLASH_SALE_CACHE_SECONDS")


def start_gunicorn(url: str, args: argparse.Namespace) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
        "DATABASE_CONN_MAX_AGE": "600",
        "DATABASE_SERVER_SIDE_BINDING": "1",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "erp.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", str(args.workers)]
    command += ["-k", args.worker_class, "--keep-alive", "5", "--log-level", "warning", "--backlog", "2048"]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except Exception:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU so far of these processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _machine_cpu() -> list[int]:
    """The whole machine's CPU jiffies so far (/proc/stat): user, nice, system, idle, iowait, irq, softirq, ..."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:8]]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def _postgres_backends() -> list[int]:
    """The other sessions on the scratch database: the gunicorn workers'."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()  # this thread's own connection


def run(args: argparse.Namespace) -> int:
    setup_django(args.database_url)
    from django.db.models import Sum

    from orders.models import FlashSaleCounter, FlashSaleOrder

    sale_id, token = prepare(args.stock, args.shards)
    server = start_gunicorn(args.database_url, args)
    try:
        workers = [server.pid, *_children(server.pid)]

        async def measured() -> tuple[dict, tuple]:
            # CPU is counted from the end of the warm-up, when every worker has loaded what it loads lazily.
            load = asyncio.create_task(
                drive(sale_id, token, duration=args.duration, max_orders=args.max_orders, concurrency=args.concurrency)
            )
            await asyncio.sleep(WARM_UP)
            # In a thread: Django refuses ORM calls inside the event loop.
            backends = await asyncio.to_thread(_postgres_backends)
            workers[:] = [server.pid, *_children(server.pid)]
            snapshot = (
                time.perf_counter(),
                _cpu_seconds(workers),
                _cpu_seconds(backends),
                time.process_time(),
                _machine_cpu(),
            )
            result = await load
            result["backends"] = backends
            return result, snapshot

        result, (warm_at, app_before, database_before, own_before, machine_before) = asyncio.run(measured())
        machine_after = _machine_cpu()
        # The workers' database sessions outlive the run (persistent connections): read their CPU now.
        app_cpu = _cpu_seconds(workers) - app_before
        database_cpu = _cpu_seconds(result["backends"]) - database_before
        own_cpu = time.process_time() - own_before
    finally:
        server.terminate()
        server.wait(timeout=30)

    samples, acked, start = result["samples"], result["acked"], result["start"]
    statuses = Counter(status for _, _, status in samples)
    latencies = sorted(latency * 1000 for _, latency, _ in samples)
    created_times = [at for at, _, status in samples if status == 201 and at - start >= WARM_UP]
    span = (max(created_times) - (start + WARM_UP)) if created_times else 0
    rate = len(created_times) / span if span > 0 else 0.0

    counters = FlashSaleCounter.objects.filter(sale_id=sale_id).aggregate(
        remaining=Sum("remaining"), initial=Sum("initial")
    )
    sold_by_counter = counters["initial"] - counters["remaining"]
    stored = set(FlashSaleOrder.objects.filter(sale_id=sale_id).values_list("number", flat=True))
    acked_numbers = {number for _, number in acked.values()}
    missing = len(acked_numbers - stored)
    oversold = max(0, sold_by_counter - args.stock, len(stored) - args.stock)

    ceiling = 0.0 if args.skip_pgbench else pgbench_ceiling(args.database_url, args.workers, 5)
    p = statistics.quantiles(latencies, n=100) if len(latencies) >= 100 else latencies
    print(
        f"\nFlash-sale intake: gunicorn {args.worker_class} x{args.workers}, {args.concurrency} connections, "
        f"{args.shards} counter rows, stock {args.stock}, {args.duration:.0f} s max / {args.max_orders} max"
    )
    caches = ", ".join(f"{name}={os.environ.get(name, 'production default')}" for name in CACHE_SETTINGS)
    print(f"  caches                    {caches}")
    print(f"  requests sent             {result['sent']}")
    print(f"  statuses                  {dict(sorted(statuses.items()))}  (0 = connection dropped)")
    print(
        f"  orders/s sustained        {rate:.0f}   (201s after {WARM_UP:.0f} s warm-up, to the last 201; target >= 555)"
    )
    print(f"  latency p50 / p99 / max   {p[49]:.1f} / {p[98]:.1f} / {latencies[-1]:.1f} ms   (target p99 <= 250)")
    print(f"  units sold / stock        {sold_by_counter} / {args.stock}   orders stored {len(stored)}")
    print(f"  oversold                  {oversold}   (must be 0)")
    print(f"  acknowledged, missing     {len(acked_numbers)}, {missing}   (must be 0)")
    print(f"  replays answered wrong    {result['replay_mismatch']}")
    measured_requests = sum(1 for at, _, _ in samples if at >= warm_at)
    if measured_requests:
        per = 1000 / measured_requests
        print(
            f"  CPU per request           gunicorn {app_cpu * per:.2f} ms, PostgreSQL {database_cpu * per:.2f} ms, "
            f"load generator {own_cpu * per:.2f} ms   (2 cores: {2000 / ((app_cpu + database_cpu + own_cpu) * per):.0f}"
            " requests/s if CPU were the only limit)"
        )
        spent = (after - before for before, after in zip(machine_before, machine_after, strict=True))
        user, nice, system, idle, iowait, irq, softirq = spent
        total = max(1, user + nice + system + idle + iowait + irq + softirq)
        print(
            f"  machine CPU while measured user {user / total:.0%}, system {system / total:.0%}, "
            f"softirq {(irq + softirq) / total:.0%}, idle {(idle + iowait) / total:.0%}   (both cores; anything"
            " else running counts too)"
        )
    if ceiling:
        print(f"  pgbench same decrement    {ceiling:.0f} tps ({args.workers} clients); our ratio {rate / ceiling:.2f}")
    return 1 if oversold or missing or result["replay_mismatch"] else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--max-orders", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--stock", type=int, default=30_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        sys.exit(run(args))
    forwarded = [
        f"--{name.replace('_', '-')}={value}"
        for name, value in vars(args).items()
        if name not in {"database_url", "run", "skip_pgbench"}
    ] + (["--skip-pgbench"] if args.skip_pgbench else [])
    run_on_scratch_database(name=BENCH_DB, admin_url=args.database_url, script=__file__, args=forwarded)


if __name__ == "__main__":
    main()

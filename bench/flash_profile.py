"""Where a flash-sale intake request spends its time: the WSGI app called in-process, no server, no network.

    .venv/bin/python bench/flash_profile.py [--requests 2000] [--top 30]

On a scratch PostgreSQL database (``tempo_bench_flash_profile``) with the production settings the benchmark
uses, it sends ``--requests`` intake POSTs straight to ``erp.wsgi.application`` and prints the CPU time per
request (ours, in this process, and PostgreSQL's wait), the SQL statements per request, and cProfile's top
functions by CPU time. It answers "what does one order cost in Python" without gunicorn or a load
generator competing for the two cores.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

from scratch import run_on_scratch_database, setup_django

PRODUCTION_ENV = {
    "DATABASE_SERVER_SIDE_BINDING": "1",
    "DJANGO_ENV": "production",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "DEBUG": "0",
    "DATABASE_CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
    "CELERY_TASK_ALWAYS_EAGER": "1",
}


def _backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a local process (the PostgreSQL backend serving our connection)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> int:
    os.environ.update(PRODUCTION_ENV)
    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from flash_sale import prepare

    from erp.wsgi import application

    sale_id, token = prepare(2 * args.requests + 50, 1)
    path = f"/api/v1/flash-sales/{sale_id}/orders/"

    def environ(n: int) -> dict:
        body = json.dumps({"customer_ref": f"cust-{n}"}).encode()
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json",
            "HTTP_AUTHORIZATION": f"Token {token}",
            "HTTP_IDEMPOTENCY_KEY": f"key-{n}",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
        }

    statuses: dict[str, int] = {}

    def call(n: int) -> None:
        result = application(
            environ(n), lambda status, headers: statuses.__setitem__(status, statuses.get(status, 0) + 1)
        )
        b"".join(result)
        if hasattr(result, "close"):
            result.close()

    for n in range(20):  # warm caches, connection, URL resolver
        call(-n - 1)
    with CaptureQueriesContext(connection) as queries:
        call(10**6)
    print(f"SQL per request ({len(queries.captured_queries)}):")
    for q in queries.captured_queries:
        print("  ", q["sql"][:160])

    backend = _backend_pid(connection)
    cpu0, wall0, pg0 = time.process_time(), time.perf_counter(), _cpu_seconds(backend)
    for n in range(args.requests):
        call(n)
    cpu, wall, pg = time.process_time() - cpu0, time.perf_counter() - wall0, _cpu_seconds(backend) - pg0
    per_request = f"{wall / args.requests * 1000:.2f} ms wall, {cpu / args.requests * 1000:.2f} ms CPU"
    print(f"\n{args.requests} requests: {per_request} in this process per request")
    if backend == _backend_pid(connection):  # the same session served every request
        print(f"PostgreSQL backend {backend}: {pg / args.requests * 1000:.2f} ms CPU per request")
    print("statuses", statuses)

    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the other core runs PostgreSQL
    profiler.enable()
    for n in range(args.requests):
        call(2 * 10**6 + n)
    profiler.disable()
    if args.dump:
        profiler.dump_stats(args.dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--dump", default="", help="also write the cProfile stats to this file")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        sys.exit(run(args))
    forwarded = [f"--requests={args.requests}", f"--top={args.top}", f"--sort={args.sort}", f"--dump={args.dump}"]
    run_on_scratch_database(
        name="tempo_bench_flash_profile", admin_url=args.database_url, script=__file__, args=forwarded
    )


if __name__ == "__main__":
    main()

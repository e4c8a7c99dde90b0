"""Benchmark: onboarding 1,000 retailers with their users from one Excel file (issue 7).

    .venv/bin/python bench/onboarding.py [--rows 1000] [--database sqlite|postgres|both]
                                         [--postgres-url postgres://postgres@127.0.0.1:5432/postgres]

For each database it makes a scratch database (a temporary SQLite file, or ``tempo_bench_onboarding`` on the
PostgreSQL server, dropped afterwards), migrates it, writes a workbook of N retailers, each with a user and
every fourth with a second one, and times, in a process of its own:

1. the dry run (parse and check every row, nothing written);
2. the commit: retailers with their history, prepayment accounts, users, role memberships, retailer links,
   and the invitation emails sent after the commit (the locmem mail backend, Celery in eager mode), with
   the number of SQL queries the whole commit took.

Target: the commit of 1,000 retailers with users in <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "tempo_bench_onboarding"
HEADER = ["code", "legal_name", "region", "tier", "status", "contact_name", "contact_email", "contact_phone"]
HEADER += ["payment_terms", "user_email", "user_name", "user_is_admin", "user2_email", "user2_name", "user2_is_admin"]
REGIONS = ["East", "South", "North", "Central", "Southwest", "Northeast", "Northwest"]


def make_workbook(path: str, rows: int) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("retailers")
    sheet.write_row(0, 0, HEADER)
    users = 0
    for n in range(rows):
        second = n % 4 == 0
        users += 2 if second else 1
        sheet.write_row(
            n + 1,
            0,
            [
                f"RB-{n:05d}",
                f"Bench Retail {n} Co., Ltd.",
                REGIONS[n % len(REGIONS)],
                1 if n < rows // 10 else 2 if n < rows * 4 // 10 else 3,
                "active",
                f"Buyer {n}",
                f"orders{n}@bench{n}.cn",
                f"+86 400 {n:06d}",
                "100% prepayment",
                f"owner{n}@bench{n}.cn",
                f"Owner {n}",
                "yes",
                f"clerk{n}@bench{n}.cn" if second else "",
                f"Clerk {n}" if second else "",
                "no" if second else "",
            ],
        )
    workbook.close()
    return users


def phase(path: str, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from erp import roles
    from erp.excel.datasets import dataset_get
    from erp.excel.engine import run_import
    from retail.models import PrepaymentAccount, Retailer, RetailerUser

    user = get_user_model().objects.get(username="bench")
    dataset = dataset_get("retailers")
    vendor = connection.vendor
    started = time.perf_counter()
    outcome = run_import(dataset, path, file_name="bench.xlsx", acting_user=user, dry_run=True)
    dry_seconds = time.perf_counter() - started
    assert outcome.ok and outcome.created == rows, outcome.errors[:5]
    print(f"{vendor:<10} dry run  {rows:>6} rows {dry_seconds:6.2f} s  {rows / dry_seconds:8,.0f} rows/s", flush=True)

    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        outcome = run_import(dataset, path, file_name="bench.xlsx", acting_user=user, dry_run=False)
        seconds = time.perf_counter() - started
    assert outcome.ok and outcome.written, outcome.errors[:5]
    counts = (Retailer.objects.count(), PrepaymentAccount.objects.count(), RetailerUser.objects.count())
    assert counts[0] == rows and counts[1] == rows and roles.RETAILER
    print(
        f"{vendor:<10} commit   {rows:>6} rows {seconds:6.2f} s  {rows / seconds:8,.0f} rows/s  "
        f"{counts[0]} retailers, {counts[1]} accounts, {counts[2]} users, {len(mail.outbox)} invitations sent, "
        f"{len(queries.captured_queries)} queries  (target <= 10 s)",
        flush=True,
    )


def run_on(url: str, rows: int, path: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
            "u = get_user_model().objects.create_user('bench'); u.groups.add(Group.objects.get(name='sales'))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, __file__, "--phase", "--file", path, "--rows", str(rows)], cwd=ROOT, env=env, check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.file, args.rows)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "retailers.xlsx")
        users = make_workbook(path, args.rows)
        print(f"workbook: {args.rows} retailers with {users} users, {os.path.getsize(path) / 1024:.0f} kB")
        if args.database in ("sqlite", "both"):
            run_on(f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}", args.rows, path)
        if args.database in ("postgres", "both"):
            import psycopg

            admin_url = args.postgres_url.replace("postgres://", "postgresql://")
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
                conn.execute(f"CREATE DATABASE {BENCH_DB}")
            try:
                run_on(args.postgres_url.rsplit("/", 1)[0] + "/" + BENCH_DB, args.rows, path)
            finally:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

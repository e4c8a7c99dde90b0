"""Benchmark: Excel upsert and export of 100,000 items on PostgreSQL.

    .venv/bin/python bench/excel_import.py [--rows 100000] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``tempo_bench`` on that server (dropped afterwards), migrates it, then measures
each phase in its own process so that peak RSS is per phase:

1. create: import a new workbook of N items (parse + validate + insert with history);
2. update: import it again with every name and batch multiple changed;
3. unchanged: import the same file once more (nothing to write);
4. export: write all N items to xlsx.

Targets (issue #4): upsert >= 5,000 rows/s with peak RSS <= 300 MB; export >= 20,000 rows/s in constant memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "tempo_bench"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    import django

    django.setup()


def make_workbook(path: str, rows: int, variant: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("items")
    sheet.write_row(
        0, 0, ["sku", "name", "kind", "unit", "lifecycle_status", "batch_multiple", "family", "description"]
    )
    kinds = ["component", "assembly", "product"]
    for n in range(rows):
        sheet.write_row(
            n + 1,
            0,
            [
                f"BENCH-{n:07d}",
                f"Bench part {n} v{variant}",
                kinds[n % 3],
                "pcs",
                "active",
                (n + variant) % 500 + 1,
                f"Family {n % 20}",
                f"Generated row {n}",
            ],
        )
    workbook.close()


def phase(name: str, url: str, path: str, rows: int) -> None:
    setup_django(url)
    from django.contrib.auth import get_user_model

    from erp.excel.datasets import dataset_get
    from erp.excel.engine import run_import
    from erp.excel.writer import write_xlsx

    dataset = dataset_get("items")
    base = rss_mb()
    started = time.perf_counter()
    if name == "export":
        with tempfile.TemporaryDirectory() as tmp:
            count = write_xlsx(
                os.path.join(tmp, "export.xlsx"), dataset, dataset.export_rows(dataset.export_queryset())
            )
        detail = f"{count} rows written"
    else:
        user = get_user_model().objects.get(username="bench")
        outcome = run_import(dataset, path, file_name="bench.xlsx", acting_user=user, dry_run=False)
        assert outcome.ok, outcome.errors[:5]
        detail = f"created {outcome.created}, updated {outcome.updated}, unchanged {outcome.unchanged}"
    seconds = time.perf_counter() - started
    print(
        f"{name:<10} {rows:>8} rows {seconds:7.2f} s {rows / seconds:>9,.0f} rows/s  "
        f"peak RSS {rss_mb():6.1f} MB (after start-up {base:6.1f} MB)  {detail}",
        flush=True,
    )


def run_phase(name: str, url: str, path: str, rows: int) -> None:
    subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", path, "--rows", str(rows), "--database-url", url],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--phase")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.database_url, args.file, args.rows)
        return

    import psycopg

    admin_url = args.database_url
    bench_url = admin_url.rsplit("/", 1)[0] + "/" + BENCH_DB
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django.contrib.auth import get_user_model; get_user_model().objects.create_user('bench')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            first, second = os.path.join(tmp, "v1.xlsx"), os.path.join(tmp, "v2.xlsx")
            make_workbook(first, args.rows, 1)
            make_workbook(second, args.rows, 2)
            print(f"workbook: {args.rows} rows x 8 columns, {os.path.getsize(first) / 1048576:.1f} MB; PostgreSQL")
            run_phase("create", bench_url, first, args.rows)
            run_phase("update", bench_url, second, args.rows)
            run_phase("unchanged", bench_url, second, args.rows)
            run_phase("export", bench_url, second, args.rows)
    finally:
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

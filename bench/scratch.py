"""What the PostgreSQL benchmarks share: a scratch database, made and migrated, handed to the bench's own
``--run`` in a process of its own (so Django is set up against it from the start), then dropped.

``BENCH_KEEP=1`` keeps the database for a look afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    import django

    django.setup()


def _admin(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(statement)


def run_on_scratch_database(*, name: str, admin_url: str, script: str, args: list[str]) -> None:
    """Drop and create database ``name`` on ``admin_url``'s server, migrate it, run ``script --run
    --database-url <it> *args``, and drop it again."""
    bench_url = admin_url.rsplit("/", 1)[0] + "/" + name
    _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(admin_url, f"CREATE DATABASE {name}")
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, script, "--run", "--database-url", bench_url, *args], check=True)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

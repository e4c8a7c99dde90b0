"""Helpers for tests that race threads against PostgreSQL (SQLite serialises writers, so they skip there)."""

import threading

import pytest
from django.db import connection, connections


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        # Not a missing service: SQLite serialises writers itself, so there is no race to test.
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")


def race(count: int, target) -> list:
    """Run ``target(index)`` in ``count`` threads released together; each result, or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=20)  # 50 threads on a loaded 2-core machine take a while to start
            results[index] = target(index)
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def race_each(targets: list) -> list:
    """Run each of ``targets`` (no arguments) in its own thread, all released together; as ``race``."""
    return race(len(targets), lambda index: targets[index]())

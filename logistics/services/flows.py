"""Daily flow sums, kept in step with the stock ledger: ``_post`` calls ``flows_add`` for every batch.

Each sum is added with one INSERT ... ON CONFLICT DO UPDATE per table (the same statement works on
PostgreSQL and SQLite), in key order like the levels, so concurrent posts cannot deadlock on them.
``flows_rebuild`` recomputes both tables from the moves (after a bulk load, or to repair).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction

from erp.weeks import BUSINESS_TZ
from logistics.models import ItemFlowDay, StockFlowDay, StockMove, StockMoveReason, flow_seconds

BATCH = 500


def _sums(moves: Iterable[tuple[int, int, int | None, int | None, str, datetime]]):
    """Moves as (item, qty, from, to, reason, moved_at) -> [net, weighted, issued] per (item, location, day)
    and per (item, day)."""
    by_place: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_item: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item_id, qty, from_id, to_id, reason, moved_at in moves:
        day = moved_at.astimezone(BUSINESS_TZ).date()
        seconds = flow_seconds(moved_at)
        issued = qty if to_id is None and reason == StockMoveReason.ISSUE else 0
        net = 0
        if to_id is not None:
            row = by_place[(item_id, to_id, day)]
            row[0] += qty
            row[1] += qty * seconds
            net += qty
        if from_id is not None:
            row = by_place[(item_id, from_id, day)]
            row[0] -= qty
            row[1] -= qty * seconds
            row[2] += issued
            net -= qty
        totals = by_item[(item_id, day)]
        totals[0] += net
        totals[1] += net * seconds
        totals[2] += issued
    return by_place, by_item


def _upsert(table: str, key_columns: tuple[str, ...], rows: dict[tuple, list[int]]) -> None:
    columns = (*key_columns, "net_in", "weighted", "issued")
    keys = sorted(rows)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    update = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in ("net_in", "weighted", "issued"))
    with connection.cursor() as cursor:
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            params = [value for key in chunk for value in (*key, *rows[key])]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {update}",
                params,
            )


def flows_add(moves: Iterable[tuple[int, int, int | None, int | None, str, datetime]]) -> None:
    by_place, by_item = _sums(moves)
    _upsert(StockFlowDay._meta.db_table, ("item_id", "location_id", "day"), by_place)
    _upsert(ItemFlowDay._meta.db_table, ("item_id", "day"), by_item)


@transaction.atomic
def flows_rebuild() -> int:
    """Recompute both flow tables from every stock move (summed in memory, then inserted); returns the move count."""
    StockFlowDay.objects.all().delete()
    ItemFlowDay.objects.all().delete()
    moves = StockMove.objects.values_list("item_id", "qty", "from_location_id", "to_location_id", "reason", "moved_at")
    count = 0

    def counted():
        nonlocal count
        for move in moves.iterator(chunk_size=20000):
            count += 1
            yield move

    by_place, by_item = _sums(counted())
    StockFlowDay.objects.bulk_create(
        (
            StockFlowDay(item_id=i, location_id=loc, day=d, net_in=n, weighted=w, issued=x)
            for (i, loc, d), (n, w, x) in by_place.items()
        ),
        batch_size=5000,
    )
    ItemFlowDay.objects.bulk_create(
        (ItemFlowDay(item_id=i, day=d, net_in=n, weighted=w, issued=x) for (i, d), (n, w, x) in by_item.items()),
        batch_size=5000,
    )
    return count

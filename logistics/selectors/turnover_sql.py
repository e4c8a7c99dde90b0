"""The turnover report's three aggregate queries, written in SQL because they weight stock moves by
the time they happened (seconds since an instant), which the ORM cannot express on both databases.

Times are compared as seconds relative to ``now`` so sums stay small and exact enough in floats.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from erp.models import ItemKind


def _seconds(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    return f"((julianday({column}) - 2440587.5) * 86400.0)"


def _floor(expression: str) -> str:
    # PostgreSQL's CAST rounds; SQLite's truncates, which is the floor for the positive ages used here.
    if connection.vendor == "postgresql":
        return f"FLOOR({expression})::integer"
    return f"CAST({expression} AS INTEGER)"


def _param(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


_FLOWS = """
    SELECT m.item_id AS item_id, m.to_location_id AS location_id, m.qty AS q, m.moved_at AS moved_at
      FROM logistics_stockmove m WHERE m.to_location_id IS NOT NULL AND m.moved_at >= %(since)s
    UNION ALL
    SELECT m.item_id, m.from_location_id, -m.qty, m.moved_at
      FROM logistics_stockmove m WHERE m.from_location_id IS NOT NULL AND m.moved_at >= %(since)s
"""


def window_flows(*, since: datetime, now: datetime) -> list[tuple[int, int, int, float]]:
    """Per (product, location) since ``since``: net units in, and the sum of net units x seconds after ``since``."""
    sql = f"""
        SELECT f.item_id, f.location_id, SUM(f.q), SUM(f.q * ({_seconds("f.moved_at")} - %(since_s)s))
          FROM ({_FLOWS}) f JOIN erp_item i ON i.id = f.item_id
         WHERE i.kind = %(product)s
         GROUP BY f.item_id, f.location_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"since": _param(since), "since_s": since.timestamp(), "product": ItemKind.PRODUCT})
        return [(item, location, int(net), float(weighted or 0)) for item, location, net, weighted in cursor.fetchall()]


def window_issues(*, since: datetime) -> list[tuple[int, int, int]]:
    """Per (product, location): units that left stock to customers (issues to nowhere) since ``since``."""
    sql = """
        SELECT m.item_id, m.from_location_id, SUM(m.qty)
          FROM logistics_stockmove m JOIN erp_item i ON i.id = m.item_id
         WHERE m.to_location_id IS NULL AND m.from_location_id IS NOT NULL AND m.reason = 'issue'
           AND m.moved_at >= %(since)s AND i.kind = %(product)s
         GROUP BY m.item_id, m.from_location_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"since": _param(since), "product": ItemKind.PRODUCT})
        return [(item, location, int(units)) for item, location, units in cursor.fetchall()]


def weekly_value_flows(*, since: datetime, now: datetime) -> list[tuple[int, float, float, float]]:
    """Per week bucket (0 = the 7 days up to ``now``): net value in at standard cost, that value x seconds
    relative to ``now``, and the value issued to customers."""
    seconds = _seconds("f.moved_at")
    sql = f"""
        SELECT {_floor(f"(%(now_s)s - {seconds}) / 604800")} AS bucket,
               SUM(f.q * COALESCE(c.unit_cost, 0)),
               SUM(f.q * COALESCE(c.unit_cost, 0) * ({seconds} - %(now_s)s)),
               SUM(CASE WHEN f.issued = 1 THEN -f.q * COALESCE(c.unit_cost, 0) ELSE 0 END)
          FROM (
            SELECT m.item_id AS item_id, m.qty AS q, m.moved_at AS moved_at, 0 AS issued
              FROM logistics_stockmove m WHERE m.to_location_id IS NOT NULL AND m.moved_at >= %(since)s
            UNION ALL
            SELECT m.item_id, -m.qty, m.moved_at,
                   CASE WHEN m.to_location_id IS NULL AND m.reason = 'issue' THEN 1 ELSE 0 END
              FROM logistics_stockmove m WHERE m.from_location_id IS NOT NULL AND m.moved_at >= %(since)s
          ) f
          JOIN erp_item i ON i.id = f.item_id
          LEFT JOIN procurement_standardcost c ON c.item_id = f.item_id
         WHERE i.kind = %(product)s AND {seconds} <= %(now_s)s
         GROUP BY 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"since": _param(since), "now_s": now.timestamp(), "product": ItemKind.PRODUCT})
        return [(int(b), float(v or 0), float(w or 0), float(s or 0)) for b, v, w, s in cursor.fetchall()]

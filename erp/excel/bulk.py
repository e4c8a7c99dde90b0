"""Fast writes for imports, with the django-simple-history rows that record who
changed what: COPY on PostgreSQL (updates go through a scratch table and one
UPDATE ... FROM), one INSERT or UPDATE with ``executemany`` on SQLite.

Django's ``bulk_create``/``bulk_update`` spend most of an import's time compiling
expressions per field per object (``bulk_update`` builds a CASE per field), which
capped an upsert at 1,000-4,000 rows/s here. On PostgreSQL neither a huge
multi-row VALUES statement (the driver's placeholder rewriting dominated) nor
``executemany`` (one parse per row with client-side binding) did better; COPY does.
Values are prepared per column with the field's own ``get_db_prep_save`` except
for types the drivers take as they are.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.utils import timezone

# Field types whose Python values both drivers (psycopg, sqlite3 with Django's adapters) accept directly.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DecimalField",
    "DateField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _preparer(field: models.Field, connection) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in _PLAIN and connection.vendor in {"postgresql", "sqlite"}:
        return None
    if kind == "DateTimeField" and connection.vendor == "postgresql":
        return None  # psycopg sends aware datetimes as they are; SQLite needs Django's UTC text

    return lambda value: field.get_db_prep_save(value, connection)


def _prepared_rows(rows: Sequence[dict[str, Any]], fields: list[models.Field], connection) -> list[list[Any]]:
    preparers = [_preparer(field, connection) for field in fields]
    names = [field.attname for field in fields]
    result = []
    for row in rows:
        values = [row[name] for name in names]
        for index, prepare in enumerate(preparers):
            if prepare is not None:
                values[index] = prepare(values[index])
        result.append(values)
    return result


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts of attname -> value, without the primary key)."""
    if not rows:
        return
    connection = connections[model._default_manager.db]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    prepared = _prepared_rows(rows, fields, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw psycopg cursor: translate its errors into Django's, as the ORM would.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", prepared)


def update_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], attnames: list[str]) -> None:
    """UPDATE the ``attnames`` columns of ``rows`` (dicts holding the primary key too)."""
    if not rows or not attnames:
        return
    connection = connections[model._default_manager.db]
    meta = model._meta
    fields = [meta.get_field(name) for name in attnames] + [meta.pk]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    prepared = _prepared_rows(rows, fields, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY the new values into a scratch table shaped like the columns, then one UPDATE ... FROM.
            scratch = quote(f"tempo_update_{meta.db_table}")
            columns = ", ".join(quote(f.column) for f in fields)
            # On failure the caller's transaction rolls back, and the scratch table with it.
            cursor.execute(f"CREATE TEMP TABLE {scratch} AS SELECT {columns} FROM {table} WITH NO DATA")
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
            assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields[:-1])
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {scratch} AS s WHERE {table}.{pk} = s.{pk}")
            cursor.execute(f"DROP TABLE {scratch}")
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields[:-1])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", prepared)


def insert_history(model: type[models.Model], rows: Sequence[dict[str, Any]], *, kind: str, user, reason: str) -> None:
    """Write django-simple-history rows for ``rows`` (full field values, primary key included)."""
    history_model = model.history.model
    now = timezone.now()
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    tracked = [f.attname for f in model._meta.concrete_fields]
    records = [
        {
            **{name: row[name] for name in tracked},
            "history_date": now,
            "history_change_reason": reason,
            "history_type": kind,
            "history_user_id": user_id,
        }
        for row in rows
    ]
    insert_rows(history_model, records)


def insert_history_from(queryset: models.QuerySet, *, kind: str, user, reason: str) -> None:
    """Write django-simple-history rows for the rows ``queryset`` selects, straight from the table with one
    ``INSERT ... SELECT`` (nothing travels through Python, however many rows)."""
    model = queryset.model
    history_model = model.history.model
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    tracked = [f.attname for f in model._meta.concrete_fields]
    columns = [quote(history_model._meta.get_field(name).column) for name in tracked]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    try:
        select, params = queryset.order_by().values_list(*tracked).query.sql_with_params()
    except EmptyResultSet:  # e.g. ``.none()``: no rows, no history
        return
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(columns + [quote(c) for c in extra])}) "
            f"SELECT history_rows.*, %s, %s, %s, %s FROM ({select}) AS history_rows",
            [when, reason, kind, user_id, *params],
        )


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector around a bulk operation.

    Building tens of thousands of rows (dicts, tuples, dataclasses) triggers collections that walk every
    live object in the process; a 10,000-line dispatch spent a quarter of its Python time in them. The
    rows are not cyclic, so nothing is lost by collecting once afterwards instead.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

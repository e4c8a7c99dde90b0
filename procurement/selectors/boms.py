"""Reads of bills of materials: lines, and whole structures exploded in one query."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet

from erp.models import Item
from procurement.models import BomLine

# Deeper than any real product; it only stops a loop that slipped past the checks from running forever.
MAX_BOM_DEPTH = 20


@dataclass(frozen=True, slots=True)
class BomRow:
    line_id: int
    parent_id: int
    child_id: int
    qty_per: Decimal
    scrap_pct: Decimal
    sku: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ExplodedLine:
    """One BOM line placed in the tree of a top item."""

    row: BomRow
    depth: int  # 1 for the top item's own lines
    path: tuple[int, ...]  # line ids from the top, this one last: unique per place in the tree
    qty_in_top: Decimal  # how many go into one top item, scrap included
    has_children: bool


def bom_line_list() -> QuerySet[BomLine]:
    return BomLine.objects.select_related("parent", "child")


def bom_lines_in_force(on: date) -> QuerySet[BomLine]:
    return bom_line_list().filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


def decimal_from_db(value: Decimal | float | int, places: str | None = None) -> Decimal:
    """A decimal read by raw SQL: SQLite hands numbers back, whose shortest repr is the stored value."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(places)) if places else number


def bom_rows(*, item_id: int | None = None, item_ids: list[int] | None = None, on: date) -> dict[int, list[BomRow]]:
    """Every line in force on ``on`` below ``item_id`` (or each of ``item_ids``), at any depth, by parent id.

    One recursive query, so reading a product's structure costs the same for 10 lines or 1,000.
    """
    roots = [item_id] if item_id is not None else list(item_ids or [])
    if not roots:
        return {}
    line, item = BomLine._meta.db_table, Item._meta.db_table
    day = connection.ops.adapt_datefield_value(on)
    in_force = "b.valid_from <= %s AND (b.valid_to IS NULL OR b.valid_to >= %s)"
    sql = f"""
        WITH RECURSIVE reach(item_id, depth) AS (
            SELECT id, 0 FROM {item} WHERE id IN ({", ".join(["%s"] * len(roots))})
            UNION
            SELECT b.child_id, r.depth + 1 FROM {line} b JOIN reach r ON b.parent_id = r.item_id
            WHERE {in_force} AND r.depth < %s
        )
        SELECT b.id, b.parent_id, b.child_id, b.qty_per, b.scrap_pct, i.sku, i.name, i.kind
        FROM {line} b JOIN {item} i ON i.id = b.child_id
        WHERE b.parent_id IN (SELECT item_id FROM reach) AND {in_force}
        ORDER BY b.parent_id, i.sku, b.id
    """  # table names come from the models; every value is a parameter
    grouped: dict[int, list[BomRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*roots, day, day, MAX_BOM_DEPTH, day, day])
        for pk, parent_id, child_id, qty_per, scrap_pct, sku, name, kind in cursor.fetchall():
            grouped[parent_id].append(
                BomRow(
                    pk,
                    parent_id,
                    child_id,
                    decimal_from_db(qty_per, "0.0001"),
                    decimal_from_db(scrap_pct, "0.01"),
                    sku,
                    name,
                    kind,
                )
            )
    return dict(grouped)


def scrap_factor(scrap_pct: Decimal) -> Decimal:
    return 1 + scrap_pct / 100


def bom_explode(*, item_id: int, on: date, rows: dict[int, list[BomRow]] | None = None) -> Iterator[ExplodedLine]:
    """The lines below ``item_id`` depth-first, in the order a BOM page lists them."""
    rows = bom_rows(item_id=item_id, on=on) if rows is None else rows

    def walk(parent_id: int, depth: int, path: tuple[int, ...], qty: Decimal) -> Iterator[ExplodedLine]:
        if depth > MAX_BOM_DEPTH:
            return
        for row in rows.get(parent_id, []):
            in_top = qty * row.qty_per * scrap_factor(row.scrap_pct)
            here = (*path, row.line_id)
            yield ExplodedLine(row, depth, here, in_top, row.child_id in rows)
            yield from walk(row.child_id, depth + 1, here, in_top)

    yield from walk(item_id, 1, (), Decimal(1))


def bom_parents() -> QuerySet[Item]:
    """Items that have BOM lines, for choosing what to explode or cost."""
    return Item.objects.filter(bom_lines__isnull=False).distinct().order_by("sku")

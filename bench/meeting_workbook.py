"""Time the meeting workbook: build it from a MeetingGrid and read an edited copy back.

Usage: .venv/bin/python bench/meeting_workbook.py [--products 50] [--repeat 5]

The grid is made by hand (no database): this measures the workbook itself, not ``meeting_grid``.
Prints the median of ``--repeat`` runs after one warm-up, and the file size.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from erp.models import Item  # noqa: E402
from erp.weeks import IsoWeek, week_range  # noqa: E402
from orders.meeting_workbook import meeting_workbook_build, meeting_workbook_read  # noqa: E402
from orders.selectors.meeting_types import (  # noqa: E402
    MEETING_WEEKS,
    LastWeekActuals,
    MeetingCell,
    MeetingGrid,
    MeetingRow,
    ShortageSummary,
)


def grid(products: int) -> MeetingGrid:
    week = IsoWeek.current()
    weeks = week_range(week, MEETING_WEEKS)
    rows = []
    for n in range(products):
        cells = [
            MeetingCell(w, 900, 100, 700, 900, 1000 + i, 1000, 1000, 500 - 100 * i, Decimal("3.5"), 0)
            for i, w in enumerate(weeks)
        ]
        item = Item(sku=f"TP-B{n:04d}", name=f"Phone {n}", kind=Item.Kind.PRODUCT)
        rows.append(
            MeetingRow(
                item,
                ["SZ"],
                3000,
                2800,
                5000,
                None,
                None,
                Decimal("0.3"),
                LastWeekActuals(0, 0, 0),
                ShortageSummary(1, "CP-1", "Chip", 1),
                cells,
            )
        )
    return MeetingGrid(week, weeks, False, 1, None, rows)


def timed(action, repeat: int) -> float:
    action()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    the_grid = grid(args.products)
    content = meeting_workbook_build(grid=the_grid, decisions=[])
    workbook = load_workbook(io.BytesIO(content))
    workbook["Supply"]["D2"] = 1500
    edited = io.BytesIO()
    workbook.save(edited)

    build_ms = timed(lambda: meeting_workbook_build(grid=the_grid, decisions=[]), args.repeat)
    read_ms = timed(
        lambda: meeting_workbook_read(upload=SimpleUploadedFile("m.xlsx", edited.getvalue()), grid=the_grid),
        args.repeat,
    )
    print(f"products: {args.products} x {MEETING_WEEKS} weeks; workbook {len(content) / 1024:.0f} KiB")
    print(f"build: {build_ms:.0f} ms (median of {args.repeat})")
    print(f"read back (checks + calamine + compare): {read_ms:.0f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()

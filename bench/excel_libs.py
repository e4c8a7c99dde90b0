"""Measure xlsx writers and readers for the Excel import/export engine.

Usage: .venv/bin/python bench/excel_libs.py [--rows N] [--workdir DIR] [--keep]

Writers: openpyxl (write_only=True), xlsxwriter (constant_memory=True), and the csv module for reference.
Readers: openpyxl (read_only=True, data_only=True, values_only rows) and python-calamine (iter_rows and to_python),
all reading the file xlsxwriter produced.

Every case runs in a fresh child process (this script with --case), so the peak RSS reported is per case.
The child takes ru_maxrss after its imports (and, for writers, after building the rows) as its baseline and
reports the peak and the delta above that baseline. Standalone: imports nothing from the project.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from importlib import metadata

HEADERS = ["sku", "name", "kind", "qty", "unit_price", "rate", "ship_date", "active", "note", "pack_size"]
WIDTHS = [14, 28, 12, 10, 12, 14, 12, 8, 24, 10]
KINDS = ["finished", "component", "packaging", "raw", "service"]
WORDS = ["alpha", "bravo", "cedar", "delta", "ember", "falcon", "garnet", "harbor", "indigo", "juniper"]
NOTES = ["", "urgent", "check qty", "resupply", "hold", "fragile", "seasonal"]
BASE_DATE = dt.date(2024, 1, 1)
CENT = Decimal("0.01")
RATE_Q = Decimal("0.00000001")


def make_rows(n: int) -> list[tuple]:
    """Deterministic rows: sku, name, kind, int, Decimal(2dp), Decimal(8dp), date, bool, note (None every 7th), int."""
    rows = []
    for i in range(n):
        h = (i * 2654435761) % 4294967296  # Knuth multiplicative hash: deterministic, well spread
        note = NOTES[h % len(NOTES)] or None
        if i % 7 == 3:
            note = None
        rows.append(
            (
                f"SKU-{i:07d}",
                f"{WORDS[h % 10].title()} {WORDS[(h >> 4) % 10]} {i % 997}",
                KINDS[(h >> 8) % len(KINDS)],
                (h >> 12) % 5000 - 250,
                (Decimal((h >> 3) % 1_000_000) / 100).quantize(CENT),
                (Decimal(h % 100_000_000_000) / 100_000_000).quantize(RATE_Q),
                BASE_DATE + dt.timedelta(days=(h >> 5) % 1100),
                bool((h >> 7) & 1),
                note,
                (h >> 9) % 48 + 1,
            )
        )
    return rows


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


# ---------------------------------------------------------------------------------------------------- writers


def write_openpyxl(rows: list[tuple], path: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Items")
    ws.freeze_panes = "A2"
    for idx, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        price = WriteOnlyCell(ws, value=r[4])
        price.number_format = "#,##0.00"
        rate = WriteOnlyCell(ws, value=r[5])
        rate.number_format = "0.00000000"
        day = WriteOnlyCell(ws, value=r[6])
        day.number_format = "yyyy-mm-dd"
        ws.append([r[0], r[1], r[2], r[3], price, rate, day, r[7], r[8], r[9]])
    wb.save(path)


def write_xlsxwriter(rows: list[tuple], path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("Items")
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    rate = wb.add_format({"num_format": "0.00000000"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.freeze_panes(1, 0)
    for idx, width in enumerate(WIDTHS):
        ws.set_column(idx, idx, width)
    ws.write_row(0, 0, HEADERS, bold)
    ws_string, ws_number = ws.write_string, ws.write_number
    ws_datetime, ws_boolean = ws.write_datetime, ws.write_boolean
    for i, r in enumerate(rows, start=1):
        ws_string(i, 0, r[0])
        ws_string(i, 1, r[1])
        ws_string(i, 2, r[2])
        ws_number(i, 3, r[3])
        ws_number(i, 4, r[4], money)
        ws_number(i, 5, r[5], rate)
        ws_datetime(i, 6, r[6], date)
        ws_boolean(i, 7, r[7])
        if r[8] is not None:
            ws_string(i, 8, r[8])
        ws_number(i, 9, r[9])
    wb.close()


def write_csv(rows: list[tuple], path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows)  # Decimal -> str(), date -> isoformat, None -> ""


WRITERS = {"write:openpyxl": write_openpyxl, "write:xlsxwriter": write_xlsxwriter, "write:csv": write_csv}


# ---------------------------------------------------------------------------------------------------- readers


def read_openpyxl(path: str):
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    finally:
        wb.close()


def read_calamine_iter(path: str):
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(path) as wb:
        yield from wb.get_sheet_by_index(0).iter_rows()


def read_calamine_list(path: str):
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(path) as wb:
        yield from wb.get_sheet_by_index(0).to_python()


READERS = {
    "read:openpyxl": read_openpyxl,
    "read:calamine-iter_rows": read_calamine_iter,
    "read:calamine-to_python": read_calamine_list,
}

IMPORTS = {
    "write:openpyxl": ["openpyxl", "openpyxl.cell", "openpyxl.styles"],
    "write:xlsxwriter": ["xlsxwriter"],
    "write:csv": [],
    "read:openpyxl": ["openpyxl"],
    "read:calamine-iter_rows": ["python_calamine"],
    "read:calamine-to_python": ["python_calamine"],
}


def describe(row) -> list[str]:
    return [f"{type(v).__name__}:{v!r}" for v in row]


def run_case(case: str, n: int, path: str) -> dict:
    """Child process body: one case, JSON on stdout."""
    for mod in IMPORTS[case]:
        __import__(mod)
    if case in WRITERS:
        rows = make_rows(n)
        base = maxrss_mb()
        t0 = time.perf_counter()
        WRITERS[case](rows, path)
        elapsed = time.perf_counter() - t0
        out = {"rows": n, "cells": n * len(HEADERS), "size_mb": os.path.getsize(path) / 2**20}
    else:
        base = maxrss_mb()
        count = cells = 0
        samples: dict[str, list[str]] = {}
        t0 = time.perf_counter()
        for i, row in enumerate(READERS[case](path)):
            count += 1
            cells += len(row)
            if i in (2, 4):  # data row 1 (every column filled) and data row 3 (empty note cell)
                samples[f"row{i - 1}"] = describe(row)
        elapsed = time.perf_counter() - t0
        out = {"rows": count - 1, "cells": cells - len(HEADERS), "samples": samples}
    peak = maxrss_mb()
    out.update(case=case, seconds=elapsed, base_mb=base, peak_mb=peak, delta_mb=peak - base)
    return out


def normalise(row) -> tuple:
    """Map what a reader returns back to the generated Python types (the conversion the engine would do)."""
    sku, name, kind, qty, price, rate, day, active, note, pack = (list(row) + [None] * len(HEADERS))[: len(HEADERS)]

    def whole(v):
        return int(v) if isinstance(v, float) and v.is_integer() else v

    return (
        sku,
        name,
        kind,
        whole(qty),
        Decimal(repr(price)).quantize(CENT),
        Decimal(repr(rate)).quantize(RATE_Q),
        day.date() if isinstance(day, dt.datetime) else day,
        active,
        note or None,
        whole(pack),
    )


def verify_case(reader: str, n: int, path: str) -> dict:
    """Child process body (untimed): compare every cell a reader returns with the generated rows."""
    expected = make_rows(n)
    mismatches = dict.fromkeys(HEADERS, 0)
    first: dict[str, str] = {}
    got = -1
    for got, row in enumerate(READERS[reader](path)):
        if got == 0:
            continue
        want = expected[got - 1]
        for col, a, b in zip(HEADERS, normalise(row), want, strict=True):
            if a != b or type(a) is not type(b):
                mismatches[col] += 1
                first.setdefault(col, f"row {got - 1}: got {a!r}, want {b!r}")
    return {"case": reader, "rows": got, "mismatches": {k: v for k, v in mismatches.items() if v}, "first": first}


def spawn(case: str, n: int, path: str) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--case", case, "--rows", str(n), "--path", path]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{case} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def versions() -> dict[str, str]:
    names = ["openpyxl", "xlsxwriter", "python-calamine", "defusedxml", "et_xmlfile"]
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", help="where to put the files (default: a fresh temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case and args.case.startswith("verify:"):
        print(json.dumps(verify_case(args.case.removeprefix("verify:"), args.rows, args.path)))
        return
    if args.case:
        print(json.dumps(run_case(args.case, args.rows, args.path)))
        return

    workdir = args.workdir or tempfile.mkdtemp(prefix="excel_libs_")
    os.makedirs(workdir, exist_ok=True)
    files = {
        "write:openpyxl": os.path.join(workdir, "openpyxl.xlsx"),
        "write:xlsxwriter": os.path.join(workdir, "xlsxwriter.xlsx"),
        "write:csv": os.path.join(workdir, "rows.csv"),
    }
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.rows} rows x {len(HEADERS)} columns")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    results = [spawn(case, args.rows, path) for case, path in files.items()]
    results += [spawn(case, args.rows, files["write:xlsxwriter"]) for case in READERS]

    line = f"{'case':<26}{'seconds':>9}{'rows/s':>11}{'cells/s':>12}{'base MB':>9}{'peak MB':>9}{'delta MB':>10}"
    print()
    print(line + f"{'file MB':>9}")
    print("-" * (len(line) + 9))
    for r in results:
        size = f"{r['size_mb']:>9.1f}" if "size_mb" in r else ""
        print(
            f"{r['case']:<26}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>11,.0f}{r['cells'] / r['seconds']:>12,.0f}"
            f"{r['base_mb']:>9.1f}{r['peak_mb']:>9.1f}{r['delta_mb']:>10.1f}{size}"
        )
    print("\nreader return types (type:repr per column; data row 3 has an empty note cell):")
    for r in results:
        for label, cells in r.get("samples", {}).items():
            print(f"  {r['case']} {label}: {', '.join(cells)}")

    print("\nround trip (untimed): every cell read back, normalised (float -> int / Decimal(repr) quantised,")
    print("datetime -> date, '' -> None) and compared with the generated value and type:")
    for reader in ("read:openpyxl", "read:calamine-iter_rows"):
        check = spawn("verify:" + reader, args.rows, files["write:xlsxwriter"])
        verdict = "all equal" if not check["mismatches"] else f"MISMATCHES {check['mismatches']} {check['first']}"
        print(f"  {reader}: {check['rows']} rows, {verdict}")
    check = spawn("verify:read:openpyxl", args.rows, files["write:openpyxl"])
    verdict = "all equal" if not check["mismatches"] else f"MISMATCHES {check['mismatches']} {check['first']}"
    print(f"  read:openpyxl on the openpyxl-written file: {check['rows']} rows, {verdict}")

    if not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    elif args.keep:
        print(f"\nfiles kept in {workdir}")


if __name__ == "__main__":
    main()

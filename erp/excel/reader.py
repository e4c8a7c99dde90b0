"""Opening uploaded workbooks safely, then reading their rows fast.

Before any parser sees the file we check, with the standard library only:
its size, that it is a zip holding an .xlsx workbook, the number of parts,
their declared uncompressed sizes and compression ratios (zip bombs), that no
XML part declares a DOCTYPE or entities (entity-expansion attacks), and, while
streaming each worksheet through a bounded decompressor, that it really is no
larger than declared. Only then does python-calamine (Rust) read the cells.

Sheet extent: calamine allocates the rectangle between a sheet's outermost
cells before reading, so a tiny file with cells in A1 and XFD1048576 would make
it ask for hundreds of GB and abort the process. The stream above also reads
every row number and cell reference and refuses a sheet whose extent exceeds
``EXCEL_MAX_CELLS`` before calamine opens it.

Formulas: calamine returns a formula cell's cached value, the value Excel last
computed and saved. Tempo imports that value and says so in a warning; a formula
saved without a value (written by a program, never opened in Excel) reads as a
blank cell.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

_CHUNK = 1 << 20
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_ROW_NUMBER = re.compile(rb'<row[^>]*?\sr="(\d+)"')
_CELL_REF = re.compile(rb'<c[^>]*?\sr="([A-Z]+)(\d+)"')


class WorkbookError(Exception):
    """The file cannot be imported at all; the message says why, in plain words."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass
class CheckedWorkbook:
    path: str
    warnings: list[str] = field(default_factory=list)


def check_workbook(path: str, *, file_name: str) -> CheckedWorkbook:
    max_bytes = _limit("EXCEL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    max_total = _limit("EXCEL_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)
    max_ratio = _limit("EXCEL_MAX_COMPRESSION_RATIO", 100)
    max_parts = _limit("EXCEL_MAX_PARTS", 1000)
    max_cells = _limit("EXCEL_MAX_CELLS", 5_000_000)

    if not file_name.lower().endswith(".xlsx"):
        raise WorkbookError(f"'{file_name}' is not an .xlsx workbook; save it from Excel as .xlsx and upload again.")
    size = os.path.getsize(path)
    if size > max_bytes:
        raise WorkbookError(f"The file is {size / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB.")
    if size == 0 or not zipfile.is_zipfile(path):
        raise WorkbookError(f"'{file_name}' is not an Excel workbook (.xlsx files are zip archives).")

    checked = CheckedWorkbook(path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
            if len(parts) > max_parts:
                raise WorkbookError(f"The workbook has {len(parts)} parts; at most {max_parts} are accepted.")
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookError(f"'{file_name}' is a zip file but not an Excel workbook.")
            total = sum(part.file_size for part in parts)
            if total > max_total:
                raise WorkbookError(
                    f"The workbook would unpack to {total / 1048576:.0f} MB (limit {max_total / 1048576:.0f} MB); "
                    "it is refused as a possible zip bomb."
                )
            for part in parts:
                if part.file_size > _CHUNK and part.file_size > max_ratio * max(part.compress_size, 1):
                    raise WorkbookError(
                        f"Part {part.filename} is compressed {part.file_size // max(part.compress_size, 1)}:1; "
                        "it is refused as a possible zip bomb."
                    )
            has_formulas = False
            for part in parts:
                if part.filename.endswith(_XML_SUFFIXES):
                    scan = _scan_part(archive, part)
                    has_formulas |= scan.formulas
                    if scan.rows * scan.columns > max_cells:
                        raise WorkbookError(
                            f"Sheet {part.filename} spans {scan.rows:,} rows x {scan.columns:,} columns; "
                            f"at most {max_cells:,} cells are accepted. Delete stray cells far from the data."
                        )
            if has_formulas:
                checked.warnings.append(
                    "The workbook contains formulas: their values as last saved by Excel were imported."
                )
    except zipfile.BadZipFile as error:
        raise WorkbookError(f"'{file_name}' is a damaged zip file: {error}.") from error
    return checked


@dataclass
class _PartScan:
    formulas: bool = False
    rows: int = 0
    columns: int = 0


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> _PartScan:
    """Stream one XML part: refuse DTDs, check its real size; for sheets, find formulas and the extent."""
    is_sheet = part.filename.startswith("xl/worksheets/")
    scan = _PartScan()
    seen = 0
    tail = b""
    widest = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > part.file_size:
                raise WorkbookError(f"Part {part.filename} is larger than it declares; the file is refused.")
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise WorkbookError(
                    f"Part {part.filename} declares XML entities (a DOCTYPE), which Tempo never accepts."
                )
            if is_sheet:
                scan.formulas = scan.formulas or b"<f>" in window or b"<f " in window
                rows = _ROW_NUMBER.findall(window)
                refs = _CELL_REF.findall(window)
                if rows:
                    scan.rows = max(scan.rows, max(int(n) for n in rows))
                if refs:
                    scan.rows = max(scan.rows, max(int(n) for _letters, n in refs))
                    letters = max((letters for letters, _n in refs), key=lambda x: (len(x), x))
                    widest = max(widest, letters, key=lambda x: (len(x), x))
            tail = chunk[-64:]
            if not is_sheet and seen > 64 * 1024:
                # Non-sheet parts are small; their head is where a DOCTYPE must stand.
                break
    scan.columns = _column_number(widest) if widest else 0
    return scan


def iter_sheet_rows(path: str, *, sheet_name: str | None = None) -> Iterator[list[Any]]:
    """Rows of the sheet called ``sheet_name`` (or the first sheet) as lists of cell values."""
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = workbook.sheet_names
        if not names:
            raise WorkbookError("The workbook has no sheets.")
        sheet = workbook.get_sheet_by_name(sheet_name) if sheet_name in names else workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except CalamineError as error:
        raise WorkbookError(f"The workbook could not be read: {error}.") from error

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
            error_cells: list[str] = []
            for part in parts:
                # Every part, whatever its name: the workbook's relations may point anywhere.
                scan = _scan_part(archive, part)
                has_formulas |= scan.formulas
                error_cells += scan.error_cells
                if scan.rows * scan.columns > max_cells:
                    raise WorkbookError(
                        f"Sheet {part.filename} spans {scan.rows:,} rows x {scan.columns:,} columns; "
                        f"at most {max_cells:,} cells are accepted. Delete stray cells far from the data."
                    )
            if error_cells:
                raise WorkbookError(
                    f"Cells {', '.join(error_cells[:10])} hold Excel error values (such as #N/A or #REF!); "
                    "correct them and upload again."
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
    error_cells: list[str] = field(default_factory=list)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# Sheet XML as Excel, LibreOffice, openpyxl and XlsxWriter write it: the main namespace is the default one
# (no prefixes), and every row and cell starts with a plain r="..." reference. Anything else (a prefixed
# element, a missing, differently quoted or lower-case reference) is refused, because the reader would
# place such cells by counting, and the extent check could not bound it. Literal-led patterns keep the
# scan near 1 s for a million cells.
_PREFIXED_MAIN = re.compile(rb'xmlns:[\w.-]+="[^"]*spreadsheetml[^"]*main"')
_ANY_ROW = re.compile(rb"<row[\s/>]")
_ROW_REF = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_ANY_CELL = re.compile(rb"<c[\s/>]")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\st="e"')
_FORMULA = re.compile(rb"<f[\s/>]")
_MAX_TAG = 1 << 20


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> _PartScan:
    """Stream one part, whatever its name: refuse DTDs and UTF-16, check its real size, and measure
    the sheet it may hold (extent, formulas, error cells)."""
    scan = _PartScan()
    seen = 0
    carry = b""
    widest = b""
    with archive.open(part) as stream:
        first = True
        while True:
            chunk = stream.read(_CHUNK)
            seen += len(chunk)
            if seen > part.file_size:
                raise WorkbookError(f"Part {part.filename} is larger than it declares; the file is refused.")
            if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise WorkbookError(f"Part {part.filename} is UTF-16; Tempo reads UTF-8 workbooks as Excel saves them.")
            first = False
            buffer = carry + chunk
            # Cut at the last tag start so that no tag is split between two windows.
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            window, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (b"", buffer)
            if len(carry) > _MAX_TAG:
                raise WorkbookError(f"Part {part.filename} holds a tag longer than 1 MB; the file is refused.")
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise WorkbookError(
                    f"Part {part.filename} declares XML entities (a DOCTYPE), which Tempo never accepts."
                )
            if _PREFIXED_MAIN.search(window):
                raise WorkbookError(
                    f"Part {part.filename} writes its cells with namespace prefixes; "
                    "open the file in Excel, save it, and upload it again."
                )
            row_refs = _ROW_REF.findall(window)
            cell_refs = _CELL_REF.findall(window)
            if len(row_refs) != len(_ANY_ROW.findall(window)) or len(cell_refs) != len(_ANY_CELL.findall(window)):
                raise WorkbookError(
                    f'Part {part.filename} has rows or cells without a plain r="A1" reference; '
                    "open the file in Excel, save it, and upload it again."
                )
            if row_refs:
                scan.rows = max(scan.rows, max(map(int, row_refs)))
            if cell_refs:
                scan.rows = max(scan.rows, max(int(number) for _letters, number in cell_refs))
                widest = max(widest, *(letters for letters, _n in cell_refs), key=lambda x: (len(x), x))
            scan.formulas = scan.formulas or bool(_FORMULA.search(window))
            if b't="e"' in window and len(scan.error_cells) < 20:
                scan.error_cells += [ref.decode() for ref in _ERROR_CELL.findall(window)]
            if not chunk:
                break
    scan.columns = _column_number(widest) if widest else 0
    return scan


def iter_sheet_rows(path: str, *, sheet_name: str | None = None, from_a1: bool = False) -> Iterator[list[Any]]:
    """Rows of the sheet called ``sheet_name`` (or the first sheet) as lists of cell values.

    calamine starts each row at the sheet's first used column; ``from_a1`` pads the rows so that index 0
    is always column A (a reader that names cells, or finds keys by column, needs that)."""
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = workbook.sheet_names
        if not names:
            raise WorkbookError("The workbook has no sheets.")
        sheet = workbook.get_sheet_by_name(sheet_name) if sheet_name in names else workbook.get_sheet_by_index(0)
        first_column = sheet.start[1] if from_a1 and sheet.start else 0
        if not first_column:
            yield from sheet.iter_rows()
            return
        pad = [""] * first_column
        for row in sheet.iter_rows():
            yield pad + list(row)
    except CalamineError as error:
        raise WorkbookError(f"The workbook could not be read: {error}.") from error


def workbook_sheet_names(path: str) -> list[str]:
    """The sheet names of a workbook that ``check_workbook`` accepted, in order."""
    try:
        return list(CalamineWorkbook.from_path(path).sheet_names)
    except CalamineError as error:
        raise WorkbookError(f"The workbook could not be read: {error}.") from error

"""Small helpers shared by the Excel engine's tests: workbooks built in memory, uploads, read-backs."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ITEM_COLUMNS = [
    "sku",
    "name",
    "kind",
    "unit",
    "lifecycle_status",
    "batch_multiple",
    "case_pack",
    "family",
    "description",
]
ITEM_HEADER = ["sku", "name", "kind"]

VALID_ITEM_ROWS = [
    ITEM_HEADER,
    ["CP-SCREW-M2", "M2 screw", "component"],
    ["CP-GLUE", "Glue", "component"],
    ["TP-X1", "Phone X1", "product"],
]


def xlsx_bytes(rows: Iterable[Iterable[Any]], sheet: str = "items") -> bytes:
    """A workbook whose sheet ``sheet`` holds ``rows`` (the first is the header), as .xlsx bytes."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: Iterable[Iterable[Any]], *, sheet: str = "items", name: str = "items.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, sheet=sheet), content_type=XLSX)


def body_bytes(response) -> bytes:
    """The body of a plain, file or streaming response."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def open_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_values(content: bytes, sheet: str | None = None) -> list[tuple]:
    workbook = open_xlsx(content)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return list(worksheet.iter_rows(values_only=True))


def import_rows(tmp_path, dataset: str, rows: Iterable[Iterable[Any]], user=None, *, dry_run: bool = False):
    """Run the import of ``dataset`` on a workbook holding ``rows``; returns the ``ImportOutcome``."""
    path = tmp_path / f"{dataset}.xlsx"
    path.write_bytes(xlsx_bytes(rows, sheet=dataset))
    return run_import(dataset_get(dataset), str(path), file_name=path.name, acting_user=user, dry_run=dry_run)


def import_messages(outcome) -> list[str]:
    return [format_error(error) for error in outcome.errors]

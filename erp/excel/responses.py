"""HTTP responses carrying workbooks and CSV, shared by the staff pages and the API."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

from erp.errors import ApplicationError
from erp.excel.datasets import Dataset
from erp.excel.writer import iter_csv, iter_csv_rows, write_template, write_xlsx
from erp.excel.xlsx_stream import SheetColumn, write_sheet
from erp.weeks import business_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_NOISE = {"format", "page", "page_size", "sort", "ordering"}


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'


def template_response(dataset: Dataset) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_template(spool, dataset)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"tempo-{dataset.name}-template.xlsx", content_type=XLSX)


def export_response(dataset: Dataset, params: Mapping[str, Any]) -> FileResponse | StreamingHttpResponse:
    """The dataset's rows matching the list filters in ``params``, as ``format=xlsx`` (default) or ``csv``."""
    fmt = params.get("format", "xlsx")
    if fmt not in {"xlsx", "csv"}:
        raise ApplicationError(
            f"Unknown export format '{fmt}'; use xlsx or csv.", {"fields": {"format": ["xlsx or csv"]}}
        )
    filters = {key: value for key, value in params.items() if key not in FILTER_NOISE}
    queryset = dataset.export_queryset(filters)
    stem = f"tempo-{dataset.name}-{business_date().isoformat()}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(dataset, dataset.export_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = _attachment(f"{stem}.csv")
        return response
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(spool, dataset, dataset.export_rows(queryset))
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX)


def sheet_response(stem: str, sheet_name: str, columns: list[SheetColumn], rows: Iterable[list[Any]]) -> FileResponse:
    """A report (not a dataset: nothing to import back) as a one-sheet workbook named ``stem``.xlsx."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_sheet(spool, sheet_name, columns, rows)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX)


def sheet_csv_response(stem: str, columns: list[SheetColumn], rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    """The same report as ``sheet_response``, as streamed CSV (UTF-8 with a BOM, formulas escaped)."""
    response = StreamingHttpResponse(
        iter_csv_rows([column.name for column in columns], rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _attachment(f"{stem}.csv")
    return response

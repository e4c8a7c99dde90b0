"""Writing workbooks and CSV: exports, templates and annotated copies of bad uploads.

Exports stream through ``xlsx_stream`` (constant memory, a bold frozen header,
column widths, number/date formats, an autofilter); templates use XlsxWriter for
its comments and dropdowns; annotated copies use openpyxl, which can edit a file.
Text that a spreadsheet would run as a formula is written with a leading quote
(see ``columns.escape_formula``); imports strip it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from erp.excel.columns import ChoiceColumn, Column, DecimalColumn, escape_formula
from erp.excel.datasets import Dataset
from erp.excel.xlsx_stream import SheetColumn, write_sheet

TEMPLATE_ROWS = 5000  # rows that get the dropdowns in a template


def _formats(workbook: xlsxwriter.Workbook, columns: list[Column]) -> list[Any]:
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    integer_format = workbook.add_format({"num_format": "0"})
    formats = []
    for column in columns:
        if isinstance(column, DecimalColumn):
            places = "0" * column.decimal_places
            formats.append(workbook.add_format({"num_format": f"#,##0.{places}" if places else "#,##0"}))
        elif column.excel_type == "date":
            formats.append(date_format)
        elif column.excel_type == "integer":
            formats.append(integer_format)
        else:
            formats.append(None)
    return formats


def _header(workbook, sheet, columns: list[Column], *, notes: bool) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF5", "bottom": 1})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.name, bold)
        sheet.set_column(index, index, column.width)
        if notes:
            required = "Required. " if column.required else ""
            sheet.write_comment(0, index, f"{required}{column.describe()}. {column.note}".strip(), {"x_scale": 2})
    sheet.freeze_panes(1, 0)


def _write_row(sheet, row_index: int, values: list[Any], formats: list[Any]) -> None:
    for col_index, value in enumerate(values):
        if value is None or value == "":
            continue
        cell_format = formats[col_index]
        if isinstance(value, bool):
            sheet.write_boolean(row_index, col_index, value)
        elif isinstance(value, Decimal | int | float):
            sheet.write_number(row_index, col_index, value, cell_format)
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row_index, col_index, value, cell_format)
        else:
            # Always a string cell: xlsxwriter never turns it into a formula; the quote protects CSV users too.
            sheet.write_string(row_index, col_index, escape_formula(str(value)), cell_format)


def _number_format(column: Column) -> str | None:
    if isinstance(column, DecimalColumn):
        return f"#,##0.{'0' * column.decimal_places}" if column.decimal_places else "#,##0"
    return {"date": "yyyy-mm-dd", "integer": "0"}.get(column.excel_type)


def write_xlsx(target: Any, dataset: Dataset, rows: Iterable[list[Any]]) -> int:
    """Write ``rows`` (already passed through each column's ``export``) under the dataset's header
    to ``target`` (a path or a binary file), streaming; return the row count."""
    columns = [SheetColumn(c.name, c.width, _number_format(c)) for c in dataset.columns]
    return write_sheet(target, dataset.name, columns, rows)


def write_template(target: Any, dataset: Dataset) -> None:
    """A workbook to fill in: notes on each header cell, dropdowns for choices, an example on its own sheet."""
    workbook = xlsxwriter.Workbook(target)
    sheet = workbook.add_worksheet(dataset.name[:31])
    formats = _formats(workbook, dataset.columns)
    _header(workbook, sheet, dataset.columns, notes=True)
    for index, column in enumerate(dataset.columns):
        if isinstance(column, ChoiceColumn):
            sheet.data_validation(
                1,
                index,
                TEMPLATE_ROWS,
                index,
                {
                    "validate": "list",
                    "source": column.values,
                    "error_title": column.name,
                    "error_message": column.describe(),
                },
            )
        elif formats[index] is not None:
            sheet.set_column(index, index, column.width, formats[index])

    example = workbook.add_worksheet("example")
    _header(workbook, example, dataset.columns, notes=False)
    _write_row(example, 1, dataset.example_row(), formats)

    guide = workbook.add_worksheet("columns")
    bold = workbook.add_format({"bold": True})
    for index, title in enumerate(["column", "required", "format", "note"]):
        guide.write_string(0, index, title, bold)
    for row, column in enumerate(dataset.columns, start=1):
        guide.write_row(row, 0, [column.name, "yes" if column.required else "no", column.describe(), column.note])
    guide.set_column(0, 0, 18)
    guide.set_column(2, 3, 50)
    key = ", ".join(dataset.key)
    guide.write_string(
        len(dataset.columns) + 2,
        0,
        f"Rows are matched on {key}: an existing record is updated, a new one created. "
        f"Fill the '{dataset.name}' sheet; the 'example' sheet is never imported.",
    )
    workbook.close()


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(dataset: Dataset, rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines for streaming: UTF-8 with a byte-order mark so Excel reads Chinese text correctly."""
    return iter_csv_rows(dataset.column_names, rows)


def iter_csv_rows(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """``iter_csv`` for any header (a report's columns), with the same formula escaping."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for values in rows:
        yield writer.writerow(
            ["" if value is None else escape_formula(value) if isinstance(value, str) else value for value in values]
        )


_BAD = PatternFill("solid", fgColor="FFC7CE")


def annotate_upload(source_path: str, errors: list[dict[str, Any]], sheet_name: str) -> bytes:
    """A copy of the uploaded workbook with each bad cell filled red and commented with its error."""
    workbook = load_workbook(source_path)
    sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
    header = {str(cell.value).strip().lower(): cell.column for cell in sheet[1] if cell.value is not None}
    for error in errors:
        row, column = error.get("row"), error.get("column")
        if not row:
            continue
        col_index = header.get(str(column).lower(), 1) if column else 1
        cell = sheet.cell(row=row, column=col_index)
        cell.fill = _BAD
        text = error["message"] if cell.comment is None else f"{cell.comment.text}\n{error['message']}"
        cell.comment = Comment(text, "Tempo")
    listing = workbook.create_sheet("tempo errors")
    listing.append(["row", "column", "message"])
    for error in errors:
        listing.append([error.get("row"), error.get("column"), error["message"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

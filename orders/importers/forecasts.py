"""Excel datasets of planning.

``demand-signals`` and ``sales-actuals`` are row datasets on the shared engine (``erp.excel``):
one row per (sku, week, source) or (sku, week, channel), weeks as ISO keys (``2026-W48``).

``forecasts`` is a grid: one row per product (``sku``, ``name``), one column per ISO week
(header ``2026-W48``), each cell a whole quantity >= 0; a blank cell leaves that value as it is.
That shape does not fit the row engine, so it is read and written here with the same safety
checks (``erp.excel.reader``) and the same behaviour: every problem is reported with its cell
(``D7 (TP-X1-128, 2026-W49): ...``), and nothing is written unless the whole file is clean.
Values imported are stored with the method ``import``.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import CellError, ChoiceColumn, Column, DecimalColumn, IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.excel.reader import WorkbookError, check_workbook, iter_sheet_rows
from erp.excel.xlsx_stream import SheetColumn, column_letters
from erp.importers import resolve_item_skus
from erp.models import SKU_PATTERN, Item
from erp.weeks import IsoWeek, week_range
from orders import services
from orders.filters import DemandSignalFilter, SalesActualFilter
from orders.models import DemandSignal, ForecastMethod, ForecastVersion, SalesActual, SignalSource
from orders.selectors import forecast_products, forecast_value_list

MAX_GRID_ROWS = 5000
MAX_GRID_WEEKS = 104


@dataclass
class WeekColumn(Column):
    """An ISO week key (2026-W48) in the file; the week's Monday in the database."""

    example: Any = "2026-W48"
    width: int = 10

    def convert(self, raw: Any) -> date:
        try:
            week = IsoWeek.parse(str(raw).strip())
        except ApplicationError as error:
            raise CellError(error.message) from error
        distance = week - IsoWeek.current()
        if abs(distance) > services.MAX_WEEKS_AWAY:
            raise CellError(f"{week.key} is out of range (more than {services.MAX_WEEKS_AWAY} weeks from today)")
        return week.monday

    def describe(self) -> str:
        return "ISO week, e.g. 2026-W48"

    def export(self, value: Any) -> Any:
        return IsoWeek.of(value).key if value else value


def _products_only(sku: str, kind: str) -> str | None:
    return None if kind == Item.Kind.PRODUCT else f"{sku} is a {kind}, not a product"


SKU_COLUMN: dict[str, Any] = {
    "required": True,
    "max_length": 64,
    "upper": True,
    "field": "item_id",
    "refers_to": "product",
    "source": "item__sku",
    "example": "TP-X1-128",
    "width": 16,
}


class DemandSignalDataset(Dataset):
    name = "demand-signals"
    title = _("Demand signals")
    model = DemandSignal
    key = ("sku", "week", "source")
    filterset_class = DemandSignalFilter
    search_fields = ("item__sku",)
    export_ordering = ("item__sku", "week", "source")
    columns = [
        KeyColumn("sku", **SKU_COLUMN),
        WeekColumn("week", required=True),
        ChoiceColumn("source", required=True, choices=SignalSource.choices, example="search", width=10),
        DecimalColumn(
            "value",
            required=True,
            decimal_places=2,
            max_digits=14,
            min_value=Decimal(0),
            example="1250.00",
            note="Topic heat of the week (search index, forum or social), 0 or more.",
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        resolve_item_skus(rows, column, refuse=_products_only)


class SalesActualDataset(Dataset):
    name = "sales-actuals"
    title = _("Sales actuals")
    model = SalesActual
    key = ("sku", "week", "channel")
    filterset_class = SalesActualFilter
    search_fields = ("item__sku",)
    export_ordering = ("item__sku", "week", "channel")
    columns = [
        KeyColumn("sku", **SKU_COLUMN),
        WeekColumn("week", required=True),
        TextColumn("channel", max_length=32, example="online", note="Optional; blank for all channels.", width=12),
        IntegerColumn("quantity", required=True, min_value=0, max_value=2_147_483_647, example=1200),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        resolve_item_skus(rows, column, refuse=_products_only)


for _dataset in (DemandSignalDataset(), SalesActualDataset()):
    dataset_register(_dataset)


# --- the forecast grid ------------------------------------------------------------------------

GRID_NAME = "forecasts"


@dataclass
class GridReport:
    """What a grid import found: the cells it would write, or the problems, each naming its cell."""

    written: int = 0
    cells: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def forecast_grid_rows(*, version: ForecastVersion, from_week: IsoWeek, weeks: int) -> tuple[list[str], list[list]]:
    """Header and rows of the grid: sku, name, then one quantity column per week (blank: no value)."""
    week_list = week_range(from_week, weeks)
    values = {
        (v.item_id, v.week): v.quantity for v in forecast_value_list(version=version, from_week=from_week, weeks=weeks)
    }
    header = ["sku", "name", *[w.key for w in week_list]]
    rows = [
        [item.sku, item.name, *[values.get((item.pk, w.monday)) for w in week_list]] for item in forecast_products()
    ]
    return header, rows


def forecast_grid_columns(header: list[str]) -> list[SheetColumn]:
    return [SheetColumn("sku", 16), SheetColumn("name", 28), *[SheetColumn(key, 10, "0") for key in header[2:]]]


def _cell_quantity(raw: Any, *, what: str = "a forecast") -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise CellError(f"{raw!r} is not a quantity")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(f"{raw:g} is not a whole number")
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not text.lstrip("-").isdigit():
            raise CellError(f"'{text}' is not a whole number")
        raw = int(text)
    if not isinstance(raw, int):
        raise CellError(f"{raw!r} is not a whole number")
    if raw < 0:
        raise CellError(f"{raw} is negative; {what} is 0 or more")
    if raw > 2_147_483_647:
        raise CellError(f"{raw} is too large")
    return raw


def forecast_grid_check(rows: list[list[Any]]) -> tuple[list[services.CellInput], list[str]]:
    """Read grid rows (header first) into cells; every problem names its cell. Reads the items in one query."""
    errors: list[str] = []
    if not rows:
        return [], ["The sheet is empty: the first row must be sku, name, then week keys such as 2026-W48."]
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    if not header or header[0].lower() != "sku":
        return [], ["A1 must be 'sku': the first row is sku, name, then one column per ISO week (2026-W48)."]
    first_week_column = 2 if len(header) > 1 and header[1].lower() == "name" else 1
    weeks: dict[int, IsoWeek] = {}
    for index in range(first_week_column, len(header)):
        text = header[index]
        if not text:
            continue
        cell = f"{column_letters(index)}1"
        try:
            week = services.week_check(text)
        except ApplicationError as error:
            errors.append(f"{cell}: {error.message}")
            continue
        if week in weeks.values():
            errors.append(f"{cell}: the week {week.key} appears twice in the header.")
        weeks[index] = week
    if len(weeks) > MAX_GRID_WEEKS:
        errors.append(f"At most {MAX_GRID_WEEKS} week columns are allowed.")
    if len(rows) - 1 > MAX_GRID_ROWS:
        errors.append(f"At most {MAX_GRID_ROWS} product rows are allowed.")
    if errors:
        return [], errors
    skus = {}
    for number, row in enumerate(rows[1:], start=2):
        raw = row[0] if row else None
        sku = str(raw).strip().upper() if raw is not None else ""
        if sku.endswith(".0") and isinstance(raw, float):
            sku = sku[:-2]
        if not sku:
            if any(v not in (None, "") for v in row[1:]):
                errors.append(f"A{number}: the SKU is missing.")
            continue
        if sku in skus:
            errors.append(f"A{number}: {sku} appears twice (also on row {skus[sku]}).")
            continue
        skus[sku] = number
    items = {item.sku: item for item in Item.objects.filter(sku__in=list(skus))}
    cells = []
    sku_pattern = re.compile(SKU_PATTERN)
    for sku, number in skus.items():
        item = items.get(sku)
        if item is None:
            hint = "" if sku_pattern.match(sku) else " (not a valid SKU)"
            errors.append(f"A{number}: no item has the SKU '{sku}'{hint}.")
            continue
        if item.kind != Item.Kind.PRODUCT:
            errors.append(f"A{number}: {sku} is a {item.kind}, not a product.")
            continue
        row = rows[number - 1]
        for index, week in weeks.items():
            raw = row[index] if index < len(row) else None
            try:
                quantity = _cell_quantity(raw)
            except CellError as error:
                errors.append(f"{column_letters(index)}{number} ({sku}, {week.key}): {error}.")
                continue
            if quantity is not None:
                cells.append(services.CellInput(item, week, quantity))
    return cells, errors


def forecast_grid_import(
    *, acting_user: Any, version: ForecastVersion, upload: UploadedFile, dry_run: bool = False
) -> GridReport:
    """Check an uploaded grid workbook and, when clean and not ``dry_run``, write all its cells at once."""
    report = GridReport(dry_run=dry_run)
    suffix = os.path.splitext(upload.name or "")[1] or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as spool:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.flush()
        try:
            check_workbook(spool.name, file_name=upload.name or "upload.xlsx")
            rows = [list(row) for row in iter_sheet_rows(spool.name)]
        except WorkbookError as error:
            report.errors.append(str(error))
            return report
    cells, errors = forecast_grid_check(rows)
    report.errors.extend(errors)
    report.cells = len(cells)
    if report.ok and not dry_run:
        try:
            report.written = services.forecast_values_set(
                acting_user=acting_user, version=version, cells=cells, method=ForecastMethod.IMPORT
            )
        except ApplicationError as error:
            report.errors.append(error.message)
    return report

"""Reading a retailer's Excel uploads of store stock counts and sell-through.

The file goes through ``erp.excel.reader.check_workbook`` first (size, zip-bomb, entity and extent
checks), then calamine reads it. Every cell is checked and every problem listed by row and column;
nothing is written unless the whole file is clean (the services write all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from erp.excel.columns import CellError, Column, DateColumn, IntegerColumn, TextColumn, is_blank
from erp.excel.reader import WorkbookError, check_workbook, iter_sheet_rows
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item, ItemKind
from erp.weeks import business_date
from retail.models import Retailer, SellThroughSource
from retail.selectors.stores import StoreScope, retailer_scope, stores_by_code
from retail.services.sell_through import (
    MAX_UNITS,
    SellThroughInput,
    StoreCountInput,
    store_sell_through_record,
    store_stock_counts_record,
)

MAX_ROWS = 20_000
MAX_ERRORS = 200


@dataclass(frozen=True)
class UploadKind:
    name: str
    title: Any
    columns: list[Column]
    apply: Callable[..., Any]

    def sheet_columns(self) -> list[SheetColumn]:
        return [
            SheetColumn(column.name, width=14, number_format="yyyy-mm-dd" if isinstance(column, DateColumn) else None)
            for column in self.columns
        ]


def _apply_counts(*, acting_user, scope: StoreScope, rows, note: str = ""):
    counts = store_stock_counts_record(acting_user=acting_user, scope=scope, counts=rows, note=note)
    return len(counts)


def _apply_sell_through(*, acting_user, scope: StoreScope, rows, source: str = SellThroughSource.PORTAL, note=""):
    return store_sell_through_record(acting_user=acting_user, scope=scope, rows=rows, source=source).written


_STORE = TextColumn("store", required=True, max_length=32, upper=True, note="the store's code")
_SKU = TextColumn("sku", required=True, max_length=64, upper=True)

UPLOAD_KINDS: dict[str, UploadKind] = {
    "stock": UploadKind(
        "stock",
        _("Store stock counts"),
        [_STORE, _SKU, IntegerColumn("counted", required=True, min_value=0, max_value=MAX_UNITS)],
        _apply_counts,
    ),
    "sell-through": UploadKind(
        "sell-through",
        _("Store sell-through"),
        [
            _STORE,
            _SKU,
            DateColumn("date", required=True),
            IntegerColumn("units_sold", required=True, min_value=0, max_value=MAX_UNITS),
        ],
        _apply_sell_through,
    ),
}


@dataclass
class UploadCheck:
    kind: UploadKind
    rows: list[Any] = field(default_factory=list)
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)  # (row, column, message)
    warnings: list[str] = field(default_factory=list)
    row_count: int = 0
    stores: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def error(self, row: int | None, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((row, column, str(message)))


def _header_name(raw: Any) -> str:
    return str(raw or "").strip().lower().replace(" ", "_").replace("-", "_")


def upload_check(*, kind: UploadKind, scope: StoreScope, path: str, file_name: str) -> UploadCheck:
    """Read and check the whole file; ``rows`` holds service inputs only when there are no errors."""
    check = UploadCheck(kind=kind)
    try:
        checked = check_workbook(path, file_name=file_name)
        check.warnings += checked.warnings
        rows = iter_sheet_rows(path)
        header = next(rows, None)
        if header is None:
            check.error(None, "", "The sheet is empty; download the template and fill it in.")
            return check
        names = [_header_name(cell) for cell in header]
        positions: dict[str, int] = {}
        for column in kind.columns:
            if column.name not in names:
                check.error(1, column.name, f"the column '{column.name}' is missing from the header row")
            else:
                positions[column.name] = names.index(column.name)
        if check.errors:
            return check
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, cells in enumerate(rows, start=2):
            if all(is_blank(cell) for cell in cells):
                continue
            check.row_count += 1
            if check.row_count > MAX_ROWS:
                check.error(number, "", f"the file has more than {MAX_ROWS:,} rows; split it into smaller files")
                return check
            values: dict[str, Any] = {}
            for column in kind.columns:
                index = positions[column.name]
                raw = cells[index] if index < len(cells) else None
                try:
                    values[column.name] = column.parse(raw)
                except CellError as error:
                    check.error(number, column.name, str(error))
            if len(values) == len(kind.columns):
                parsed.append((number, values))
    except WorkbookError as error:
        check.error(None, "", str(error))
        return check
    if check.row_count == 0 and not check.errors:
        check.error(None, "", "The file has no data rows under the header.")
    inputs, errors = resolve_store_rows(kind=kind, scope=scope, parsed=parsed)
    for number, column, message in errors:
        check.error(number, column, message)
    check.stores.update(row.store_code for row in inputs)
    if not check.errors:
        check.rows = inputs
    return check


def resolve_store_rows(
    *, kind: UploadKind, scope: StoreScope, parsed: list[tuple[int, dict[str, Any]]]
) -> tuple[list[Any], list[tuple[int, str, str]]]:
    """Parsed rows (sheet row number, values) -> service inputs and (row, column, message) errors.

    Shared by the portal uploads and the staff Excel datasets ``store-stock-counts`` and
    ``store-sell-through``: the same checks, the same messages.
    """
    stores = stores_by_code(scope=scope, codes={values["store"] for _n, values in parsed})
    skus = {values["sku"] for _n, values in parsed}
    items = {item.sku: item for item in Item.objects.filter(sku__in=skus, kind=ItemKind.PRODUCT)}
    today = business_date()
    seen: dict[tuple, int] = {}
    inputs: list[Any] = []
    errors: list[tuple[int, str, str]] = []
    for number, values in parsed:
        code, sku = values["store"], values["sku"]
        good = True
        if code not in stores:
            # A store outside the caller's scope reads exactly like a code that does not exist.
            errors.append((number, "store", f"unknown store '{code}'; use the code of a store you report for"))
            good = False
        item = items.get(sku)
        if item is None:
            errors.append((number, "sku", f"unknown product '{sku}'"))
            good = False
        day = values.get("date")
        if day is not None and day > today:
            errors.append((number, "date", f"{day} is in the future; report days that have passed"))
            good = False
        key = (code, sku, day)
        if key in seen:
            errors.append(
                (number, "sku", f"{sku} at {code}{' on ' + str(day) if day else ''} is also on row {seen[key]}")
            )
            good = False
        seen.setdefault(key, number)
        if not good:
            continue
        if kind.name == "stock":
            inputs.append(StoreCountInput(store_code=code, item=item, counted=values["counted"], row=number))
        else:
            inputs.append(
                SellThroughInput(store_code=code, item=item, date=day, quantity=values["units_sold"], row=number)
            )
    return inputs, errors


def upload_template_rows(*, kind: UploadKind, retailer: Retailer) -> list[list[Any]]:
    """One example row per store of the retailer (or a placeholder), to be overwritten."""
    codes = sorted(retailer_scope(retailer).stores().values_list("location__code", flat=True)) or ["YOUR-STORE-CODE"]
    example_sku = Item.objects.filter(kind=ItemKind.PRODUCT).order_by("sku").values_list("sku", flat=True).first()
    rows = []
    for code in codes[:50]:
        if kind.name == "stock":
            rows.append([code, example_sku or "SKU", 0])
        else:
            rows.append([code, example_sku or "SKU", business_date(), 0])
    return rows

"""Excel datasets of the kernel: items, prices and FX rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from erp.excel.columns import (
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    KeyColumn,
    TextColumn,
)
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.filters import FxRateFilter, ItemFilter, PriceFilter
from erp.models import (
    CURRENCY_PATTERN,
    MAX_BATCH_MULTIPLE,
    MAX_CASE_PACK,
    MAX_RATE,
    MIN_MONEY,
    MIN_RATE,
    SKU_PATTERN,
    Currency,
    FxRate,
    Item,
    Price,
)
from erp.selectors import BASE_CURRENCY

SKU_HINT = "upper-case letters, digits, '.', '_' or '-'"


def resolve_item_skus(rows: list[Row], column: KeyColumn, *, refuse: Callable[[str, str], str | None]) -> None:
    """Replace each row's SKU by its item's id, in one query; ``refuse(sku, kind)`` names a kind not allowed here."""
    attr = column.attr
    found = {
        sku: (pk, kind)
        for sku, pk, kind in Item.objects.filter(sku__in={row.values[attr] for row in rows}).values_list(
            "sku", "pk", "kind"
        )
    }
    for row in rows:
        sku = row.values[attr]
        if sku not in found:
            row.error(column.name, f"no item has the SKU '{sku}'")
            continue
        pk, kind = found[sku]
        refusal = refuse(sku, kind)
        if refusal:
            row.error(column.name, refusal)
        else:
            row.values[attr] = pk
            row.values["_sku"] = sku


def check_currency_codes(rows: list[Row], column: KeyColumn, *, allow_base: bool = True) -> None:
    """Currencies are their own key (the code): check that each row names a known one."""
    known = set(Currency.objects.values_list("code", flat=True))
    for row in rows:
        code = row.values[column.attr]
        if code == BASE_CURRENCY and not allow_base:
            row.error(column.name, "CNY is the base currency; its rate is always 1")
        elif code not in known:
            row.error(column.name, f"'{code}' is not a currency Tempo knows")


class ItemDataset(Dataset):
    name = "items"
    title = _("Items")
    model = Item
    key = ("sku",)
    filterset_class = ItemFilter
    search_fields = ("sku", "name")
    export_ordering = ("sku",)
    columns = [
        TextColumn(
            "sku",
            required=True,
            max_length=64,
            pattern=SKU_PATTERN,
            pattern_hint=SKU_HINT,
            upper=True,
            example="CP-SCREW-M2",
            note="The item's permanent code.",
            width=18,
        ),
        TextColumn("name", required=True, max_length=200, example="M2 x 4 screw", width=32),
        ChoiceColumn("kind", required=True, choices=Item.Kind.choices, example="component", width=12),
        ChoiceColumn("unit", choices=Item.Unit.choices, default=Item.Unit.PIECE, example="pcs", width=8),
        ChoiceColumn(
            "lifecycle_status", choices=Item.Lifecycle.choices, default=Item.Lifecycle.ACTIVE, example="active"
        ),
        IntegerColumn(
            "batch_multiple",
            min_value=1,
            max_value=MAX_BATCH_MULTIPLE,
            default=1,
            example=1000,
            note="Quantities are rounded up to a multiple of this.",
        ),
        IntegerColumn(
            "case_pack",
            min_value=1,
            max_value=MAX_CASE_PACK,
            default=1,
            example=20,
            note="Units in one shipping case; optional (a file without the column keeps the stored value).",
        ),
        TextColumn("family", max_length=100, example="", note="Product family, e.g. Phones."),
        TextColumn("description", multiline=True, max_length=5000, example="Stainless, black", width=40),
    ]

    def check(self, rows: list[Row], context: dict) -> None:
        # A product with list prices must stay a product.
        leaving = {
            row.existing.pk: row
            for row in rows
            if row.existing is not None
            and row.existing.kind == Item.Kind.PRODUCT
            and row.values["kind"] != Item.Kind.PRODUCT
        }
        if leaving:
            for item_id in Price.objects.filter(item_id__in=leaving).values_list("item_id", flat=True).distinct():
                leaving[item_id].error("kind", "this product has list prices, so it must stay a product")


class PriceDataset(Dataset):
    name = "prices"
    title = _("Price list")
    model = Price
    key = ("sku", "valid_from")
    filterset_class = PriceFilter
    search_fields = ("item__sku", "item__name")
    export_ordering = ("item__sku", "valid_from")
    columns = [
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="product",
            source="item__sku",
            example="TP-X1-128",
            width=16,
        ),
        DateColumn("valid_from", required=True, example=date(2026, 1, 1)),
        DateColumn("valid_to", example=None, note="Last day in force; empty means open-ended."),
        DecimalColumn(
            "list_price",
            required=True,
            decimal_places=2,
            max_digits=12,
            min_value=MIN_MONEY,
            example="2999.00",
            note="CNY, one price online and offline.",
        ),
        DecimalColumn(
            "retailer_price",
            required=True,
            decimal_places=2,
            max_digits=12,
            min_value=MIN_MONEY,
            example="2699.00",
            note="CNY; not above the list price.",
        ),
        TextColumn("note", max_length=200, example="launch price", width=24),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        resolve_item_skus(
            rows,
            column,
            refuse=lambda sku, kind: (
                None if kind == Item.Kind.PRODUCT else f"{sku} is a {kind}; only products have list prices"
            ),
        )

    def check(self, rows: list[Row], context: dict) -> None:
        # Row rules now; overlaps once the whole file is known (``finish``), so row order does not matter.
        stored: dict[int, list[tuple[date, date | None]]] = context.setdefault("stored", {})
        in_file: dict[int, list[Period]] = context.setdefault("in_file", {})
        new_items = {row.values["item_id"] for row in rows} - stored.keys()
        for item_id in new_items:
            stored[item_id] = []
        for item_id, start, end in Price.objects.filter(item_id__in=new_items).values_list(
            "item_id", "valid_from", "valid_to"
        ):
            stored[item_id].append((start, end))
        for row in rows:
            values = row.values
            if values["retailer_price"] > values["list_price"]:
                row.error("retailer_price", "is above the list price")
            valid_to = self.value(row, "valid_to")
            if valid_to is not None and valid_to < values["valid_from"]:
                row.error("valid_to", "is before valid_from")
            if row.ok:
                in_file.setdefault(values["item_id"], []).append(
                    Period(values["valid_from"], valid_to, row.number, values["_sku"])
                )

    def finish(self, context: dict) -> list[tuple[int, str, str]]:
        return period_overlaps(context.get("in_file", {}), context.get("stored", {}))


@dataclass(frozen=True)
class Period:
    """A validity period from a row of a file (``row``) or from the database (``row`` None)."""

    start: date
    end: date | None
    row: int | None
    what: str  # what the period belongs to, e.g. a SKU
    stored: str = "a stored period"  # how to name a stored one

    def describe(self) -> str:
        origin = f"row {self.row}" if self.row else self.stored
        end = self.end.isoformat() if self.end else "open-ended"
        return f"{origin} of {self.what} ({self.start.isoformat()} to {end})"


def period_overlaps(
    in_file: dict, stored: dict, *, stored_label: str = "a stored period", advice: str = ""
) -> list[tuple[int, str, str]]:
    """Errors for the file's periods that overlap each other or a stored one of the same key.

    ``in_file`` maps a key to the file's ``Period``s, ``stored`` maps it to the database's
    (start, end) pairs. A row with a stored start replaces that stored period, so a file can
    end one period and start the next.
    """
    errors = []
    for key, rows in in_file.items():
        replaced = {period.start for period in rows}
        periods = [
            Period(start, end, None, rows[0].what, stored_label) for start, end in stored[key] if start not in replaced
        ]
        periods = sorted(periods + rows, key=lambda p: (p.start, p.row or 0))
        reach: Period | None = None  # of the periods so far, the one that ends last
        for period in periods:
            if reach is not None and (reach.end is None or reach.end >= period.start):
                blamed, other = (period, reach) if period.row else (reach, period)
                if blamed.row:
                    errors.append((blamed.row, "valid_from", f"overlaps {other.describe()}{advice}"))
            if reach is None or (reach.end is not None and (period.end is None or period.end > reach.end)):
                reach = period
    return errors


class FxRateDataset(Dataset):
    name = "fx-rates"
    title = _("FX rates")
    model = FxRate
    key = ("currency", "date")
    filterset_class = FxRateFilter
    export_ordering = ("currency_id", "date")
    columns = [
        KeyColumn(
            "currency",
            required=True,
            max_length=3,
            upper=True,
            pattern=CURRENCY_PATTERN,
            pattern_hint="a three-letter code such as USD",
            field="currency_id",
            refers_to="currency",
            example="USD",
            width=10,
        ),
        DateColumn("date", required=True, example=date(2026, 11, 23)),
        DecimalColumn(
            "rate",
            required=True,
            decimal_places=8,
            max_digits=18,
            min_value=MIN_RATE,
            max_value=MAX_RATE,
            example="7.12340000",
            note="CNY per one unit of the currency.",
            width=16,
        ),
        TextColumn("source", max_length=64, example="PBOC", width=16),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        check_currency_codes(rows, column, allow_base=False)


for _dataset in (ItemDataset(), PriceDataset(), FxRateDataset()):
    dataset_register(_dataset)

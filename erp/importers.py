"""Excel datasets of the kernel: items, prices and FX rates."""

from __future__ import annotations

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
        skus = {row.values["item_id"] for row in rows}
        found = {
            sku: (pk, kind) for sku, pk, kind in Item.objects.filter(sku__in=skus).values_list("sku", "pk", "kind")
        }
        for row in rows:
            sku = row.values["item_id"]
            if sku not in found:
                row.error("sku", f"no item has the SKU '{sku}'")
            elif found[sku][1] != Item.Kind.PRODUCT:
                row.error("sku", f"{sku} is a {found[sku][1]}; only products have list prices")
            else:
                row.values["item_id"] = found[sku][0]
                row.values["_sku"] = sku

    def changed_fields(self, row: Row) -> list[str]:
        return [
            name
            for name in ("valid_to", "list_price", "retailer_price", "note")
            if getattr(row.existing, name) != row.values[name]
        ]

    def check(self, rows: list[Row], context: dict) -> None:
        periods: dict[int, list[tuple[date, date | None, str]]] = context.setdefault("periods", {})
        new_items = {row.values["item_id"] for row in rows} - periods.keys()
        for item_id in new_items:
            periods[item_id] = []
        for item_id, start, end in Price.objects.filter(item_id__in=new_items).values_list(
            "item_id", "valid_from", "valid_to"
        ):
            periods[item_id].append((start, end, "a stored period"))
        for row in rows:
            values = row.values
            if values["retailer_price"] > values["list_price"]:
                row.error("retailer_price", "is above the list price")
            if values["valid_to"] is not None and values["valid_to"] < values["valid_from"]:
                row.error("valid_to", "is before valid_from")
                continue
            start, end = values["valid_from"], values["valid_to"]
            own = periods[values["item_id"]]
            # A row replacing a stored period with the same start is checked against the others.
            own[:] = [p for p in own if not (p[2] == "a stored period" and p[0] == start)]
            for other_start, other_end, origin in own:
                if (end is None or other_start <= end) and (other_end is None or other_end >= start):
                    shown_end = other_end.isoformat() if other_end else "open-ended"
                    row.error(
                        "valid_from",
                        f"overlaps {origin} of {values['_sku']} ({other_start.isoformat()} to {shown_end})",
                    )
                    break
            else:
                own.append((start, end, f"row {row.number}"))


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
        known = set(Currency.objects.values_list("code", flat=True))
        for row in rows:
            code = row.values["currency_id"]
            if code == BASE_CURRENCY:
                row.error("currency", "CNY is the base currency; its rate is always 1")
            elif code not in known:
                row.error("currency", f"'{code}' is not a currency Tempo knows")


for _dataset in (ItemDataset(), PriceDataset(), FxRateDataset()):
    dataset_register(_dataset)

"""Excel datasets of stores: ``stores`` (master data), ``store-sell-through`` and ``store-stock-counts``.

The two report datasets use the portal upload's column specs and row checks
(``retail.portal_uploads``) and write through the same services as every other channel, in the
staff scope (any store): sell-through with source ``staff``, counts as one posted count per store.
A dry run also tries the service on the file in a rolled-back savepoint, so what only the ledger can
tell (a sale above an own store's stock, a count below what is reserved) is reported on its row too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from logistics.filters import StockLevelFilter
from logistics.importers.stock import location_code_column
from logistics.models import Location, LocationKind, StockLevel
from retail import services
from retail.filters import SellThroughFilter, StoreFilter
from retail.models import (
    DEFAULT_COVER_DAYS,
    MAX_COVER_DAYS,
    MIN_COVER_DAYS,
    Retailer,
    RetailerStatus,
    SellThroughSource,
    Store,
    StoreSellThrough,
)
from retail.portal_uploads import UPLOAD_KINDS, resolve_store_rows
from retail.selectors import ALL_STORES


class StoreDataset(Dataset):
    name = "stores"
    title = _("Stores")
    model = Store
    key = ("code",)
    filterset_class = StoreFilter
    search_fields = ("location__code", "location__name")
    export_ordering = ("location__code",)
    columns = [
        location_code_column(example="ST-SH-01"),
        TextColumn("name", required=True, max_length=200, example="Shanghai Xintiandi store", width=30),
        TextColumn("region", max_length=64, example="East"),
        KeyColumn(
            "retailer",
            max_length=32,
            upper=True,
            field="retailer_id",
            refers_to="retailer",
            source="retailer__code",
            default=None,
            example=None,
            note="The retailer that runs it; empty for one of Tempo's own stores. Never changes.",
        ),
        IntegerColumn(
            "cover_days",
            min_value=MIN_COVER_DAYS,
            max_value=MAX_COVER_DAYS,
            default=DEFAULT_COVER_DAYS,
            example=7,
            note="Replenishment target in days of recent mean daily sales.",
        ),
        KeyColumn(
            "replenished_from",
            max_length=32,
            upper=True,
            field="replenished_from_id",
            refers_to="warehouse",
            source="replenished_from__code",
            default=None,
            example="WH-SH",
            note="The warehouse that supplies it; empty keeps it (new store: the first active one of its region).",
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        codes = {row.values[column.attr] for row in rows if row.values.get(column.attr)}
        if column.name == "retailer":
            found = {r.code: r for r in Retailer.objects.filter(code__in=codes)}
            missing = "no retailer has the code '{}'"
        else:
            found = {w.code: w for w in Location.objects.filter(code__in=codes, kind=LocationKind.WAREHOUSE)}
            missing = "no warehouse has the code '{}'"
        for row in rows:
            code = row.values.get(column.attr)
            if not code:
                continue
            if code not in found:
                row.error(column.name, missing.format(code))
            else:
                row.values[column.attr] = found[code].pk
                row.values[f"_{column.name}"] = found[code]

    def existing(self, rows: list[Row]) -> dict:
        codes = {row.values["code"] for row in rows}
        stores = Store.objects.filter(location__code__in=codes).select_related("location")
        return {(store.location.code,): store for store in stores}

    def _stored(self, store: Store) -> dict[str, Any]:
        return {
            "name": store.location.name,
            "region": store.location.region,
            "retailer_id": store.retailer_id,
            "cover_days": store.cover_days,
            "replenished_from_id": store.replenished_from_id,
        }

    def changed_fields(self, row: Row) -> list[str]:
        stored = self._stored(row.existing)
        # An empty replenished_from keeps the stored warehouse (for a new store it means the region's default).
        keep = {"replenished_from_id"} if row.values.get("replenished_from_id") is None else set()
        return [attr for attr in stored if attr in row.values and attr not in keep and row.values[attr] != stored[attr]]

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            store: Store | None = row.existing
            if store is not None and "retailer_id" in row.values and row.values["retailer_id"] != store.retailer_id:
                row.error("retailer", "who runs a store never changes; open a new store instead")
            retailer = row.values.get("_retailer")
            if store is None and retailer is not None and retailer.status == RetailerStatus.CLOSED:
                row.error("retailer", f"{retailer.code} is closed; a closed retailer gets no new stores")

    def values_of(self, obj: Store) -> dict[str, Any]:
        return {"id": obj.pk, **self._stored(obj)}

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        retailers = Retailer.objects.in_bulk({v["retailer_id"] for v in creates if v.get("retailer_id")})
        warehouses = Location.objects.in_bulk(
            {v["replenished_from_id"] for v in creates + updates if v.get("replenished_from_id")}
        )
        stores = Store.objects.select_related("location").in_bulk({v["id"] for v in updates})
        try:
            for values in creates:
                services.store_create(
                    acting_user=acting_user,
                    code=values["code"],
                    name=values["name"],
                    region=values["region"] or "",
                    retailer=retailers.get(values["retailer_id"]),
                    cover_days=values["cover_days"],
                    replenished_from=warehouses.get(values["replenished_from_id"]),
                )
            for values in updates:
                services.store_update(
                    acting_user=acting_user,
                    store=stores[values["id"]],
                    reason=f"excel import: {self.name}",
                    name=values["name"],
                    region=values["region"] or "",
                    cover_days=values["cover_days"],
                    replenished_from=warehouses.get(values["replenished_from_id"]),
                )
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    def export_queryset(self, params: dict[str, Any] | None = None):
        return super().export_queryset(params).select_related("location", "retailer", "replenished_from")

    def export_rows(self, queryset):
        for store in queryset.iterator(chunk_size=2000):
            yield [
                store.location.code,
                store.location.name,
                store.location.region,
                store.retailer.code if store.retailer else None,
                store.cover_days,
                store.replenished_from.code if store.replenished_from else None,
            ]


class _StoreReportDataset(Dataset):
    """Rows checked like the portal's uploads, then tried and written through one service."""

    upload_kind: str

    def existing(self, rows: list[Row]) -> dict:
        return {}

    def check(self, rows: list[Row], context: dict) -> None:
        by_number = {row.number: row for row in rows}
        inputs, errors = resolve_store_rows(
            kind=UPLOAD_KINDS[self.upload_kind], scope=ALL_STORES, parsed=[(row.number, row.values) for row in rows]
        )
        for number, column, message in errors:
            by_number[number].error(column, message)
        for item in inputs:
            by_number[item.row].values["_input"] = item
        good = [row.values["_input"] for row in rows if row.ok and "_input" in row.values]
        if good:
            self._try(good, by_number)

    def _try(self, inputs: list[Any], by_number: dict[int, Row]) -> None:
        """Run the service on the rows in a savepoint that is always rolled back; name the row it refuses."""
        try:
            with transaction.atomic():
                self.apply(inputs, acting_user=None)
                transaction.set_rollback(True)
        except ApplicationError as error:
            row = by_number.get(error.extra.get("row"))
            fields = list(error.field_errors) or [""]
            message = error.message.split(": ", 1)[1] if error.message.startswith("Row ") else error.message
            if row is not None:
                row.error(fields[0] if fields[0] in {c.name for c in self.columns} else "", message)
            else:
                next(iter(by_number.values())).error("", error.message)

    def build(self, row: Row) -> dict[str, Any]:
        return {"_input": row.values["_input"]}

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        inputs = [values["_input"] for values in creates + updates]
        if not inputs:
            return
        try:
            self.apply(inputs, acting_user=acting_user)
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    apply: Callable[..., Any]


class StoreSellThroughDataset(_StoreReportDataset):
    name = "store-sell-through"
    title = _("Store sell-through")
    model = StoreSellThrough
    key = ("store", "sku", "date")
    upload_kind = "sell-through"
    columns = UPLOAD_KINDS["sell-through"].columns
    filterset_class = SellThroughFilter
    search_fields = ("location__code", "item__sku")
    export_ordering = ("location__code", "item__sku", "date")

    def existing(self, rows: list[Row]) -> dict:
        """Days already reported, so a dry run tells new figures from changed and unchanged ones."""
        stored = StoreSellThrough.objects.filter(
            location__code__in={row.values["store"] for row in rows},
            item__sku__in={row.values["sku"] for row in rows},
            date__in={row.values["date"] for row in rows},
        ).values_list("location__code", "item__sku", "date", "quantity")
        return {(code, sku, day): quantity for code, sku, day, quantity in stored}

    def changed_fields(self, row: Row) -> list[str]:
        return ["_input"] if row.values["units_sold"] != row.existing else []

    def values_of(self, obj) -> dict[str, Any]:
        return {}

    def apply(self, inputs, *, acting_user):
        return services.store_sell_through_record(
            acting_user=acting_user, scope=ALL_STORES, rows=inputs, source=SellThroughSource.STAFF
        )

    def export_rows(self, queryset):
        rows = queryset.values_list("location__code", "item__sku", "date", "quantity")
        for code, sku, day, quantity in rows.iterator(chunk_size=2000):
            yield [code, sku, day, quantity]


class StoreStockCountDataset(_StoreReportDataset):
    """One row per product counted at a store; the file posts one count per store it names."""

    name = "store-stock-counts"
    title = _("Store stock counts")
    model = StockLevel
    key = ("store", "sku")
    upload_kind = "stock"
    columns = UPLOAD_KINDS["stock"].columns
    export_ordering = ("location__code", "item__sku")

    @property
    def view_permission(self) -> str:
        return "retail.view_store"

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("retail.count_store",)

    def apply(self, inputs, *, acting_user):
        return services.store_stock_counts_record(
            acting_user=acting_user, scope=ALL_STORES, counts=inputs, note=f"excel import: {self.name}"
        )

    def export_queryset(self, params: dict[str, Any] | None = None):
        # The export is a count sheet: what each store holds now, ready to be overwritten with what is found.
        queryset = StockLevel.objects.filter(location__kind=LocationKind.STORE)
        if params:
            filterset = StockLevelFilter(params, queryset=queryset)
            if not filterset.is_valid():
                fields = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
                raise ApplicationError("Invalid filter: " + ", ".join(fields), {"fields": fields})
            queryset = filterset.qs
        return queryset.order_by(*self.export_ordering)

    def export_rows(self, queryset):
        for code, sku, on_hand in queryset.values_list("location__code", "item__sku", "on_hand").iterator(
            chunk_size=2000
        ):
            yield [code, sku, on_hand]


dataset_register(StoreDataset())
dataset_register(StoreSellThroughDataset())
dataset_register(StoreStockCountDataset())

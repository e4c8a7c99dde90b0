"""Excel datasets of the stock ledger: ``locations``, ``stock-opening`` and ``stock-counts``.

Imports are all or nothing and checked before anything is written (a dry run writes nothing).
Locations are written through ``location_create``/``location_update``; opening balances become
``opening`` moves through ``stock_moves_post``; a counts file becomes one count per location,
created and posted through ``stock_count_create``/``stock_count_post``, so the ledger, the levels and
the history are the same as on the pages.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import BooleanColumn, ChoiceColumn, IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import resolve_item_skus
from erp.models import SKU_PATTERN, Item
from logistics import services
from logistics.filters import LocationFilter, StockLevelFilter
from logistics.models import (
    Factory,
    Location,
    LocationKind,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMoveReason,
)
from logistics.services.stock import MAX_QTY, StockMoveInput

CODE_HINT = "upper-case letters, digits, '.', '_' or '-'"


def location_code_column(*, example: str) -> TextColumn:
    """The ``code`` column of a dataset keyed by a location's code (locations, stores)."""
    return TextColumn(
        "code", required=True, max_length=32, upper=True, pattern=SKU_PATTERN, pattern_hint=CODE_HINT, example=example
    )


def _location_column(**kwargs) -> KeyColumn:
    return KeyColumn(
        "location",
        required=True,
        max_length=32,
        upper=True,
        field="location_id",
        refers_to="location",
        source="location__code",
        example="WH-SZ",
        **kwargs,
    )


def _sku_column() -> KeyColumn:
    return KeyColumn(
        "sku",
        required=True,
        max_length=64,
        upper=True,
        field="item_id",
        refers_to="item",
        source="item__sku",
        example="TP-X1-128",
        width=16,
    )


def _resolve_locations(rows: list[Row], column: KeyColumn) -> None:
    codes = {row.values[column.attr] for row in rows}
    found = {loc.code: loc for loc in Location.objects.filter(code__in=codes)}
    for row in rows:
        code = row.values[column.attr]
        location = found.get(code)
        if location is None:
            row.error(column.name, f"no location has the code '{code}'")
        elif not location.is_active:
            row.error(column.name, f"{code} is inactive")
        else:
            row.values[column.attr] = location.pk
            row.values["_location"] = location


class LocationDataset(Dataset):
    name = "locations"
    title = _("Locations")
    model = Location
    key = ("code",)
    filterset_class = LocationFilter
    search_fields = ("code", "name", "region")
    export_ordering = ("code",)
    columns = [
        location_code_column(example="WH-SZ"),
        TextColumn("name", required=True, max_length=200, example="Shenzhen warehouse", width=28),
        ChoiceColumn("kind", required=True, choices=list(LocationKind.choices), example="warehouse"),
        TextColumn("region", max_length=64, example="South"),
        KeyColumn(
            "factory",
            max_length=32,
            upper=True,
            field="factory_id",
            refers_to="factory",
            source="factory__code",
            default=None,
            example=None,
            note="Only for a factory store: the factory it belongs to.",
        ),
        BooleanColumn("is_active", default=True, example=True),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        codes = {row.values[column.attr] for row in rows if row.values.get(column.attr)}
        found = dict(Factory.objects.filter(code__in=codes).values_list("code", "pk"))
        for row in rows:
            code = row.values.get(column.attr)
            if not code:
                continue
            if code not in found:
                row.error("factory", f"no factory has the code '{code}'")
            else:
                row.values[column.attr] = found[code]

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            kind = self.value(row, "kind")
            factory = self.value(row, "factory_id")
            if kind == LocationKind.FACTORY_STORE and not factory:
                row.error("factory", "a factory store names its factory")
            elif kind != LocationKind.FACTORY_STORE and factory:
                row.error("factory", f"only a factory store has a factory, not a {kind} location")
            existing: Location | None = row.existing
            if (
                existing is not None
                and kind != existing.kind
                and StockLevel.objects.filter(location=existing, on_hand__gt=0).exists()
            ):
                row.error("kind", f"{existing.code} holds stock; move it out before changing the kind")

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        factories = Factory.objects.in_bulk({v["factory_id"] for v in creates + updates if v.get("factory_id")})
        locations = Location.objects.in_bulk({v["id"] for v in updates})
        try:
            for values in creates:
                services.location_create(
                    acting_user=acting_user,
                    code=values["code"],
                    name=values["name"],
                    kind=values["kind"],
                    region=values["region"] or "",
                    factory=factories.get(values["factory_id"]),
                    is_active=values["is_active"],
                )
            for values in updates:
                changes = {name: values[name] for name in ("name", "kind", "region", "is_active")}
                changes["factory"] = factories.get(values["factory_id"])
                services.location_update(acting_user=acting_user, location=locations[values["id"]], **changes)
        except ApplicationError as error:
            raise DatabaseError(error.message) from error


class StockOpeningDataset(Dataset):
    """Opening balances: one row puts ``qty`` of an item at a location that holds none of it yet."""

    name = "stock-opening"
    title = _("Opening stock")
    model = StockLevel
    key = ("location", "sku")
    filterset_class = StockLevelFilter
    search_fields = ("item__sku", "location__code")
    export_ordering = ("location__code", "item__sku")
    columns = [
        _location_column(),
        _sku_column(),
        IntegerColumn(
            "qty",
            required=True,
            min_value=1,
            max_value=MAX_QTY,
            field="on_hand",
            example=1200,
            note="Units on hand; the location must hold none of the item yet.",
        ),
    ]

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("logistics.add_stockmove",)

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(rows, column, refuse=lambda sku, kind: None)
        else:
            _resolve_locations(rows, column)

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            level: StockLevel | None = row.existing
            if level is not None and level.on_hand:
                row.error(
                    "qty",
                    f"{row.values['_location'].code} already holds {level.on_hand} of {row.values['_sku']}; "
                    "opening stock is only for an item the location holds none of (post a move or a count instead)",
                )

    def changed_fields(self, row: Row) -> list[str]:
        return ["on_hand"]  # an existing level is empty (checked above): the row always adds stock

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        rows = creates + updates
        items = Item.objects.in_bulk({v["item_id"] for v in rows})
        locations = Location.objects.in_bulk({v["location_id"] for v in rows})
        moves = [
            StockMoveInput(
                item=items[v["item_id"]],
                qty=v["on_hand"],
                reason=StockMoveReason.OPENING,
                to_location=locations[v["location_id"]],
                reference="excel import: stock-opening",
            )
            for v in rows
        ]
        try:
            services.stock_moves_post(acting_user=acting_user, moves=moves)
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    def export_rows(self, queryset):
        queryset = queryset.filter(on_hand__gt=0).select_related("location", "item")
        for level in queryset.iterator(chunk_size=2000):
            yield [level.location.code, level.item.sku, level.on_hand]


class StockCountDataset(Dataset):
    """A physical count: one row per item counted at one location; the file posts one count per location."""

    name = "stock-counts"
    title = _("Stock counts")
    model = StockCountLine
    key = ("location", "sku")
    filterset_class = StockLevelFilter
    search_fields = ("item__sku", "location__code")
    export_ordering = ("location__code", "item__sku")
    columns = [
        _location_column(note="All rows of a file count the same location."),
        _sku_column(),
        IntegerColumn(
            "counted",
            required=True,
            min_value=0,
            max_value=MAX_QTY,
            example=1180,
            note="Units found; the difference to the level on hand is posted as a count adjustment.",
        ),
    ]

    @property
    def view_permission(self) -> str:
        return "logistics.view_stocklevel"

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("logistics.add_stockcount", "logistics.post_stockcount")

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(rows, column, refuse=lambda sku, kind: None)
        else:
            _resolve_locations(rows, column)

    def existing(self, rows: list[Row]) -> dict:
        return {}  # every row is a new count line

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            location: Location = row.values["_location"]
            first = context.setdefault("location", (location, row.number))
            if first[0].pk != location.pk:
                row.error(
                    "location",
                    f"{location.code} differs from {first[0].code} of row {first[1]}; a file counts one location",
                )
        good = [row for row in rows if row.ok]
        if not good:
            return
        location = context["location"][0]
        reserved = dict(
            StockLevel.objects.filter(
                location=location, item_id__in={row.values["item_id"] for row in good}, reserved__gt=0
            ).values_list("item_id", "reserved")
        )
        for row in good:
            held = reserved.get(row.values["item_id"], 0)
            if row.values["counted"] < held:
                row.error(
                    "counted",
                    f"{row.values['counted']} is below the {held} of {row.values['_sku']} reserved at "
                    f"{location.code}; release the reservation first",
                )

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        if not creates:
            return
        items = Item.objects.in_bulk({v["item_id"] for v in creates})
        location = Location.objects.get(pk=creates[0]["location_id"])
        try:
            count = services.stock_count_create(
                acting_user=acting_user,
                location=location,
                lines=[(items[v["item_id"]], v["counted"]) for v in creates],
                note="excel import: stock-counts",
            )
            services.stock_count_post(acting_user=acting_user, count=count)
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    def export_queryset(self, params=None):
        # The export is a count sheet: what each level holds now, ready to be overwritten with what is found.
        queryset = StockLevel.objects.all()
        if params:
            filterset = StockLevelFilter(params, queryset=queryset)
            if not filterset.is_valid():
                fields = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
                raise ApplicationError("Invalid filter: " + ", ".join(fields), {"fields": fields})
            queryset = filterset.qs
        return queryset.order_by(*self.export_ordering)

    def export_rows(self, queryset):
        for code, sku, on_hand in queryset.values_list("location__code", "item__sku", F("on_hand")).iterator(
            chunk_size=2000
        ):
            yield [code, sku, on_hand]


dataset_register(LocationDataset())
dataset_register(StockOpeningDataset())
dataset_register(StockCountDataset())

__all__ = ["LocationDataset", "StockCount", "StockCountDataset", "StockOpeningDataset"]

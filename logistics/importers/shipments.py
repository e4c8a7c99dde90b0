"""The ``shipment-lines`` Excel dataset: one row per shipment line; rows sharing a ``group`` make one shipment.

Importing creates shipments (status created) through ``shipment_create``; nothing moves until
they are shipped. The file is checked as a whole first: the rows of one group must agree on the
shipment's fields, its route must be one the kind allows, and a tracking number is used once.
The export lists existing shipments' lines with their number as the group.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import ChoiceColumn, IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import resolve_item_skus
from erp.models import Item
from logistics import services
from logistics.models import Location, Shipment, ShipmentKind, ShipmentLine
from logistics.services.shipments import MAX_QUANTITY, shipment_route_check

HEADER = ("kind", "from_location_id", "to_location_id", "consignee", "reference", "carrier", "tracking_number")


def _location(name: str, *, required: bool) -> KeyColumn:
    return KeyColumn(
        name,
        required=required,
        max_length=32,
        upper=True,
        field=f"{name}_id",
        refers_to="location",
        source=f"shipment__{name}__code",
        default=None,
        example="FS-FXN" if name == "from_location" else "WH-SZ",
    )


class ShipmentLineDataset(Dataset):
    name = "shipment-lines"
    title = _("Shipments (lines)")
    model = ShipmentLine
    key = ("group", "sku")
    export_ordering = ("-shipment__created_at", "shipment__number", "pk")
    columns = [
        TextColumn(
            "group", required=True, max_length=40, example="1", note="Rows with the same group make one shipment."
        ),
        ChoiceColumn("kind", required=True, choices=list(ShipmentKind.choices), example="inbound"),
        _location("from_location", required=True),
        _location("to_location", required=False),
        TextColumn(
            "consignee",
            max_length=200,
            example="",
            note="When it leaves Tempo's stock: a retailer code or customer reference.",
        ),
        TextColumn("reference", max_length=100, example=""),
        TextColumn("carrier", max_length=100, example="SF Express"),
        TextColumn("tracking_number", max_length=100, example="SF1234567890"),
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="item",
            source="item__sku",
            example="TP-X1-128",
            width=16,
        ),
        IntegerColumn("quantity", required=True, min_value=1, max_value=MAX_QUANTITY, example=1200),
    ]

    @property
    def view_permission(self) -> str:
        return "logistics.view_shipment"

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("logistics.add_shipment",)

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(rows, column, refuse=lambda sku, kind: None)
            return
        attr = column.attr
        codes = {row.values[attr] for row in rows if row.values.get(attr)}
        found = {location.code: location for location in Location.objects.filter(code__in=codes)}
        for row in rows:
            code = row.values.get(attr)
            if not code:
                continue
            if code not in found:
                row.error(column.name, f"no location has the code '{code}'")
            else:
                row.values[attr] = found[code].pk
                row.values[f"_{column.name}"] = found[code]

    def existing(self, rows: list[Row]) -> dict:
        return {}  # every row is a new line of a new shipment

    def check(self, rows: list[Row], context: dict) -> None:
        groups: dict[str, tuple[int, tuple]] = context.setdefault("groups", {})
        tracking: dict[tuple[str, str], str] = context.setdefault("tracking", {})
        for row in rows:
            if not row.ok:
                continue
            group = row.values["group"]
            header = tuple(self.value(row, attr) for attr in HEADER)
            first = groups.setdefault(group, (row.number, header))
            if first[1] != header:
                differs = next(name for name, a, b in zip(HEADER, first[1], header, strict=True) if a != b)
                column = differs.removesuffix("_id")
                row.error(column, f"differs from row {first[0]} of group {group}; one shipment has one {column}")
                continue
            if first[0] != row.number:
                continue
            try:
                shipment_route_check(
                    row.values["kind"],
                    row.values["_from_location"],
                    row.values.get("_to_location"),
                    row.values["consignee"],
                )
            except ApplicationError as error:
                field = next(iter(error.field_errors), "kind")
                row.error(field, error.message)
            number = row.values["tracking_number"]
            if number:
                carrier = row.values["carrier"]
                if (carrier, number) in tracking or Shipment.objects.filter(
                    carrier=carrier, tracking_number=number
                ).exists():
                    row.error(
                        "tracking_number",
                        f"{number} is already used by another shipment of {carrier or 'this carrier'}",
                    )
                tracking[(carrier, number)] = group

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        by_group: dict[str, list[dict]] = defaultdict(list)
        for values in creates:
            by_group[values["group"]].append(values)
        items = Item.objects.in_bulk({v["item_id"] for v in creates})
        locations = Location.objects.in_bulk(
            {v[attr] for v in creates for attr in ("from_location_id", "to_location_id") if v.get(attr)}
        )
        try:
            for lines in by_group.values():
                first = lines[0]
                services.shipment_create(
                    acting_user=acting_user,
                    kind=first["kind"],
                    from_location=locations[first["from_location_id"]],
                    to_location=locations.get(first["to_location_id"]),
                    consignee=first["consignee"],
                    reference=first["reference"],
                    carrier=first["carrier"],
                    tracking_number=first["tracking_number"],
                    lines=[services.ShipmentLineInput(items[v["item_id"]], v["quantity"]) for v in lines],
                )
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    def export_rows(self, queryset):
        queryset = queryset.select_related("shipment__from_location", "shipment__to_location", "item")
        for line in queryset.iterator(chunk_size=2000):
            shipment = line.shipment
            yield [
                shipment.number,
                shipment.kind,
                shipment.from_location.code,
                shipment.to_location.code if shipment.to_location else "",
                shipment.consignee,
                shipment.reference,
                shipment.carrier,
                shipment.tracking_number,
                line.item.sku,
                line.quantity,
            ]


dataset_register(ShipmentLineDataset())

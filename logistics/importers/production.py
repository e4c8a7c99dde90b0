"""Excel datasets of factories and the production schedule.

``factory-capacity``: one row per factory and product (products only), the weekly capacity.
``production-schedule``: one row per factory x product x ISO week, the quantity in the draft version.
Rows are checked as the service checks them (the product must have a capacity at the factory and the
quantity may not exceed it), the whole file or nothing; a dry run reports without writing. The
schedule is written through ``schedule_line_set`` so each line is spread over the factory's working days.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import resolve_item_skus
from erp.models import Item
from erp.weeks import IsoWeek
from logistics import selectors, services
from logistics.models import Factory, FactoryCapacity, ScheduleLine

WEEK_PATTERN = r"^[0-9]{4}-W[0-9]{2}$"


def _products_only(sku: str, kind: str) -> str | None:
    return None if kind == Item.Kind.PRODUCT else f"{sku} is not a product; factories build products"


def _resolve_factories(rows: list[Row], column: KeyColumn) -> None:
    codes = {row.values[column.attr] for row in rows}
    found = dict(Factory.objects.filter(code__in=codes).values_list("code", "pk"))
    for row in rows:
        code = row.values[column.attr]
        if code not in found:
            row.error(column.name, f"no factory has the code '{code}'")
        else:
            row.values[column.attr] = found[code]
            row.values["_factory_code"] = code


def _factory_column() -> KeyColumn:
    return KeyColumn(
        "factory",
        required=True,
        max_length=32,
        upper=True,
        field="factory_id",
        refers_to="factory",
        source="factory__code",
        example="FAC-FXN",
    )


def _sku_column() -> KeyColumn:
    return KeyColumn(
        "sku",
        required=True,
        max_length=64,
        upper=True,
        field="item_id",
        refers_to="product",
        source="item__sku",
        example="TP-X1-128",
        width=16,
    )


class FactoryCapacityDataset(Dataset):
    name = "factory-capacity"
    title = _("Factory capacity")
    model = FactoryCapacity
    key = ("factory", "sku")
    search_fields = ("factory__code", "item__sku")
    export_ordering = ("factory__code", "item__sku")
    columns = [
        _factory_column(),
        _sku_column(),
        IntegerColumn("weekly_capacity", required=True, min_value=1, example=20000, note="Units a week, at least 1."),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(rows, column, refuse=_products_only)
        else:
            _resolve_factories(rows, column)


class ProductionScheduleDataset(Dataset):
    name = "production-schedule"
    title = _("Production schedule (draft)")
    model = ScheduleLine
    key = ("factory", "sku", "week")
    search_fields = ("factory__code", "item__sku")
    export_ordering = ("item__sku", "factory__code", "week")
    columns = [
        _factory_column(),
        _sku_column(),
        TextColumn(
            "week",
            required=True,
            max_length=8,
            upper=True,
            pattern=WEEK_PATTERN,
            pattern_hint="an ISO week such as 2026-W48",
            example="2026-W48",
            note="ISO week (Monday to Sunday).",
        ),
        IntegerColumn(
            "quantity",
            required=True,
            min_value=0,
            example=20000,
            note="Units built that week; at most the factory's weekly capacity for the product.",
        ),
    ]

    def export_queryset(self, params=None):
        """The draft's lines (or, with no draft, the latest locked version's)."""
        version = selectors.schedule_draft() or selectors.schedule_current_locked()
        return super().export_queryset(params).filter(version=version)

    def export_rows(self, queryset):
        for code, sku, week, quantity in queryset.values_list("factory__code", "item__sku", "week", "quantity"):
            yield [code, sku, IsoWeek.of(week).key, quantity]

    def resolve(self, rows: list[Row]) -> None:
        super().resolve(rows)
        for row in rows:
            try:
                row.values["_week"] = IsoWeek.parse(row.values["week"])
            except ApplicationError as error:
                row.error("week", error.message)
                continue
            row.values["week"] = row.values["_week"].monday

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(rows, column, refuse=_products_only)
        else:
            _resolve_factories(rows, column)

    def existing(self, rows: list[Row]) -> dict[tuple, ScheduleLine]:
        draft = selectors.schedule_draft()
        if draft is None:
            return {}
        found = ScheduleLine.objects.filter(
            version=draft,
            factory_id__in={row.values["factory_id"] for row in rows},
            item_id__in={row.values["item_id"] for row in rows},
            week__in={row.values["week"] for row in rows},
        )
        return {(line.factory_id, line.item_id, line.week): line for line in found}

    def check(self, rows: list[Row], context: dict) -> None:
        if "draft" not in context:
            context["draft"] = selectors.schedule_draft()
        if context["draft"] is None:
            for row in rows:
                row.error("week", "there is no draft schedule version; start one on the schedule page first")
            return
        pairs = {(row.values["factory_id"], row.values["item_id"]) for row in rows if row.ok}
        capacities = {
            (f, i): c
            for f, i, c in FactoryCapacity.objects.filter(
                factory_id__in={f for f, _ in pairs}, item_id__in={i for _, i in pairs}
            ).values_list("factory_id", "item_id", "weekly_capacity")
        }
        factories = Factory.objects.in_bulk({f for f, _ in pairs})
        items = Item.objects.in_bulk({i for _, i in pairs})
        for row in rows:
            if not row.ok:
                continue
            key = (row.values["factory_id"], row.values["item_id"])
            factory, item = factories[key[0]], items[key[1]]
            if not factory.is_active and row.values["quantity"]:
                row.error("factory", f"{factory.code} is not active")
                continue
            try:
                services.schedule_capacity_check(
                    factory=factory,
                    item=item,
                    week=row.values["_week"],
                    quantity=row.values["quantity"],
                    capacity=capacities.get(key),
                )
            except ApplicationError as error:
                row.error("sku" if "sku" in error.field_errors else "quantity", error.message)

    def changed_fields(self, row: Row) -> list[str]:
        return ["quantity"] if row.existing.quantity != row.values["quantity"] else []

    def build(self, row: Row) -> dict:
        return {
            "factory_id": row.values["factory_id"],
            "item_id": row.values["item_id"],
            "week": row.values["_week"],
            "quantity": row.values["quantity"],
        }

    def values_of(self, obj: ScheduleLine) -> dict:
        return {
            "factory_id": obj.factory_id,
            "item_id": obj.item_id,
            "week": IsoWeek.of(obj.week),
            "quantity": obj.quantity,
        }

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # Through the service, row by row: it claims the draft, checks capacity again and spreads the days.
        draft = selectors.schedule_draft()
        rows = creates + updates
        factories = Factory.objects.in_bulk({values["factory_id"] for values in rows})
        items = Item.objects.in_bulk({values["item_id"] for values in rows})
        try:
            if draft is None:
                raise ApplicationError("The draft was locked while the file was being read.")
            for values in rows:
                services.schedule_line_set(
                    acting_user=acting_user,
                    version=draft,
                    factory=factories[values["factory_id"]],
                    item=items[values["item_id"]],
                    week=values["week"],
                    quantity=values["quantity"],
                )
        except ApplicationError as error:
            # Only a change made while the file was being read gets here: the engine rolls everything back.
            raise DatabaseError(error.message) from error


dataset_register(FactoryCapacityDataset())
dataset_register(ProductionScheduleDataset())

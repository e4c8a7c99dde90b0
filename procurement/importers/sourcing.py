"""Excel datasets of procurement: suppliers, component profiles and supplier offers.

Imports write in bulk, past the services. A supplier's status is therefore set by
Excel only when the supplier is new (its first status change is recorded then);
an existing supplier's status changes on its page or through the API, which record
who changed it and why.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.audit import user_or_none
from erp.excel.bulk import insert_history
from erp.excel.columns import (
    BooleanColumn,
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    KeyColumn,
    TextColumn,
)
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import Period, check_currency_codes, period_overlaps, resolve_item_skus
from erp.models import CURRENCY_PATTERN, SKU_PATTERN, Item
from procurement.filters import ComponentProfileFilter, SupplierFilter, SupplierOfferFilter
from procurement.models import (
    BASE_CURRENCY,
    COUNTRY_PATTERN,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_BREAKS,
    MIN_UNIT_PRICE,
    ComponentProfile,
    PriceBreak,
    Supplier,
    SupplierOffer,
    SupplierStatus,
    SupplierStatusChange,
)


def _products_refused(why: str):
    return lambda sku, kind: f"{sku} is a product; {why}" if kind == Item.Kind.PRODUCT else None


CODE_HINT = "upper-case letters, digits, '.', '_' or '-'"
STATUS_ON_PAGE = "change the status of an existing supplier on the supplier page"


class SupplierDataset(Dataset):
    name = "suppliers"
    title = _("Suppliers")
    model = Supplier
    key = ("code",)
    filterset_class = SupplierFilter
    search_fields = ("code", "name")
    export_ordering = ("code",)
    columns = [
        TextColumn(
            "code",
            required=True,
            max_length=32,
            pattern=SKU_PATTERN,
            pattern_hint=CODE_HINT,
            upper=True,
            example="SUP-001",
            note="The supplier's permanent code.",
            width=14,
        ),
        TextColumn("name", required=True, max_length=200, example="Shenzhen Precision Parts Co.", width=32),
        TextColumn(
            "country",
            required=True,
            max_length=2,
            upper=True,
            pattern=COUNTRY_PATTERN,
            pattern_hint="a two-letter code such as CN",
            example="CN",
            width=8,
        ),
        KeyColumn(
            "currency",
            max_length=3,
            upper=True,
            pattern=CURRENCY_PATTERN,
            pattern_hint="a three-letter code such as USD",
            field="currency_id",
            refers_to="currency",
            default=BASE_CURRENCY,
            example="CNY",
            width=10,
        ),
        TextColumn("contact_name", max_length=100, example="Li Na", width=18),
        TextColumn("contact_email", max_length=254, example="sales@example.com", width=24),
        TextColumn("contact_phone", max_length=40, example="+86 755 0000 0000", width=18),
        ChoiceColumn("payment_terms", choices=Supplier.Terms.choices, default=Supplier.Terms.NET60, example="net60"),
        ChoiceColumn(
            "status",
            choices=Supplier.Status.choices,
            default=SupplierStatus.ACTIVE,
            example="active",
            note="Only for new suppliers; change an existing supplier's status on its page.",
        ),
        TextColumn(
            "status_reason",
            max_length=500,
            example="",
            note="Required when the status is on_hold or blocked.",
            width=30,
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        check_currency_codes(rows, column)

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            existing = row.existing
            if existing is not None:
                for attr in ("status", "status_reason"):
                    if attr in row.values and row.values[attr] != getattr(existing, attr):
                        row.error(attr, STATUS_ON_PAGE)
            status = self.value(row, "status")
            if status != SupplierStatus.ACTIVE and not self.value(row, "status_reason"):
                row.error("status_reason", f"is required when the status is {status}")
            email = row.values.get("contact_email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    row.error("contact_email", f"'{email}' is not an e-mail address")

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        super().write(creates, updates, fields, acting_user)
        # A new supplier that starts on hold or blocked: record that first change, as the service would.
        user = user_or_none(acting_user)
        SupplierStatusChange.objects.bulk_create(
            SupplierStatusChange(
                supplier_id=values["id"],
                from_status=SupplierStatus.ACTIVE,
                to_status=values["status"],
                reason=values["status_reason"],
                changed_by=user,
            )
            for values in creates
            if values["status"] != SupplierStatus.ACTIVE
        )


class ComponentProfileDataset(Dataset):
    name = "component-profiles"
    title = _("Component profiles")
    model = ComponentProfile
    key = ("sku",)
    filterset_class = ComponentProfileFilter
    search_fields = ("item__sku", "item__name")
    export_ordering = ("item__sku",)
    columns = [
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="component or assembly",
            source="item__sku",
            example="CP-SCREW-M14",
            width=16,
        ),
        ChoiceColumn("category", required=True, choices=ComponentProfile.Category.choices, example="screw", width=12),
        BooleanColumn("customised", example=False, note="Made to Tempo's design."),
        IntegerColumn(
            "default_lead_time_days",
            min_value=0,
            max_value=MAX_LEAD_TIME_DAYS,
            default=0,
            example=14,
            note="Days from order to receipt.",
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        resolve_item_skus(rows, column, refuse=_products_refused("only components and assemblies have a profile"))

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # The item is the primary key, which the engine's bulk insert leaves to the database: insert here.
        if creates:
            now = timezone.now()
            for values in creates:
                values.update(created_at=now, updated_at=now)
            ComponentProfile.objects.bulk_create([ComponentProfile(**values) for values in creates])
            insert_history(ComponentProfile, creates, kind="+", user=acting_user, reason=f"excel import: {self.name}")
        super().write([], updates, fields, acting_user)


BREAK_ATTRS = [(f"qty{n}", f"price{n}") for n in range(1, MAX_PRICE_BREAKS + 1)]
BREAKS = "_breaks"  # the row's breaks as [(min_qty, unit_price)], or None when the file has no break columns


def _break_columns() -> list:
    columns = []
    examples = [(1, "0.012000"), (10000, "0.010500"), (100000, "0.009800"), (None, None), (None, None)]
    for (qty, price), (qty_example, price_example) in zip(BREAK_ATTRS, examples, strict=True):
        columns.append(
            IntegerColumn(qty, min_value=1, example=qty_example, note="Minimum quantity of this price break.")
        )
        columns.append(
            DecimalColumn(
                price,
                decimal_places=6,
                max_digits=14,
                min_value=MIN_UNIT_PRICE,
                example=price_example,
                note="Unit price from that quantity on, in the offer's currency.",
            )
        )
    return columns


class SupplierOfferDataset(Dataset):
    """One row an offer; its price breaks in the columns qty1/price1 to qty5/price5.

    The price breaks of an offer in the file replace its stored breaks; a file without
    break columns leaves them as they are.
    """

    name = "supplier-offers"
    title = _("Supplier offers")
    model = SupplierOffer
    key = ("supplier", "sku", "valid_from")
    filterset_class = SupplierOfferFilter
    search_fields = ("item__sku", "item__name", "supplier__code", "supplier__name")
    export_ordering = ("supplier__code", "item__sku", "valid_from")
    columns = [
        KeyColumn(
            "supplier",
            required=True,
            max_length=32,
            upper=True,
            field="supplier_id",
            refers_to="supplier",
            source="supplier__code",
            example="SUP-SCREW-X",
            width=14,
        ),
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="component or assembly",
            source="item__sku",
            example="CP-SCREW-M14",
            width=16,
        ),
        KeyColumn(
            "currency",
            required=True,
            max_length=3,
            upper=True,
            pattern=CURRENCY_PATTERN,
            pattern_hint="a three-letter code such as USD",
            field="currency_id",
            refers_to="currency",
            example="CNY",
            width=10,
        ),
        IntegerColumn("moq", min_value=1, default=1, example=10000, note="Minimum order quantity."),
        IntegerColumn("order_multiple", min_value=1, default=1, example=5000, note="The MOQ must be a multiple."),
        IntegerColumn("lead_time_days", min_value=0, max_value=MAX_LEAD_TIME_DAYS, default=0, example=14),
        DateColumn("valid_from", required=True, example=date(2026, 1, 1)),
        DateColumn("valid_to", example=None, note="Last day in force; empty means open-ended."),
        *_break_columns(),
        TextColumn("note", max_length=200, example="", width=24),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        attr = column.attr
        wanted = {row.values[attr] for row in rows}
        if column.name == "supplier":
            found = {s.code: s for s in Supplier.objects.filter(code__in=wanted)}
            for row in rows:
                code = row.values[attr]
                supplier = found.get(code)
                if supplier is None:
                    row.error("supplier", f"no supplier has the code '{code}'")
                elif supplier.status == SupplierStatus.BLOCKED:
                    row.error("supplier", f"{code} is blocked: {supplier.status_reason}")
                else:
                    row.values[attr] = supplier.pk
                    row.values["_supplier"] = code
        elif column.name == "sku":
            resolve_item_skus(rows, column, refuse=_products_refused("offers are for components and assemblies"))
        else:
            check_currency_codes(rows, column)

    def existing(self, rows: list[Row]) -> dict[tuple, SupplierOffer]:
        lookups = {f"{attr}__in": {row.values[attr] for row in rows} for attr in self.key_attrs}
        found = SupplierOffer.objects.filter(**lookups).prefetch_related("breaks")
        return {(o.supplier_id, o.item_id, o.valid_from): o for o in found}

    def check(self, rows: list[Row], context: dict) -> None:
        stored: dict[tuple[int, int], list[tuple[date, date | None]]] = context.setdefault("stored", {})
        in_file: dict[tuple[int, int], list[Period]] = context.setdefault("in_file", {})
        pairs = {(row.values["supplier_id"], row.values["item_id"]) for row in rows} - stored.keys()
        for pair in pairs:
            stored[pair] = []
        if pairs:
            for supplier_id, item_id, start, end in SupplierOffer.objects.filter(
                supplier_id__in={p[0] for p in pairs}, item_id__in={p[1] for p in pairs}
            ).values_list("supplier_id", "item_id", "valid_from", "valid_to"):
                if (supplier_id, item_id) in pairs:
                    stored[(supplier_id, item_id)].append((start, end))
        for row in rows:
            values = row.values
            moq, multiple = self.value(row, "moq"), self.value(row, "order_multiple")
            if moq % multiple:
                row.error("moq", f"{moq} is not a multiple of the order multiple {multiple}")
            valid_to = self.value(row, "valid_to")
            if valid_to is not None and valid_to < values["valid_from"]:
                row.error("valid_to", "is before valid_from")
            self._check_breaks(row, moq)
            if row.ok:
                in_file.setdefault((values["supplier_id"], values["item_id"]), []).append(
                    Period(values["valid_from"], valid_to, row.number, f"{values['_supplier']} {values['_sku']}")
                )

    def _check_breaks(self, row: Row, moq: int) -> None:
        values = row.values
        if all(values.get(attr) is None for pair in BREAK_ATTRS for attr in pair):
            # No break given: an existing offer keeps its breaks; a new one needs some.
            values[BREAKS] = None
            if row.existing is None:
                row.error("qty1", "a new offer needs at least one price break (qty1 and price1)")
            return
        breaks = []
        for qty_attr, price_attr in BREAK_ATTRS:
            qty, price = values.get(qty_attr), values.get(price_attr)
            if qty is None and price is None:
                continue
            if qty is None or price is None:
                row.error(qty_attr if qty is None else price_attr, f"give both {qty_attr} and {price_attr}, or neither")
                continue
            if breaks and qty <= breaks[-1][0]:
                row.error(qty_attr, f"{qty} must be above the previous break's quantity {breaks[-1][0]}")
            breaks.append((qty, price))
        if not breaks:
            row.error("qty1", "give at least one price break (qty1 and price1)")
        elif breaks[0][0] > moq:
            row.error("qty1", f"the first break starts at {breaks[0][0]}, above the MOQ {moq}")
        values[BREAKS] = breaks

    def finish(self, context: dict) -> list[tuple[int, str, str]]:
        return period_overlaps(context.get("in_file", {}), context.get("stored", {}), stored_label="a stored offer")

    def changed_fields(self, row: Row) -> list[str]:
        obj, skip = row.existing, {*self.key, *(attr for pair in BREAK_ATTRS for attr in pair)}
        changed = [
            column.attr
            for column in self.columns
            if column.name not in skip
            and column.attr in row.values
            and getattr(obj, column.attr) != row.values[column.attr]
        ]
        breaks = row.values[BREAKS]
        if breaks is not None and breaks != [(b.min_qty, b.unit_price) for b in row.existing.breaks.all()]:
            changed.append(BREAKS)
        return changed

    def build(self, row: Row) -> dict:
        return {**super().build(row), BREAKS: row.values[BREAKS]}

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # Offers through the engine's bulk writes (with history), then their breaks replaced.
        super().write(creates, updates, fields - {BREAKS}, acting_user)
        replaced = [values for values in [*creates, *updates] if values.get(BREAKS) is not None]
        PriceBreak.objects.filter(offer_id__in=[values["id"] for values in replaced]).delete()
        PriceBreak.objects.bulk_create(
            PriceBreak(offer_id=values["id"], min_qty=qty, unit_price=price)
            for values in replaced
            for qty, price in values[BREAKS]
        )

    def export_rows(self, queryset):
        queryset = queryset.select_related("supplier", "item", "currency").prefetch_related("breaks")
        for offer in queryset.iterator(chunk_size=2000):
            breaks = [(b.min_qty, b.unit_price) for b in offer.breaks.all()]
            cells = []
            for n in range(MAX_PRICE_BREAKS):
                cells.extend(breaks[n] if n < len(breaks) else (None, None))
            values = [
                offer.supplier.code,
                offer.item.sku,
                offer.currency_id,
                offer.moq,
                offer.order_multiple,
                offer.lead_time_days,
                offer.valid_from,
                offer.valid_to,
                *cells,
                offer.note,
            ]
            yield [column.export(value) for column, value in zip(self.columns, values, strict=True)]


for _dataset in (SupplierDataset(), ComponentProfileDataset(), SupplierOfferDataset()):
    dataset_register(_dataset)

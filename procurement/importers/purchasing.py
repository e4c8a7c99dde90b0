"""Excel dataset of purchasing: the lines of draft purchase orders.

One row is one line, keyed by the order's number and the SKU (an item appears once on an order).
Rows are checked like the services check them (the order must exist and be a draft, the supplier
must be the order's and not blocked, the supplier's offer on the order date gives the price and its
MOQ and order multiple apply), then written through the services, so line numbers, prices and the
history come out as they do on the order page. Create the order itself on the page or through the
API; the file fills and changes its lines.
"""

from __future__ import annotations

from datetime import date

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import DateColumn, DecimalColumn, IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import resolve_item_skus
from erp.models import SKU_PATTERN, Item
from procurement import services
from procurement.filters import PurchaseOrderLineFilter
from procurement.models import (
    MIN_UNIT_PRICE,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierStatus,
)
from procurement.selectors.sourcing import offers_valid_on

SUPPLIER = "_supplier_code"
ERROR_COLUMNS = {"quantity", "unit_price", "requested_date", "sku", "supplier"}


class PurchaseOrderLineDataset(Dataset):
    name = "purchase-order-lines"
    title = _("Purchase order lines")
    model = PurchaseOrderLine
    key = ("po_number", "sku")
    filterset_class = PurchaseOrderLineFilter
    search_fields = ("order__number", "order__supplier__code", "item__sku")
    export_ordering = ("order__number", "line_number")
    columns = [
        KeyColumn(
            "po_number",
            required=True,
            max_length=16,
            upper=True,
            field="order_id",
            refers_to="draft purchase order",
            source="order__number",
            example="PO-2026-00001",
            note="An existing draft order; create orders on the purchase-order page or through the API.",
            width=16,
        ),
        TextColumn(
            "supplier",
            required=True,
            max_length=32,
            upper=True,
            pattern=SKU_PATTERN,
            pattern_hint="the order's supplier code",
            field=SUPPLIER,
            example="SUP-006",
            note="Must be the order's supplier (a check against pasting lines into the wrong order).",
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
        IntegerColumn(
            "quantity",
            required=True,
            min_value=1,
            example=50000,
            note="At least the offer's MOQ, in multiples of its order multiple.",
        ),
        DecimalColumn(
            "unit_price",
            decimal_places=6,
            max_digits=14,
            min_value=MIN_UNIT_PRICE,
            example=None,
            note="In the order's currency. Empty: from the supplier's offer valid on the order date.",
        ),
        DateColumn(
            "requested_date",
            example=date(2026, 12, 14),
            note="Empty: the order date plus the offer's lead time (or the line's current date).",
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "sku":
            resolve_item_skus(
                rows,
                column,
                refuse=lambda sku, kind: (
                    f"{sku} is a product; purchase orders are for components and assemblies"
                    if kind == Item.Kind.PRODUCT
                    else None
                ),
            )
            return
        numbers = {row.values[column.attr] for row in rows}
        found = {o.number: o for o in PurchaseOrder.objects.select_related("supplier").filter(number__in=numbers)}
        for row in rows:
            number = row.values[column.attr]
            order = found.get(number)
            if order is None:
                row.error("po_number", f"no purchase order has the number '{number}'")
            elif order.status != PurchaseOrderStatus.DRAFT:
                row.error("po_number", f"{number} is {order.get_status_display().lower()}; only drafts take lines")
            else:
                row.values[column.attr] = order.pk
                row.values["_order"] = order

    def check(self, rows: list[Row], context: dict) -> None:
        items = Item.objects.in_bulk({row.values["item_id"] for row in rows})
        offers: dict[int, dict] = {}
        for row in rows:
            order: PurchaseOrder = row.values["_order"]
            if row.values[SUPPLIER] != order.supplier.code:
                row.error("supplier", f"{order.number} is an order to {order.supplier.code}")
                continue
            if order.supplier.status == SupplierStatus.BLOCKED:
                row.error("supplier", f"{order.supplier.code} is blocked: {order.supplier.status_reason}")
                continue
            if order.pk not in offers:
                offers[order.pk] = {
                    o.item_id: o
                    for o in offers_valid_on(order.order_date).filter(
                        supplier=order.supplier_id, item_id__in={r.values["item_id"] for r in rows}
                    )
                }
            existing: PurchaseOrderLine | None = row.existing
            quantity = row.values["quantity"]
            price = self.value(row, "unit_price") if "unit_price" in row.values else None
            if price is None and existing is not None and existing.quantity == quantity:
                price = existing.unit_price  # same quantity, no price given: the line keeps its price
            requested = row.values.get("requested_date") or (existing.requested_date if existing else None)
            try:
                terms = services.purchase_order_line_terms(
                    supplier=order.supplier,
                    currency_code=order.currency_id,
                    order_date=order.order_date,
                    item=items[row.values["item_id"]],
                    quantity=quantity,
                    unit_price=price,
                    requested_date=requested,
                    offers=offers[order.pk],
                )
            except ApplicationError as error:
                field = next((name for name in error.field_errors if name in ERROR_COLUMNS), "quantity")
                row.error(field, error.message)
                continue
            row.values["unit_price"] = terms.unit_price
            row.values["requested_date"] = terms.requested_date

    def changed_fields(self, row: Row) -> list[str]:
        line = row.existing
        return [
            attr for attr in ("quantity", "unit_price", "requested_date") if getattr(line, attr) != row.values[attr]
        ]

    def build(self, row: Row) -> dict:
        return {
            "order": row.values["_order"],
            "item_id": row.values["item_id"],
            "quantity": row.values["quantity"],
            "unit_price": row.values["unit_price"],
            "requested_date": row.values["requested_date"],
        }

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # Through the services, row by row: drafts are short, and this keeps numbering, locking and history.
        items = Item.objects.in_bulk({values["item_id"] for values in creates})
        orders = PurchaseOrder.objects.in_bulk({values["order_id"] for values in updates})
        try:
            for values in creates:
                services.purchase_order_line_add(
                    acting_user=acting_user,
                    order=values["order"],
                    item=items[values["item_id"]],
                    quantity=values["quantity"],
                    unit_price=values["unit_price"],
                    requested_date=values["requested_date"],
                )
            for values in updates:
                services.purchase_order_line_update(
                    acting_user=acting_user,
                    order=orders[values["order_id"]],
                    line=values["line_number"],
                    quantity=values["quantity"],
                    unit_price=values["unit_price"],
                    requested_date=values["requested_date"],
                )
        except ApplicationError as error:
            # Only a change made while the file was being read gets here (e.g. the order was sent meanwhile):
            # the engine reports a database refusal and rolls the whole import back.
            raise DatabaseError(error.message) from error

    def export_rows(self, queryset):
        queryset = queryset.select_related("order__supplier", "item")
        for line in queryset.iterator(chunk_size=2000):
            values = [
                line.order.number,
                line.order.supplier.code,
                line.item.sku,
                line.quantity,
                line.unit_price,
                line.requested_date,
            ]
            yield [column.export(value) for column, value in zip(self.columns, values, strict=True)]


dataset_register(PurchaseOrderLineDataset())

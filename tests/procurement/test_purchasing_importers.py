from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from procurement.models import PurchaseOrderLine
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db

HEADER = ["po_number", "supplier", "sku", "quantity", "unit_price", "requested_date"]


def run(tmp_path, rows, user=None, dry_run=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "purchase-order-lines"
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "lines.xlsx"
    workbook.save(path)
    return run_import(
        dataset_get("purchase-order-lines"), str(path), file_name="lines.xlsx", acting_user=user, dry_run=dry_run
    )


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


@pytest.fixture
def setup():
    screw, glue = ItemFactory(sku="CP-SCREW-M14"), ItemFactory(sku="CP-GLUE")
    supplier = SupplierFactory(code="SUP-A")
    make_offer(supplier, screw)  # MOQ 1000 x 500; 2.00, 1.50 from 5000
    order = make_order(supplier, lines=[(screw, 1000)])
    return order, screw, glue


def test_export_dry_run_and_import(client, tmp_path, procurement_user, setup):
    order, _screw, _glue = setup
    client.force_login(procurement_user)
    export = client.get("/excel/purchase-order-lines/export/?format=xlsx&supplier=SUP-A&status=draft")
    assert export.status_code == 200
    rows = [r for r in sheet_values(body_bytes(export), "purchase-order-lines") if any(c is not None for c in r)]
    assert rows[0] == tuple(HEADER)
    assert rows[1][:4] == (order.number, "SUP-A", "CP-SCREW-M14", 1000)
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)

    rows = [
        HEADER,
        [order.number.lower(), "sup-a", "cp-screw-m14", 5000, None, None],  # re-priced at the 5000 break
        [order.number, "SUP-A", "CP-GLUE", 7, "3.5", date(2026, 6, 20)],
    ]
    outcome = run(tmp_path, rows, procurement_user, dry_run=True)
    assert outcome.ok and (outcome.created, outcome.updated) == (1, 1)
    assert order.lines.count() == 1 and order.lines.get().quantity == 1000  # a dry run writes nothing
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    lines = {line.item.sku: line for line in order.lines.select_related("item")}
    assert (lines["CP-SCREW-M14"].quantity, lines["CP-SCREW-M14"].unit_price) == (5000, Decimal("1.5"))
    glue_line = lines["CP-GLUE"]
    assert (glue_line.line_number, glue_line.unit_price, glue_line.requested_date) == (
        2,
        Decimal("3.5"),
        date(2026, 6, 20),
    )
    assert glue_line.history.first().history_user == procurement_user


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, procurement_user, setup):
    order, screw, _glue = setup
    other = make_order(SupplierFactory(code="SUP-B"))
    sent = make_order(order.supplier, lines=[(screw, 1000)], status="sent")
    ProductFactory(sku="TP-X1")
    ItemFactory(sku="CP-TAPE")
    rows = [
        HEADER,
        [order.number, "SUP-A", "CP-SCREW-M14", 1200, None, None],  # 2: off the multiple
        [order.number, "SUP-A", "CP-GLUE", 5, None, None],  # 3: no offer, no price
        [order.number, "SUP-B", "CP-NEW", 5, "1", None],  # 4: wrong supplier / unknown sku
        ["PO-2099-99999", "SUP-A", "CP-GLUE", 5, "1", None],  # 5
        [sent.number, "SUP-A", "CP-GLUE", 5, "1", None],  # 6: not a draft
        [order.number, "SUP-A", "TP-X1", 5, "1", None],  # 7: a product
        [other.number, "SUP-A", "CP-GLUE", 5, "1", None],  # 8: the order is to SUP-B
        [order.number, "SUP-A", "CP-GLUE", 0, "1", None],  # 9: zero
        [order.number, "SUP-A", "CP-TAPE", 5, "1", date(2026, 5, 1)],  # 10: before the order date
    ]
    outcome = run(tmp_path, rows, procurement_user)
    text = "\n".join(messages(outcome))
    assert not outcome.written
    assert "row 2, column `quantity`: CP-SCREW-M14: 1200 cannot be ordered from SUP-A" in text
    assert "MOQ 1000 in multiples of 500" in text
    assert "row 3, column `unit_price`: CP-GLUE: SUP-A has no offer valid on 2026-06-01" in text
    assert "row 4, column `sku`: no item has the SKU 'CP-NEW'" in text
    assert "no purchase order has the number 'PO-2099-99999'" in text
    assert f"{sent.number} is sent; only drafts take lines" in text
    assert "TP-X1 is a product" in text
    assert f"row 8, column `supplier`: {other.number} is an order to SUP-B" in text
    assert "row 9, column `quantity`" in text
    assert "row 10, column `requested_date`" in text
    assert PurchaseOrderLine.objects.count() == 2

"""The shipment-lines dataset: rows grouped into shipments, checked as a whole, all or nothing."""

import pytest

from erp.excel.datasets import dataset_get
from logistics.models import Shipment
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory
from tests.logistics.test_stock_importers import messages, run

pytestmark = pytest.mark.django_db

HEADER = [
    "group",
    "kind",
    "from_location",
    "to_location",
    "consignee",
    "reference",
    "carrier",
    "tracking_number",
    "sku",
    "quantity",
]


@pytest.fixture
def places():
    ProductFactory(sku="TP-A")
    ProductFactory(sku="TP-B")
    FactoryStoreFactory(code="FS-A")
    LocationFactory(code="WH-A")
    LocationFactory(code="WH-B")


def test_groups_become_shipments(tmp_path, logistics_user, places, client):
    rows = [
        HEADER,
        ["1", "inbound", "FS-A", "WH-A", "", "", "SF", "SF-1", "TP-A", 100],
        ["1", "inbound", "FS-A", "WH-A", "", "", "SF", "SF-1", "TP-B", 50],
        ["2", "transfer", "WH-A", "WH-B", "", "", "", "", "TP-A", 10],
        ["3", "outbound", "WH-B", "", "R-0001", "RO-2026-000001", "ZTO", "Z-9", "TP-B", 3],
    ]
    outcome = run(tmp_path, "shipment-lines", rows, logistics_user)
    assert outcome.ok, messages(outcome)
    shipments = {s.tracking_number: s for s in Shipment.objects.all()}
    assert len(shipments) == 3 and shipments["SF-1"].lines.count() == 2
    assert shipments["Z-9"].consignee == "R-0001" and shipments["Z-9"].to_location is None
    client.force_login(logistics_user)
    export = client.get("/excel/shipment-lines/export/?format=xlsx")
    exported = [r for r in sheet_values(body_bytes(export), "shipment-lines") if any(c is not None for c in r)]
    assert exported[0] == tuple(HEADER) and len(exported) == 5


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, logistics_user, places):
    rows = [
        HEADER,
        ["1", "inbound", "FS-A", "WH-A", "", "", "SF", "SF-1", "TP-A", 100],
        ["1", "inbound", "FS-A", "WH-B", "", "", "SF", "SF-1", "TP-B", 50],
        ["2", "inbound", "WH-A", "WH-B", "", "", "", "", "TP-A", 10],
        ["3", "transfer", "WH-A", "WH-NOPE", "", "", "", "", "TP-A", 1],
        ["4", "transfer", "WH-A", "WH-B", "", "", "SF", "SF-1", "TP-A", 1],
        ["5", "transfer", "WH-A", "WH-B", "", "", "", "", "TP-NOPE", 0],
        ["1", "inbound", "FS-A", "WH-A", "", "", "SF", "SF-1", "TP-A", 5],
        ["6", "transfer", "WH-A", "WH-B", "", "", "", "", "TP-NOPE", 1],
    ]
    errors = messages(run(tmp_path, "shipment-lines", rows, logistics_user))
    text = "\n".join(errors)
    assert "row 3, column `to_location`: differs from row 2 of group 1" in text
    assert "row 4" in text and "leaves a factory_store" in text
    assert "row 5, column `to_location`: no location has the code 'WH-NOPE'" in text
    assert "row 6, column `tracking_number`: SF-1 is already used" in text
    assert "row 7, column `quantity`: 0 is below the minimum of 1" in text
    assert "row 8, column `group`: repeats the key 1 / TP-A of row 2" in text
    assert "row 9, column `sku`: no item has the SKU 'TP-NOPE'" in text
    assert not Shipment.objects.exists()


def test_needs_the_permission(planning_user, logistics_user):
    dataset = dataset_get("shipment-lines")
    assert dataset.can_view(planning_user) and not dataset.can_import(planning_user)
    assert dataset.can_import(logistics_user)

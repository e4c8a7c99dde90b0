import pytest
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from logistics import services
from logistics.models import Location, StockCount, StockLevel, StockMove
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.logistics.factories import FactoryFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def run(tmp_path, name, rows, user=None, dry_run=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = name
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / f"{name}.xlsx"
    workbook.save(path)
    return run_import(dataset_get(name), str(path), file_name=path.name, acting_user=user, dry_run=dry_run)


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


def test_locations_import_creates_updates_and_refuses(tmp_path, logistics_user):
    FactoryFactory(code="FAC-A")
    LocationFactory(code="WH-OLD", name="Old", region="North")
    header = ["code", "name", "kind", "region", "factory", "is_active"]
    rows = [
        header,
        ["wh-new", "New warehouse", "warehouse", "East", None, True],
        ["FS-A", "Factory A store", "factory_store", "Central", "FAC-A", True],
        ["WH-OLD", "Old renamed", "warehouse", "North", None, False],
    ]
    dry = run(tmp_path, "locations", rows, logistics_user, dry_run=True)
    assert dry.ok and (dry.created, dry.updated) == (2, 1) and not Location.objects.filter(code="WH-NEW").exists()
    outcome = run(tmp_path, "locations", rows, logistics_user)
    assert outcome.ok, messages(outcome)
    assert Location.objects.get(code="FS-A").factory.code == "FAC-A"
    old = Location.objects.get(code="WH-OLD")
    assert (old.name, old.is_active) == ("Old renamed", False)
    assert old.history.first().history_user == logistics_user
    bad = run(
        tmp_path,
        "locations",
        [
            header,
            ["FS-B", "Store", "factory_store", "", None, True],
            ["WH-C", "C", "warehouse", "", "FAC-A", True],
            ["WH-D", "D", "moon", "", None, True],
            ["WH-E", "E", "warehouse", "", "FAC-ZZ", True],
        ],
        logistics_user,
    )
    errors = messages(bad)
    assert errors[0] == "row 2, column `factory`: a factory store names its factory"
    assert errors[1] == "row 3, column `factory`: only a factory store has a factory, not a warehouse location"
    assert errors[2].startswith("row 4, column `kind`")
    assert errors[3] == "row 5, column `factory`: no factory has the code 'FAC-ZZ'"
    assert len(errors) == 4
    assert not Location.objects.filter(code__in=["FS-B", "WH-C"]).exists()


def test_stock_opening_posts_opening_moves_all_or_nothing(tmp_path, logistics_user):
    phone, screen = ProductFactory(sku="TP-A"), ItemFactory(sku="CP-S")
    wh = LocationFactory(code="WH-A")
    give_stock(screen, wh, 5)
    header = ["location", "sku", "qty"]
    bad = run(
        tmp_path,
        "stock-opening",
        [
            header,
            ["WH-A", "TP-A", 100],
            ["WH-A", "CP-S", 10],
            ["WH-Z", "TP-A", 1],
            ["WH-A", "TP-NOPE", 1],
            ["WH-A", "TP-A", 3],
            ["WH-A", "TP-A", -3],
            ["WH-A", "TP-A", "ten"],
        ],
        logistics_user,
    )
    errors = messages(bad)
    assert "row 3, column `qty`: WH-A already holds 5 of CP-S" in errors[0]
    assert errors[1] == "row 4, column `location`: no location has the code 'WH-Z'"
    assert errors[2] == "row 5, column `sku`: no item has the SKU 'TP-NOPE'"
    assert "row 6, column `location`: repeats the key" in errors[3]
    assert errors[4].startswith("row 7, column `qty`") and errors[5].startswith("row 8, column `qty`")
    assert not StockLevel.objects.filter(item=phone).exists() and StockMove.objects.count() == 1
    # a level at zero may take opening stock
    services.stock_move_post(acting_user=None, item=screen, qty=5, from_location=wh, reason="issue")
    rows = [header, ["WH-A", "TP-A", 100], ["wh-a", "cp-s", 7]]
    assert run(tmp_path, "stock-opening", rows, logistics_user, dry_run=True).ok
    assert not StockLevel.objects.filter(item=phone).exists()
    outcome = run(tmp_path, "stock-opening", rows, logistics_user)
    assert outcome.ok, messages(outcome)
    assert StockLevel.objects.get(item=phone, location=wh).on_hand == 100
    assert StockLevel.objects.get(item=screen, location=wh).on_hand == 7
    assert StockMove.objects.filter(reason="opening", created_by=logistics_user).count() == 2


def test_stock_counts_post_one_count_and_refuse_mixed_locations(tmp_path, logistics_user, client):
    a, b = ItemFactory(sku="CP-A"), ItemFactory(sku="CP-B")
    wh = LocationFactory(code="WH-A")
    LocationFactory(code="WH-B")
    give_stock(a, wh, 10)
    give_stock(b, wh, 10)
    services.stock_reserve(acting_user=None, item=b, location=wh, qty=6)
    header = ["location", "sku", "counted"]
    bad = run(
        tmp_path,
        "stock-counts",
        [header, ["WH-A", "CP-A", 8], ["WH-B", "CP-B", 1], ["WH-A", "CP-B", 5], ["WH-A", "CP-A", -1]],
        logistics_user,
    )
    errors = messages(bad)
    assert errors[0] == "row 3, column `location`: WH-B differs from WH-A of row 2; a file counts one location"
    assert "row 4, column `counted`: 5 is below the 6 of CP-B reserved at WH-A" in errors[1]
    assert errors[2].startswith("row 5, column `counted`")
    assert not StockCount.objects.exists()
    outcome = run(tmp_path, "stock-counts", [header, ["WH-A", "CP-A", 8], ["WH-A", "CP-B", 11]], logistics_user)
    assert outcome.ok, messages(outcome)
    count = StockCount.objects.get()
    assert count.status == "posted" and count.lines.count() == 2
    assert StockLevel.objects.get(item=a, location=wh).on_hand == 8
    assert StockLevel.objects.get(item=b, location=wh).on_hand == 11
    client.force_login(logistics_user)
    export = client.get("/excel/stock-counts/export/?format=xlsx&location=WH-A")
    assert export.status_code == 200
    rows = [r for r in sheet_values(body_bytes(export), "stock-counts") if any(c is not None for c in r)]
    assert rows == [("location", "sku", "counted"), ("WH-A", "CP-A", 8), ("WH-A", "CP-B", 11)]


def test_import_needs_the_permission(planning_user):
    assert not dataset_get("stock-opening").can_import(planning_user)
    assert not dataset_get("stock-counts").can_import(planning_user)
    assert dataset_get("stock-opening").can_view(planning_user)

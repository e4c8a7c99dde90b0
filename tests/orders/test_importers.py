from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from erp.weeks import IsoWeek
from orders import services
from orders.importers import forecast_grid_check, forecast_grid_import
from orders.models import DemandSignal, ForecastValue, SalesActual
from orders.services import CellInput
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory

pytestmark = pytest.mark.django_db
W0 = IsoWeek.current


def _workbook(tmp_path, rows, title="sheet"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "file.xlsx"
    workbook.save(path)
    return path


def run(tmp_path, dataset, rows, dry_run=False):
    path = _workbook(tmp_path, rows, dataset)
    return run_import(dataset_get(dataset), str(path), file_name="file.xlsx", acting_user=None, dry_run=dry_run)


def test_demand_signals_import_export(client, tmp_path, planning_user):
    product = ProductFactory(sku="TP-A")
    outcome = run(
        tmp_path,
        "demand-signals",
        [["sku", "week", "source", "value"], ["tp-a", W0().key, "search", 120], ["TP-A", W0().key, "forum", "3.5"]],
    )
    assert outcome.ok, [format_error(e) for e in outcome.errors]
    assert DemandSignal.objects.get(source="forum", item=product).value == Decimal("3.50")
    client.force_login(planning_user)
    export = client.get("/excel/demand-signals/export/?format=xlsx")
    rows = [r for r in sheet_values(body_bytes(export), "demand-signals") if any(c is not None for c in r)]
    assert rows[0] == ("sku", "week", "source", "value") and rows[1][:3] == ("TP-A", W0().key, "forum")


def test_demand_signals_bad_rows_name_the_cell(tmp_path):
    ProductFactory(sku="TP-A")
    ItemFactory(sku="CP-X")
    outcome = run(
        tmp_path,
        "demand-signals",
        [
            ["sku", "week", "source", "value"],
            ["TP-A", "2026-W60", "search", 1],
            ["TP-A", W0().key, "tv", 1],
            ["TP-A", W0().key, "forum", -1],
            ["CP-X", W0().key, "forum", 1],
        ],
    )
    text = " | ".join(format_error(e) for e in outcome.errors)
    assert not outcome.ok
    assert "no ISO week 60" in text and "tv" in text and "not a product" in text
    assert not DemandSignal.objects.exists()


def test_sales_actuals_import(tmp_path):
    ProductFactory(sku="TP-A")
    rows = [
        ["sku", "week", "channel", "quantity"],
        ["TP-A", (W0() - 1).key, "", 50],
        ["TP-A", (W0() - 1).key, "web", 5],
    ]
    outcome = run(tmp_path, "sales-actuals", rows)
    assert outcome.ok, [format_error(e) for e in outcome.errors]
    assert SalesActual.objects.count() == 2
    outcome = run(tmp_path, "sales-actuals", [["sku", "week", "channel", "quantity"], ["TP-A", W0().key, "", -5]])
    assert not outcome.ok and SalesActual.objects.count() == 2


def test_grid_check_names_cells():
    product = ProductFactory(sku="TP-A")
    ItemFactory(sku="CP-X")
    w1, w2 = W0().key, (W0() + 1).key
    cells, errors = forecast_grid_check(
        [
            ["sku", "name", w1, w2],
            ["TP-A", "Phone", 10, None],
            ["CP-X", "Screw", 1, 1],
            ["TP-NOPE", "", 1, 1],
            ["TP-A", "", 1, 1],
        ]
    )
    assert "A3: CP-X is a component, not a product." in errors
    assert any(e.startswith("A4: no item has the SKU 'TP-NOPE'") for e in errors)
    assert any(e.startswith("A5: TP-A appears twice") for e in errors)
    _cells, errors = forecast_grid_check([["sku", "name", w1, "2026-W60"], ["TP-A", "", -1, 2.5]])
    assert errors == ["D1: 2026 has no ISO week 60."]
    _cells, errors = forecast_grid_check([["sku", "name", w1, w2], ["TP-A", "", -1, 2.5]])
    assert errors == [
        f"C2 (TP-A, {w1}): -1 is negative; a forecast is 0 or more.",
        f"D2 (TP-A, {w2}): 2.5 is not a whole number.",
    ]
    cells, errors = forecast_grid_check([["sku", "name", w1, w2], ["TP-A", "", 10, None]])
    assert not errors and [(c.item, c.quantity) for c in cells] == [(product, 10)]
    assert forecast_grid_check([])[1] and forecast_grid_check([["week"]])[1]


def test_grid_round_trip_through_the_pages(client, tmp_path, planning_user):
    product = ProductFactory(sku="TP-A")
    version = services.forecast_version_create(acting_user=None, name="V")
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0(), 10)])
    client.force_login(planning_user)
    export = client.get(reverse("forecast-grid"), {"format": "xlsx"})
    rows = [list(r) for r in sheet_values(body_bytes(export), "forecast") if any(c is not None for c in r)]
    assert rows[0][:3] == ["sku", "name", W0().key] and rows[1][:3] == ["TP-A", product.name, 10]
    rows[1][3] = 25
    path = _workbook(tmp_path, rows)
    upload = SimpleUploadedFile("grid.xlsx", path.read_bytes())
    response = client.post(reverse("forecast-import", args=[version.number]), {"file": upload})
    assert response.status_code == 302
    value = ForecastValue.objects.get(week=(W0() + 1).monday)
    assert (value.quantity, value.method) == (25, "import")
    rows[1][3] = -4
    path = _workbook(tmp_path, rows)
    response = client.post(
        reverse("forecast-import", args=[version.number]), {"file": SimpleUploadedFile("g.xlsx", path.read_bytes())}
    )
    assert response.status_code == 400 and f"D2 (TP-A, {(W0() + 1).key})" in response.text
    assert ForecastValue.objects.get(week=(W0() + 1).monday).quantity == 25


def test_grid_import_refuses_a_non_workbook(planning_user):
    version = services.forecast_version_create(acting_user=None, name="V")
    report = forecast_grid_import(acting_user=None, version=version, upload=SimpleUploadedFile("x.csv", b"sku,name\n"))
    assert not report.ok and "xlsx" in report.errors[0]

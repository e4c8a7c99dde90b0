import pytest
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from procurement.models import ComponentProfile, Supplier, SupplierStatusChange
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import SupplierFactory

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "country", "currency", "payment_terms", "status", "status_reason"]


def write_workbook(tmp_path, rows, *, sheet="suppliers"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    path = tmp_path / f"{sheet}.xlsx"
    workbook.save(path)
    return str(path)


def run(tmp_path, rows, user=None, *, sheet="suppliers", dry_run=False):
    path = write_workbook(tmp_path, rows, sheet=sheet)
    return run_import(dataset_get(sheet), path, file_name="upload.xlsx", acting_user=user, dry_run=dry_run)


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


def test_template_and_export_round_trip(client, tmp_path, procurement_user):
    SupplierFactory(code="SUP-A", name="Alpha", country="JP", currency_id="JPY", contact_email="a@example.com")
    SupplierFactory(code="SUP-B", name="Beta", status="blocked", status_reason="swelling")
    client.force_login(procurement_user)
    template = client.get("/excel/suppliers/template/")
    assert template.status_code == 200
    assert sheet_values(body_bytes(template), "suppliers")[0][:4] == ("code", "name", "country", "currency")

    export = client.get("/excel/suppliers/export/?format=xlsx")
    assert export.status_code == 200
    rows = [row for row in sheet_values(body_bytes(export), "suppliers") if any(cell is not None for cell in row)]
    assert [row[0] for row in rows[1:]] == ["SUP-A", "SUP-B"]
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)

    rows[1] = list(rows[1])
    rows[1][1] = "Alpha renamed"
    rows.append(["SUP-C", "Gamma", "kr", "KRW", "", "", "", "net30", "on_hold", "trial order"])
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert Supplier.objects.get(code="SUP-A").name == "Alpha renamed"
    new = Supplier.objects.get(code="SUP-C")
    assert (new.country, new.currency_id, new.status, new.payment_terms) == ("KR", "KRW", "on_hold", "net30")
    change = SupplierStatusChange.objects.get()
    assert (change.supplier, change.to_status, change.changed_by) == (new, "on_hold", procurement_user)
    assert new.history.get().history_user == procurement_user


def test_unknown_currency_and_missing_reason_are_refused(tmp_path):
    outcome = run(
        tmp_path,
        [
            HEADER,
            ["SUP-X", "X", "CN", "XYZ", "net60", "active", ""],
            ["SUP-Y", "Y", "CN", "CNY", "net60", "blocked", ""],
        ],
    )
    assert not outcome.ok
    text = " | ".join(messages(outcome))
    assert "'XYZ' is not a currency Tempo knows" in text
    assert "status_reason" in text and "required" in text
    assert not Supplier.objects.exists()


def test_status_of_an_existing_supplier_cannot_change_by_excel(tmp_path):
    SupplierFactory(code="SUP-A", name="A")
    outcome = run(tmp_path, [HEADER, ["SUP-A", "A", "CN", "CNY", "net60", "blocked", "bad"]])
    assert not outcome.ok
    assert "supplier page" in " ".join(messages(outcome))
    assert Supplier.objects.get().status == "active"


def test_component_profiles_import(tmp_path, procurement_user):
    ItemFactory(sku="CP-SCREW")
    ItemFactory(sku="AS-MB", kind="assembly")
    ProductFactory(sku="TP-PHONE")
    header = ["sku", "category", "customised", "default_lead_time_days"]
    outcome = run(
        tmp_path,
        [header, ["cp-screw", "screw", "no", 14], ["AS-MB", "pcb", "yes", 28]],
        procurement_user,
        sheet="component-profiles",
    )
    assert outcome.ok, messages(outcome)
    assert ComponentProfile.objects.get(item__sku="AS-MB").customised is True
    assert ComponentProfile.objects.get(item__sku="CP-SCREW").history.get().history_user == procurement_user
    outcome = run(
        tmp_path,
        [header, ["CP-SCREW", "screw", "no", 21], ["TP-PHONE", "other", "no", 1], ["NOPE", "other", "no", 1]],
        sheet="component-profiles",
    )
    text = " | ".join(messages(outcome))
    assert "TP-PHONE is a product" in text and "no item has the SKU 'NOPE'" in text
    outcome = run(tmp_path, [header, ["CP-SCREW", "screw", "no", 21]], sheet="component-profiles")
    assert outcome.ok and outcome.updated == 1
    assert ComponentProfile.objects.get(item__sku="CP-SCREW").default_lead_time_days == 21

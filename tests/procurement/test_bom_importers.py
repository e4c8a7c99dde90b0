from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from procurement.models import BomLine, CostRates
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import AssemblyFactory, BomLineFactory

pytestmark = pytest.mark.django_db

HEADER = ["parent_sku", "child_sku", "qty_per", "scrap_pct", "valid_from", "valid_to", "note"]
RATES_HEADER = ["sku", "conversion_cost", "logistics_cost", "note"]


def run(tmp_path, rows, user=None, *, sheet="bom-lines", dry_run=False):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    path = tmp_path / f"{sheet}.xlsx"
    workbook.save(path)
    return run_import(dataset_get(sheet), str(path), file_name="upload.xlsx", acting_user=user, dry_run=dry_run)


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


@pytest.fixture
def parts(db):
    return {
        "phone": ProductFactory(sku="TP-P"),
        "a": AssemblyFactory(sku="AS-A"),
        "b": AssemblyFactory(sku="AS-B"),
        "c": AssemblyFactory(sku="AS-C"),
        "screw": ItemFactory(sku="CP-SCREW"),
        "glue": ItemFactory(sku="CP-GLUE", unit="ml"),
    }


def test_create_update_export_round_trip_with_history(client, tmp_path, parts, planning_user):
    rows = [
        HEADER,
        ["TP-P", "AS-A", 1, None, "2026-01-01", None, "main board"],
        ["tp-p", "cp-screw", 12, 2.5, date(2026, 1, 1), None, ""],
        ["AS-A", "CP-GLUE", "0.25", 5, "2026-01-01", "2026-06-30", ""],
        ["AS-A", "CP-GLUE", "0.2", 5, "2026-07-01", None, "less glue"],
    ]
    outcome = run(tmp_path, rows, planning_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (4, 0, 0)
    screw = BomLine.objects.get(parent=parts["phone"], child=parts["screw"])
    assert (screw.qty_per, screw.scrap_pct, screw.valid_to) == (Decimal(12), Decimal("2.5"), None)
    record = screw.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        planning_user,
        "excel import: bom-lines",
    )

    client.force_login(planning_user)
    export = client.get("/excel/bom-lines/export/?format=xlsx&parent=AS-A")
    assert export.status_code == 200
    exported = [row for row in sheet_values(body_bytes(export), "bom-lines") if any(c is not None for c in row)]
    assert exported[0] == tuple(HEADER)
    assert [(row[0], row[1]) for row in exported[1:]] == [("AS-A", "CP-GLUE"), ("AS-A", "CP-GLUE")]

    # The export comes back unchanged; then one change updates the line with that key.
    outcome = run(tmp_path, exported, planning_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    changed = [list(row) for row in exported]
    changed[2][2] = 0.3
    outcome = run(tmp_path, changed, planning_user)
    assert outcome.ok and (outcome.updated, outcome.unchanged) == (1, 1), messages(outcome)
    line = BomLine.objects.get(child=parts["glue"], valid_from=date(2026, 7, 1))
    assert line.qty_per == Decimal("0.3")
    assert line.history.first().history_type == "~"
    assert BomLine.objects.count() == 4


def test_template_lists_the_columns(client, planning_user):
    client.force_login(planning_user)
    template = client.get("/excel/bom-lines/template/")
    assert template.status_code == 200
    assert sheet_values(body_bytes(template), "bom-lines")[0][:7] == tuple(HEADER)


def test_dry_run_writes_nothing(tmp_path, parts):
    outcome = run(tmp_path, [HEADER, ["TP-P", "AS-A", 1, 0, "2026-01-01", None, ""]], dry_run=True)
    assert outcome.ok and outcome.created == 1 and not outcome.written
    assert not BomLine.objects.exists()


def test_every_bad_value_is_named_by_row_and_column_and_nothing_is_written(tmp_path, parts):
    BomLineFactory(parent=parts["phone"], child=parts["screw"], valid_from=date(2026, 1, 1), valid_to=None)
    outcome = run(
        tmp_path,
        [
            HEADER,
            ["TP-P", "AS-B", 1, 0, "2026-01-01", None, "fine on its own"],  # row 2
            ["CP-SCREW", "CP-GLUE", 1, 0, "2026-01-01", None, ""],  # 3: a component as parent
            ["AS-A", "TP-P", 1, 0, "2026-01-01", None, ""],  # 4: a product as component
            ["AS-A", "CP-GLUE", 0, 0, "2026-01-01", None, ""],  # 5: qty 0
            ["AS-A", "CP-GLUE", -1, 0, "2026-02-01", None, ""],  # 6: qty below 0
            ["AS-A", "CP-SCREW", 1, 100, "2026-01-01", None, ""],  # 7: scrap 100%
            ["AS-B", "CP-SCREW", 1, -1, "2026-01-01", None, ""],  # 8: negative scrap
            ["AS-C", "CP-SCREW", 1, 0, "2026-03-01", "2026-02-01", ""],  # 9: period backwards
            ["AS-C", "CP-NOPE", 1, 0, "2026-01-01", None, ""],  # 10: unknown component
            ["AS-NOPE", "CP-GLUE", 1, 0, "2026-01-01", None, ""],  # 11: unknown parent
            ["AS-C", "AS-C", 1, 0, "2026-01-01", None, ""],  # 12: its own component
            ["TP-P", "CP-SCREW", 4, 0, "2026-06-01", None, ""],  # 13: overlaps the stored line
            ["AS-C", "CP-GLUE", 1, 0, "2026-01-01", "2026-06-30", ""],  # 14
            ["AS-C", "CP-GLUE", 2, 0, "2026-06-01", None, ""],  # 15: overlaps row 14
            ["AS-C", "CP-GLUE", 2, 0, "2026-06-01", None, ""],  # 16: repeats the key of row 15
            ["AS-C", "CP-SCREW", "abc", 0, "2026-05-01", None, ""],  # 17: not a number
            ["AS-C", "CP-SCREW", 1, 0, "someday", None, ""],  # 18: not a date
        ],
    )
    assert not outcome.ok and not outcome.written
    found = {(error["row"], error["column"]): error["message"] for error in outcome.errors}
    assert "CP-SCREW is a component; only products and assemblies have BOM lines" in found[(3, "parent_sku")]
    assert "TP-P is a product" in found[(4, "child_sku")]
    assert "below the minimum of 0.0001" in found[(5, "qty_per")]
    assert "below the minimum" in found[(6, "qty_per")]
    assert "above the maximum of 99.99" in found[(7, "scrap_pct")]
    assert "below the minimum of 0" in found[(8, "scrap_pct")]
    assert found[(9, "valid_to")] == "is before valid_from"
    assert found[(10, "child_sku")] == "no item has the SKU 'CP-NOPE'"
    assert found[(11, "parent_sku")] == "no item has the SKU 'AS-NOPE'"
    assert "cannot be a component of itself" in found[(12, "child_sku")]
    assert (
        "overlaps the stored line of TP-P <- CP-SCREW (2026-01-01 to open-ended); end that line first"
        in found[(13, "valid_from")]
    )
    assert "overlaps row 14 of AS-C <- CP-GLUE (2026-01-01 to 2026-06-30)" in found[(15, "valid_from")]
    assert "repeats the key" in found[(16, "parent_sku")]
    assert "is not a number" in found[(17, "qty_per")]
    assert "is not a date" in found[(18, "valid_from")]
    assert (2, "parent_sku") not in found and (2, "child_sku") not in found
    assert "row 13, column `valid_from`" in " | ".join(messages(outcome))
    assert BomLine.objects.count() == 1


def test_a_loop_with_stored_lines_is_refused_with_its_path(tmp_path, parts):
    BomLineFactory(parent=parts["a"], child=parts["b"])
    BomLineFactory(parent=parts["b"], child=parts["c"])
    outcome = run(tmp_path, [HEADER, ["AS-C", "AS-A", 1, 0, "2026-01-01", None, ""]])
    assert messages(outcome) == ["row 2, column `child_sku`: would make the BOM loop: AS-C -> AS-A -> AS-B -> AS-C"]
    assert BomLine.objects.count() == 2


def test_a_loop_only_the_rows_of_the_file_close_is_refused(tmp_path, parts):
    outcome = run(
        tmp_path,
        [
            HEADER,
            ["AS-A", "AS-B", 1, 0, "2026-01-01", None, ""],
            ["TP-P", "AS-A", 1, 0, "2026-01-01", None, ""],
            ["AS-B", "AS-A", 1, 0, "2026-01-01", None, ""],
        ],
        dry_run=True,
    )
    assert messages(outcome) == [
        "row 4, column `child_sku`: would make the BOM loop: AS-B -> AS-A -> AS-B (with row 2)"
    ]
    # Over three rows, and across periods: a loop is a loop whenever its lines are in force.
    outcome = run(
        tmp_path,
        [
            HEADER,
            ["AS-A", "AS-B", 1, 0, "2026-01-01", "2026-03-31", ""],
            ["AS-B", "AS-C", 1, 0, "2026-01-01", None, ""],
            ["AS-C", "AS-A", 1, 0, "2026-06-01", None, ""],
        ],
    )
    assert messages(outcome) == [
        "row 4, column `child_sku`: would make the BOM loop: AS-C -> AS-A -> AS-B -> AS-C (with rows 2, 3)"
    ]
    assert not BomLine.objects.exists()


def test_a_second_period_of_a_stored_link_is_not_a_loop(tmp_path, parts):
    BomLineFactory(parent=parts["a"], child=parts["b"], valid_from=date(2026, 1, 1), valid_to=date(2026, 3, 31))
    outcome = run(
        tmp_path,
        [
            HEADER,
            ["AS-A", "AS-B", 2, 0, "2026-04-01", None, ""],
            ["AS-A", "AS-B", 1, 0, "2026-01-01", "2026-03-31", "unchanged"],
        ],
    )
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated) == (1, 1)


def test_cost_rates_import_and_export(client, tmp_path, parts, planning_user):
    outcome = run(
        tmp_path,
        [RATES_HEADER, ["TP-P", "45.5", 12, "assembly and test"], ["as-a", 3, None, ""]],
        planning_user,
        sheet="cost-rates",
    )
    assert outcome.ok, messages(outcome)
    rates = CostRates.objects.get(item=parts["phone"])
    assert (rates.conversion_cost, rates.logistics_cost) == (Decimal("45.5"), Decimal(12))
    assert CostRates.objects.get(item=parts["a"]).logistics_cost == 0
    assert rates.history.get().history_user == planning_user

    outcome = run(
        tmp_path,
        [RATES_HEADER, ["TP-P", 50, 12, ""], ["CP-SCREW", 1, 0, ""], ["AS-B", -1, 0, ""], ["AS-C", 1, "-0.5", ""]],
        planning_user,
        sheet="cost-rates",
    )
    found = {(error["row"], error["column"]): error["message"] for error in outcome.errors}
    assert "CP-SCREW is a component; cost rates are for products and assemblies" in found[(3, "sku")]
    assert "below the minimum of 0" in found[(4, "conversion_cost")]
    assert "below the minimum of 0" in found[(5, "logistics_cost")]
    assert CostRates.objects.get(item=parts["phone"]).conversion_cost == Decimal("45.5")
    assert CostRates.objects.count() == 2

    outcome = run(tmp_path, [RATES_HEADER, ["TP-P", 50, 12, ""]], planning_user, sheet="cost-rates", dry_run=True)
    assert outcome.ok and outcome.updated == 1
    assert CostRates.objects.get(item=parts["phone"]).conversion_cost == Decimal("45.5")
    outcome = run(tmp_path, [RATES_HEADER, ["TP-P", 50, 12, ""]], planning_user, sheet="cost-rates")
    assert outcome.ok and outcome.updated == 1
    assert CostRates.objects.get(item=parts["phone"]).conversion_cost == 50

    client.force_login(planning_user)
    export = client.get("/excel/cost-rates/export/?format=xlsx&kind=assembly")
    exported = [row for row in sheet_values(body_bytes(export), "cost-rates") if any(c is not None for c in row)]
    assert [row[0] for row in exported[1:]] == ["AS-A"]


def test_only_planning_imports_structure(client, procurement_user, planning_user):
    # Procurement reads BOM lines and cost rates; planning owns them (procurement/apps.py).
    assert dataset_get("bom-lines").can_view(procurement_user)
    assert not dataset_get("bom-lines").can_import(procurement_user)
    assert dataset_get("bom-lines").can_import(planning_user)
    assert dataset_get("cost-rates").can_import(planning_user)
    assert not dataset_get("cost-rates").can_import(procurement_user)

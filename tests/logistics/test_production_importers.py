"""Excel datasets factory-capacity and production-schedule: all or nothing, dry run, capacity per row."""

import pytest
from openpyxl import Workbook

from erp import roles
from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from logistics.models import FactoryCapacity, ScheduleDay, ScheduleLine
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.logistics.factories_production import WEEK, FactoryCapacityFactory, FactoryFactory, make_draft, make_locked

pytestmark = pytest.mark.django_db


def run(tmp_path, name, rows, user=None, dry_run=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = name
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / f"{name}.xlsx"
    workbook.save(path)
    return run_import(dataset_get(name), str(path), file_name=f"{name}.xlsx", acting_user=user, dry_run=dry_run)


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


@pytest.fixture
def planner(db):
    return UserFactory(roles=[roles.PLANNING])


@pytest.fixture
def setup(db):
    fac = FactoryFactory(code="FAC-A")
    phone, lite = ProductFactory(sku="TP-PHONE"), ProductFactory(sku="TP-LITE")
    FactoryCapacityFactory(factory=fac, item=phone, weekly_capacity=1000)
    return fac, phone, lite


def test_factory_capacity_import(tmp_path, planner, setup):
    component = ItemFactory(sku="CP-X")
    header = ["factory", "sku", "weekly_capacity"]
    outcome = run(
        tmp_path,
        "factory-capacity",
        [header, ["fac-a", "tp-phone", 1200], ["FAC-A", "TP-LITE", 300], ["FAC-A", "CP-X", 5], ["NOPE", "TP-LITE", 1]],
        planner,
    )
    assert not outcome.ok
    assert any("CP-X is not a product" in m for m in messages(outcome))
    assert any("no factory has the code 'NOPE'" in m for m in messages(outcome))
    assert FactoryCapacity.objects.get(item__sku="TP-PHONE").weekly_capacity == 1000
    assert not FactoryCapacity.objects.filter(item=component).exists()
    outcome = run(
        tmp_path, "factory-capacity", [header, ["FAC-A", "TP-PHONE", 1200], ["FAC-A", "TP-LITE", 300]], planner
    )
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated) == (1, 1)
    assert FactoryCapacity.objects.get(item__sku="TP-PHONE").history.first().history_user == planner


def test_schedule_import_all_or_nothing_with_capacity_per_row(tmp_path, planner, setup):
    header = ["factory", "sku", "week", "quantity"]
    no_draft = run(tmp_path, "production-schedule", [header, ["FAC-A", "TP-PHONE", WEEK.key, 10]], planner)
    assert not no_draft.ok and "no draft" in messages(no_draft)[0]
    make_draft(user=planner)
    rows = [
        header,
        ["FAC-A", "TP-PHONE", "2026-w48", 600],
        ["FAC-A", "TP-PHONE", "2026-W49", 1001],
        ["FAC-A", "TP-LITE", "2026-W49", 1],
        ["FAC-A", "TP-PHONE", "2026-W60", 1],
        ["FAC-A", "TP-PHONE", "2026-W50", -1],
    ]
    outcome = run(tmp_path, "production-schedule", rows, planner)
    found = messages(outcome)
    assert not outcome.ok and ScheduleLine.objects.count() == 0
    assert any("above the factory's weekly capacity of 1000" in m and "2026-W49" in m for m in found), found
    assert any("no weekly capacity for TP-LITE" in m for m in found), found
    assert any("no ISO week 60" in m for m in found), found
    assert len(found) == 4
    good = [header, ["FAC-A", "TP-PHONE", "2026-W48", 600], ["FAC-A", "TP-PHONE", "2026-W49", 1000]]
    dry = run(tmp_path, "production-schedule", good, planner, dry_run=True)
    assert dry.ok and dry.created == 2 and ScheduleLine.objects.count() == 0
    outcome = run(tmp_path, "production-schedule", good, planner)
    assert outcome.ok, messages(outcome)
    assert sum(ScheduleDay.objects.values_list("quantity", flat=True)) == 1600
    again = run(tmp_path, "production-schedule", [header, ["FAC-A", "TP-PHONE", "2026-W48", 601]], planner)
    assert (again.updated, again.created) == (1, 0)
    assert ScheduleLine.objects.get(week=WEEK.monday).quantity == 601


def test_schedule_export_reads_the_draft(client, planner, setup):
    fac, phone, _lite = setup
    make_locked([(fac, phone, WEEK, 500)], user=planner)
    client.force_login(planner)
    export = client.get("/excel/production-schedule/export/?format=xlsx")
    assert export.status_code == 200
    rows = [r for r in sheet_values(body_bytes(export), "production-schedule") if any(c is not None for c in r)]
    assert rows == [("factory", "sku", "week", "quantity"), ("FAC-A", "TP-PHONE", "2026-W48", 500)]

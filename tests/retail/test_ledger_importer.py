"""The ``prepayment-deposits`` Excel dataset: dry run with per-cell errors, all-or-nothing commit."""

from decimal import Decimal

import pytest

from retail.models import PrepaymentAccount, PrepaymentEntry
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.excel_helpers import body_bytes, sheet_values, xlsx_upload
from tests.retail.factories import RetailerFactory, deposit

pytestmark = pytest.mark.django_db
HEADER = ["retailer", "amount", "reference", "note"]
NAME = "prepayment-deposits"


def _import(client, rows, *, dry_run=True):
    data = {"file": xlsx_upload([HEADER, *rows], sheet=NAME, name="deposits.xlsx")}
    data["dry_run"] = "true" if dry_run else "false"
    return client.post(f"/api/v1/excel/{NAME}/import/", data, format="multipart")


@pytest.fixture
def retailers():
    return RetailerFactory(code="R-0001"), RetailerFactory(code="R-0002")


def test_dry_run_then_commit_books_every_row(api_client, finance_user, retailers):
    client = token_client(api_client, finance_user)
    rows = [["r-0001", 500000, "ICBC-1", "first"], ["R-0002", "1234.56", "ICBC-2", None], ["R-0001", 0.5, "ICBC-3"]]
    dry = _import(client, rows)
    assert dry.status_code == 200, dry.content
    assert dry.json()["counts"] == {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert not PrepaymentEntry.objects.exists()
    done = _import(client, rows, dry_run=False)
    assert done.status_code == 200 and done.json()["counts"]["errors"] == 0
    first = PrepaymentAccount.objects.get(retailer=retailers[0])
    assert first.balance == Decimal("500000.50")
    assert PrepaymentAccount.objects.get(retailer=retailers[1]).balance == Decimal("1234.56")
    entry = PrepaymentEntry.objects.get(reference="ICBC-2")
    assert (entry.kind, entry.created_by, entry.note) == ("deposit", finance_user, "excel import: prepayment-deposits")
    assert PrepaymentEntry.objects.get(reference="ICBC-1").note == "first"


def test_bad_rows_are_reported_by_cell_and_nothing_is_booked(api_client, finance_user, retailers):
    deposit(retailers[0], "10.00", reference="BOOKED")
    client = token_client(api_client, finance_user)
    rows = [
        ["R-0001", 100, "OK-1"],
        ["R-NOPE", 100, "OK-2"],
        ["R-0001", 0, "ZERO"],
        ["R-0001", -5, "NEG"],
        ["R-0001", "1.001", "THREE"],
        ["R-0001", "lots", "TEXT"],
        ["R-0002", 100, "OK-1"],
        ["R-0001", 100, "BOOKED"],
        ["R-0002", 100, None],
    ]
    body = assert_error_shape(_import(client, rows, dry_run=False), 400)
    errors = {(error["row"], error["column"]): error["message"] for error in body["extra"]["errors"]}
    assert "no retailer has the code 'R-NOPE'" in errors[(3, "retailer")]
    assert "above zero" in errors[(4, "amount")] and "above zero" in errors[(5, "amount")]
    assert "more than 2 decimal places" in errors[(6, "amount")]
    assert "not a number" in errors[(7, "amount")]
    assert "repeats the key OK-1 of row 2" in errors[(8, "reference")]
    assert "already booked for R-0001" in errors[(9, "reference")]
    assert "required" in errors[(10, "reference")]
    assert (2, "amount") not in errors and len(errors) == 8
    assert PrepaymentEntry.objects.count() == 1
    assert PrepaymentAccount.objects.get(retailer=retailers[0]).balance == Decimal("10.00")


def test_only_finance_imports_and_the_export_lists_deposits(api_client, finance_user, sales_user, retailers):
    deposit(retailers[0], "10.00", reference="=HYPERLINK(1)")
    assert_error_shape(_import(token_client(api_client, sales_user), [["R-0001", 1, "X"]]), 403)
    export = token_client(api_client, finance_user).get(f"/api/v1/excel/{NAME}/export/?retailer=R-0001")
    rows = sheet_values(body_bytes(export), NAME)
    assert list(rows[0]) == HEADER
    assert rows[1][:3] == ("R-0001", 10, "'=HYPERLINK(1)")
    template = token_client(api_client, finance_user).get(f"/api/v1/excel/{NAME}/template/")
    assert template.status_code == 200

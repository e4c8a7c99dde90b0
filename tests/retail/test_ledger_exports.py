"""The statement workbook shared by the staff statement page and the portal."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from erp.weeks import business_date
from retail.exports import statement_sheet_response
from retail.selectors import prepayment_statement
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product

pytestmark = pytest.mark.django_db


def test_statement_workbook_has_opening_entries_and_closing():
    retailer = RetailerFactory(code="R-STMT")
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "500.00", reference="BANK-1")
    order = make_order(retailer, [(product, 2)], confirm=True)
    today = business_date()
    statement = prepayment_statement(retailer=retailer, start=today - timedelta(days=3), end=today)
    response = statement_sheet_response(statement)
    assert response["Content-Disposition"].startswith('attachment; filename="tempo-statement-R-STMT-')
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("date", "kind", "amount", "balance_after", "held_after", "available_after")
    assert rows[1][1:6] == ("opening", None, 0, 0, 0)
    assert rows[2][1:7] == ("deposit", 500, 500, 0, 500, "BANK-1")
    assert rows[3][1:8] == ("hold", 200, 500, 200, 300, order.number, order.number)
    assert rows[4][1:6] == ("closing", None, 500, 200, 300)
    assert Decimal(str(rows[4][5])) == Decimal("300")

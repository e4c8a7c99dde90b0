"""Staff pages of the prepayment ledger: accounts, statements, entries, deposit/refund/adjustment forms."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp import roles
from erp.weeks import business_date
from retail.models import PrepaymentAccount, PrepaymentEntry
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import UserFactory
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db


def _ledger(retailers=3):
    product = priced_product(retailer_price="100.00")
    made = []
    for n in range(retailers):
        retailer = RetailerFactory(tier=1 + n % 3)
        deposit(retailer, "1000.00")
        make_order(retailer, [(product, 2)], confirm=True)
        made.append(retailer)
    return made, product


def _pages(retailer):
    return [
        reverse("prepayment-account-list"),
        reverse("prepayment-entry-list"),
        reverse("prepayment-statement", args=[retailer.code]),
    ]


def test_finance_and_sales_read_the_ledger_others_get_403(client):
    (retailer, *_), _product = _ledger(1)
    for role in (roles.FINANCE, roles.SALES, roles.ADMIN):
        client.force_login(UserFactory(roles=[role]))
        for url in _pages(retailer):
            assert client.get(url).status_code == 200, (role, url)
    for user in (UserFactory(roles=[roles.LOGISTICS]), UserFactory(roles=[roles.PLANNING])):
        client.force_login(user)
        for url in _pages(retailer):
            assert client.get(url).status_code == 403, url
    client.force_login(retailer_user_for(retailer))
    for url in [*_pages(retailer), reverse("prepayment-deposit", args=[retailer.code])]:
        assert client.get(url).status_code == 403, url
    client.logout()
    assert client.get(_pages(retailer)[0]).status_code == 302


def test_account_list_shows_figures_filters_sorts_and_exports(client, finance_user):
    retailers, _product = _ledger(3)
    client.force_login(finance_user)
    response = client.get(reverse("prepayment-account-list"))
    assert response.status_code == 200
    assert "1,000.00" in response.text and "800.00" in response.text
    only = client.get(reverse("prepayment-account-list"), {"q": retailers[1].code})
    assert [a.retailer.code for a in only.context["object_list"]] == [retailers[1].code]
    tier = client.get(reverse("prepayment-account-list"), {"tier": "1"})
    assert {a.retailer.tier for a in tier.context["object_list"]} == {1}
    ordered = client.get(reverse("prepayment-account-list"), {"sort": "-available_cents"})
    assert ordered.status_code == 200
    empty = client.get(reverse("prepayment-account-list"), {"q": "NOPE"})
    assert "No account matches" in empty.text
    export = client.get(reverse("prepayment-account-list"), {"format": "xlsx", "tier": "1"})
    rows = sheet_values(body_bytes(export))
    assert rows[0][:7] == ("retailer", "legal_name", "tier", "region", "balance", "held", "available")
    assert [row[0] for row in rows[1:]] == [r.code for r in retailers if r.tier == 1]
    assert rows[1][4:7] == (1000, 200, 800)


def test_list_pages_query_counts_do_not_grow_with_rows(client, finance_user, django_assert_num_queries):
    retailers, product = _ledger(2)
    client.force_login(finance_user)
    urls = [reverse("prepayment-account-list"), reverse("prepayment-entry-list")]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts[url] = len(context)
    _ledger(6)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            client.get(url)
    statement = reverse("prepayment-statement", args=[retailers[0].code])
    with CaptureQueriesContext(connection) as context:
        client.get(statement)
    for n in range(5):
        deposit(retailers[0], "10.00", reference=f"MORE-{n}")
        make_order(retailers[0], [(product, 1)], confirm=True)
    with django_assert_num_queries(len(context)):
        client.get(statement)


def test_statement_period_opening_closing_and_export(client, finance_user):
    retailer = RetailerFactory(code="R-STMT")
    product = priced_product(retailer_price="100.00")
    old = deposit(retailer, "500.00", reference="OLD")
    PrepaymentEntry.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=40))
    deposit(retailer, "250.00", reference="NEW")
    order = make_order(retailer, [(product, 3)], confirm=True)
    client.force_login(finance_user)
    today = business_date()
    response = client.get(reverse("prepayment-statement", args=[retailer.code]))
    statement = response.context["statement"]
    assert (statement.start, statement.end) == (today.replace(day=1), today)
    if (today - timedelta(days=40)) < today.replace(day=1):
        assert statement.opening_balance == Decimal("500.00")
    assert (statement.closing_balance, statement.closing_held) == (Decimal("750.00"), Decimal("300.00"))
    assert order.number in response.text and "NEW" in response.text
    whole = client.get(
        reverse("prepayment-statement", args=[retailer.code]),
        {"start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat()},
    )
    assert whole.context["statement"].opening_balance == 0 and len(whole.context["statement"].entries) == 3
    bad = client.get(reverse("prepayment-statement", args=[retailer.code]), {"start": "2026-02-30"})
    assert bad.status_code == 200 and bad.context["form"].errors
    backwards = client.get(
        reverse("prepayment-statement", args=[retailer.code]), {"start": "2026-03-01", "end": "2026-02-01"}
    )
    assert "before the start" in backwards.text
    export = client.get(
        reverse("prepayment-statement", args=[retailer.code]),
        {"start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat(), "format": "xlsx"},
    )
    rows = sheet_values(body_bytes(export))
    assert [row[1] for row in rows[1:]] == ["opening", "deposit", "deposit", "hold", "closing"]
    assert client.get(reverse("prepayment-statement", args=["R-NOPE"])).status_code == 404


def test_deposit_refund_adjustment_forms(client, finance_user):
    retailer = RetailerFactory()
    client.force_login(finance_user)
    url = reverse("prepayment-deposit", args=[retailer.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "1200.50", "reference": "ICBC-1", "note": "first"})
    assert response.status_code == 302 and response["Location"].endswith(f"/retail/prepayments/{retailer.code}/")
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert account.balance == Decimal("1200.50")
    entry = PrepaymentEntry.objects.get()
    assert (entry.kind, entry.reference, entry.created_by) == ("deposit", "ICBC-1", finance_user)
    refund = client.post(
        reverse("prepayment-refund", args=[retailer.code]), {"amount": "200.50", "reference": "PAY-1", "note": ""}
    )
    assert refund.status_code == 302
    adjustment = client.post(
        reverse("prepayment-adjustment", args=[retailer.code]), {"amount": "-0.01", "note": "bank fee"}
    )
    assert adjustment.status_code == 302
    account.refresh_from_db()
    assert account.balance == Decimal("999.99")
    assert client.get(reverse("prepayment-deposit", args=["R-NOPE"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "0", "reference": "B-1"}, "above zero"),
        ({"amount": "-5", "reference": "B-1"}, "above zero"),
        ({"amount": "1.001", "reference": "B-1"}, "2 decimal places"),
        ({"amount": "abc", "reference": "B-1"}, "Enter a number"),
        ({"amount": "10", "reference": ""}, "required"),
        ({"amount": "10", "reference": "DUP"}, "Already booked"),
    ],
)
def test_bad_deposits_are_refused_on_the_form_and_nothing_is_written(client, finance_user, data, message):
    retailer = RetailerFactory()
    deposit(retailer, "5.00", reference="DUP")
    client.force_login(finance_user)
    response = client.post(reverse("prepayment-deposit", args=[retailer.code]), data)
    assert response.status_code == 200
    assert message in response.text
    assert PrepaymentEntry.objects.count() == 1
    assert PrepaymentAccount.objects.get(retailer=retailer).balance == Decimal("5.00")


def test_refund_above_available_is_refused_with_the_shortfall(client, finance_user):
    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "300.00")
    make_order(retailer, [(product, 2)], confirm=True)
    client.force_login(finance_user)
    response = client.post(reverse("prepayment-refund", args=[retailer.code]), {"amount": "100.01", "reference": "P-1"})
    assert response.status_code == 200 and "0.01 CNY short" in response.text
    assert PrepaymentAccount.objects.get(retailer=retailer).balance == Decimal("300.00")


def test_only_record_deposit_permission_may_book(client, sales_user):
    retailer = RetailerFactory()
    client.force_login(sales_user)
    for name in ("prepayment-deposit", "prepayment-refund", "prepayment-adjustment"):
        url = reverse(name, args=[retailer.code])
        assert client.get(url).status_code == 403
        assert client.post(url, {"amount": "10", "reference": "X", "note": "x"}).status_code == 403
    assert not PrepaymentEntry.objects.exists()
    statement = client.get(reverse("prepayment-statement", args=[retailer.code]))
    assert "Record deposit" not in statement.text


def test_entry_list_filters_and_export(client, finance_user):
    retailers, _product = _ledger(2)
    client.force_login(finance_user)
    url = reverse("prepayment-entry-list")
    kinds = client.get(url, {"kind": "hold"}).context["object_list"]
    assert {e.kind for e in kinds} == {"hold"} and len(kinds) == 2
    mine = client.get(url, {"retailer": retailers[0].code.lower()}).context["object_list"]
    assert {e.account.retailer.code for e in mine} == {retailers[0].code}
    today = business_date()
    assert len(client.get(url, {"start": today.isoformat(), "end": today.isoformat()}).context["object_list"]) == 4
    assert not client.get(url, {"end": (today - timedelta(days=1)).isoformat()}).context["object_list"]
    assert client.get(url, {"start": "yesterday"}).status_code == 200
    rows = sheet_values(body_bytes(client.get(url, {"kind": "deposit", "format": "xlsx"})))
    assert rows[0][:4] == ("created_at", "retailer", "kind", "amount")
    assert sorted(row[1] for row in rows[1:]) == sorted(r.code for r in retailers)
    assert {row[3] for row in rows[1:]} == {1000}


def test_nav_shows_prepayments_to_finance(client, finance_user):
    client.force_login(finance_user)
    response = client.get(reverse("dashboard"))
    assert reverse("prepayment-account-list") in response.text
    assert reverse("retailer-order-list") in response.text

"""/api/v1/prepayment-entries/: reads scoped to the retailer, deposits by finance, errors in one shape."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp import roles
from erp.weeks import business_date
from retail.models import PrepaymentAccount, PrepaymentEntry
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/prepayment-entries/"


def _two_retailers():
    product = priced_product(retailer_price="100.00")
    mine, other = RetailerFactory(code="R-MINE"), RetailerFactory(code="R-OTHER")
    for retailer in (mine, other):
        deposit(retailer, "1000.00")
        make_order(retailer, [(product, 3)], confirm=True)
    return mine, other


def test_finance_lists_with_filters_and_decimals_as_strings(api_client, finance_user):
    mine, _other = _two_retailers()
    client = token_client(api_client, finance_user)
    body = client.get(URL).json()
    assert body["count"] == 4
    hold = client.get(URL, {"retailer": "r-mine", "kind": "hold"}).json()["results"]
    assert len(hold) == 1
    assert hold[0]["amount"] == "300.00" and hold[0]["held_after"] == "300.00"
    assert hold[0]["available_after"] == "700.00" and hold[0]["retailer"] == "R-MINE"
    assert hold[0]["order"].startswith("RO-")
    today = business_date()
    assert client.get(URL, {"start": today.isoformat()}).json()["count"] == 4
    assert client.get(URL, {"end": (today - timedelta(days=1)).isoformat()}).json()["count"] == 0
    assert_error_shape(client.get(URL, {"kind": "gift"}), 400)
    assert_error_shape(client.get(URL, {"start": "2026-13-01"}), 400)
    entry = PrepaymentEntry.objects.filter(account__retailer=mine).first()
    assert client.get(f"{URL}{entry.pk}/").json()["id"] == entry.pk
    assert_error_shape(client.get(f"{URL}abc/"), 404)


def test_a_retailer_sees_only_its_own_entries_and_cannot_post(api_client):
    mine, other = _two_retailers()
    client = token_client(api_client, retailer_user_for(mine))
    body = client.get(URL).json()
    assert body["count"] == 2 and {row["retailer"] for row in body["results"]} == {"R-MINE"}
    assert client.get(URL, {"retailer": "R-OTHER"}).json()["count"] == 0
    theirs = PrepaymentEntry.objects.filter(account__retailer=other).first()
    assert_error_shape(client.get(f"{URL}{theirs.pk}/"), 404)
    own = PrepaymentEntry.objects.filter(account__retailer=mine).first()
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    response = client.post(URL, {"retailer": "R-MINE", "amount": "10.00", "reference": "X"}, format="json")
    assert_error_shape(response, 403)
    assert PrepaymentEntry.objects.count() == 4


def test_finance_posts_a_deposit(api_client, finance_user):
    RetailerFactory(code="R-PAY")
    client = token_client(api_client, finance_user)
    response = client.post(
        URL, {"retailer": "r-pay", "amount": "123456.78", "reference": "ICBC-9", "note": "wire"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["amount"], body["balance_after"], body["created_by"]) == (
        "deposit",
        "123456.78",
        "123456.78",
        finance_user.username,
    )
    assert PrepaymentAccount.objects.get(retailer__code="R-PAY").balance_cents == 12345678


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "0", "reference": "B"}, "amount"),
        ({"amount": "-1.00", "reference": "B"}, "amount"),
        ({"amount": "1.001", "reference": "B"}, "amount"),
        ({"amount": "abc", "reference": "B"}, "amount"),
        ({"amount": "10", "reference": ""}, "reference"),
        ({"amount": "10", "reference": "DUP"}, "reference"),
        ({"amount": "10", "reference": "B", "retailer": "R-NOPE"}, "retailer"),
        ({"amount": "10", "reference": "B", "colour": "red"}, "colour"),
    ],
)
def test_bad_deposits_are_400_and_write_nothing(api_client, finance_user, payload, field):
    retailer = RetailerFactory(code="R-PAY")
    deposit(retailer, "5.00", reference="DUP")
    body = assert_error_shape(
        token_client(api_client, finance_user).post(URL, {"retailer": "R-PAY", **payload}, format="json"), 400
    )
    assert field in str(body["extra"]) or field in body["message"]
    assert PrepaymentEntry.objects.count() == 1


def test_staff_without_the_permissions_are_refused(api_client):
    RetailerFactory(code="R-PAY")
    sales = token_client(api_client, UserFactory(roles=[roles.SALES]))
    assert sales.get(URL).status_code == 200
    assert_error_shape(sales.post(URL, {"retailer": "R-PAY", "amount": "1", "reference": "X"}, format="json"), 403)
    logistics = token_client(api_client, UserFactory(roles=[roles.LOGISTICS]))
    assert_error_shape(logistics.get(URL), 403)
    api_client.credentials()
    assert_error_shape(api_client.get(URL), 401)


def test_list_query_count_does_not_grow(api_client, finance_user, django_assert_num_queries):
    _two_retailers()
    client = token_client(api_client, finance_user)
    with CaptureQueriesContext(connection) as context:
        client.get(URL)
    product = priced_product(retailer_price="10.00")
    for _n in range(4):
        retailer = RetailerFactory()
        deposit(retailer, "100.00")
        make_order(retailer, [(product, 1)], confirm=True)
    with django_assert_num_queries(len(context)):
        assert client.get(URL).json()["count"] == 12

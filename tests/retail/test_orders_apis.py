"""/api/v1/retailer-orders/: create, place, confirm, cancel, ship; scoping, permissions, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp import roles
from erp.weeks import IsoWeek
from retail.models import PrepaymentAccount, PrepaymentEntry, RetailerOrder, RetailerOrderStatus
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ProductFactory, UserFactory
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/retailer-orders/"


@pytest.fixture
def product():
    return priced_product(retailer_price="100.00", item__sku="TP-API-1")


def _week(n=1) -> str:
    return (IsoWeek.current() + n).key


def _payload(**kwargs):
    data = {"retailer": "R-API", "lines": [{"sku": "TP-API-1", "quantity": 3, "requested_week": _week()}]}
    data.update(kwargs)
    return data


def test_sales_creates_a_draft_then_confirms_and_cancels(api_client, sales_user, product):
    retailer = RetailerFactory(code="R-API")
    deposit(retailer, "1000.00")
    client = token_client(api_client, sales_user)
    response = client.post(URL, _payload(reference="PO-7"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["retailer"] == "R-API" and body["reference"] == "PO-7"
    assert body["total_amount"] == "300.00" and body["held_amount"] == "0.00"
    assert body["lines"] == [
        {
            "sku": "TP-API-1",
            "requested_week": _week(),
            "quantity": 3,
            "unit_price": "100.00",
            "amount": "300.00",
            "allocated_quantity": None,
            "shipped_quantity": 0,
        }
    ]
    number = body["number"]
    assert client.get(f"{URL}{number.lower()}/").json()["number"] == number
    confirmed = client.post(f"{URL}{number}/confirm/").json()
    assert confirmed["status"] == "confirmed" and confirmed["held_amount"] == "300.00"
    assert_error_shape(client.post(f"{URL}{number}/confirm/"), 400)
    cancelled = client.post(f"{URL}{number}/cancel/", {"reason": "changed mind"}, format="json").json()
    assert cancelled["status"] == "cancelled" and cancelled["held_amount"] == "0.00"
    assert PrepaymentAccount.objects.get(retailer=retailer).held_cents == 0
    assert list(RetailerOrder.objects.get().prepayment_entries.values_list("kind", "note").order_by("pk")) == [
        ("hold", "order confirmed"),
        ("release", "changed mind"),
    ]


def test_insufficient_prepayment_is_400_with_the_shortfall_and_place_writes_nothing(api_client, sales_user, product):
    retailer = RetailerFactory(code="R-API")
    deposit(retailer, "250.00")
    client = token_client(api_client, sales_user)
    body = assert_error_shape(client.post(URL, _payload(confirm=True), format="json"), 400)
    assert body["extra"]["shortfall"] == "50.00" and "50.00 CNY short" in body["message"]
    # The refused order was rolled back: the message speaks of "this order", not of a number nobody can find.
    assert "R-API's available prepayment is 250.00 CNY; this order needs 300.00 CNY" in body["message"]
    assert not RetailerOrder.objects.exists()
    number = client.post(URL, _payload(), format="json").json()["number"]
    body = assert_error_shape(client.post(f"{URL}{number}/confirm/"), 400)
    assert body["extra"]["shortfall"] == "50.00" and f"order {number} needs 300.00 CNY" in body["message"]
    assert RetailerOrder.objects.get().status == "draft"
    assert PrepaymentAccount.objects.get(retailer=retailer).held_cents == 0


def test_place_with_confirm_true(api_client, sales_user, product):
    retailer = RetailerFactory(code="R-API")
    deposit(retailer, "1000.00")
    body = token_client(api_client, sales_user).post(URL, _payload(confirm=True), format="json").json()
    assert body["status"] == "confirmed" and body["held_amount"] == "300.00"
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert (account.balance_cents, account.held_cents) == (100000, 30000)


def test_idempotency_key_replays_and_refuses_a_different_request(api_client, sales_user, product):
    retailer = RetailerFactory(code="R-API")
    deposit(retailer, "1000.00")
    client = token_client(api_client, sales_user)
    first = client.post(URL, _payload(confirm=True), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, _payload(confirm=True), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert RetailerOrder.objects.count() == 1 and PrepaymentAccount.objects.get(retailer=retailer).held_cents == 30000
    other = client.post(URL, _payload(confirm=True, reference="X"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert_error_shape(other, 422)
    assert client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert_error_shape(client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="a b"), 400)
    assert_error_shape(client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 65), 400)
    assert RetailerOrder.objects.count() == 2


def test_a_refused_place_does_not_use_up_its_key(api_client, sales_user, product):
    retailer = RetailerFactory(code="R-API")
    client = token_client(api_client, sales_user)
    assert_error_shape(client.post(URL, _payload(confirm=True), format="json", HTTP_IDEMPOTENCY_KEY="k"), 400)
    deposit(retailer, "1000.00")
    assert client.post(URL, _payload(confirm=True), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


@pytest.fixture
def two_retailers(product):
    mine, other = RetailerFactory(code="R-API"), RetailerFactory(code="R-OTHER")
    for retailer in (mine, other):
        deposit(retailer, "10000.00")
    return mine, other


def test_a_retailer_token_sees_and_acts_only_on_its_own_orders(api_client, two_retailers, product):
    mine, other = two_retailers
    theirs = make_order(other, [(product, 1)])
    theirs_confirmed = make_order(other, [(product, 1)], confirm=True)
    client = token_client(api_client, retailer_user_for(mine))
    created = client.post(
        URL, {"lines": [{"sku": "TP-API-1", "quantity": 2, "requested_week": _week()}], "confirm": True}, format="json"
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["retailer"] == "R-API" and created.json()["status"] == "confirmed"
    body = client.get(URL).json()
    assert [row["number"] for row in body["results"]] == [number]
    assert client.get(URL, {"retailer": "R-OTHER"}).json()["count"] == 0
    for order in (theirs, theirs_confirmed):
        assert_error_shape(client.get(f"{URL}{order.number}/"), 404)
        assert_error_shape(client.post(f"{URL}{order.number}/confirm/"), 404)
        assert_error_shape(client.post(f"{URL}{order.number}/cancel/"), 404)
    assert_error_shape(client.post(URL, _payload(retailer="R-OTHER"), format="json"), 400)
    assert_error_shape(client.post(f"{URL}{number}/ship/"), 403)
    assert_error_shape(client.post(f"{URL}{number}/deliver/"), 403)
    assert client.post(f"{URL}{number}/cancel/").json()["status"] == "cancelled"
    theirs.refresh_from_db()
    theirs_confirmed.refresh_from_db()
    assert (theirs.status, theirs_confirmed.status) == ("draft", "confirmed")
    assert RetailerOrder.objects.filter(retailer=other).count() == 2


def test_staff_need_each_permission(api_client, two_retailers, product):
    mine, _other = two_retailers
    order = make_order(mine, [(product, 1)])
    planning = token_client(api_client, UserFactory(roles=[roles.PLANNING]))
    assert planning.get(URL).status_code == 200
    assert_error_shape(planning.post(URL, _payload(), format="json"), 403)
    assert_error_shape(planning.post(f"{URL}{order.number}/confirm/"), 403)
    assert_error_shape(planning.post(f"{URL}{order.number}/cancel/"), 403)
    logistics = token_client(api_client, UserFactory(roles=[roles.LOGISTICS]))
    assert_error_shape(logistics.post(f"{URL}{order.number}/confirm/"), 403)
    assert_error_shape(logistics.post(f"{URL}{order.number}/ship/"), 400)  # allowed, but the order is a draft
    store_ops = token_client(api_client, UserFactory(roles=[roles.STORE_OPS]))
    assert_error_shape(store_ops.get(URL), 403)
    order.refresh_from_db()
    assert order.status == "draft"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"sku": "TP-NOPE"}, "TP-NOPE"),
        ({"sku": "TP-OLD"}, "discontinued"),
        ({"sku": "TP-NOPRICE"}, "no retailer price"),
        ({"requested_week": "2026-W99"}, "requested_week"),
        ({"requested_week": "2020-W01"}, "in the past"),
    ],
)
def test_bad_lines_are_400_naming_the_problem_and_write_nothing(api_client, sales_user, product, line, message):
    RetailerFactory(code="R-API")
    priced_product(item__sku="TP-OLD", item__lifecycle_status="obsolete")
    ProductFactory(sku="TP-NOPRICE")
    payload = _payload()
    payload["lines"][0].update(line)
    body = assert_error_shape(token_client(api_client, sales_user).post(URL, payload, format="json"), 400)
    assert message in body["message"] or message in str(body["extra"])
    assert not RetailerOrder.objects.exists()


def test_other_bad_requests(api_client, sales_user, product):
    RetailerFactory(code="R-API")
    client = token_client(api_client, sales_user)
    assert_error_shape(client.post(URL, _payload(lines=[]), format="json"), 400)
    assert_error_shape(client.post(URL, {"lines": _payload()["lines"]}, format="json"), 400)  # staff name the retailer
    assert_error_shape(client.post(URL, _payload(retailer="R-NOPE"), format="json"), 400)
    assert_error_shape(client.post(URL, _payload(colour="red"), format="json"), 400)
    assert_error_shape(client.post(URL, "not json", content_type="application/json"), 400)
    assert_error_shape(client.get(f"{URL}RO-0000-000000/"), 404)
    assert not RetailerOrder.objects.exists()
    no_confirm = token_client(api_client, UserFactory(roles=[roles.FINANCE]))
    assert_error_shape(no_confirm.post(URL, _payload(confirm=True), format="json"), 403)


def test_cancelling_a_shipped_order_is_refused(api_client, product):
    from tests.retail.test_orders_views import shipped_order

    order = shipped_order(product)
    sales = token_client(api_client, UserFactory(roles=[roles.SALES]))
    body = assert_error_shape(sales.post(f"{URL}{order.number}/cancel/"), 400)
    assert "only a draft, confirmed or allocated order can be cancelled" in body["message"]
    order.refresh_from_db()
    assert order.status == RetailerOrderStatus.SHIPPED
    entries = PrepaymentEntry.objects.filter(order=order).count()
    logistics = token_client(api_client, UserFactory(roles=[roles.LOGISTICS]))
    assert logistics.post(f"{URL}{order.number}/deliver/").json()["status"] == "delivered"
    assert PrepaymentEntry.objects.filter(order=order).count() == entries


def test_list_query_count_does_not_grow(api_client, sales_user, product, django_assert_num_queries):
    retailer = RetailerFactory(code="R-API")
    deposit(retailer, "100000.00")
    other = priced_product(retailer_price="10.00")
    make_order(retailer, [(product, 1), (other, 2)], confirm=True)
    client = token_client(api_client, sales_user)
    with CaptureQueriesContext(connection) as context:
        client.get(URL)
    for n in range(4):
        make_order(retailer, [(product, n + 1), (other, 1)], confirm=n % 2 == 0)
    with django_assert_num_queries(len(context)):
        assert client.get(URL).json()["count"] == 5
    retailer_client = token_client(api_client, retailer_user_for(retailer))
    with CaptureQueriesContext(connection) as context:
        retailer_client.get(URL)
    make_order(retailer, [(product, 1)])
    with django_assert_num_queries(len(context)):
        assert retailer_client.get(URL).json()["count"] == 6

from datetime import date
from decimal import Decimal

import pytest

from procurement import services
from procurement.models import PurchaseOrder, Receipt
from procurement.services import ReceiptInput
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, UserFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/purchase-orders/"


@pytest.fixture
def screw():
    return ItemFactory(sku="CP-SCREW-M14")


@pytest.fixture
def supplier(screw):
    supplier = SupplierFactory(code="SUP-A")
    make_offer(supplier, screw)
    return supplier


def payload(**overrides):
    body = {
        "supplier": "sup-a",
        "order_date": "2026-06-01",
        "note": "for week 27",
        "lines": [{"sku": "cp-screw-m14", "quantity": 5000}],
    }
    return {**body, **overrides}


def test_access_needs_a_token_and_permissions(api_client, sales_user, planning_user, supplier, screw):
    assert_error_shape(api_client.get(URL), 401)
    order = make_order(supplier, lines=[(screw, 1000)])
    assert_error_shape(token_client(api_client, sales_user).get(URL), 403)
    planning = token_client(api_client, planning_user)
    assert planning.get(f"{URL}{order.pk}/").status_code == 200
    assert planning.get(f"{URL}{order.number}/").json()["id"] == order.pk  # by number too
    assert_error_shape(planning.post(URL, payload(), format="json"), 403)
    for action in ("send", "confirm", "receive", "cancel"):
        assert_error_shape(planning.post(f"{URL}{order.pk}/{action}/", {}, format="json"), 403)
    assert_error_shape(planning.get(f"{URL}999999/"), 404)


def test_logistics_may_receive_but_not_send(api_client, logistics_user, supplier, screw):
    order = make_order(supplier, lines=[(screw, 1000)])
    client = token_client(api_client, logistics_user)
    assert_error_shape(client.post(f"{URL}{order.pk}/send/"), 403)
    assert_error_shape(client.post(f"{URL}{order.pk}/receive/", {}, format="json"), 400)  # allowed: shape checked


def test_whole_life_of_an_order(api_client, procurement_user, supplier):
    client = token_client(api_client, procurement_user)
    response = client.post(URL, payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["supplier"], body["currency"], body["status"]) == (
        "PO-2026-00001",
        "SUP-A",
        "CNY",
        "draft",
    )
    assert body["created_by"] == procurement_user.username
    line = body["lines"][0]
    assert (line["line"], line["sku"], line["unit_price"], line["amount"], line["requested_date"]) == (
        1,
        "CP-SCREW-M14",
        "1.500000",
        "7500.000000",
        "2026-06-15",
    )
    url = f"{URL}{body['id']}/"
    assert client.post(f"{url}send/").json()["status"] == "sent"
    response = client.post(f"{url}confirm/", {"lines": [{"line": 1, "promised_date": "2026-07-01"}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["promised_date"] == "2026-07-01"
    receipt = {"date": "2026-07-02", "lines": [{"line": 1, "received": 3000, "accepted": 2900, "rejected": 100}]}
    response = client.post(f"{url}receive/", receipt, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "partially_received"
    assert response.json()["lines"][0]["open_qty"] == 2000
    over = {"date": "2026-07-03", "lines": [{"line": 1, "received": 2001, "accepted": 2001}]}
    body = assert_error_shape(client.post(f"{url}receive/", over, format="json"), 400)
    assert body["message"].startswith("Line 1 (CP-SCREW-M14): 2001 is more than the open 2000")
    assert Receipt.objects.count() == 1
    body = assert_error_shape(client.post(f"{url}cancel/", {"reason": "no"}, format="json"), 400)
    assert "partially received" in body["message"]


def test_bad_input_is_a_400_naming_the_problem(api_client, procurement_user, supplier):
    client = token_client(api_client, procurement_user)
    cases = [
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": 0}]), "quantity", "above zero"),
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": -3}]), "quantity", "above zero"),
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": 1200}]), "quantity", "MOQ 1000 in multiples of 500"),
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": 1000, "unit_price": "-1"}]), "unit_price", "above zero"),
        (payload(lines=[{"sku": "CP-NOPE", "quantity": 1000}]), "sku", "Line 1: no item has the SKU 'CP-NOPE'"),
        (payload(supplier="SUP-NOPE"), "supplier", "No supplier"),
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": "many"}]), "lines", "lines"),
        (payload(lines=[{"sku": "CP-SCREW-M14", "quantity": 10**12}]), "lines", "lines"),
        (payload(order_date="yesterday"), "order_date", "order_date"),
        (payload(colour="red"), "colour", "colour"),
    ]
    for body, field, text in cases:
        error = assert_error_shape(client.post(URL, body, format="json"), 400)
        assert field in error["extra"]["fields"], (body, error)
        assert text in error["message"], (body, error)
    SupplierFactory(code="SUP-BAT-Z", status="blocked", status_reason="Battery swelling")
    error = assert_error_shape(client.post(URL, payload(supplier="SUP-BAT-Z", lines=[]), format="json"), 400)
    assert "SUP-BAT-Z is blocked" in error["message"]
    assert not PurchaseOrder.objects.exists()
    order = make_order(supplier)
    error = assert_error_shape(client.post(f"{URL}{order.pk}/send/"), 400)
    assert "has no lines" in error["message"]
    assert_error_shape(client.post(f"{URL}{order.pk}/cancel/", {}, format="json"), 400)
    assert_error_shape(client.post(f"{URL}{order.pk}/confirm/", {"lines": []}, format="json"), 400)


def test_filters_search_and_query_count(api_client, procurement_user, supplier, screw, django_assert_num_queries):
    other = SupplierFactory(code="SUP-B")
    make_order(supplier, lines=[(screw, 1000)], order_date=date(2026, 3, 1))
    sent = make_order(supplier, lines=[(screw, 1000)], order_date=date(2026, 5, 1), status="sent")
    for _ in range(12):
        make_order(other, lines=[(ItemFactory(), 10, Decimal("1")), (ItemFactory(), 5, Decimal("2"))])
    client = token_client(api_client, procurement_user)

    def numbers(query):
        return [row["number"] for row in client.get(f"{URL}{query}").json()["results"]]

    assert numbers("?status=sent") == [sent.number]
    assert numbers("?supplier=sup-a&ordered_before=2026-04-01") == ["PO-2026-00001"]
    assert numbers("?supplier=SUP-A&ordered_after=2026-04-01") == [sent.number]
    assert numbers("?search=00002") == [sent.number]
    assert_error_shape(client.get(f"{URL}?status=nonsense"), 400)
    # token (user joined), permissions, supplier link, count, page (joined), lines (prefetched with items)
    with django_assert_num_queries(5):
        response = client.get(f"{URL}?page_size=10")
    assert len(response.json()["results"]) == 10


def test_scorecard_endpoint(api_client, procurement_user, sales_user, supplier, screw):
    order = make_order(supplier, lines=[(screw, 1000)], status="confirmed", promised=date(2026, 7, 1))
    services.purchase_order_receive(
        acting_user=None, order=order, receipts=[ReceiptInput(1, 1000, 900, 100, date(2026, 7, 3))]
    )
    assert_error_shape(token_client(api_client, sales_user).get("/api/v1/suppliers/SUP-A/scorecard/"), 403)
    client = token_client(api_client, procurement_user)
    body = client.get("/api/v1/suppliers/sup-a/scorecard/?date=2026-07-10&window=30").json()
    assert (body["supplier"], body["start"], body["end"], body["window_days"]) == (
        "SUP-A",
        "2026-06-11",
        "2026-07-10",
        30,
    )
    assert (body["on_time_rate"], body["quality_rate"], body["price_index"], body["score"]) == (
        "0.0000",
        "0.9000",
        "1.0000",
        "0.5600",
    )
    assert body["missing"] == [] and body["receipts"][0]["on_time"] is False
    assert_error_shape(client.get("/api/v1/suppliers/SUP-A/scorecard/?window=0"), 400)
    assert_error_shape(client.get("/api/v1/suppliers/SUP-A/scorecard/?date=soon"), 400)
    assert_error_shape(client.get("/api/v1/suppliers/SUP-NOPE/scorecard/"), 404)


# --- supplier integration users ---------------------------------------------------------------


@pytest.fixture
def supplier_client(api_client, supplier):
    user = UserFactory(username="sup-a-bot", is_staff=False)
    services.supplier_user_link(acting_user=None, user=user, supplier=supplier)
    return token_client(api_client, user)


def test_supplier_token_sees_and_confirms_only_its_own_sent_orders(supplier_client, supplier, screw):
    draft = make_order(supplier, lines=[(screw, 1000)])
    mine = make_order(supplier, lines=[(screw, 1000)], status="sent")
    other = SupplierFactory(code="SUP-B")
    theirs = make_order(other, lines=[(ItemFactory(), 10, Decimal("1"))], status="sent")
    response = supplier_client.get(URL)
    assert [row["number"] for row in response.json()["results"]] == [mine.number]
    assert supplier_client.get(f"{URL}?supplier=SUP-B").json()["results"] == []
    assert_error_shape(supplier_client.get(f"{URL}{draft.pk}/"), 404)  # drafts are not sent yet
    promise = {"lines": [{"line": 1, "promised_date": "2026-07-01"}]}
    response = supplier_client.post(f"{URL}{mine.pk}/confirm/", promise, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert not {"note", "created_by"} & set(response.json())  # internal fields stay internal
    assert not {"note", "created_by"} & set(supplier_client.get(f"{URL}{mine.pk}/").json())
    for action in ("send", "receive", "cancel"):
        assert_error_shape(supplier_client.post(f"{URL}{mine.pk}/{action}/", {}, format="json"), 403)
    assert_error_shape(supplier_client.post(URL, payload(), format="json"), 403)
    # Another supplier's order is a 404 on every endpoint, by id and by number.
    for ref in (theirs.pk, theirs.number):
        assert_error_shape(supplier_client.get(f"{URL}{ref}/"), 404)
        for action in ("send", "confirm", "receive", "cancel"):
            assert_error_shape(supplier_client.post(f"{URL}{ref}/{action}/", promise, format="json"), 404)
    theirs.refresh_from_db()
    assert theirs.status == "sent"
    # Nothing else of the API is open to it.
    assert_error_shape(supplier_client.get("/api/v1/suppliers/"), 403)
    assert_error_shape(supplier_client.get("/api/v1/suppliers/SUP-A/scorecard/"), 403)
    assert_error_shape(supplier_client.get("/api/v1/supplier-offers/"), 403)


def test_supplier_requirements(supplier_client, api_client, procurement_user):
    response = supplier_client.get("/api/v1/supplier/requirements/")
    assert response.status_code == 200
    assert response.json() == {"supplier": "SUP-A", "results": []}
    api_client.credentials()
    assert_error_shape(api_client.get("/api/v1/supplier/requirements/"), 401)
    assert_error_shape(token_client(api_client, procurement_user).get("/api/v1/supplier/requirements/"), 403)


def test_schema_documents_the_actions(api_client, admin_user):
    api_client.force_login(admin_user)
    schema = api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for action in ("send", "confirm", "receive", "cancel"):
        assert f"/api/v1/purchase-orders/{{id}}/{action}/" in paths
    assert "/api/v1/suppliers/{code}/scorecard/" in paths
    assert "/api/v1/supplier/requirements/" in paths

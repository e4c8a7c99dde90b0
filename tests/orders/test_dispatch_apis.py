"""/api/v1/dispatch-runs/ and /api/v1/dispatch/waiting/: reads, Dispatch now, permissions, bad input, queries."""

import pytest

from erp import roles
from orders.models import DispatchRun
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory
from tests.orders.dispatch_setup import allocated_retailer_order, arrive, network, paid_consumer_order, stocked
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/dispatch-runs/"
WAITING = "/api/v1/dispatch/waiting/"


@pytest.fixture
def net():
    return network()


def test_logistics_dispatches_now_and_reads_the_run(api_client, logistics_user, net):
    stocked(net, net.east, 5)
    order = paid_consumer_order([(net.product, 3)], region="East", customer="c-api")
    waiting = paid_consumer_order([(net.product, 4)], region="East", customer="c-wait")
    client = token_client(api_client, logistics_user)
    response = client.post(RUNS, {"warehouse": "wh-e1", "skus": [net.product.sku]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["warehouse"], body["trigger"], body["receipt"], body["started_by"]) == (
        "WH-E1",
        "manual",
        None,
        logistics_user.username,
    )
    assert (body["units_dispatched"], body["units_cross_docked"], body["units_waiting"]) == (5, 5, 2)
    lines = {line["order"]: line for line in body["lines"]}
    assert lines[order.number]["quantity"] == 3 and lines[order.number]["shipment"].startswith("SH-")
    assert (lines[waiting.number]["quantity"], lines[waiting.number]["waiting_after"]) == (2, 2)
    assert lines[order.number]["consignee"] == "c-api" and lines[order.number]["order_kind"] == "consumer"
    again = client.get(f"{RUNS}{body['id']}/").json()
    assert again == body
    listed = client.get(RUNS).json()
    assert listed["count"] == 1 and "lines" not in listed["results"][0]


def test_bad_input_is_400_and_writes_nothing(api_client, logistics_user, net):
    client = token_client(api_client, logistics_user)
    body = assert_error_shape(client.post(RUNS, {"warehouse": "WH-NOPE"}, format="json"), 400)
    assert "WH-NOPE" in body["message"] and "warehouse" in body["extra"]["fields"]
    body = assert_error_shape(client.post(RUNS, {"warehouse": "WH-E1", "skus": ["NOPE"]}, format="json"), 400)
    assert "NOPE" in body["message"]
    assert_error_shape(client.post(RUNS, {"warehouse": "WH-E1", "skus": "TP"}, format="json"), 400)
    assert_error_shape(client.post(RUNS, {"warehouse": "FS-T1"}, format="json"), 400)  # not a warehouse
    assert_error_shape(client.post(RUNS, {"warehouse": "WH-E1", "extra": 1}, format="json"), 400)
    assert_error_shape(client.get(f"{RUNS}x/"), 404)
    assert_error_shape(client.get(f"{RUNS}999/"), 404)
    assert_error_shape(client.get(WAITING, {"warehouse": "WH-NOPE"}), 400)
    assert_error_shape(client.get(RUNS, {"trigger": "lunch"}), 400)
    assert not DispatchRun.objects.exists()


def test_permissions(api_client, net):
    assert_error_shape(api_client.get(RUNS), 401)
    assert_error_shape(api_client.get(WAITING), 401)
    sales = token_client(api_client, UserFactory(roles=[roles.SALES]))
    assert sales.get(RUNS).status_code == 200 and sales.get(WAITING).status_code == 200
    assert_error_shape(sales.post(RUNS, {"warehouse": "WH-E1"}, format="json"), 403)
    procurement = token_client(api_client, UserFactory(roles=[roles.PROCUREMENT]))
    assert_error_shape(procurement.get(RUNS), 403)
    assert_error_shape(procurement.get(WAITING), 403)


def test_retailer_tokens_see_nothing_of_dispatch(api_client, net, django_capture_on_commit_callbacks):
    stocked(net, net.east, 5)
    order = allocated_retailer_order(net, 3, region="East")
    arrive(net, net.east, 2, capture=django_capture_on_commit_callbacks)
    run = DispatchRun.objects.get()
    client = token_client(api_client, retailer_user_for(order.retailer))
    assert_error_shape(client.get(RUNS), 403)
    assert_error_shape(client.get(f"{RUNS}{run.pk}/"), 403)
    assert_error_shape(client.get(WAITING), 403)
    assert_error_shape(client.post(RUNS, {"warehouse": "WH-E1"}, format="json"), 403)
    other = token_client(api_client, retailer_user_for(RetailerFactory()))
    assert_error_shape(other.get(f"{RUNS}{run.pk}/"), 403)


def test_run_filters(api_client, logistics_user, net, django_capture_on_commit_callbacks):
    paid_consumer_order([(net.product, 1)], region="East")
    receipt = arrive(net, net.east, 3, capture=django_capture_on_commit_callbacks)
    stocked(net, net.south, 1)
    client = token_client(api_client, logistics_user)
    client.post(RUNS, {"warehouse": "WH-S1"}, format="json")

    def ids(params):
        return [row["id"] for row in client.get(RUNS, params).json()["results"]]

    receipt_run, manual = DispatchRun.objects.get(trigger="receipt"), DispatchRun.objects.get(trigger="manual")
    assert ids({}) == [manual.pk, receipt_run.pk]
    assert ids({"trigger": "receipt"}) == [receipt_run.pk]
    assert ids({"warehouse": "WH-S1"}) == [manual.pk]
    assert ids({"q": receipt.number}) == [receipt_run.pk]
    assert ids({"ordering": "units_dispatched"}) == [manual.pk, receipt_run.pk]


def test_waiting_lists_both_kinds_oldest_first(api_client, planning_user, net):
    stocked(net, net.south, 4)
    retailer = allocated_retailer_order(net, 4, region="East")
    consumer = paid_consumer_order([(net.product, 2)], region="East", customer="c-east")
    south = paid_consumer_order([(net.product, 1)], region="South")
    client = token_client(api_client, planning_user)
    body = client.get(WAITING).json()
    assert body["count"] == 3
    assert [(row["order"], row["order_kind"], row["waiting"]) for row in body["results"]] == [
        (retailer.number, "retailer", 4),
        (consumer.number, "consumer", 2),
        (south.number, "consumer", 1),
    ]
    assert body["results"][0]["reserved"] == {"WH-S1": 4} and body["results"][1]["reserved"] == {}
    assert body["results"][1]["consignee"] == "c-east" and body["results"][1]["region"] == "East"
    served = client.get(WAITING, {"warehouse": "WH-S1"}).json()["results"]
    assert [row["order"] for row in served] == [south.number]
    assert client.get(WAITING, {"kind": "retailer", "sku": net.product.sku}).json()["count"] == 1
    assert client.get(WAITING, {"page_size": 1, "page": 2}).json()["results"][0]["order"] == consumer.number


def test_list_query_counts_do_not_grow(api_client, logistics_user, net, django_assert_num_queries):
    client = token_client(api_client, logistics_user)
    stocked(net, net.south, 20)

    def more(count: int):
        for n in range(count):
            paid_consumer_order([(net.product, 1)], region="East", customer=f"n-{n}")
            paid_consumer_order([(net.product, 1)], region="South", customer=f"s-{n}")
        allocated_retailer_order(net, 1, region="East")
        client.post(RUNS, {"warehouse": "WH-S1"}, format="json")

    more(1)
    with django_assert_num_queries(3):
        assert client.get(RUNS).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(WAITING).status_code == 200
    more(6)
    with django_assert_num_queries(3):
        assert client.get(RUNS).json()["count"] == 2
    with django_assert_num_queries(5):
        assert client.get(WAITING).json()["count"] > 6


def test_consumer_orders_take_an_optional_region(api_client, sales_user, net):
    client = token_client(api_client, sales_user)
    payload = {
        "channel": "online",
        "customer_ref": "web-1",
        "requested_week": "2099-W01",
        "lines": [{"sku": net.product.sku, "quantity": 2}],
    }
    from erp.weeks import IsoWeek

    payload["requested_week"] = (IsoWeek.current() + 1).key
    body = client.post(
        "/api/v1/consumer-orders/", {**payload, "region": "east"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert body.status_code == 201, body.content
    body = body.json()
    assert body["region"] == "East" and body["lines"] == [
        {"sku": net.product.sku, "quantity": 2, "dispatched_quantity": 0}
    ]
    assert body["fulfilled_at"] is None
    blank = client.post("/api/v1/consumer-orders/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k2").json()
    assert blank["region"] == ""
    refused = client.post(
        "/api/v1/consumer-orders/", {**payload, "region": "Mars"}, format="json", HTTP_IDEMPOTENCY_KEY="k3"
    )
    body = assert_error_shape(refused, 400)
    assert "Mars" in body["message"] and "region" in body["extra"]["fields"]

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import ConsumerOrder, FlashSale, FlashSaleCounter, FlashSaleOrder
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ProductFactory
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


def url(sale, tail="orders/"):
    return f"/api/v1/flash-sales/{sale if isinstance(sale, str | int) else sale.pk}/{tail}"


def post_order(client, sale, customer="alice", key="key-1", **extra):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url(sale), {"customer_ref": customer}, format="json", **headers, **extra)


@pytest.fixture
def shop(api_client, shop_user):
    return token_client(api_client, shop_user)


def remaining(sale):
    return sum(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", flat=True))


def test_order_201_then_replay_same_answer_then_409_sold_out(shop):
    sale = live_sale(quantity=1)
    first = post_order(shop, sale)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "accepted" and body["sale"] == sale.code and body["number"].startswith(sale.code)
    again = post_order(shop, sale)
    assert again.status_code == 201 and again.json() == body and again["Idempotent-Replayed"] == "true"
    sold_out = assert_error_shape(post_order(shop, sale, customer="bob", key="key-2"), 409)
    assert sold_out["extra"]["code"] == "sold_out"
    assert FlashSaleOrder.objects.count() == 1 and remaining(sale) == 0


def test_the_sale_can_be_addressed_by_its_code(shop):
    sale = live_sale()
    assert post_order(shop, sale.code.lower()).status_code == 201


def test_422_over_limit_outside_window_and_key_reused(shop):
    sale = live_sale(quantity=5, limit=1)
    post_order(shop, sale)
    assert assert_error_shape(post_order(shop, sale, key="key-2"), 422)["extra"]["code"] == "over_limit"
    reused = assert_error_shape(post_order(shop, sale, customer="bob", key="key-1"), 422)
    assert reused["extra"]["code"] == "idempotency_key_reused"
    now = timezone.now()
    later = live_sale(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    assert assert_error_shape(post_order(shop, later), 422)["extra"]["code"] == "not_started"
    assert FlashSaleOrder.objects.count() == 1 and remaining(sale) == 4


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        ("{not json", "application/json", 400),
        (json.dumps({"customer_ref": ""}), "application/json", 400),
        (json.dumps({"customer_ref": "x" * 101}), "application/json", 400),
        (json.dumps({"customer_ref": 5, "extra": 1}), "application/json", 400),
        (json.dumps(["alice"]), "application/json", 400),
        ("null", "application/json", 400),
        ("{}", "application/json", 400),
        ("customer_ref=alice", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "text/xml", 415),
    ],
)
def test_bad_bodies_are_4xx_and_write_nothing(shop, body, content_type, status):
    sale = live_sale()
    response = shop.generic("POST", url(sale), body, content_type=content_type, HTTP_IDEMPOTENCY_KEY="k")
    assert_error_shape(response, status)
    assert not FlashSaleOrder.objects.exists() and remaining(sale) == 10


def test_a_bad_body_names_the_field_the_way_every_endpoint_does(shop):
    sale = live_sale()
    response = shop.generic("POST", url(sale), "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert assert_error_shape(response, 400)["extra"]["fields"] == {"customer_ref": ["This field is required."]}
    again = post_order(shop, sale, customer="alice", key="k")  # the shared serializer kept no state
    assert again.status_code == 201 and again.json()["customer_ref"] == "alice"


def test_missing_key_is_400_naming_the_header(shop):
    sale = live_sale()
    body = assert_error_shape(post_order(shop, sale, key=None), 400)
    assert body["extra"]["header"] == "Idempotency-Key"
    assert not FlashSaleOrder.objects.exists()


def test_a_huge_body_is_refused_without_a_500(shop, settings):
    sale = live_sale()
    huge = json.dumps({"customer_ref": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = shop.generic("POST", url(sale), huge, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert 400 <= response.status_code < 500
    assert not FlashSaleOrder.objects.exists()


@pytest.mark.parametrize("sale_id", ["999999", "9" * 30, "FS-1999-001", "nonsense", "%00"])
def test_unknown_sale_is_404(shop, sale_id):
    assert_error_shape(post_order(shop, sale_id), 404)


def test_permissions(api_client, make_user, shop_user):
    sale = live_sale()
    assert post_order(api_client, sale).status_code == 401
    for role in ("planning", "finance"):
        client = token_client(type(api_client)(), make_user(role))
        assert_error_shape(post_order(client, sale), 403)
        assert client.get(url(sale, "")).status_code == 200
    retailer = token_client(type(api_client)(), make_user("retailer", is_staff=False))
    assert retailer.get(url(sale, "")).status_code == 403
    assert_error_shape(post_order(retailer, sale), 403)
    shop = token_client(type(api_client)(), shop_user)
    assert shop.post("/api/v1/flash-sales/", {}, format="json").status_code == 403
    assert not FlashSaleOrder.objects.exists()


def test_sales_create_end_and_live_counter(api_client, sales_user, shop_user):
    sales = token_client(api_client, sales_user)
    product = ProductFactory()
    now = timezone.now()
    payload = {
        "sku": product.sku.lower(),
        "name": "Launch",
        "quantity": 100,
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "per_customer_limit": 2,
        "counter_shards": 4,
    }
    created = sales.post("/api/v1/flash-sales/", payload, format="json")
    assert created.status_code == 201, created.content
    sale = FlashSale.objects.get(code=created.json()["code"])
    assert created.json()["remaining"] == 100 and created.json()["phase"] == "live"
    shop = token_client(type(api_client)(), shop_user)
    for n in range(3):
        assert post_order(shop, sale, customer=f"c{n}", key=f"k{n}").status_code == 201
    live = sales.get(url(sale, "live/")).json()
    assert (live["sold"], live["remaining"], live["accepted"], live["phase"]) == (3, 97, 3, "live")
    assert live["orders_per_second"] > 0
    ended = sales.post(url(sale, "end/"))
    assert ended.status_code == 200 and ended.json()["phase"] == "ended"
    assert assert_error_shape(post_order(shop, sale, customer="late", key="late"), 422)["extra"]["code"] == "ended"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"sku": "NOPE"}, "sku"),
        ({"quantity": 0}, "quantity"),
        ({"counter_shards": 200}, "counter_shards"),
        ({"x": 1}, "x"),
    ],
)
def test_create_bad_input_names_the_field(api_client, sales_user, change, field):
    sales = token_client(api_client, sales_user)
    now = timezone.now()
    payload = {
        "sku": ProductFactory().sku,
        "name": "Launch",
        "quantity": 10,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        **change,
    }
    body = assert_error_shape(sales.post("/api/v1/flash-sales/", payload, format="json"), 400)
    assert field in body["extra"]["fields"]
    assert not FlashSale.objects.exists()


def test_pay_makes_a_consumer_order_and_cancel_gives_the_unit_back(shop):
    sale = live_sale(quantity=2)
    first = post_order(shop, sale).json()["number"]
    second = post_order(shop, sale, customer="bob", key="k2").json()["number"]
    paid = shop.post(url(sale, f"orders/{first}/pay/"))
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    consumer = ConsumerOrder.objects.get(number=paid.json()["consumer_order"])
    assert consumer.status == "paid" and consumer.channel == "flash"
    assert assert_error_shape(shop.post(url(sale, f"orders/{first}/pay/")), 400)
    cancelled = shop.post(url(sale, f"orders/{second}/cancel/"))
    assert cancelled.status_code == 200 and remaining(sale) == 1
    assert_error_shape(shop.post(url(sale, "orders/FS-0000-000-00000001/pay/")), 404)
    other = live_sale()
    assert_error_shape(shop.post(url(other, f"orders/{first}/pay/")), 404)


def test_shop_cannot_post_flash_channel_consumer_orders(shop):
    product = ProductFactory()
    response = shop.post(
        "/api/v1/consumer-orders/",
        {
            "channel": "flash",
            "customer_ref": "a",
            "requested_week": "2099-W01",
            "lines": [{"sku": product.sku, "quantity": 1}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert "channel" in assert_error_shape(response, 400)["extra"]["fields"]


def test_order_list_query_count_is_constant(api_client, sales_user, django_assert_num_queries):
    sale = live_sale(quantity=30)
    from orders.services.flash import flash_sale_order_take

    sales = token_client(api_client, sales_user)
    for n in range(3):
        flash_sale_order_take(acting_user=None, sale=sale, customer_ref=f"c{n}", idempotency_key=f"k{n}")
    with django_assert_num_queries(4) as few:
        assert len(sales.get(url(sale)).json()["results"]) == 3
    for n in range(3, 20):
        flash_sale_order_take(acting_user=None, sale=sale, customer_ref=f"c{n}", idempotency_key=f"k{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(sales.get(url(sale)).json()["results"]) == 20
    with django_assert_num_queries(3):
        assert sales.get("/api/v1/flash-sales/").status_code == 200


@pytest.mark.django_db(transaction=True)  # autocommit, as gunicorn serves it: no test savepoints
def test_an_order_costs_three_statements_on_postgresql(shop, django_assert_num_queries):
    """The token with its user's permissions, the sale, and the take: one statement each on PostgreSQL
    (the take's three writes run in one function); on SQLite the take is BEGIN, the window check, three
    writes, COMMIT. (Production also caches the token and the sale: tests/orders/test_flash_intake_cache.py.)"""
    from django.db import connection

    sale = live_sale(quantity=5)
    assert post_order(shop, sale, customer="warm", key="warm").status_code == 201  # token touched once
    expected = 3 if connection.vendor == "postgresql" else 8
    with django_assert_num_queries(expected) as run:
        assert post_order(shop, sale).status_code == 201
    assert "tempo_flash_sale_take" in run.captured_queries[-1]["sql"] or connection.vendor != "postgresql"

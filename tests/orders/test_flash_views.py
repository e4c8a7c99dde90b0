import pytest
from django.urls import reverse

from orders.models import FlashSale, FlashSaleOrder
from orders.services.flash import flash_sale_order_take
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


def _orders(sale, count):
    for n in range(count):
        flash_sale_order_take(acting_user=None, sale=sale, customer_ref=f"c{n}", idempotency_key=f"k{n}")


def test_list_detail_and_live_counter(client, sales_user, django_assert_num_queries):
    sale = live_sale(quantity=5)
    _orders(sale, 2)
    client.force_login(sales_user)
    page = client.get(reverse("flash-sale-list"))
    assert page.status_code == 200 and sale.code in page.content.decode()
    detail = client.get(sale.get_absolute_url())
    text = detail.content.decode()
    assert detail.status_code == 200 and 'hx-trigger="every 2s"' in text and 'data-live="sold">2<' in text
    live = client.get(sale.get_absolute_url() + "?part=live", HTTP_HX_REQUEST="true")
    assert 'data-live="remaining">3<' in live.content.decode() and "<html" not in live.content.decode()
    export = client.get(sale.get_absolute_url() + "?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_query_count_does_not_grow(client, sales_user, django_assert_num_queries):
    client.force_login(sales_user)
    live_sale()
    client.get(reverse("flash-sale-list"))
    with django_assert_num_queries(6) as first:
        client.get(reverse("flash-sale-list"))
    for _ in range(5):
        live_sale()
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("flash-sale-list"))


def test_create_end_pay_cancel_from_the_pages(client, sales_user):
    from tests.erp.factories import ProductFactory

    product = ProductFactory()
    client.force_login(sales_user)
    form = {
        "sku": product.sku,
        "name": "Page sale",
        "quantity": 10,
        "starts_at": "2020-01-01T10:00",
        "ends_at": "2099-01-01T10:00",
        "per_customer_limit": 1,
        "channel": "online",
        "counter_shards": 2,
    }
    bad = client.post(reverse("flash-sale-create"), {**form, "counter_shards": 20, "quantity": 5})
    assert bad.status_code == 200 and not FlashSale.objects.exists()
    assert client.post(reverse("flash-sale-create"), form).status_code == 302
    sale = FlashSale.objects.get()
    _orders(sale, 2)
    first, second = FlashSaleOrder.objects.order_by("number")
    client.post(reverse("flash-sale-order-pay", args=[sale.code, first.number]))
    client.post(reverse("flash-sale-order-cancel", args=[sale.code, second.number]))
    assert set(FlashSaleOrder.objects.values_list("status", flat=True)) == {"paid", "cancelled"}
    client.post(reverse("flash-sale-end", args=[sale.code]))
    sale.refresh_from_db()
    assert client.get(sale.get_absolute_url()).context["live"].phase == "ended"


def test_permissions_and_unknown_ids(client, make_user):
    sale = live_sale()
    client.force_login(make_user("store_ops"))
    assert client.get(reverse("flash-sale-list")).status_code == 403
    client.force_login(make_user("finance"))
    assert client.get(sale.get_absolute_url()).status_code == 200
    assert client.post(reverse("flash-sale-end", args=[sale.code])).status_code == 403
    assert client.get(reverse("flash-sale-detail", args=["FS-1999-999"])).status_code == 404
    client.force_login(make_user("sales"))
    assert client.post(reverse("flash-sale-order-pay", args=[sale.code, "NOPE"])).status_code == 404

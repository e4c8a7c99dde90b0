"""The intake keeps a running sale it read for FLASH_SALE_CACHE_SECONDS (orders.selectors.flash), and still
honours at once what may change on a running sale: its end and its payment window."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orders.models import FlashSaleCustomer, FlashSaleOrder
from orders.selectors.flash import flash_sale_for_intake, flash_sale_intake_forget
from orders.services.flash import flash_sale_change, flash_sale_end
from tests.api_helpers import assert_error_shape, token_client
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_for_a_minute(settings):
    settings.FLASH_SALE_CACHE_SECONDS = 60
    flash_sale_intake_forget()
    yield
    flash_sale_intake_forget()


@pytest.fixture
def shop(api_client, shop_user):
    return token_client(api_client, shop_user)


def post(client, sale, customer, key):
    return client.post(
        f"/api/v1/flash-sales/{sale.code}/orders/", {"customer_ref": customer}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_running_sale_is_read_once(django_assert_num_queries):
    sale = live_sale()
    with django_assert_num_queries(1):
        assert flash_sale_for_intake(sale.code).pk == sale.pk
    with django_assert_num_queries(0):
        assert flash_sale_for_intake(sale.code).pk == sale.pk


def test_a_sale_not_running_is_read_each_time(django_assert_num_queries):
    now = timezone.now()
    scheduled = live_sale(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    for _ in range(2):
        with django_assert_num_queries(1):  # before its start anything may still change
            assert flash_sale_for_intake(scheduled.code).pk == scheduled.pk
    with django_assert_num_queries(1):
        assert flash_sale_for_intake("FS-1999-999") is None


def test_off_at_zero_seconds(settings, django_assert_num_queries):
    settings.FLASH_SALE_CACHE_SECONDS = 0
    sale = live_sale()
    flash_sale_for_intake(sale.code)
    with django_assert_num_queries(1):
        flash_sale_for_intake(sale.code)


def test_ending_a_sale_counts_at_once_though_its_copy_is_kept(shop):
    sale = live_sale(quantity=5)
    assert post(shop, sale, "a", "k1").status_code == 201
    flash_sale_end(acting_user=None, sale=sale)
    refused = assert_error_shape(post(shop, sale, "b", "k2"), 422)
    assert refused["extra"]["code"] == "ended"
    assert FlashSaleOrder.objects.filter(sale=sale).count() == 1
    assert not FlashSaleCustomer.objects.filter(sale=sale, customer_ref="b").exists()
    # The replay of an order taken before the end still answers with it.
    assert post(shop, sale, "a", "k1").status_code == 201


def test_a_payment_window_changed_while_running_shows_on_the_next_order(shop):
    sale = live_sale(quantity=5, payment_minutes=30)
    first = post(shop, sale, "a", "k1").json()
    flash_sale_change(acting_user=None, sale=sale, payment_minutes=10)
    second = post(shop, sale, "b", "k2").json()
    created = FlashSaleOrder.objects.get(number=second["number"]).created_at
    assert first["pay_by"] != second["pay_by"]
    assert second["pay_by"] == (created + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")


def test_a_sale_deleted_while_kept_is_a_clear_400_not_a_500(shop):
    sale = live_sale(quantity=5)
    flash_sale_for_intake(sale.code)
    sale.delete()
    body = assert_error_shape(post(shop, sale, "a", "k1"), 400)
    assert "no longer exists" in body["message"]


def test_the_order_reads_only_the_take_when_token_and_sale_are_kept(shop, settings, django_assert_num_queries):
    settings.API_AUTH_CACHE_SECONDS = 60
    from erp.api.token_cache import token_cache_forget

    token_cache_forget()
    sale = live_sale(quantity=5)
    assert post(shop, sale, "warm", "warm").status_code == 201
    # PostgreSQL: the function, in a savepoint inside the test's transaction; SQLite: the take's statements.
    expected = 3 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected):
        assert post(shop, sale, "a", "k1").status_code == 201
    token_cache_forget()

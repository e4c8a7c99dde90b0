"""A flash sale's payment window: unpaid accepted orders are cancelled once it closes, units back on sale."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from erp.errors import ApplicationError
from orders.models import FlashSale, FlashSaleCounter, FlashSaleCustomer, FlashSaleOrder
from orders.services.flash import (
    flash_sale_change,
    flash_sale_order_pay,
    flash_sale_order_take,
    flash_sale_orders_expire,
)
from orders.tasks import flash_sale_orders_expire_task
from tests.api_helpers import assert_error_shape, token_client
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


def _sale(**extra):
    now = timezone.now()
    return live_sale(quantity=10, starts_at=now - timedelta(hours=3), payment_minutes=30, **extra)


def _take(sale, customer, minutes_ago):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return flash_sale_order_take(
        acting_user=None, sale=sale, customer_ref=customer, idempotency_key=f"k-{customer}", now=at
    ).order


def _remaining(sale):
    return sum(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", flat=True))


def _status(order):
    return FlashSaleOrder.objects.get(pk=order.pk).status


def test_expiry_cancels_only_unpaid_orders_past_the_window_and_puts_their_units_back():
    sale = _sale()
    late = _take(sale, "late", 45)
    paid = _take(sale, "paid", 20)
    flash_sale_order_pay(acting_user=None, order=paid)
    young = _take(sale, "young", 10)
    no_window = live_sale(quantity=3, starts_at=timezone.now() - timedelta(hours=3))
    old_without_window = _take(no_window, "patient", 120)

    # A run 15 minutes from now: the paid order is past its window too, but paid orders never expire.
    assert flash_sale_orders_expire(acting_user=None, now=timezone.now() + timedelta(minutes=15)) == 1

    assert (_status(late), _status(paid), _status(young), _status(old_without_window)) == (
        "cancelled",
        "paid",
        "accepted",
        "accepted",
    )
    assert _remaining(sale) == 10 - 2
    assert FlashSaleCustomer.objects.get(sale=sale, customer_ref="late").taken == 0
    assert FlashSaleOrder.objects.get(pk=late.pk).history.first().history_change_reason == (
        "expired: not paid within 30 minutes"
    )
    assert flash_sale_orders_expire(acting_user=None) == 0  # nothing left to do: a second run changes nothing


def test_the_customer_may_order_again_after_expiry():
    sale = _sale()
    _take(sale, "alice", 40)
    flash_sale_orders_expire(acting_user=None)
    again = flash_sale_order_take(acting_user=None, sale=sale, customer_ref="alice", idempotency_key="k-new")
    assert again.created and again.order.status == "accepted"


def test_paying_after_the_window_is_refused_and_writes_nothing():
    sale = _sale()
    order = _take(sale, "slow", 31)
    with pytest.raises(ApplicationError) as refused:
        flash_sale_order_pay(acting_user=None, order=order)
    assert "payment window" in refused.value.message and "status" in refused.value.field_errors
    assert _status(order) == "accepted" and not FlashSaleOrder.objects.filter(consumer_order__isnull=False).exists()


def test_expiry_takes_the_oldest_first_in_batches():
    sale = _sale()
    orders = [_take(sale, f"c{n}", 100 - n) for n in range(5)]
    assert flash_sale_orders_expire(acting_user=None, limit=2) == 2
    assert [_status(order) for order in orders] == ["cancelled"] * 2 + ["accepted"] * 3
    assert flash_sale_orders_expire(acting_user=None, limit=2) == 2
    assert flash_sale_orders_expire(acting_user=None, limit=2) == 1
    assert _remaining(sale) == 10


def test_a_longer_window_set_while_running_keeps_orders():
    sale = _sale()
    order = _take(sale, "alice", 40)
    flash_sale_change(acting_user=None, sale=sale, payment_minutes=60)
    assert flash_sale_orders_expire(acting_user=None) == 0 and _status(order) == "accepted"
    with pytest.raises(ApplicationError) as refused:
        flash_sale_change(acting_user=None, sale=sale, quantity=20)
    assert "payment window" in refused.value.message


def test_the_periodic_task_runs_batches_until_none_is_due(monkeypatch):
    sale = _sale()
    for n in range(5):
        _take(sale, f"c{n}", 60)
    monkeypatch.setattr("orders.services.flash.EXPIRE_BATCH", 2)
    assert flash_sale_orders_expire_task.apply().get() == 5
    assert not FlashSaleOrder.objects.filter(status="accepted").exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["flash-sale-orders-expire"]
    assert schedule["task"] == flash_sale_orders_expire_task.name and schedule["schedule"] == 60.0


@pytest.mark.parametrize("minutes", [0, -1, 7 * 24 * 60 + 1, "30", 1.5, True])
def test_a_bad_window_is_refused_by_field(minutes):
    with pytest.raises(ApplicationError) as refused:
        live_sale(payment_minutes=minutes)
    assert "payment_minutes" in refused.value.field_errors
    assert not FlashSale.objects.exists()


def test_the_database_refuses_a_zero_window():
    sale = _sale()
    with pytest.raises(IntegrityError), transaction.atomic():
        FlashSale.objects.filter(pk=sale.pk).update(payment_minutes=0)


def test_api_creates_a_sale_with_a_window_and_answers_pay_by(api_client, sales_user, shop_user):
    sales = token_client(api_client, sales_user)
    now = timezone.now()
    payload = {
        "sku": live_sale().item.sku,
        "name": "Window",
        "quantity": 5,
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
    }
    bad = sales.post("/api/v1/flash-sales/", {**payload, "payment_minutes": 0}, format="json")
    assert "payment_minutes" in assert_error_shape(bad, 400)["extra"]["fields"]
    created = sales.post("/api/v1/flash-sales/", {**payload, "payment_minutes": 15}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["payment_minutes"] == 15
    shop = token_client(api_client, shop_user)
    order = shop.post(
        f"/api/v1/flash-sales/{created.json()['id']}/orders/",
        {"customer_ref": "alice"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="w-1",
    )
    assert order.status_code == 201, order.content
    sale = FlashSale.objects.get(pk=created.json()["id"])
    stored = FlashSaleOrder.objects.get(number=order.json()["number"])
    pay_by = order.json()["pay_by"]
    assert pay_by is not None
    assert datetime.fromisoformat(pay_by) == stored.created_at + timedelta(minutes=sale.payment_minutes)


def test_detail_page_shows_the_window_and_each_orders_deadline(client, sales_user):
    sale = _sale()
    order = _take(sale, "alice", 5)
    client.force_login(sales_user)
    text = client.get(reverse("flash-sale-detail", args=[sale.code])).content.decode()
    pay_by = timezone.localtime(order.created_at + timedelta(minutes=30))
    assert "30 minutes" in text and "Pay by" in text and pay_by.strftime("%Y-%m-%d %H:%M") in text

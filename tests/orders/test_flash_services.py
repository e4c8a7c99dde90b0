from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.errors import ApplicationError
from orders.models import ConsumerChannel, ConsumerOrderStatus, FlashSaleCounter, FlashSaleCustomer, FlashSaleOrder
from orders.selectors.flash import flash_sale_live
from orders.services.consumer import IdempotencyKeyReused
from orders.services.flash import (
    FlashSaleRefused,
    FlashSaleSoldOut,
    flash_sale_change,
    flash_sale_end,
    flash_sale_order_cancel,
    flash_sale_order_pay,
    flash_sale_order_take,
)
from tests.erp.factories import ItemFactory
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


def take(sale, customer, key):
    return flash_sale_order_take(acting_user=None, sale=sale, customer_ref=customer, idempotency_key=key)


def counters(sale):
    return list(FlashSaleCounter.objects.filter(sale=sale).order_by("shard").values_list("remaining", flat=True))


def test_create_splits_the_stock_over_the_counter_rows():
    sale = live_sale(quantity=10, shards=3)
    assert sale.code.startswith("FS-")
    assert counters(sale) == [4, 3, 3]


def test_each_order_takes_one_unit_until_sold_out_then_409_and_nothing_written():
    sale = live_sale(quantity=3, shards=2)
    numbers = {take(sale, f"c{n}", f"k{n}").order.number for n in range(3)}
    assert len(numbers) == 3 and counters(sale) == [0, 0]
    with pytest.raises(FlashSaleSoldOut):
        take(sale, "c9", "k9")
    assert FlashSaleOrder.objects.filter(sale=sale).count() == 3
    assert not FlashSaleCustomer.objects.filter(sale=sale, customer_ref="c9").exists()


def test_an_empty_preferred_row_falls_back_to_a_row_with_units():
    sale = live_sale(quantity=2, shards=2)
    FlashSaleCounter.objects.filter(sale=sale, shard=0).update(remaining=0)
    FlashSaleCounter.objects.filter(sale=sale, shard=1).update(remaining=1)
    orders = [take(sale, f"c{n}", f"key-{n}") for n in range(1)]
    assert orders[0].order.shard == 1 and counters(sale) == [0, 0]


def test_the_same_key_returns_the_same_order_even_after_sold_out_and_after_the_end():
    sale = live_sale(quantity=1)
    first = take(sale, "alice", "key-1")
    assert first.created
    again = take(sale, "alice", "key-1")
    assert not again.created and again.order.number == first.order.number
    later = flash_sale_order_take(
        acting_user=None, sale=sale, customer_ref="alice", idempotency_key="key-1", now=sale.ends_at
    )
    assert later.order.number == first.order.number
    assert FlashSaleOrder.objects.count() == 1 and counters(sale) == [0]


def test_a_key_reused_for_another_customer_is_refused():
    sale = live_sale(quantity=5)
    take(sale, "alice", "key-1")
    with pytest.raises(IdempotencyKeyReused):
        take(sale, "bob", "key-1")
    assert counters(sale) == [4]


def test_the_per_customer_limit_is_enforced_and_refusal_writes_nothing():
    sale = live_sale(quantity=10, limit=2)
    take(sale, "alice", "a1")
    take(sale, "alice", "a2")
    with pytest.raises(FlashSaleRefused) as refused:
        take(sale, "alice", "a3")
    assert refused.value.extra["code"] == "over_limit"
    assert counters(sale) == [8]
    assert FlashSaleCustomer.objects.get(sale=sale, customer_ref="alice").taken == 2


def test_outside_the_window_is_refused():
    now = timezone.now()
    sale = live_sale(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    with pytest.raises(FlashSaleRefused) as refused:
        take(sale, "alice", "a1")
    assert refused.value.extra["code"] == "not_started"
    with pytest.raises(FlashSaleRefused) as refused:
        flash_sale_order_take(acting_user=None, sale=sale, customer_ref="a", idempotency_key="k", now=sale.ends_at)
    assert refused.value.extra["code"] == "ended"
    assert not FlashSaleOrder.objects.exists()


@pytest.mark.parametrize("key", ["", "   ", "x" * 101, "tab\there"])
def test_a_missing_or_bad_key_is_refused(key):
    sale = live_sale()
    with pytest.raises(ApplicationError) as refused:
        take(sale, "alice", key)
    assert "Idempotency-Key" in refused.value.message
    assert counters(sale) == [10]


@pytest.mark.parametrize("customer", ["", " ", "x" * 101, "new\nline", None])
def test_a_missing_or_bad_customer_is_refused(customer):
    sale = live_sale()
    with pytest.raises(ApplicationError) as refused:
        take(sale, customer, "k1")
    assert refused.value.field_errors.keys() == {"customer_ref"}


def test_cancel_gives_the_unit_back_and_pay_makes_a_paid_consumer_order():
    sale = live_sale(quantity=2, limit=1)
    first = take(sale, "alice", "a1").order
    second = take(sale, "bob", "b1").order
    cancelled = flash_sale_order_cancel(acting_user=None, order=first)
    assert cancelled.status == "cancelled" and counters(sale) == [1]
    again = take(sale, "alice", "a2").order  # her allowance came back too
    assert again.number not in {first.number, second.number}
    paid = flash_sale_order_pay(acting_user=None, order=second)
    consumer = paid.consumer_order
    assert paid.status == "paid" and consumer.status == ConsumerOrderStatus.PAID
    assert consumer.channel == ConsumerChannel.FLASH and consumer.customer_ref == "bob"
    assert [(line.item_id, line.quantity) for line in consumer.lines.all()] == [(sale.item_id, 1)]
    with pytest.raises(ApplicationError):
        flash_sale_order_pay(acting_user=None, order=second)
    with pytest.raises(ApplicationError):
        flash_sale_order_cancel(acting_user=None, order=second)
    assert paid.history.count() == 1


def test_live_counter_counts_units_and_recent_orders():
    sale = live_sale(quantity=5, shards=2)
    for n in range(3):
        take(sale, f"c{n}", f"k{n}")
    live = flash_sale_live(sale)
    assert (live.quantity, live.sold, live.remaining, live.accepted, live.phase) == (5, 3, 2, 3, "live")
    assert live.orders_per_second == pytest.approx(0.3)


def test_change_before_start_resplits_and_after_start_only_name_and_end():
    now = timezone.now()
    sale = live_sale(quantity=10, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    sale = flash_sale_change(acting_user=None, sale=sale, quantity=12, counter_shards=4)
    assert counters(sale) == [3, 3, 3, 3]
    running = live_sale(quantity=10)
    with pytest.raises(ApplicationError) as refused:
        flash_sale_change(acting_user=None, sale=running, quantity=20)
    assert "quantity" in refused.value.field_errors
    flash_sale_change(acting_user=None, sale=running, name="Renamed")
    ended = flash_sale_end(acting_user=None, sale=running)
    assert ended.ends_at <= timezone.now()
    with pytest.raises(FlashSaleRefused):
        take(ended, "alice", "late")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": 3, "shards": 4}, "counter_shards"),
        ({"limit": 0}, "per_customer_limit"),
        ({"channel": "tv"}, "channel"),
        ({"name": " "}, "name"),
        ({"region": "Atlantis"}, "region"),
    ],
)
def test_create_refuses_bad_input_by_field(changes, field):
    with pytest.raises(ApplicationError) as refused:
        live_sale(**changes)
    assert field in refused.value.field_errors


def test_create_refuses_a_component_and_a_window_that_ends_before_it_starts():
    with pytest.raises(ApplicationError):
        live_sale(item=ItemFactory())
    now = timezone.now()
    with pytest.raises(ApplicationError) as refused:
        live_sale(starts_at=now, ends_at=now)
    assert "ends_at" in refused.value.field_errors


def test_the_database_refuses_a_negative_counter_and_a_customer_over_the_limit():
    sale = live_sale(quantity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        FlashSaleCounter.objects.filter(sale=sale).update(remaining=-1)
    take(sale, "alice", "a1")
    with pytest.raises(IntegrityError), transaction.atomic():
        FlashSaleCustomer.objects.filter(sale=sale).update(taken=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.integers(1, 12),
    shards=st.integers(1, 4),
    limit=st.integers(1, 3),
    steps=st.lists(st.tuples(st.sampled_from(["take", "replay", "cancel"]), st.integers(0, 5)), max_size=40),
)
def test_property_units_are_never_oversold_and_always_add_up(quantity, shards, limit, steps):
    """Whatever mix of takes, replays and cancellations: accepted orders + remaining units = stock,
    no customer holds more than the limit, and no row goes negative."""
    shards = min(shards, quantity)
    with transaction.atomic():
        sale = live_sale(quantity=quantity, shards=shards, limit=limit)
        keys: list[tuple[str, str]] = []
        for action, customer in steps:
            ref = f"c{customer}"
            try:
                if action == "take":
                    key = f"k{len(keys)}"
                    take(sale, ref, key)
                    keys.append((ref, key))
                elif action == "replay" and keys:
                    ref, key = keys[customer % len(keys)]
                    assert not take(sale, ref, key).created
                elif action == "cancel":
                    order = FlashSaleOrder.objects.filter(sale=sale, status="accepted").order_by("number").first()
                    if order:
                        flash_sale_order_cancel(acting_user=None, order=order)
            except (FlashSaleSoldOut, FlashSaleRefused):
                pass
        held = FlashSaleOrder.objects.filter(sale=sale, status="accepted").count()
        remaining = sum(counters(sale))
        assert held + remaining == quantity
        assert all(r >= 0 for r in counters(sale))
        for customer in FlashSaleCustomer.objects.filter(sale=sale):
            active = FlashSaleOrder.objects.filter(sale=sale, customer_ref=customer.customer_ref, status="accepted")
            assert customer.taken == active.count() <= limit
        assert len(set(FlashSaleOrder.objects.filter(sale=sale).values_list("number", flat=True))) == len(
            FlashSaleOrder.objects.filter(sale=sale)
        )
        transaction.set_rollback(True)

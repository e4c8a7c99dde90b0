"""On PostgreSQL the intake's three writes run in one function (migration 0008); elsewhere as three
statements in a transaction. Both must give the same answers and leave the same rows."""

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import FlashSaleCounter, FlashSaleCustomer, FlashSaleOrder
from orders.services import flash
from tests.concurrency import needs_postgres
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db


def _outcome(take, sale, ref: str, key: str):
    """What one take answered, with the sale's code taken out of the number so two sales compare."""
    try:
        _, number, shard, _ = take(sale=sale, ref=ref, key=key, fingerprint=f"{ref}-fp", now=timezone.now(), user=None)
    except flash._Refusal as refused:
        return type(refused.error).__name__
    return number.removeprefix(sale.code), shard


def _rows(sale):
    counters = FlashSaleCounter.objects.filter(sale=sale).order_by("shard").values_list("shard", "remaining", "taken")
    customers = FlashSaleCustomer.objects.filter(sale=sale).order_by("customer_ref")
    orders = FlashSaleOrder.objects.filter(sale=sale).order_by("idempotency_key")
    return (
        list(counters),
        list(customers.values_list("customer_ref", "taken", "max_units")),
        [(o.number.removeprefix(sale.code), o.customer_ref, o.shard, o.status) for o in orders],
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.integers(1, 8),
    shards=st.integers(1, 3),
    limit=st.integers(1, 3),
    steps=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 6)), min_size=1, max_size=25),
)
def test_the_function_and_the_statements_answer_alike(quantity, shards, limit, steps):
    """Same takes (customer, key; keys repeat, so replays and refusals happen) on two equal sales: the
    same numbers, counter rows and refusals, and the same rows left behind."""
    needs_postgres()
    shards = min(shards, quantity)
    with transaction.atomic():
        by_statements = live_sale(quantity=quantity, shards=shards, limit=limit)
        by_function = live_sale(quantity=quantity, shards=shards, limit=limit)
        for customer, key in steps:
            ref, key = f"c{customer}", f"k{key}"
            expected = _outcome(flash._take_in_statements, by_statements, ref, key)
            assert _outcome(flash._take_in_function, by_function, ref, key) == expected
        assert _rows(by_function) == _rows(by_statements)
        transaction.set_rollback(True)


def test_a_refusal_inside_a_transaction_leaves_it_usable_and_writes_nothing():
    needs_postgres()
    sale = live_sale(quantity=1)
    flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref="a", idempotency_key="k1")
    with transaction.atomic():
        with pytest.raises(flash.FlashSaleSoldOut):
            flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref="b", idempotency_key="k2")
        # The caller's transaction goes on: the refusal was undone by a savepoint, not by aborting it.
        assert FlashSaleOrder.objects.filter(sale=sale).count() == 1
    assert not FlashSaleCustomer.objects.filter(sale=sale, customer_ref="b").exists()
    assert list(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", "taken")) == [(0, 1)]


def test_numbers_past_six_digits_are_the_same_as_the_statements_make():
    needs_postgres()
    sale = live_sale(quantity=3)
    FlashSaleCounter.objects.filter(sale=sale).update(taken=999_999)
    for n in range(2):
        flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref=f"c{n}", idempotency_key=f"k{n}")
    numbers = sorted(FlashSaleOrder.objects.filter(sale=sale).values_list("number", flat=True))
    assert numbers == [f"{sale.code}-00{n:06d}" for n in (1_000_000, 1_000_001)]


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_a_refusal_writes_nothing():
    """Outside any transaction (as gunicorn serves the intake) the function's statement is its own
    transaction: a refused order leaves no customer row and no unit out."""
    needs_postgres()
    assert connection.get_autocommit()
    sale = live_sale(quantity=1, limit=1)
    flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref="a", idempotency_key="k1")
    with pytest.raises(flash.FlashSaleSoldOut):
        flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref="b", idempotency_key="k2")
    with pytest.raises(flash.FlashSaleRefused):
        flash.flash_sale_order_take(acting_user=None, sale=sale, customer_ref="a", idempotency_key="k3")
    assert list(FlashSaleCustomer.objects.filter(sale=sale).values_list("customer_ref", "taken")) == [("a", 1)]
    assert list(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", "taken")) == [(0, 1)]
    assert FlashSaleOrder.objects.filter(sale=sale).count() == 1

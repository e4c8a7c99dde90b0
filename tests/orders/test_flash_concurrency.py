"""Many clients racing for a flash sale's stock on PostgreSQL: exactly the stock is sold, never more,
and a key sent twice at once makes one order."""

import pytest

from orders.models import FlashSaleCounter, FlashSaleCustomer, FlashSaleOrder
from orders.services.flash import FlashSaleRefused, FlashSaleSoldOut, flash_sale_order_take
from tests.concurrency import needs_postgres, race
from tests.orders.flash_setup import live_sale

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _take(sale, customer, key):
    return flash_sale_order_take(acting_user=None, sale=sale, customer_ref=customer, idempotency_key=key)


@pytest.mark.parametrize("shards", [1, 4])
def test_parallel_clients_sell_exactly_the_stock(shards):
    needs_postgres()
    stock, clients = 12, 30
    sale = live_sale(quantity=stock, shards=shards)
    results = race(clients, lambda n: _take(sale, f"c{n}", f"k{n}"))
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, FlashSaleSoldOut)]
    assert not unexpected, unexpected
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == stock
    assert sum(isinstance(r, FlashSaleSoldOut) for r in results) == clients - stock
    assert FlashSaleOrder.objects.filter(sale=sale).count() == stock
    assert len({take.order.number for take in won}) == stock
    assert set(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", flat=True)) == {0}
    assert FlashSaleCustomer.objects.filter(sale=sale).count() == stock


def test_parallel_repeats_of_one_key_make_one_order():
    needs_postgres()
    sale = live_sale(quantity=10, limit=3)
    results = race(8, lambda n: _take(sale, "alice", "same-key"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({take.order.number for take in results}) == 1
    assert sorted(take.created for take in results) == [False] * 7 + [True]
    assert FlashSaleOrder.objects.filter(sale=sale).count() == 1
    assert sum(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", flat=True)) == 9
    assert FlashSaleCustomer.objects.get(sale=sale).taken == 1


def test_parallel_orders_of_one_customer_stop_at_the_limit():
    needs_postgres()
    sale = live_sale(quantity=20, limit=3, shards=2)
    results = race(10, lambda n: _take(sale, "alice", f"k{n}"))
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert sum(isinstance(r, FlashSaleRefused) for r in results) == 7
    assert sum(FlashSaleCounter.objects.filter(sale=sale).values_list("remaining", flat=True)) == 17

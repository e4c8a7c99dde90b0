"""Two requests with one Idempotency-Key racing each other on PostgreSQL: one order, both get it."""

import threading

import pytest
from django.db import connection, connections

from erp.weeks import IsoWeek
from orders import services
from orders.models import ConsumerOrder, ConsumerOrderLine
from orders.services import ConsumerOrderLineInput
from tests.erp.factories import ProductFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _race(count: int, target) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _create(product, key="same-key", quantity=2):
    return services.consumer_order_create(
        acting_user=None,
        idempotency_key=key,
        channel="online",
        customer_ref="c-1",
        requested_week=IsoWeek.current() + 1,
        lines=[ConsumerOrderLineInput(product, quantity)],
    )


def test_parallel_duplicates_make_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    product = ProductFactory()
    results = _race(4, lambda: _create(product))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({order.pk for order, _created in results}) == 1
    assert sorted(created for _order, created in results) == [False, False, False, True]
    assert ConsumerOrder.objects.count() == 1 and ConsumerOrderLine.objects.count() == 1


def test_parallel_orders_with_different_keys_get_different_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    product = ProductFactory()
    counter = iter(range(100))
    lock = threading.Lock()

    def create():
        with lock:
            key = f"key-{next(counter)}"
        return _create(product, key=key)

    results = _race(4, create)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({order.number for order, _created in results}) == 4


def test_parallel_first_versions_one_current_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    from orders.models import ForecastVersion

    results = _race(3, lambda: services.forecast_version_create(acting_user=None, name="Racing"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(ForecastVersion.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert ForecastVersion.objects.filter(is_current=True).count() == 1

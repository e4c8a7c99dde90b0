"""Two requests with one Idempotency-Key racing each other on PostgreSQL: one order, both get it."""

import threading

import pytest

from erp.weeks import IsoWeek
from orders import services
from orders.models import ConsumerOrder, ConsumerOrderLine
from orders.services import ConsumerOrderLineInput
from tests.concurrency import needs_postgres, race
from tests.erp.factories import ProductFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
    needs_postgres()
    product = ProductFactory()
    results = race(4, lambda _n: _create(product))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({order.pk for order, _created in results}) == 1
    assert sorted(created for _order, created in results) == [False, False, False, True]
    assert ConsumerOrder.objects.count() == 1 and ConsumerOrderLine.objects.count() == 1


def test_parallel_orders_with_different_keys_get_different_numbers():
    needs_postgres()
    product = ProductFactory()
    counter = iter(range(100))
    lock = threading.Lock()

    def create():
        with lock:
            key = f"key-{next(counter)}"
        return _create(product, key=key)

    results = race(4, lambda _n: create())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({order.number for order, _created in results}) == 4


def test_parallel_first_versions_one_current_distinct_numbers():
    needs_postgres()
    from orders.models import ForecastVersion

    results = race(3, lambda _n: services.forecast_version_create(acting_user=None, name="Racing"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(ForecastVersion.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert ForecastVersion.objects.filter(is_current=True).count() == 1

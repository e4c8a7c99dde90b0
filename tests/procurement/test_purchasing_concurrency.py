"""Receipts racing each other on PostgreSQL: the database keeps a line from being over-received."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from erp.errors import ApplicationError
from erp.models import Currency
from procurement import services
from procurement.models import PurchaseOrderLine, Receipt
from procurement.services import ReceiptInput
from tests.erp.factories import ItemFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _base_currency():
    """A transactional test starts from a flushed database: put back the migration's CNY that the factories use."""
    Currency.objects.get_or_create(code="CNY", defaults={"name": "Chinese yuan", "decimal_places": 2})


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


def test_two_parallel_receipts_that_together_exceed_the_open_quantity():
    if connection.vendor != "postgresql":
        # Not a missing service: SQLite serialises writers itself, so there is no race to test.
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    supplier, item = SupplierFactory(), ItemFactory()
    make_offer(supplier, item)
    order = make_order(supplier, lines=[(item, 1000)], status="confirmed")

    def receive():
        return services.purchase_order_receive(
            acting_user=None, order=order, receipts=[ReceiptInput(1, 600, 600, 0, date(2026, 7, 1))]
        )

    results = _race(2, receive)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), results
    assert "more than the open 400" in errors[0].message
    line = PurchaseOrderLine.objects.get(order=order)
    assert (line.received_qty, Receipt.objects.count()) == (600, 1)


def test_two_parallel_sends_only_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    supplier, item = SupplierFactory(), ItemFactory()
    make_offer(supplier, item)
    order = make_order(supplier, lines=[(item, 1000)])
    results = _race(2, lambda: services.purchase_order_send(acting_user=None, order=order))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), results
    assert order.history.filter(history_change_reason="sent").count() == 1

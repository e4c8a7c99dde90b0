"""Receipts racing each other on PostgreSQL: the database keeps a line from being over-received."""

from datetime import date

import pytest

from erp.errors import ApplicationError
from erp.models import Currency
from procurement import services
from procurement.models import PurchaseOrderLine, Receipt
from procurement.services import ReceiptInput
from tests.concurrency import needs_postgres, race
from tests.erp.factories import ItemFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _base_currency():
    """A transactional test starts from a flushed database: put back the migration's CNY that the factories use."""
    Currency.objects.get_or_create(code="CNY", defaults={"name": "Chinese yuan", "decimal_places": 2})


def test_two_parallel_receipts_that_together_exceed_the_open_quantity():
    needs_postgres()
    supplier, item = SupplierFactory(), ItemFactory()
    make_offer(supplier, item)
    order = make_order(supplier, lines=[(item, 1000)], status="confirmed")

    def receive():
        return services.purchase_order_receive(
            acting_user=None, order=order, receipts=[ReceiptInput(1, 600, 600, 0, date(2026, 7, 1))]
        )

    results = race(2, lambda _n: receive())
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), results
    assert "more than the open 400" in errors[0].message
    line = PurchaseOrderLine.objects.get(order=order)
    assert (line.received_qty, Receipt.objects.count()) == (600, 1)


def test_two_parallel_sends_only_one_wins():
    needs_postgres()
    supplier, item = SupplierFactory(), ItemFactory()
    make_offer(supplier, item)
    order = make_order(supplier, lines=[(item, 1000)])
    results = race(2, lambda _n: services.purchase_order_send(acting_user=None, order=order))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), results
    assert order.history.filter(history_change_reason="sent").count() == 1

from datetime import date
from decimal import Decimal

import pytest

from procurement import selectors, services
from procurement.services import ReceiptInput
from tests.erp.factories import ItemFactory
from tests.procurement.factories import SupplierFactory, make_order

pytestmark = pytest.mark.django_db


def test_open_quantities_count_sent_and_confirmed_lines_by_due_date():
    screen, glue = ItemFactory(), ItemFactory()
    supplier = SupplierFactory()
    make_order(supplier, lines=[(screen, 1000, Decimal(1))])  # a draft is not on order
    sent = make_order(supplier, lines=[(screen, 500, Decimal(1))], status="sent", order_date=date(2026, 11, 2))
    confirmed = make_order(
        supplier,
        lines=[(screen, 800, Decimal(1)), (glue, 40, Decimal(1))],
        status="confirmed",
        promised=date(2026, 12, 7),
        order_date=date(2026, 11, 2),
    )
    services.purchase_order_receive(
        acting_user=None, order=confirmed, receipts=[ReceiptInput(1, 300, 300, 0, date(2026, 11, 20))]
    )
    cancelled = make_order(supplier, lines=[(glue, 5, Decimal(1))], status="sent")
    services.purchase_order_cancel(acting_user=None, order=cancelled, reason="dup")
    requested = sent.lines.get().requested_date
    found = selectors.open_purchase_quantities(item_ids=[screen.pk, glue.pk], until=date(2027, 6, 1))
    assert found == {(screen.pk, requested): 500, (screen.pk, date(2026, 12, 7)): 500, (glue.pk, date(2026, 12, 7)): 40}
    assert selectors.open_purchase_quantities(item_ids=[glue.pk], until=date(2026, 12, 6)) == {}


def test_supplier_requirements_come_from_registered_sources():
    supplier = SupplierFactory()
    assert selectors.supplier_requirements(supplier_id=supplier.pk) == []

    def source(supplier_id):
        return [{"sku": "CP-X", "week": "2026-W50", "quantity": supplier_id}]

    selectors.requirement_source_register(source)
    try:
        assert selectors.supplier_requirements(supplier_id=supplier.pk)[0]["quantity"] == supplier.pk
    finally:
        from procurement.selectors import purchasing

        purchasing._requirement_sources.remove(source)


def test_status_changes_are_announced(django_capture_on_commit_callbacks):
    heard = []
    services.purchasing_listener_register(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = make_order(SupplierFactory(), lines=[(ItemFactory(), 10, Decimal(1))], status="sent")
        assert heard == [f"purchase order {order.number}: sent"]
    finally:
        from procurement.services import purchasing

        purchasing._listeners.remove(heard.append)

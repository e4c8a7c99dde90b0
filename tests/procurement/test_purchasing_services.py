from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from erp.errors import ApplicationError
from erp.models import Currency
from procurement import services
from procurement.models import PurchaseOrder, PurchaseOrderLine, Receipt
from procurement.services import ReceiptInput
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db

JUN1 = date(2026, 6, 1)


@pytest.fixture
def screw():
    return ItemFactory(sku="CP-SCREW-M14")


@pytest.fixture
def supplier():
    return SupplierFactory(code="SUP-A")


@pytest.fixture
def offer(supplier, screw):
    # MOQ 1000 in multiples of 500; 2.00 below 5000, 1.50 from 5000.
    return make_offer(supplier, screw)


def refused(call, field=None, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    if field:
        assert field in caught.value.field_errors, caught.value.extra
    return caught.value


def receive(order, *entries, on=date(2026, 7, 1)):
    return services.purchase_order_receive(
        acting_user=None,
        order=order,
        receipts=[ReceiptInput(line=n, received=r, accepted=a, rejected=j, received_on=on) for n, r, a, j in entries],
    )


# --- models ---------------------------------------------------------------------------------


def test_constraints_hold_in_the_database(offer, screw):
    order = make_order(offer.supplier, lines=[(screw, 1000)])
    line = order.lines.get()
    for values in (
        {"quantity": 0},
        {"unit_price": 0},
        {"received_qty": 2000, "accepted_qty": 2000},
        {"received_qty": 10, "accepted_qty": 5, "rejected_qty": 4},
        {"line_number": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PurchaseOrderLine.objects.filter(pk=line.pk).update(**values)
    for values in (
        {"status": "cancelled"},  # no reason, no date
        {"status": "sent"},  # no sent_at
        {"status": "nonsense"},
        {"number": "PO-26-1"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PurchaseOrder.objects.filter(pk=order.pk).update(**values)
    for values in (
        {"received_qty": 0, "accepted_qty": 0, "rejected_qty": 0},
        {"received_qty": 5, "accepted_qty": 5, "rejected_qty": 1},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Receipt.objects.create(line=line, received_on=JUN1, **values)


# --- create and lines -----------------------------------------------------------------------


def test_create_numbers_prices_from_the_offer_and_records_history(offer, screw):
    user = UserFactory()
    first = make_order(offer.supplier, lines=[(screw, 1000)], user=user)
    second = make_order(offer.supplier, lines=[(screw, 5000)])
    assert (first.number, second.number) == ("PO-2026-00001", "PO-2026-00002")
    assert make_order(offer.supplier, order_date=date(2027, 1, 4)).number == "PO-2027-00001"
    line = first.lines.get()
    assert (line.line_number, line.unit_price, line.source_offer, line.requested_date) == (
        1,
        Decimal("2.00"),
        offer,
        date(2026, 6, 15),  # order date + the offer's 14 days
    )
    assert second.lines.get().unit_price == Decimal("1.50")  # the 5000 break
    assert first.status == "draft" and first.currency_id == "CNY" and first.created_by == user
    assert first.history.count() == 1 and line.history.first().history_user == user


def test_explicit_price_and_no_offer(supplier, screw, offer):
    order = make_order(supplier, lines=[(screw, 1500, Decimal("1.80"))])
    assert order.lines.get().unit_price == Decimal("1.80")
    glue = ItemFactory(sku="CP-GLUE")
    error = refused(
        services.purchase_order_line_add, "unit_price", acting_user=None, order=order, item=glue, quantity=7
    )
    assert "SUP-A has no offer valid on 2026-06-01; give the unit price" in error.message
    line = services.purchase_order_line_add(
        acting_user=None, order=order, item=glue, quantity=7, unit_price=Decimal("3")
    )
    assert (line.line_number, line.source_offer, line.requested_date) == (2, None, JUN1)


@pytest.mark.parametrize(
    ("field", "quantity", "price", "text"),
    [
        ("quantity", 0, None, "above zero"),
        ("quantity", -5, None, "above zero"),
        (
            "quantity",
            500,
            None,
            "500 cannot be ordered from SUP-A; its offer needs at least the MOQ 1000 in multiples of 500",
        ),
        ("quantity", 1200, None, "MOQ 1000 in multiples of 500"),
        ("quantity", 1200, Decimal("1"), "MOQ 1000 in multiples of 500"),  # an explicit price keeps the terms
        ("unit_price", 1000, Decimal("0"), "above zero"),
        ("unit_price", 1000, Decimal("-1"), "above zero"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(offer, screw, field, quantity, price, text):
    error = refused(
        services.purchase_order_create,
        field,
        acting_user=None,
        supplier=offer.supplier,
        order_date=JUN1,
        lines=[{"item": screw, "quantity": quantity, "unit_price": price}],
    )
    assert text in error.message
    assert not PurchaseOrder.objects.exists() and not PurchaseOrderLine.objects.exists()


def test_moq_error_names_qty_moq_and_multiple(offer, screw):
    error = refused(
        services.purchase_order_create,
        acting_user=None,
        supplier=offer.supplier,
        lines=[{"item": screw, "quantity": 700}],
    )
    assert (error.extra["quantity"], error.extra["moq"], error.extra["order_multiple"]) == (700, 1000, 500)


def test_refuses_blocked_suppliers_products_duplicates_and_other_currencies(supplier, screw, offer):
    blocked = SupplierFactory(code="SUP-BAT-Z", status="blocked", status_reason="Battery swelling")
    error = refused(services.purchase_order_create, "supplier", acting_user=None, supplier=blocked)
    assert error.message == "SUP-BAT-Z is blocked, so purchase orders to it are refused: Battery swelling"
    on_hold = SupplierFactory(status="on_hold", status_reason="late payments")
    assert services.purchase_order_create(acting_user=None, supplier=on_hold).status == "draft"
    order = make_order(supplier, lines=[(screw, 1000)])
    refused(
        services.purchase_order_line_add,
        "sku",
        acting_user=None,
        order=order,
        item=ProductFactory(),
        quantity=1,
        unit_price=Decimal(1),
    )
    error = refused(services.purchase_order_line_add, "sku", acting_user=None, order=order, item=screw, quantity=1000)
    assert "already on line 1" in error.message
    usd_order = services.purchase_order_create(
        acting_user=None, supplier=supplier, currency=Currency.objects.get(code="USD")
    )
    error = refused(
        services.purchase_order_line_add, "unit_price", acting_user=None, order=usd_order, item=screw, quantity=1000
    )
    assert "is in CNY but the order is in USD" in error.message
    # Blocking a supplier later stops its drafts from growing or being sent.
    PurchaseOrder.objects.filter(pk=order.pk)  # (still a draft)
    supplier.status, supplier.status_reason = "blocked", "quality"
    supplier.save()
    refused(
        services.purchase_order_line_add,
        "supplier",
        acting_user=None,
        order=order,
        item=ItemFactory(),
        quantity=1,
        unit_price=Decimal(1),
    )
    refused(services.purchase_order_send, "supplier", acting_user=None, order=order)
    assert order.lines.count() == 1


def test_line_update_and_remove(offer, screw):
    order = make_order(offer.supplier, lines=[(screw, 1000)])
    line = services.purchase_order_line_update(acting_user=None, order=order, line=1, quantity=5000)
    assert (line.quantity, line.unit_price) == (5000, Decimal("1.50"))  # re-priced at the new quantity
    line = services.purchase_order_line_update(acting_user=None, order=order, line=1, unit_price=Decimal("1.4"))
    assert line.unit_price == Decimal("1.4") and line.history.count() == 3
    refused(services.purchase_order_line_update, "quantity", acting_user=None, order=order, line=1, quantity=5100)
    refused(services.purchase_order_line_update, "line", acting_user=None, order=order, line=9, quantity=5000)
    services.purchase_order_line_remove(acting_user=None, order=order, line=1)
    assert not order.lines.exists()


# --- status changes -------------------------------------------------------------------------


def test_send_confirm_and_wrong_transitions(offer, screw):
    empty = make_order(offer.supplier)
    error = refused(services.purchase_order_send, "lines", acting_user=None, order=empty)
    assert "has no lines" in error.message
    order = make_order(offer.supplier, lines=[(screw, 1000), (ItemFactory(), 5, Decimal("1"))])
    error = refused(services.purchase_order_confirm, "status", acting_user=None, order=order, promised_dates={})
    assert error.message == f"{order.number} is draft; only a sent order can be confirmed."
    refused(
        services.purchase_order_receive,
        "status",
        acting_user=None,
        order=order,
        receipts=[ReceiptInput(1, 1, 1, 0, JUN1)],
    )
    order = services.purchase_order_send(acting_user=None, order=order)
    assert order.status == "sent" and order.sent_at is not None
    refused(services.purchase_order_send, "status", acting_user=None, order=order)
    refused(
        services.purchase_order_line_add,
        "status",
        acting_user=None,
        order=order,
        item=ItemFactory(),
        quantity=1,
        unit_price=Decimal(1),
    )
    error = refused(
        services.purchase_order_confirm, "lines", acting_user=None, order=order, promised_dates={1: date(2026, 7, 1)}
    )
    assert "missing for line 2" in error.message
    refused(
        services.purchase_order_confirm,
        "lines",
        acting_user=None,
        order=order,
        promised_dates={1: date(2026, 7, 1), 2: date(2026, 7, 1), 3: date(2026, 7, 1)},
    )
    refused(
        services.purchase_order_confirm,
        "lines",
        acting_user=None,
        order=order,
        promised_dates={1: date(2026, 5, 1), 2: date(2026, 7, 1)},
    )
    order.refresh_from_db()
    assert order.status == "sent" and not order.lines.filter(promised_date__isnull=False).exists()
    order = services.purchase_order_confirm(
        acting_user=None, order=order, promised_dates={1: date(2026, 7, 1), 2: date(2026, 7, 8)}
    )
    assert order.status == "confirmed" and order.confirmed_at is not None
    assert sorted(order.lines.values_list("promised_date", flat=True)) == [date(2026, 7, 1), date(2026, 7, 8)]
    assert [h.history_change_reason for h in order.history.order_by("history_id")] == ["created", "sent", "confirmed"]
    refused(services.purchase_order_confirm, "status", acting_user=None, order=order, promised_dates={1: JUN1, 2: JUN1})


def test_receive_partially_then_fully(offer, screw):
    other = ItemFactory()
    order = make_order(offer.supplier, lines=[(screw, 1000), (other, 10, Decimal("1"))], status="confirmed")
    order = receive(order, (1, 600, 550, 50))
    assert order.status == "partially_received"
    line = order.lines.get(line_number=1)
    assert (line.received_qty, line.accepted_qty, line.rejected_qty, line.open_qty) == (600, 550, 50, 400)
    with pytest.raises(ApplicationError) as caught:
        receive(order, (2, 10, 10, 0), (1, 401, 401, 0))
    assert caught.value.message == (
        "Line 1 (CP-SCREW-M14): 401 is more than the open 400 (ordered 1000, received 600)."
    )
    assert order.lines.get(line_number=2).received_qty == 0  # all or nothing
    assert Receipt.objects.count() == 1
    order = receive(order, (2, 10, 10, 0), (1, 400, 400, 0))
    assert order.status == "received"
    assert Receipt.objects.count() == 3
    with pytest.raises(ApplicationError) as caught:
        receive(order, (1, 1, 1, 0))
    assert "is received; only a confirmed or partially received order" in caught.value.message
    assert [h.history_change_reason for h in order.history.order_by("history_id")][-2:] == [
        "partially received",
        "received",
    ]


@pytest.mark.parametrize(
    ("entry", "field", "text"),
    [
        ((1, 0, 0, 0), "received", "above zero"),
        ((1, -5, -5, 0), "received", "at least 0"),
        ((1, 10, 8, 1), "accepted", "accepted 8 + rejected 1 must equal received 10"),
        ((1, 10, 12, -2), "rejected", "at least 0"),
        ((1, 1001, 1001, 0), "received", "more than the open 1000"),
        ((7, 1, 1, 0), "line", "has no line 7"),
    ],
)
def test_bad_receipts_write_nothing(offer, screw, entry, field, text):
    order = make_order(offer.supplier, lines=[(screw, 1000)], status="confirmed")
    with pytest.raises(ApplicationError) as caught:
        receive(order, entry)
    assert field in caught.value.field_errors and text in caught.value.message
    assert not Receipt.objects.exists()
    line = order.lines.get()
    assert (line.received_qty, order.status) == (0, "confirmed")


def test_receipt_dates_and_duplicates(offer, screw):
    order = make_order(offer.supplier, lines=[(screw, 1000)], status="confirmed")
    for on in (date(2026, 5, 1), date(2099, 1, 1)):
        with pytest.raises(ApplicationError) as caught:
            receive(order, (1, 5, 5, 0), on=on)
        assert "received_on" in caught.value.field_errors
    with pytest.raises(ApplicationError) as caught:
        receive(order, (1, 5, 5, 0), (1, 5, 5, 0))
    assert "appears twice" in caught.value.message
    with pytest.raises(ApplicationError):
        services.purchase_order_receive(acting_user=None, order=order, receipts=[])
    assert not Receipt.objects.exists()


def test_cancel(offer, screw):
    order = make_order(offer.supplier, lines=[(screw, 1000)], status="sent")
    refused(services.purchase_order_cancel, "reason", acting_user=None, order=order, reason="  ")
    order = services.purchase_order_cancel(acting_user=None, order=order, reason="Forecast cut")
    assert (order.status, order.cancel_reason) == ("cancelled", "Forecast cut") and order.cancelled_at
    refused(services.purchase_order_cancel, "status", acting_user=None, order=order, reason="again")
    refused(services.purchase_order_send, "status", acting_user=None, order=order)
    received = make_order(offer.supplier, lines=[(screw, 1000)], status="confirmed")
    receive(received, (1, 500, 500, 0))
    error = refused(services.purchase_order_cancel, "status", acting_user=None, order=received, reason="late")
    assert "partially received" in error.message


def test_supplier_user_link_refuses_staff(supplier):
    staff = UserFactory(roles=["procurement"])
    refused(services.supplier_user_link, "user", acting_user=None, user=staff, supplier=supplier)
    plain = UserFactory(is_staff=False)
    link = services.supplier_user_link(acting_user=None, user=plain, supplier=supplier)
    assert link.supplier == supplier
    assert services.supplier_user_link(acting_user=None, user=plain, supplier=supplier) == link

"""The prepayment ledger and the order life cycle's money: holds, releases, captures, refusals."""

from decimal import Decimal

import pytest

from erp.errors import ApplicationError
from retail import services
from retail.models import PrepaymentAccount, PrepaymentEntry, RetailerOrder
from tests.logistics.factories import give_stock
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product

pytestmark = pytest.mark.django_db


def _account(retailer) -> PrepaymentAccount:
    return PrepaymentAccount.objects.get(retailer=retailer)


def test_deposit_confirm_cancel_moves_balance_and_held_to_the_cent():
    retailer = RetailerFactory()
    product = priced_product(retailer_price="1234.56")
    deposit(retailer, "5000.00")
    order = make_order(retailer, [(product, 3)], confirm=True)
    account = _account(retailer)
    assert (account.balance, account.held, account.available) == (
        Decimal("5000.00"),
        Decimal("3703.68"),
        Decimal("1296.32"),
    )
    assert order.status == RetailerOrder.Status.CONFIRMED and order.held_amount == Decimal("3703.68")
    services.retailer_order_cancel(acting_user=None, order=order)
    account.refresh_from_db()
    assert (account.balance, account.held) == (Decimal("5000.00"), Decimal("0.00"))
    kinds = list(PrepaymentEntry.objects.order_by("pk").values_list("kind", "amount_cents", "held_after_cents"))
    assert kinds == [("deposit", 500000, 0), ("hold", 370368, 370368), ("release", 370368, 0)]


def test_confirm_refused_with_the_shortfall_and_nothing_held():
    retailer = RetailerFactory(code="R-SHORT")
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "250.00")
    order = make_order(retailer, [(product, 3)])
    with pytest.raises(services.InsufficientPrepayment) as refused:
        services.retailer_order_confirm(acting_user=None, order=order)
    assert "50.00 CNY short" in refused.value.message
    assert refused.value.extra["shortfall"] == "50.00"
    order.refresh_from_db()
    assert order.status == RetailerOrder.Status.DRAFT and order.held_cents == 0
    assert _account(retailer).held_cents == 0


def test_place_refused_writes_no_order():
    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    with pytest.raises(services.InsufficientPrepayment):
        services.retailer_order_place(
            acting_user=None, retailer=retailer, lines=[services.RetailerOrderLineInput(product, 1, _next_week())]
        )
    assert not RetailerOrder.objects.exists()


def _next_week():
    from erp.weeks import IsoWeek

    return IsoWeek.current() + 1


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "NaN"])
def test_bad_deposits_are_refused(amount):
    retailer = RetailerFactory()
    with pytest.raises(ApplicationError):
        services.prepayment_deposit_record(acting_user=None, retailer=retailer, amount=amount, reference="B-1")
    assert not PrepaymentEntry.objects.exists()


def test_a_bank_reference_is_booked_once():
    retailer = RetailerFactory()
    deposit(retailer, "10.00", reference="BANK-1")
    with pytest.raises(ApplicationError, match="already booked"):
        deposit(retailer, "10.00", reference="BANK-1")
    assert _account(retailer).balance == Decimal("10.00")


def test_refund_cannot_touch_held_money():
    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "300.00")
    make_order(retailer, [(product, 2)], confirm=True)
    with pytest.raises(services.InsufficientPrepayment):
        services.prepayment_refund_record(acting_user=None, retailer=retailer, amount="100.01", reference="R-1")
    services.prepayment_refund_record(acting_user=None, retailer=retailer, amount="100.00", reference="R-1")
    account = _account(retailer)
    assert (account.balance, account.held, account.available) == (Decimal("200.00"), Decimal("200.00"), 0)


def test_ship_puts_the_reserved_stock_on_a_shipment_and_captures_the_hold():
    from logistics.models import Shipment, StockLevel
    from logistics.services import shipment_ship_now, stock_reserve
    from retail.models import OrderLineReservation, RetailerOrderLine

    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    product, warehouse = give_stock(item=product, qty=10)
    deposit(retailer, "1000.00")
    order = make_order(retailer, [(product, 4)], confirm=True)
    # What an allocation run does when it settles the line at 3 of 4:
    line = order.lines.get()
    stock_reserve(acting_user=None, item=product, location=warehouse, qty=3)
    OrderLineReservation.objects.create(line=line, location=warehouse, quantity=3)
    RetailerOrderLine.objects.filter(pk=line.pk).update(allocated_quantity=3)
    services.order_hold_release(acting_user=None, order=order, cents=10000, note="short allocation")
    RetailerOrder.objects.filter(pk=order.pk).update(status="allocated")
    order = services.retailer_order_ship(acting_user=None, order=order)
    assert order.status == "shipped" and order.held_cents == 0
    account = _account(retailer)
    assert (account.balance, account.held) == (Decimal("700.00"), Decimal("0.00"))
    # The reservation went to a picked shipment; the units leave when it is shipped.
    shipment = Shipment.objects.get(reference=order.number)
    assert (shipment.status, shipment.reservation_held, shipment.consignee) == ("picked", True, retailer.code)
    level = StockLevel.objects.get(item=product, location=warehouse)
    assert (level.on_hand, level.reserved) == (10, 3)
    shipment_ship_now(acting_user=None, shipment=shipment)
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (7, 0)
    with pytest.raises(ApplicationError, match="only a draft, confirmed or allocated order can be cancelled"):
        services.retailer_order_cancel(acting_user=None, order=order)


def test_orders_for_discontinued_products_or_without_price_are_refused():
    retailer = RetailerFactory()
    obsolete = priced_product(item__lifecycle_status="obsolete")
    with pytest.raises(ApplicationError, match="discontinued"):
        make_order(retailer, [(obsolete, 1)])
    from tests.erp.factories import ProductFactory

    with pytest.raises(ApplicationError, match="no retailer price"):
        make_order(retailer, [(ProductFactory(), 1)])
    with pytest.raises(ApplicationError, match="quantity"):
        make_order(retailer, [(priced_product(), 0)])
    assert not RetailerOrder.objects.exists()


def test_confirmed_orders_are_committed_demand():
    from erp.weeks import IsoWeek
    from orders.selectors import committed_demand

    retailer = RetailerFactory()
    product = priced_product(retailer_price="10.00")
    deposit(retailer, "1000.00")
    make_order(retailer, [(product, 7)], confirm=True)
    make_order(retailer, [(product, 5)])  # a draft does not count
    week = IsoWeek.current() + 1
    assert committed_demand(from_week=IsoWeek.current(), weeks=4, item_ids=[product.pk]) == {
        (product.pk, week.monday): 7
    }

from datetime import date
from decimal import Decimal

import pytest

from erp.errors import ApplicationError
from procurement import selectors, services
from procurement.services import ReceiptInput
from tests.erp.factories import FxRateFactory, ItemFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db

ON = date(2026, 7, 10)


def receive(order, line, received, accepted, on):
    return services.purchase_order_receive(
        acting_user=None,
        order=order,
        receipts=[
            ReceiptInput(line=line, received=received, accepted=accepted, rejected=received - accepted, received_on=on)
        ],
    )


@pytest.fixture
def market():
    """Three screw suppliers at 1.50 (A, at the 10,000 lot), 1.00 (B) and 3.00 (C): the median is 1.50."""
    screw = ItemFactory(sku="CP-SCREW-M14")
    a, b, c = SupplierFactory(code="SUP-A"), SupplierFactory(code="SUP-B"), SupplierFactory(code="SUP-C")
    make_offer(a, screw)  # 2.00, 1.50 from 5,000
    make_offer(b, screw, breaks=[(1, Decimal("1.00"))])
    make_offer(c, screw, breaks=[(1, Decimal("3.00"))])
    order = make_order(a, lines=[(screw, 1000)], status="confirmed", promised=date(2026, 7, 1))
    order = receive(order, 1, 600, 550, date(2026, 6, 25))  # on time, 50 rejected
    receive(order, 1, 400, 400, date(2026, 7, 5))  # late
    return a, b, c


def test_scorecard_follows_design_section_4(market):
    a, _b, _c = market
    card = selectors.supplier_scorecard(supplier=a, on=ON)
    assert (card.start, card.end, card.window_days) == (date(2026, 1, 12), ON, 180)
    assert (card.receipt_count, card.on_time_count, card.received_qty, card.accepted_qty) == (2, 1, 1000, 950)
    assert card.on_time_rate == Decimal("0.5000")
    assert card.quality_rate == Decimal("0.9500")
    assert card.price_index == Decimal("1.0000")
    assert card.score == Decimal("0.7800")  # 0.4 * 0.5 + 0.4 * 0.95 + 0.2 * min(1, 1 / 1)
    assert card.missing == []
    assert [r.received_on for r in card.receipts] == [date(2026, 7, 5), date(2026, 6, 25)]


def test_missing_parts_are_named(market):
    _a, b, _c = market
    no_receipts = selectors.supplier_scorecard(supplier=b, on=ON)
    assert no_receipts.score is None and no_receipts.missing == ["on_time", "quality"]
    assert no_receipts.price_index == Decimal("0.6667")
    # Receipts but no current offer: the delivery parts at 50/50.
    glue = ItemFactory()
    d = SupplierFactory(code="SUP-D")
    order = make_order(d, lines=[(glue, 10, Decimal("1"))], status="confirmed", promised=date(2026, 7, 1))
    receive(order, 1, 10, 5, date(2026, 7, 1))
    card = selectors.supplier_scorecard(supplier=d, on=ON)
    assert card.missing == ["price_index"]
    assert card.score == Decimal("0.7500")  # (0.4 * 1 + 0.4 * 0.5) / 0.8
    nothing = selectors.supplier_scorecard(supplier=SupplierFactory(), on=ON)
    assert nothing.score is None and nothing.missing == ["on_time", "quality", "price_index"]


def test_window_ends_on_the_date_and_includes_both_ends(market):
    a, _b, _c = market
    card = selectors.supplier_scorecard(supplier=a, on=date(2026, 7, 3), window_days=9)
    assert card.start == date(2026, 6, 25)
    assert (card.receipt_count, card.on_time_rate, card.quality_rate) == (1, Decimal("1.0000"), Decimal("0.9167"))
    assert selectors.supplier_scorecard(supplier=a, on=date(2026, 6, 24), window_days=30).receipt_count == 0
    for bad in (0, -1, 100_000):
        with pytest.raises(ApplicationError) as caught:
            selectors.supplier_scorecard(supplier=a, on=ON, window_days=bad)
        assert "window" in caught.value.field_errors


def test_price_part_is_capped_and_expensive_suppliers_pay(market):
    _a, _b, c = market
    cards = {card.supplier.code: card for card in selectors.supplier_ranking(on=ON)}
    assert cards["SUP-C"].price_index == Decimal("2.0000")
    assert cards["SUP-B"].price_index == Decimal("0.6667")  # cheaper than the market: the part is capped at 1
    order = make_order(c, lines=[(ItemFactory(), 10, Decimal("1"))], status="confirmed", promised=date(2026, 7, 1))
    receive(order, 1, 10, 10, date(2026, 7, 1))
    assert selectors.supplier_scorecard(supplier=c, on=ON).score == Decimal("0.9000")  # 0.4 + 0.4 + 0.2 * 0.5


def test_ranking_orders_by_score_then_unscored_by_code(market):
    ranking = selectors.supplier_ranking(on=ON)
    assert [card.supplier.code for card in ranking] == ["SUP-A", "SUP-B", "SUP-C"]
    assert ranking[0].score == Decimal("0.7800") and ranking[1].score is None
    assert ranking[0].receipts is None


def test_missing_fx_rate_leaves_the_price_index_out_with_a_warning(market):
    a, _b, _c = market
    # A USD offer for another part does not matter to A's index; one for A's own part does.
    make_offer(SupplierFactory(code="SUP-ELSE"), ItemFactory(), currency="USD")  # no USD rate on ON
    assert selectors.supplier_scorecard(supplier=a, on=ON).price_index == Decimal("1.0000")
    screw = a.offers.get().item
    make_offer(SupplierFactory(code="SUP-USD"), screw, currency="USD", breaks=[(1, Decimal("0.21"))])
    card = selectors.supplier_scorecard(supplier=a, on=ON)
    assert card.price_index is None and card.missing == ["price_index"]
    assert "USD" in card.warnings[0]
    FxRateFactory(date=date(2026, 7, 1))  # 7.10 CNY: 1.491 CNY, between B's 1.00 and A's 1.50
    assert selectors.supplier_scorecard(supplier=a, on=ON).price_index == Decimal("1.0030")  # 1.50 / 1.4955


def _suppliers_with_history(count: int) -> None:
    item = ItemFactory()
    for n in range(count):
        supplier = SupplierFactory()
        make_offer(supplier, item, breaks=[(1, Decimal(n + 1))])
        order = make_order(supplier, lines=[(item, 1000)], status="confirmed", promised=date(2026, 7, 1))
        receive(order, 1, 500, 400, date(2026, 7, 2))


@pytest.mark.parametrize("count", [2, 10])
def test_ranking_reads_in_a_fixed_number_of_queries(count, django_assert_num_queries):
    _suppliers_with_history(count)
    # receipt totals, FX rates, currencies in use, price indexes (one query), suppliers
    with django_assert_num_queries(5):
        ranking = selectors.supplier_ranking(on=ON)
    assert len(ranking) == count and all(card.score is not None for card in ranking)

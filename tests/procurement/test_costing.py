from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.errors import ApplicationError
from erp.models import Currency
from procurement import selectors, services
from procurement.models import Supplier
from procurement.services.purchasing import ReceiptInput
from tests.erp.factories import FxRateFactory, ItemFactory, PriceFactory, ProductFactory
from tests.procurement.factories import (
    AssemblyFactory,
    BomLineFactory,
    SupplierFactory,
    SupplierOfferFactory,
    make_order,
)

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)
D = Decimal


@pytest.fixture
def phone():
    """A phone: 12 screws, 1 board (2 chips in USD, assembled for 5 CNY) with 10% scrap, 1 unsourced label."""
    phone = ProductFactory(sku="PH-1")
    board, screw, chip, label = (
        AssemblyFactory(sku="AS-BOARD"),
        ItemFactory(sku="SCREW"),
        ItemFactory(sku="CHIP"),
        ItemFactory(sku="LABEL"),
    )
    BomLineFactory(parent=phone, child=screw, qty_per=D(12))
    BomLineFactory(parent=phone, child=board, qty_per=D(1), scrap_pct=D(10))
    BomLineFactory(parent=board, child=chip, qty_per=D(2))
    BomLineFactory(parent=phone, child=label, qty_per=D(1))
    services.cost_rates_set(acting_user=None, item=board, conversion_cost=D(5))
    services.cost_rates_set(acting_user=None, item=phone, conversion_cost=D(40), logistics_cost=D(8))
    cheap, dear = SupplierFactory(code="SCR-A"), SupplierFactory(code="SCR-B")
    # 12 x 10,000 = 120,000 screws for the lot: the 100,000 break applies.
    SupplierOfferFactory(supplier=cheap, item=screw, breaks=[(1, "0.05"), (100000, "0.02")])
    SupplierOfferFactory(supplier=dear, item=screw, breaks=[(1, "0.03")])
    usd = Currency.objects.get(code="USD")
    FxRateFactory(currency=usd, date=date(2026, 11, 1), rate=D("7.0"))
    SupplierOfferFactory(supplier=SupplierFactory(code="CHIP-US"), item=chip, currency=usd, breaks=[(1, "10")])
    blocked = SupplierFactory(code="CHIP-BAD", status=Supplier.Status.BLOCKED, status_reason="quality")
    SupplierOfferFactory(supplier=blocked, item=chip, breaks=[(1, "1")])
    PriceFactory(item=phone, list_price=D("250"), retailer_price=D("200"))
    return phone


def test_rollup_follows_the_definition(phone):
    rollup = selectors.cost_rollup(item=phone, on=ON)
    by_sku = {line.row.sku: line for line in rollup.flat()}
    assert by_sku["SCREW"].unit_cost == D("0.02") and by_sku["SCREW"].supplier_code == "SCR-A"
    assert by_sku["SCREW"].buy_qty == 120000
    assert by_sku["CHIP"].unit_cost == D("70.0") and by_sku["CHIP"].supplier_code == "CHIP-US"  # blocked is cheaper
    assert by_sku["AS-BOARD"].source == "rollup"
    assert by_sku["AS-BOARD"].unit_cost == D("145.0")  # 2 x 70 + 5 conversion
    assert by_sku["CHIP"].qty_in_top == D("2.2")  # scrap of the board line carries down
    assert by_sku["LABEL"].source == "missing"
    material = 12 * D("0.02") + D("1.1") * D("145")
    assert rollup.material_cost == material
    assert rollup.unit_cost == material + 40 + 8
    assert rollup.margin_list == (D(250) - rollup.unit_cost) / D(250)
    assert rollup.flagged  # 207.74 >= the retailer price of 200
    assert any("LABEL" in w for w in rollup.warnings)
    top_share = sum(line.share for line in rollup.lines)
    assert top_share == material / rollup.unit_cost


def test_a_small_lot_uses_the_first_break(phone):
    rollup = selectors.cost_rollup(item=phone, on=ON, lot=100)
    screw = next(line for line in rollup.flat() if line.row.sku == "SCREW")
    assert (screw.unit_cost, screw.supplier_code, screw.buy_qty) == (D("0.03"), "SCR-B", 1200)


def test_ties_go_to_the_shorter_lead_time_then_the_better_score():
    phone, part = ProductFactory(), ItemFactory()
    BomLineFactory(parent=phone, child=part)
    slow, fast, also_fast = SupplierFactory(code="S-SLOW"), SupplierFactory(code="S-FAST"), SupplierFactory(code="S-FB")
    SupplierOfferFactory(supplier=slow, item=part, lead_time_days=60)
    SupplierOfferFactory(supplier=fast, item=part, lead_time_days=10)
    SupplierOfferFactory(supplier=also_fast, item=part, lead_time_days=10)
    assert selectors.cost_rollup(item=phone, on=ON).lines[0].supplier_code == "S-FAST"  # code breaks the last tie
    scores = {fast.pk: D("0.5"), also_fast.pk: D("0.9")}
    assert selectors.cost_rollup(item=phone, on=ON, score_of=scores).lines[0].supplier_code == "S-FB"


def test_missing_fx_rate_names_currency_and_date():
    phone, part = ProductFactory(), ItemFactory()
    BomLineFactory(parent=phone, child=part)
    SupplierOfferFactory(item=part, currency=Currency.objects.get(code="EUR"))
    with pytest.raises(ApplicationError, match="No FX rate for EUR on or before 2026-11-02") as caught:
        selectors.cost_rollup(item=phone, on=ON)
    assert caught.value.extra == {"currency": "EUR", "date": "2026-11-02"}


def test_item_without_bom_and_bad_lot_are_refused():
    with pytest.raises(ApplicationError, match="no BOM lines in force"):
        selectors.cost_rollup(item=ProductFactory(), on=ON)
    with pytest.raises(ApplicationError, match="lot size") as caught:
        selectors.cost_rollup(item=ProductFactory(), on=ON, lot=0)
    assert "lot" in caught.value.field_errors


def test_query_count_does_not_grow_with_the_bom(django_assert_num_queries):
    def build(width):
        phone = ProductFactory()
        parent = phone
        for _ in range(4):
            assembly = AssemblyFactory()
            BomLineFactory(parent=parent, child=assembly)
            for _ in range(width):
                part = ItemFactory()
                BomLineFactory(parent=assembly, child=part)
                SupplierOfferFactory(item=part)
            parent = assembly
        return phone

    small, large = build(2), build(12)
    # structure, FX, offers, breaks, cost rates, price
    with django_assert_num_queries(6):
        selectors.cost_rollup(item=small, on=ON)
    with django_assert_num_queries(6):
        rollup = selectors.cost_rollup(item=large, on=ON)
    assert len(list(rollup.flat())) == 4 + 4 * 12


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.integers(0, 20), st.integers(1, 9999)),  # qty_per, scrap %, price x 0.01
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 500),
)
def test_unit_cost_is_the_sum_of_extended_costs_plus_rates(parts, conversion):
    phone = ProductFactory()
    for qty, scrap, cents in parts:
        part = ItemFactory()
        BomLineFactory(parent=phone, child=part, qty_per=D(qty), scrap_pct=D(scrap))
        SupplierOfferFactory(item=part, breaks=[(1, D(cents) / 100)])
    services.cost_rates_set(acting_user=None, item=phone, conversion_cost=D(conversion))
    rollup = selectors.cost_rollup(item=phone, on=ON)
    expected = sum(D(q) * (1 + D(s) / 100) * D(c) / 100 for q, s, c in parts)
    assert rollup.material_cost == expected == sum(line.extended_cost for line in rollup.lines)
    assert rollup.unit_cost == expected + conversion
    assert sum(line.share for line in rollup.lines) + D(conversion) / rollup.unit_cost == pytest.approx(D(1))


def test_a_tie_on_price_and_lead_time_reads_the_supplier_scores():
    """Without given scores, the roll-up asks the scorecard only when a tie needs it."""
    phone, part = ProductFactory(), ItemFactory()
    BomLineFactory(parent=phone, child=part)
    first, second = SupplierFactory(code="S-A"), SupplierFactory(code="S-B")
    SupplierOfferFactory(supplier=first, item=part, lead_time_days=10)
    SupplierOfferFactory(supplier=second, item=part, lead_time_days=10)
    # No receipts, so nobody has a score and the supplier code decides.
    assert selectors.cost_rollup(item=phone, on=ON).lines[0].supplier_code == "S-A"
    # S-A delivers late and with rejects, S-B on time and clean: S-B now wins the tie.
    other = ItemFactory()
    for supplier, late, rejected in ((first, True, 40), (second, False, 0)):
        order = make_order(supplier, lines=[(other, 100, D(1))], status="confirmed", order_date=date(2026, 9, 1))
        line = order.lines.get()
        day = line.promised_date + timedelta(days=5 if late else 0)
        services.purchase_order_receive(
            acting_user=None,
            order=order,
            receipts=[
                ReceiptInput(line=line, received=100, accepted=100 - rejected, rejected=rejected, received_on=day)
            ],
        )
    assert selectors.cost_rollup(item=phone, on=ON).lines[0].supplier_code == "S-B"

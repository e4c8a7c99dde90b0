"""Replenishment: the plan read from the ledger, and accepting it into transfer shipments."""

from datetime import timedelta

import pytest

from erp.errors import ApplicationError
from erp.weeks import business_date
from logistics import services as logistics_services
from logistics.models import Shipment, ShipmentKind, StockLevel
from logistics.services import ReceiptLineInput, ShipmentLineInput
from retail import services
from retail.models import Store
from retail.selectors import replenishment_plan
from tests.erp.factories import PriceFactory, ProductFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.factories import RetailerFactory, make_store, record_sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two own stores of one warehouse and a retailer-run store; the phone sells 2 a day, in cases of 20."""
    warehouse = LocationFactory(code="WH-REP", region="East")
    phone = ProductFactory(sku="TP-REP", case_pack=20)
    PriceFactory(item=phone)
    give_stock(phone, warehouse, 200)
    today = business_date()
    stores = []
    for code, left in (("ST-REP-A", 3), ("ST-REP-B", 40)):
        store = make_store(code, warehouse=warehouse)
        give_stock(phone, store.location, left + 28)
        record_sales(store, phone, {today - timedelta(days=d): 2 for d in range(1, 15)})  # 28 sold, `left` on hand
        stores.append(store)
    retailer_store = make_store("ST-REP-R", retailer=RetailerFactory(), warehouse=warehouse)
    give_stock(phone, retailer_store.location, 5)
    return warehouse, phone, stores, retailer_store


def _line(plan, store, item):
    return next(line for line in plan.lines if line.store.pk == store.pk and line.item.pk == item.pk)


def test_the_plan_reads_stock_transit_and_the_last_14_complete_days(world):
    _warehouse, phone, (a, b), retailer_store = world
    # Today's sales and those 15 days ago are outside the window.
    record_sales(a, phone, {business_date(): 1, business_date() - timedelta(days=15): 1})
    plan = replenishment_plan(stores=Store.objects.all())
    line = _line(plan, a, phone)
    assert (line.sold_14, line.sold_28, line.mean_daily) == (28, 29, 2)
    assert line.target == 14  # 7 cover days x 2 a day
    assert line.on_hand == 1 == StockLevel.objects.get(location=a.location, item=phone).on_hand
    assert line.suggested == 20 and line.shippable == 20 and line.short == 0  # 13 missing: one case
    assert line.list_price == phone.prices.get().list_price and line.stock_value == line.list_price
    assert _line(plan, b, phone).suggested == 0  # 40 on hand cover the 14
    retailer_line = _line(plan, retailer_store, phone)
    assert retailer_line.target is None and retailer_line.suggested is None and retailer_line.shippable == 0


def test_units_on_their_way_count_until_received_and_not_when_cancelled(world):
    warehouse, phone, (a, _b), _retailer_store = world
    shipment = logistics_services.shipment_create(
        acting_user=None,
        kind=ShipmentKind.TRANSFER,
        from_location=warehouse,
        to_location=a.location,
        lines=[ShipmentLineInput(phone, 20)],
    )
    assert _line(replenishment_plan(), a, phone).in_transit == 20
    assert _line(replenishment_plan(), a, phone).suggested == 0
    logistics_services.shipment_cancel(acting_user=None, shipment=shipment)
    assert _line(replenishment_plan(), a, phone).in_transit == 0
    received = logistics_services.shipment_create(
        acting_user=None,
        kind=ShipmentKind.TRANSFER,
        from_location=warehouse,
        to_location=a.location,
        lines=[ShipmentLineInput(phone, 20)],
    )
    logistics_services.shipment_ship_now(acting_user=None, shipment=received)
    assert _line(replenishment_plan(), a, phone).in_transit == 20
    logistics_services.shipment_receive(acting_user=None, shipment=received, lines=[ReceiptLineInput(phone, 20)])
    line = _line(replenishment_plan(), a, phone)
    assert (line.in_transit, line.on_hand) == (0, 23)


def test_accept_creates_one_transfer_per_store_and_accepting_again_creates_nothing(world, make_user):
    warehouse, phone, (a, b), _retailer_store = world
    user = make_user("store_ops")
    result = services.replenishment_accept(acting_user=user, store_ids=[a.pk, b.pk])
    [shipment] = result.shipments
    assert (shipment.kind, shipment.from_location, shipment.to_location) == ("transfer", warehouse, a.location)
    assert shipment.reference == f"REPL-ST-REP-A-{business_date():%Y%m%d}"
    assert [(line.item, line.quantity) for line in shipment.lines.all()] == [(phone, 20)]
    assert shipment.history.get().history_user == user
    assert result.units == 20 and not result.short_lines
    again = services.replenishment_accept(acting_user=user, store_ids=[a.pk, b.pk])
    assert again.shipments == [] and Shipment.objects.count() == 1


def test_warehouse_stock_caps_the_lines_in_whole_cases_and_the_rest_is_reported(world):
    warehouse, phone, (a, b), _retailer_store = world
    StockLevel.objects.filter(location=warehouse, item=phone).update(reserved=170)  # 30 left: one case
    services.store_update(acting_user=None, store=b, cover_days=60)  # target 120: 80 missing, four cases
    result = services.replenishment_accept(acting_user=None, store_ids=[a.pk, b.pk])
    by_store = {line.store.pk: line for line in result.lines}
    # a has fewer days of stock left than b, so it gets the one case.
    assert (by_store[a.pk].shippable, by_store[a.pk].short) == (20, 0)
    assert (by_store[b.pk].suggested, by_store[b.pk].shippable, by_store[b.pk].short) == (80, 0, 80)
    assert [line.store.pk for line in result.short_lines] == [b.pk]
    assert [s.to_location for s in result.shipments] == [a.location]
    # A created transfer is not offered again: the warehouse has 10 left for b, less than a case.
    assert _line(replenishment_plan(), b, phone).warehouse_available == 10


def test_accept_can_be_limited_to_some_products(world):
    warehouse, _phone, (a, _b), _retailer_store = world
    case = ProductFactory(sku="TP-REP-CASE", case_pack=100)
    give_stock(case, warehouse, 500)
    give_stock(case, a.location, 20)
    record_sales(a, case, {business_date() - timedelta(days=d): 10 for d in range(1, 3)})  # target 10, none left
    result = services.replenishment_accept(acting_user=None, store_ids=[a.pk], item_ids=[case.pk])
    [shipment] = result.shipments
    assert [(line.item.sku, line.quantity) for line in shipment.lines.all()] == [("TP-REP-CASE", 100)]


def test_accept_refuses_what_it_cannot_replenish(world):
    _warehouse, _phone, (a, _b), retailer_store = world
    lonely = Store.objects.create(location=LocationFactory(code="ST-NOWH", kind="store"), replenished_from=None)
    for store_ids, text in (
        ([], "at least one store"),
        ([retailer_store.pk], "run by a retailer"),
        ([a.pk, lonely.pk], "no supplying warehouse"),
        ([a.pk, 987654], "Unknown store"),
    ):
        with pytest.raises(ApplicationError, match=text):
            services.replenishment_accept(acting_user=None, store_ids=store_ids)
    assert not Shipment.objects.exists()


def test_the_plan_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    warehouse, _phone, _stores, _retailer_store = world
    with django_assert_num_queries(9):
        small = replenishment_plan()
    for n in range(4):
        store = make_store(f"ST-MORE-{n}", warehouse=warehouse)
        product = ProductFactory(case_pack=5)
        give_stock(product, warehouse, 100)
        give_stock(product, store.location, 3)
        record_sales(store, product, {business_date() - timedelta(days=1): 2})
    with django_assert_num_queries(9):
        bigger = replenishment_plan()
    assert len(bigger.lines) > len(small.lines)

"""The one sell-through service: own stores' sales leave stock on the sale day, re-reports move only the
difference, retailer-run stores are recorded only, every refusal names the row and writes nothing."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from erp.errors import ApplicationError
from erp.weeks import business_date
from logistics.models import StockFlowDay, StockLevel, StockMove
from retail import services
from retail.models import SellThroughSource, StoreSellThrough
from retail.selectors import ALL_STORES, StoreScope, retailer_scope
from retail.services import SellThroughInput, StoreCountInput
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.logistics.factories import give_stock
from tests.retail.factories import RetailerFactory, make_store, record_sales

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def setup():
    product = ProductFactory(sku="TP-ST-1")
    own = make_store("ST-OWN")
    give_stock(product, own.location, 10)
    retailer = RetailerFactory(code="R-ST")
    run_by_retailer = make_store("ST-RET", retailer=retailer)
    return product, own, run_by_retailer, retailer


def _level(store, item):
    return StockLevel.objects.get(location=store.location, item=item).on_hand


def _state():
    return (
        list(StoreSellThrough.objects.values_list()),
        list(StockMove.objects.values_list("pk")),
        list(StockLevel.objects.values_list("on_hand")),
    )


def test_an_own_stores_sale_is_an_issue_on_the_sale_day(setup):
    product, own, _retailer_store, _retailer = setup
    day = business_date() - timedelta(days=3)
    recorded = record_sales(own, product, {day: 4})
    assert (recorded.created, recorded.updated, recorded.units_issued, recorded.units_returned) == (1, 0, 4, 0)
    assert _level(own, product) == 6
    move = StockMove.objects.get(reason="issue")
    assert (move.qty, move.from_location, move.to_location) == (4, own.location, None)
    assert move.moved_at.astimezone(SHANGHAI).date() == day and move.reference == f"sell-through {day}"
    # The turnover report counts it as goods shipped on that day.
    assert StockFlowDay.objects.get(location=own.location, item=product, day=day).issued == 4


def test_a_re_report_moves_only_the_difference(setup):
    product, own, _retailer_store, _retailer = setup
    day = business_date() - timedelta(days=1)
    record_sales(own, product, {day: 4})
    higher = record_sales(own, product, {day: 7})
    assert (higher.created, higher.updated, higher.units_issued) == (0, 1, 3)
    assert _level(own, product) == 3
    lower = record_sales(own, product, {day: 2})
    assert (lower.units_issued, lower.units_returned) == (0, 5)
    assert _level(own, product) == 8
    back = StockMove.objects.get(reason="adjustment")
    assert (back.qty, back.from_location, back.to_location) == (5, None, own.location)
    assert StoreSellThrough.objects.get().quantity == 2
    # The same figure again changes nothing at all.
    before = _state()
    same = record_sales(own, product, {day: 2})
    assert (same.created, same.updated, same.units_issued, same.units_returned) == (0, 0, 0, 0)
    assert _state() == before


def test_a_sale_above_the_stores_stock_is_refused_naming_store_sku_available_and_asked(setup):
    product, own, _retailer_store, _retailer = setup
    other = ProductFactory(sku="TP-ST-2")
    give_stock(other, own.location, 50)
    day = business_date() - timedelta(days=2)
    before = _state()
    rows = [
        SellThroughInput("ST-OWN", other, day, 5, row=2),
        SellThroughInput("ST-OWN", product, day, 8, row=3),
        SellThroughInput("ST-OWN", product, day - timedelta(days=1), 3, row=4),
    ]
    with pytest.raises(ApplicationError) as error:
        services.store_sell_through_record(acting_user=None, scope=ALL_STORES, rows=rows)
    assert error.value.message == (
        "Row 4: ST-OWN has 10 of TP-ST-1 available; 11 sold is more than that (count the store if its stock is wrong)."
    )
    extra = error.value.extra
    assert (extra["row"], extra["store"], extra["sku"], extra["available"], extra["asked"]) == (
        4,
        "ST-OWN",
        "TP-ST-1",
        10,
        11,
    )
    assert "units_sold" in extra["fields"]
    assert _state() == before


def test_a_retailer_run_store_is_recorded_only(setup):
    product, _own, retailer_store, retailer = setup
    user = UserFactory()
    recorded = services.store_sell_through_record(
        acting_user=user,
        scope=retailer_scope(retailer),
        source=SellThroughSource.API,
        rows=[SellThroughInput("ST-RET", product, business_date(), 1_000)],
    )
    assert (recorded.created, recorded.units_issued) == (1, 0)
    assert not StockMove.objects.filter(reason="issue").exists()
    row = StoreSellThrough.objects.get(location=retailer_store.location)
    assert (row.quantity, row.source, row.reported_by) == (1000, "api", user)
    assert row.history.get().history_user == user


def test_scopes_read_stores_outside_them_exactly_like_unknown_codes(setup):
    product, own, _retailer_store, retailer = setup
    elsewhere = make_store("ST-ELSE", retailer=RetailerFactory())
    pos_one = StoreScope(own_only=True, store_id=own.pk)
    cases = [
        (retailer_scope(retailer), "ST-OWN"),
        (retailer_scope(retailer), elsewhere.location.code),
        (StoreScope(own_only=True), "ST-RET"),
        (pos_one, make_store("ST-OWN-2").location.code),
    ]
    day = business_date()
    unknown_message = None
    for scope, code in cases:
        with pytest.raises(ApplicationError) as error:
            services.store_sell_through_record(
                acting_user=None, scope=scope, rows=[SellThroughInput(code, product, day, 1)]
            )
        message = error.value.message.replace(code, "X")
        unknown_message = unknown_message or message
        assert message == unknown_message == "Row 1: unknown store 'X'; use the code of a store you report for."
    with pytest.raises(ApplicationError) as error:
        services.store_sell_through_record(
            acting_user=None, scope=ALL_STORES, rows=[SellThroughInput("ST-NOWHERE", product, day, 1)]
        )
    assert error.value.message.replace("ST-NOWHERE", "X") == unknown_message
    assert not StoreSellThrough.objects.exists()
    # Within its scope a POS user reports, recorded with source pos.
    services.store_sell_through_record(
        acting_user=None, scope=pos_one, source="pos", rows=[SellThroughInput("ST-OWN", product, day, 1)]
    )
    assert StoreSellThrough.objects.get().source == "pos"


@pytest.mark.parametrize(
    ("row", "field", "text"),
    [
        ({"quantity": -1}, "units_sold", "whole number from 0"),
        ({"quantity": 2.5}, "units_sold", "whole number from 0"),
        ({"quantity": True}, "units_sold", "whole number from 0"),
        ({"quantity": 1_000_001}, "units_sold", "whole number from 0"),
        ({"date": "2026-01-01"}, "date", "not a day"),
        ({"date": "future"}, "date", "in the future"),
        ({"item": "component"}, "sku", "unknown product"),
        ({"store_code": "ST-NOPE"}, "store", "unknown store"),
    ],
)
def test_bad_rows_are_refused_naming_the_row_and_field(setup, row, field, text):
    product, _own, _retailer_store, _retailer = setup
    values = {"store_code": "ST-OWN", "item": product, "date": business_date() - timedelta(days=1), "quantity": 1}
    if row.get("date") == "future":
        row = {"date": business_date() + timedelta(days=1)}
    if row.get("item") == "component":
        row = {"item": ItemFactory(sku="CP-NOT-SOLD")}
    good = SellThroughInput(**{**values, "quantity": 2})
    bad = SellThroughInput(**{**values, "date": values["date"] - timedelta(days=1), **row, "row": 7})
    before = _state()
    with pytest.raises(ApplicationError) as error:
        services.store_sell_through_record(acting_user=None, scope=ALL_STORES, rows=[good, bad])
    assert error.value.message.startswith("Row 7: ") and text in error.value.message
    assert field in error.value.field_errors and error.value.extra["row"] == 7
    assert _state() == before


def test_duplicates_in_one_batch_and_empty_batches_are_refused(setup):
    product, own, _retailer_store, _retailer = setup
    day = business_date()
    with pytest.raises(ApplicationError, match=r"Row 2: TP-ST-1 on .* appears twice"):
        services.store_sell_through_record(
            acting_user=None,
            scope=ALL_STORES,
            rows=[SellThroughInput("ST-OWN", product, day, 1), SellThroughInput("ST-OWN", product, day, 2)],
        )
    with pytest.raises(ApplicationError, match="no sell-through rows"):
        services.store_sell_through_record(acting_user=None, scope=ALL_STORES, rows=[])
    with pytest.raises(ApplicationError, match="Unknown source"):
        services.store_sell_through_record(
            acting_user=None, scope=ALL_STORES, source="fax", rows=[SellThroughInput("ST-OWN", product, day, 1)]
        )
    assert not StoreSellThrough.objects.exists() and _level(own, product) == 10


def test_store_counts_set_the_stock_of_each_store_named(setup, make_user):
    product, own, retailer_store, retailer = setup
    posted = services.store_stock_counts_record(
        acting_user=None,
        scope=ALL_STORES,
        counts=[StoreCountInput("ST-OWN", product, 7), StoreCountInput("ST-RET", product, 30)],
        note="weekly count",
    )
    assert [count.location.code for count in posted] == ["ST-OWN", "ST-RET"]
    assert (_level(own, product), _level(retailer_store, product)) == (7, 30)
    with pytest.raises(ApplicationError, match="Row 1: unknown store"):
        services.store_stock_counts_record(
            acting_user=None, scope=retailer_scope(retailer), counts=[StoreCountInput("ST-OWN", product, 1)]
        )
    with pytest.raises(ApplicationError, match="Row 2: TP-ST-1 is counted twice"):
        services.store_stock_counts_record(
            acting_user=None,
            scope=ALL_STORES,
            counts=[StoreCountInput("ST-OWN", product, 1), StoreCountInput("ST-OWN", product, 2)],
        )
    with pytest.raises(ApplicationError, match="Row 1: counted must be a whole number"):
        services.store_stock_counts_record(
            acting_user=None, scope=ALL_STORES, counts=[StoreCountInput("ST-OWN", product, -4)]
        )
    assert _level(own, product) == 7

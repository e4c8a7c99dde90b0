"""Replenishment accepted twice at once on PostgreSQL: the store locks make one set of shipments, and two
reports of one own store's day racing each other take its stock once."""

from datetime import timedelta

import pytest
from django.db.models import Sum

from erp.weeks import business_date
from logistics.models import Shipment, ShipmentLine, StockLevel, StockMove
from retail import services
from retail.models import Store, StoreSellThrough
from retail.selectors import ALL_STORES
from tests.concurrency import needs_postgres, race
from tests.erp.factories import ProductFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.factories import make_store, record_sales

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_people_accepting_the_same_stores_make_one_set_of_shipments():
    needs_postgres()
    warehouse = LocationFactory(code="WH-RACE")
    phone = ProductFactory(case_pack=10)
    give_stock(phone, warehouse, 1000)
    stores = []
    for n in range(3):
        store = make_store(f"ST-RACE-{n}", warehouse=warehouse)
        give_stock(phone, store.location, 40)
        record_sales(store, phone, {business_date() - timedelta(days=d): 2 for d in range(1, 15)})  # 12 left
        stores.append(store)
    ids = [store.pk for store in reversed(stores)]

    results = race(2, lambda _n: services.replenishment_accept(acting_user=None, store_ids=ids))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r.shipments) for r in results) == [0, 3]
    assert Shipment.objects.count() == 3
    # Each store got what its suggestion asked once: target 14, 12 on hand -> one case of 10.
    assert list(ShipmentLine.objects.values_list("quantity", flat=True)) == [10, 10, 10]
    assert set(Shipment.objects.values_list("to_location__code", flat=True)) == {s.location.code for s in stores}


def test_racing_reports_of_one_day_take_the_stock_once():
    needs_postgres()
    phone = ProductFactory()
    store = make_store("ST-RACE-DAY")
    give_stock(phone, store.location, 100)
    day = business_date() - timedelta(days=1)

    def report(n):
        return services.store_sell_through_record(
            acting_user=None,
            scope=ALL_STORES,
            rows=[services.SellThroughInput(store.location.code, phone, day, 30 + n)],
        )

    results = race(4, report)
    assert not [r for r in results if isinstance(r, Exception)], results
    final = StoreSellThrough.objects.get(location=store.location, item=phone, date=day).quantity
    issued = StockMove.objects.filter(from_location=store.location, reason="issue").aggregate(s=Sum("qty"))["s"]
    returned = StockMove.objects.filter(to_location=store.location, reason="adjustment").aggregate(s=Sum("qty"))["s"]
    assert issued - (returned or 0) == final  # whatever order they ran in, the stock moved by the last figure
    assert StockLevel.objects.get(location=store.location, item=phone).on_hand == 100 - final
    assert Store.objects.count() == 1

"""A small store network for page and API tests: a warehouse, two priced products, two own stores that
sold for two weeks (one running low), a retailer-run store of retailer A and one of retailer B."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from erp.weeks import business_date
from tests.erp.factories import PriceFactory, ProductFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.factories import RetailerFactory, make_store, record_sales


@dataclass
class StoreWorld:
    warehouse: Any
    phone: Any
    charger: Any
    low: Any  # own store that needs stock
    full: Any  # own store that has enough
    a_store: Any  # run by retailer A
    b_store: Any  # run by retailer B
    retailer_a: Any
    retailer_b: Any


def build_store_world() -> StoreWorld:
    warehouse = LocationFactory(code="WH-W1", region="East")
    phone = ProductFactory(sku="TP-W-PHONE", case_pack=20)
    charger = ProductFactory(sku="TP-W-CHG", family="Accessories", case_pack=100)
    PriceFactory(item=phone, list_price=Decimal("2999.00"), retailer_price=Decimal("2699.00"))
    PriceFactory(item=charger, list_price=Decimal("149.00"), retailer_price=Decimal("119.00"))
    give_stock(phone, warehouse, 500)
    give_stock(charger, warehouse, 1000)
    today = business_date()
    fortnight = [today - timedelta(days=d) for d in range(1, 15)]
    low = make_store("ST-W-LOW", name="Low store", warehouse=warehouse)
    give_stock(phone, low.location, 30)
    record_sales(low, phone, dict.fromkeys(fortnight, 2))  # 28 sold, 2 left: target 14 -> 20 suggested
    full = make_store("ST-W-FULL", name="Full store", warehouse=warehouse, region="North")
    give_stock(phone, full.location, 60)
    give_stock(charger, full.location, 300)
    record_sales(full, charger, dict.fromkeys(fortnight, 5))  # 70 sold, 230 left: target 35 -> nothing
    retailer_a, retailer_b = RetailerFactory(code="R-SW-A"), RetailerFactory(code="R-SW-B")
    a_store = make_store("ST-W-RA", name="A's store", retailer=retailer_a)
    b_store = make_store("ST-W-RB", name="B's store", retailer=retailer_b)
    record_sales(a_store, phone, {today - timedelta(days=1): 9}, source="portal")
    record_sales(b_store, phone, {today - timedelta(days=1): 4}, source="portal")
    return StoreWorld(warehouse, phone, charger, low, full, a_store, b_store, retailer_a, retailer_b)

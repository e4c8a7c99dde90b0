from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from logistics.demo_stock import seed_stock
from logistics.models import Factory, Location, ShipmentLine, StockLevel, StockMove
from logistics.selectors import stock_available, stock_on_hand
from retail.models import OrderLineReservation

pytestmark = pytest.mark.django_db


def test_demo_locations_and_opening_stock_idempotent(demo):
    assert "locations" in demo
    warehouses = Location.objects.filter(kind="warehouse")
    assert warehouses.count() == 10 and len(set(warehouses.values_list("region", flat=True))) >= 6
    assert Location.objects.filter(kind="in_transit").count() == 1
    fxn, lux = Factory.objects.get(code="FAC-FXN"), Factory.objects.get(code="FAC-LUX")
    assert (fxn.name, lux.name, fxn.working_days, fxn.country) == (
        "Foxconn Zhengzhou",
        "Luxshare Kunshan",
        "1111110",
        "CN",
    )
    assert Location.objects.get(code="FS-FXN").factory == fxn and Location.objects.get(code="FS-LUX").factory == lux
    products = StockLevel.objects.filter(item__sku__startswith="TP-", on_hand__gt=0)
    # Phones sit in the warehouses; the demo shipments add finished phones at the factory stores and in transit,
    # and the stores demo (retail) stocks Tempo's own stores.
    assert products.exists() and set(products.values_list("location__kind", flat=True)) <= {
        "warehouse",
        "factory_store",
        "in_transit",
        "store",
    }
    parts = StockLevel.objects.filter(item__sku__regex=r"^(CP|AS)-")
    assert parts.exists() and set(parts.values_list("location__kind", flat=True)) == {"factory_store"}
    screen = StockLevel.objects.filter(item__sku="CP-OLED-667")
    assert 0 < sum(screen.values_list("on_hand", flat=True)) < 1000
    # Stock is set aside only for allocated retailer order lines and for the picked shipments dispatch made.
    held = ShipmentLine.objects.filter(shipment__reservation_held=True)
    levels = StockLevel.objects.filter(location__kind="warehouse", reserved__gt=0).select_related("item", "location")
    assert levels.exists()
    for level in levels:
        on_shipments = held.filter(shipment__from_location=level.location, item=level.item).aggregate(s=Sum("quantity"))
        for_lines = OrderLineReservation.objects.filter(location=level.location, line__item=level.item).aggregate(
            s=Sum("quantity")
        )
        assert level.reserved == (on_shipments["s"] or 0) + (for_lines["s"] or 0), level
    reserved = StockLevel.objects.filter(location__kind="warehouse").aggregate(s=Sum("reserved"))["s"]
    on_hand = stock_on_hand(kinds=["warehouse"])
    available = stock_available()
    assert sum(on_hand.values()) - sum(available.values()) == reserved
    moves = StockMove.objects.count()
    assert seed_stock(scale="demo") == ""
    call_command("seed_demo", stdout=StringIO())
    assert StockMove.objects.count() == moves


def test_demo_reuses_factories_created_elsewhere():
    Factory.objects.create(code="FAC-FXN", name="Foxconn Zhengzhou", country="CN", working_days="1111110")
    summary = seed_stock(scale="demo")
    assert "1 factories" in summary
    assert Factory.objects.filter(code="FAC-FXN").count() == 1
    assert Location.objects.get(code="FS-FXN").factory.code == "FAC-FXN"

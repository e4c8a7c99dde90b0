import pytest

from logistics.demo_shipments import seed_shipments
from logistics.models import Shipment, StockMove

pytestmark = pytest.mark.django_db


def test_demo_shipments_cover_every_status_and_trace_their_stock(demo):
    demo = Shipment.objects.filter(reference__startswith="DEMO-")
    assert set(demo.values_list("status", flat=True)) == {
        "created",
        "picked",
        "shipped",
        "in_transit",
        "exception",
        "delivered",
        "received",
    }
    assert set(demo.values_list("kind", flat=True)) == {"inbound", "transfer", "outbound"}
    short = demo.get(reference="DEMO-IN-7").lines.get()
    assert (short.received_quantity, short.discrepancy) == (1480, "short")
    # Every unit of a received shipment is accounted for: into the warehouse or written off from transit.
    moves = StockMove.objects.filter(reference__startswith=demo.get(reference="DEMO-IN-7").number)
    assert sorted(moves.values_list("reason", "qty")) == [("adjustment", 20), ("receipt", 1480), ("transfer", 1500)]
    count = StockMove.objects.count()
    assert seed_shipments(scale="demo") == ""
    assert StockMove.objects.count() == count

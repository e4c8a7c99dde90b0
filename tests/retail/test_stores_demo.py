"""The stores demo step: 50 stores, own stores stocked through traceable shipments and selling for 28 days,
real replenishment suggestions, the POS user; idempotent, and the warehouses' stock is left as it was."""

import pytest
from django.db.models import Sum

from logistics.models import Shipment, StockMove
from retail.demo_stores import POS_LOGIN, seed_stores
from retail.models import PosUser, Store, StoreSellThrough
from retail.selectors import replenishment_plan

pytestmark = pytest.mark.django_db


def test_demo_stores_stock_sales_suggestions_and_idempotent(demo):
    assert "30 own stores, 14 retailer-run stores" in demo
    assert f"  {POS_LOGIN} " in demo  # the POS login is printed with the others
    own = Store.objects.filter(retailer__isnull=True).select_related("location", "replenished_from")
    assert Store.objects.count() == 50 and own.count() == 30
    assert len({store.replenished_from_id for store in own}) == 10
    assert all(store.replenished_from.region == store.location.region for store in own)

    store = own.first()
    transfer = Shipment.objects.get(reference=f"SEED-STORE-{store.location.code}")
    assert (transfer.kind, transfer.status, transfer.from_location) == ("transfer", "received", store.replenished_from)
    line = transfer.lines.select_related("item").first()
    # Traceable: produced at a factory store, shipped in to the warehouse, transferred to the store, sold.
    inbound = Shipment.objects.get(
        kind="inbound", to_location=store.replenished_from, lines__item=line.item, reference__startswith="SEED-STORES-"
    )
    assert inbound.status == "received" and inbound.from_location.kind == "factory_store"
    assert StockMove.objects.filter(reason="production", item=line.item, to_location=inbound.from_location).exists()
    sold = StoreSellThrough.objects.filter(location=store.location, item=line.item)
    issued = StockMove.objects.filter(reason="issue", from_location=store.location, item=line.item)
    assert sold.aggregate(total=Sum("quantity"))["total"] == issued.aggregate(total=Sum("qty"))["total"] > 0
    assert set(sold.values_list("source", flat=True)) == {"pos"}
    assert sold.count() >= 20  # sells most days of the four weeks
    assert transfer.received_at < issued.order_by("moved_at").first().moved_at

    # What passed through the warehouses for the stores leaves their own stock as it was.
    for warehouse_id in {s.replenished_from_id for s in own}:
        came = StockMove.objects.filter(
            to_location_id=warehouse_id,
            reference__in=Shipment.objects.filter(reference__startswith="SEED-STORES-").values("number"),
            reason="receipt",
        ).aggregate(total=Sum("qty"))["total"]
        left = StockMove.objects.filter(
            from_location_id=warehouse_id,
            reference__in=Shipment.objects.filter(reference__startswith="SEED-STORE-ST").values("number"),
        ).aggregate(total=Sum("qty"))["total"]
        assert came == left

    plan = replenishment_plan()
    assert sum(1 for line in plan.lines if line.suggested) >= 10
    assert all(line.suggested % line.item.case_pack == 0 for line in plan.lines)
    assert PosUser.objects.get(user__username=POS_LOGIN).store is None
    assert StoreSellThrough.objects.filter(location__store__retailer__isnull=False).exists()

    counts = (Store.objects.count(), StoreSellThrough.objects.count(), StockMove.objects.count())
    assert seed_stores(scale="demo") == ""
    assert (Store.objects.count(), StoreSellThrough.objects.count(), StockMove.objects.count()) == counts

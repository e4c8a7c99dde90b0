"""The demo's 13 weeks of history (logistics/demo_history.py), read back from the turnover report itself,
on the demo company ``seed_demo`` builds once for all the demo tests (the ``demo`` fixture)."""

from collections import defaultdict
from datetime import time, timedelta
from itertools import pairwise

import pytest
from django.db.models import Q, Sum
from django.utils import timezone

from erp import roles
from erp.models import Item
from erp.weeks import BUSINESS_TZ
from logistics.demo_history import SALES_PREFIX, seed_history
from logistics.demo_stock import OPENED_DAYS_AGO, WAREHOUSES, _quantity, ledger_opened_at
from logistics.models import Shipment, ShipmentLine, StockLevel, StockMove, StockMoveReason
from logistics.selectors import turnover_report
from logistics.selectors.turnover import TREND_WEEKS
from procurement.demo import seed_standard_costs
from procurement.models import BomLine, StandardCost

pytestmark = pytest.mark.django_db

HISTORY_SHIPMENTS = Q(reference__startswith="schedule ")


def _trend() -> list[float | None]:
    return [point.turnover_days for point in turnover_report().trend]


def test_the_weekly_turnover_falls_from_about_30_days_to_about_10(demo):
    assert "inbound shipments" in demo and "online sales over 91 days" in demo
    trend = _trend()
    assert len(trend) == TREND_WEEKS and None not in trend
    assert trend[0] >= 20, trend
    assert trend[-1] <= 14, trend
    steps = [later - earlier for earlier, later in pairwise(trend)]
    assert sum(step < 0 for step in steps) >= len(steps) - 2, trend  # mostly falling
    assert max(steps) < 2, trend  # and no week jumps back up


def test_the_trend_is_valued_at_standard_cost(demo):
    with_bom = set(BomLine.objects.filter(parent__kind=Item.Kind.PRODUCT).values_list("parent_id", flat=True))
    assert with_bom and with_bom <= set(StandardCost.objects.values_list("item_id", flat=True))
    report = turnover_report()
    assert all(point.shipped_value > 0 and point.avg_value > 0 for point in report.trend)
    assert report.overall.value_now > 0


def test_the_history_leaves_every_level_where_the_opening_put_it(demo):
    """Net zero wherever it moves stock, so the steps after it see the levels they would see without it."""
    numbers = list(Shipment.objects.filter(HISTORY_SHIPMENTS).values_list("number", flat=True))
    moves = StockMove.objects.filter(
        Q(reference__startswith=SALES_PREFIX) | Q(reference__in=numbers) | Q(reference__startswith="production ")
    ).values_list("item_id", "qty", "from_location_id", "to_location_id")
    net: dict[tuple[int, int], int] = defaultdict(int)
    for item_id, qty, origin, destination in moves:
        if origin is not None:
            net[(item_id, origin)] -= qty
        if destination is not None:
            net[(item_id, destination)] += qty
    assert len(net) > 80 and {key: value for key, value in net.items() if value} == {}
    # What it worked back from: each product's opening in each warehouse, dated when the ledger opened.
    openings = StockMove.objects.filter(reason=StockMoveReason.OPENING, item__kind=Item.Kind.PRODUCT)
    (opened,) = set(openings.values_list("moved_at", flat=True))
    first_sale = StockMove.objects.filter(reference__startswith=SALES_PREFIX).earliest("moved_at").moved_at
    assert opened == ledger_opened_at(first_sale.astimezone(BUSINESS_TZ).date() + timedelta(days=OPENED_DAYS_AGO))
    assert openings.count() == Item.objects.filter(kind=Item.Kind.PRODUCT).count() * len(WAREHOUSES)
    assert {(sku, code): qty for sku, code, qty in openings.values_list("item__sku", "to_location__code", "qty")} == {
        (sku, code): _quantity(sku, code, 200, 3000, 50)
        for sku, code in openings.values_list("item__sku", "to_location__code")
    }


def test_no_level_was_ever_negative(demo):
    """Replay every move in time order, a moment at a time, as if the ledger had been checking then."""
    level: dict[tuple[int, int], int] = defaultdict(int)
    moves = StockMove.objects.order_by("moved_at", "pk").values_list(
        "item_id", "qty", "from_location_id", "to_location_id", "moved_at"
    )
    negative, moment, touched = [], None, set()
    for item_id, qty, origin, destination, moved_at in moves.iterator(chunk_size=5000):
        if moved_at != moment:
            negative += [(moment, key, level[key]) for key in touched if level[key] < 0]
            moment, touched = moved_at, set()
        if origin is not None:
            level[(item_id, origin)] -= qty
            touched.add((item_id, origin))
        if destination is not None:
            level[(item_id, destination)] += qty
            touched.add((item_id, destination))
    negative += [(moment, key, level[key]) for key in touched if level[key] < 0]
    assert negative == []
    assert {key: value for key, value in level.items() if value} == {
        (item_id, location_id): on_hand
        for item_id, location_id, on_hand in StockLevel.objects.filter(on_hand__gt=0).values_list(
            "item_id", "location_id", "on_hand"
        )
    }


def test_units_are_traceable_from_the_factory_to_the_warehouse_and_out(demo):
    history = Shipment.objects.filter(HISTORY_SHIPMENTS)
    assert history.count() > 100
    assert set(history.values_list("status", "kind", "from_location__kind", "to_location__kind")) == {
        ("received", "inbound", "factory_store", "warehouse")
    }
    assert set(history.values_list("to_location__code", flat=True)) == {code for code, _n, _r in WAREHOUSES}
    assert not history.filter(received_at__gte=timezone.now()).exists()
    shipped = dict(
        ShipmentLine.objects.filter(shipment__in=history).values_list("shipment__number").annotate(Sum("quantity"))
    )
    moved: dict[str, dict[str, int]] = defaultdict(dict)
    for reference, reason, qty in (
        StockMove.objects.filter(reference__in=list(shipped)).values_list("reference", "reason").annotate(Sum("qty"))
    ):
        moved[reference][reason] = qty
    # Every unit that left a factory store went into transit and was received at the warehouse, whole.
    assert dict(moved) == {
        number: {StockMoveReason.TRANSFER: qty, StockMoveReason.RECEIPT: qty} for number, qty in shipped.items()
    }
    built = StockMove.objects.filter(reason=StockMoveReason.PRODUCTION, reference__startswith="production ")
    assert built.aggregate(units=Sum("qty"))["units"] == sum(shipped.values())


def test_online_sales_leave_the_warehouses_once_a_day(demo):
    sales = StockMove.objects.filter(reference__startswith=SALES_PREFIX)
    assert set(sales.values_list("reason", "to_location", "from_location__kind").distinct()) == {
        (StockMoveReason.ISSUE, None, "warehouse")
    }
    batches = {
        (moved_at.astimezone(BUSINESS_TZ), reference)
        for reference, moved_at in sales.values_list("reference", "moved_at").distinct()
    }
    assert {reference for moment, reference in batches} == {f"{SALES_PREFIX}{moment.date()}" for moment, _ in batches}
    # Every evening from the day the ledger opened to the day before the demo was seeded, and that day's so far.
    evenings = sorted(moment for moment, _ in batches if moment.time() == time(21))
    (seeded,) = [moment for moment, _ in batches if moment.time() != time(21)]
    assert len(evenings) == 91 and (evenings[-1].date() - evenings[0].date()).days == 90
    assert seeded.date() == evenings[-1].date() + timedelta(days=1) and seeded < timezone.now()


def test_the_page_shows_the_demo_trend(demo, client, make_user):
    trend = _trend()
    client.force_login(make_user(roles.FINANCE))
    body = client.get("/logistics/turnover/").content.decode()
    assert body.count('class="bar-') == TREND_WEEKS
    assert "target 7 days" in body
    assert f">{trend[0]:.0f}</text>" in body and f">{trend[-1]:.0f}</text>" in body


def test_seeding_again_adds_no_history_and_no_standard_costs(demo):
    counts = (StockMove.objects.count(), Shipment.objects.count(), StandardCost.objects.count())
    assert seed_history(scale="demo") == "" and seed_standard_costs(scale="demo") == ""
    assert (StockMove.objects.count(), Shipment.objects.count(), StandardCost.objects.count()) == counts

"""The demo's 13 weeks of history (logistics/demo_history.py), read back from the turnover report itself.

``seed_demo`` runs once for the module (rolled back after it), with the history step watched so that
the levels just before and just after it can be compared.
"""

from collections import defaultdict
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from erp import roles
from erp.demo import demo_steps
from erp.models import Item
from erp.weeks import BUSINESS_TZ, business_date
from logistics.demo_history import SALES_PREFIX, seed_history
from logistics.demo_stock import WAREHOUSES
from logistics.models import Shipment, ShipmentLine, StockLevel, StockMove, StockMoveReason
from logistics.selectors import turnover_report
from logistics.selectors.turnover import TREND_WEEKS
from procurement.models import BomLine, StandardCost

pytestmark = pytest.mark.django_db


def _levels() -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (i, loc): (on_hand, reserved)
        for i, loc, on_hand, reserved in StockLevel.objects.values_list("item_id", "location_id", "on_hand", "reserved")
        if on_hand or reserved
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    watched = {}

    def watched_history(*, scale: str) -> str:
        watched["before"] = _levels()
        summary = seed_history(scale=scale)
        watched["after"] = _levels()
        return summary

    steps = [watched_history if step is seed_history else step for step in demo_steps()]
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with mock.patch("erp.management.commands.seed_demo.demo_steps", return_value=steps):
            call_command("seed_demo", "--quiet-logins", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), **watched)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def trend(seeded):
    return [point.turnover_days for point in turnover_report().trend]


def test_the_weekly_turnover_falls_from_about_30_days_to_about_10(seeded, trend):
    assert "inbound shipments" in seeded.output and "online sales over 91 days" in seeded.output
    assert len(trend) == TREND_WEEKS and None not in trend
    assert trend[0] >= 20, trend
    assert trend[-1] <= 14, trend
    steps = [later - earlier for earlier, later in pairwise(trend)]
    assert sum(step < 0 for step in steps) >= len(steps) - 2, trend  # mostly falling
    assert max(steps) < 2, trend  # and no week jumps back up


def test_the_trend_is_valued_at_standard_cost(seeded):
    with_bom = set(BomLine.objects.filter(parent__kind=Item.Kind.PRODUCT).values_list("parent_id", flat=True))
    assert with_bom and with_bom <= set(StandardCost.objects.values_list("item_id", flat=True))
    report = turnover_report()
    assert all(point.shipped_value > 0 and point.avg_value > 0 for point in report.trend)
    assert report.overall.value_now > 0


def test_the_history_leaves_every_level_as_it_found_it(seeded):
    assert seeded.before and seeded.after == seeded.before


def test_no_level_was_ever_negative(seeded):
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
        key: on_hand for key, (on_hand, _reserved) in _levels().items() if on_hand
    }


def test_units_are_traceable_from_the_factory_to_the_warehouse_and_out(seeded):
    history = Shipment.objects.filter(reference__startswith="schedule ")
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


def test_online_sales_leave_the_warehouses_once_a_day(seeded):
    sales = StockMove.objects.filter(reference__startswith=SALES_PREFIX)
    assert set(sales.values_list("reason", "to_location", "from_location__kind").distinct()) == {
        (StockMoveReason.ISSUE, None, "warehouse")
    }
    days = set(sales.values_list("reference", "moved_at").distinct())
    assert len(days) == 91
    assert {reference for reference, _ in days} == {
        f"{SALES_PREFIX}{moved_at.astimezone(BUSINESS_TZ).date()}" for _, moved_at in days
    }
    assert max(moved_at for _, moved_at in days).astimezone(BUSINESS_TZ).date() == business_date() - timedelta(days=1)


def test_the_page_shows_the_demo_trend(seeded, trend, client, make_user):
    client.force_login(make_user(roles.FINANCE))
    body = client.get("/logistics/turnover/").content.decode()
    assert body.count('class="bar-') == TREND_WEEKS
    assert "target 7 days" in body
    assert f"{trend[-1]:.0f}" in body


def test_a_second_seed_adds_nothing(seeded):
    counts = (StockMove.objects.count(), Shipment.objects.count(), StandardCost.objects.count())
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    assert "online sales" not in out.getvalue() and "standard costs" not in out.getvalue()
    assert (StockMove.objects.count(), Shipment.objects.count(), StandardCost.objects.count()) == counts

from io import StringIO

import pytest
from django.core.management import call_command

from erp.weeks import IsoWeek
from orders import selectors
from orders.models import ConsumerOrder, DemandSignal, ForecastValue, ForecastVersion, SalesActual

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_planning_data_and_idempotent(demo):
    output = demo
    assert "pre-sale orders" in output and "a current forecast version" in output
    w0 = IsoWeek.current()
    version = ForecastVersion.objects.get(is_current=True)
    assert version.name == "Demo baseline"
    methods = set(ForecastValue.objects.filter(version=version).values_list("item__sku", "method"))
    assert ("TP-X1-128", "signal_adjusted") in methods and ("TP-LITE-64", "moving_average") in methods
    forecast = selectors.forecast_quantities(from_week=w0, weeks=12)
    assert len({week for _item, week in forecast}) == 12
    x1 = SalesActual.objects.filter(item__sku="TP-X1-128").order_by("week")
    quantities = [a.quantity for a in x1]
    assert quantities[0] == max(quantities)  # the launch spike
    assert x1.last().week == (w0 - 1).monday and len(quantities) == 9
    assert SalesActual.objects.filter(item__sku="TP-LITE-64").count() == 12
    search = dict(DemandSignal.objects.filter(item__sku="TP-X1-128", source="search").values_list("week", "value"))
    launch = (w0 - 9).monday
    assert search[(w0 - 10).monday] > search[launch] > search[(w0 - 12).monday]  # heat before the launch
    assert 25 <= ConsumerOrder.objects.filter(channel="presale").count() <= 30
    assert selectors.committed_consumer_demand(from_week=w0 + 1, weeks=4)
    counts = (
        SalesActual.objects.count(),
        DemandSignal.objects.count(),
        ForecastValue.objects.count(),
        ConsumerOrder.objects.count(),
    )
    _seed()
    assert counts == (
        SalesActual.objects.count(),
        DemandSignal.objects.count(),
        ForecastValue.objects.count(),
        ConsumerOrder.objects.count(),
    )

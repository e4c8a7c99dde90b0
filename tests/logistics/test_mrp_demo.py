import pytest
from django.core.management import call_command

from logistics.models import MrpRun
from logistics.selectors.mrp import mrp_latest_run, mrp_shortages
from procurement.models import ComponentProfile

pytestmark = pytest.mark.django_db


def test_the_demo_mrp_run_shows_the_screen_shortage_and_only_it(demo):
    run = mrp_latest_run()
    assert run is not None and run.part_count > 60
    shortages = list(mrp_shortages(run=run))
    assert shortages, "the demo should show at least one late screen"
    screens = set(ComponentProfile.objects.filter(category="screen").values_list("item_id", flat=True))
    assert {order.part.item_id for order in shortages} <= screens
    assert all(order.part.supplier_id for order in shortages)  # each can be expedited with a known supplier
    runs = MrpRun.objects.count()
    call_command("seed_demo", "--quiet-logins")
    assert MrpRun.objects.filter(status=MrpRun.Status.DONE).count() <= runs  # a second seed adds no run

from io import StringIO

import pytest
from django.core.management import call_command

from erp.weeks import IsoWeek
from logistics import selectors
from logistics.models import Factory, FactoryCapacity, FactoryUser, ScheduleDay, ScheduleLine, ScheduleVersion

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_factories_schedule_and_factory_user(demo, api_client):
    output = demo
    assert "2 schedule versions (locked and draft), 1 factory API user" in output
    assert "factory       factory API" in output
    factories = {f.code: f for f in Factory.objects.all()}
    assert factories["FAC-FXN"].name == "Foxconn Zhengzhou" and factories["FAC-LUX"].name == "Luxshare Kunshan"
    assert factories["FAC-FXN"].working_days == "1111110" and factories["FAC-FXN"].country == "CN"
    locked, draft = selectors.schedule_current_locked(), selectors.schedule_draft()
    assert locked.number == 1 and draft.number == 2 and draft.based_on == locked
    start = IsoWeek.current()
    weeks = set(ScheduleLine.objects.filter(version=locked).values_list("week", flat=True))
    assert weeks == {(start + n).monday for n in range(12)}
    assert ScheduleLine.objects.filter(version=locked).values("factory").distinct().count() == 2
    # Four changes from the production demo, two raises of TP-X1-128 from this week's meeting demo.
    changes = selectors.schedule_diff(locked, draft, changed_only=True)
    assert len(changes) == 6
    raised = {c.week for c in changes if c.sku == "TP-X1-128" and c.new > c.old}
    assert {(start + 1).key, (start + 2).key} <= raised
    # Nothing above capacity, and the days add up.
    caps = {(c.factory_id, c.item_id): c.weekly_capacity for c in FactoryCapacity.objects.all()}
    for line in ScheduleLine.objects.all():
        assert line.quantity <= caps[(line.factory_id, line.item_id)]
        assert sum(ScheduleDay.objects.filter(line=line).values_list("quantity", flat=True)) == line.quantity

    link = FactoryUser.objects.select_related("user", "factory").get()
    assert (link.user.username, link.factory.code, link.user.is_staff) == ("factory", "FAC-FXN", False)
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "factory", "password": "tempo-demo-2026"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api_client.get(f"/api/v1/factory/schedule/?week={start.key}").json()
    assert body["factory"] == "FAC-FXN" and {r["factory"] for r in body["results"]} == {"FAC-FXN"}

    counts = (Factory.objects.count(), FactoryCapacity.objects.count(), ScheduleVersion.objects.count())
    again = _seed()
    assert "schedule versions" not in again and "factories" not in again
    assert (Factory.objects.count(), FactoryCapacity.objects.count(), ScheduleVersion.objects.count()) == counts

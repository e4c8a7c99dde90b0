import pytest

from logistics.models import Factory, FactoryCapacity, FactoryUser, ScheduleVersion
from tests.erp.factories import ProductFactory, UserFactory
from tests.logistics.factories_production import WEEK, FactoryCapacityFactory, FactoryFactory, make_locked

pytestmark = pytest.mark.django_db


def test_admin_saves_through_services_and_keeps_the_schedule_read_only(client, admin_user):
    client.force_login(admin_user)
    cap = FactoryCapacityFactory(weekly_capacity=100)
    make_locked([(cap.factory, cap.item, WEEK, 50)], user=admin_user)
    for url in (
        "/admin/logistics/factory/",
        f"/admin/logistics/factory/{cap.factory_id}/change/",
        "/admin/logistics/factorycapacity/",
        "/admin/logistics/scheduleversion/",
        "/admin/logistics/scheduleline/",
        "/admin/logistics/productionactual/",
        "/admin/logistics/factoryuser/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/logistics/factory/add/",
        {
            "code": "FAC-ADM",
            "name": "Admin made",
            "country": "cn",
            "working_days": "1111100",
            "is_active": "on",
            "capacities-TOTAL_FORMS": "0",
            "capacities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Factory.objects.get(code="FAC-ADM").history.first().history_user == admin_user
    phone = ProductFactory()
    bad = client.post(
        "/admin/logistics/factorycapacity/add/", {"factory": cap.factory_id, "item": phone.pk, "weekly_capacity": 0}
    )
    assert bad.status_code == 200 and not FactoryCapacity.objects.filter(item=phone).exists()
    assert client.get(f"/admin/logistics/scheduleversion/{ScheduleVersion.objects.get().pk}/change/").status_code == 200
    assert client.post("/admin/logistics/scheduleversion/add/", {}).status_code == 403
    staff = UserFactory(is_staff=True, roles=["planning"])
    refused = client.post("/admin/logistics/factoryuser/add/", {"user": staff.pk, "factory": FactoryFactory().pk})
    assert refused.status_code == 200 and not FactoryUser.objects.exists()
    plain = UserFactory(is_staff=False)
    assert (
        client.post("/admin/logistics/factoryuser/add/", {"user": plain.pk, "factory": cap.factory_id}).status_code
        == 302
    )
    assert FactoryUser.objects.get().user == plain

import pytest

from logistics.models import Location
from tests.logistics.factories import LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def test_admin_saves_locations_through_the_service_and_ledger_is_read_only(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/logistics/location/add/",
        {"code": "WH-ADM", "name": "Admin WH", "kind": "warehouse", "region": "East", "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    assert Location.objects.get(code="WH-ADM").history.first().history_user == admin_user
    bad = client.post("/admin/logistics/location/add/", {"code": "FS-1", "name": "S", "kind": "factory_store"})
    assert bad.status_code == 200 and b"factory store" in bad.content
    give_stock(location=LocationFactory(code="WH-S"), qty=3)
    assert client.get("/admin/logistics/stocklevel/").status_code == 200
    assert client.get("/admin/logistics/stockmove/").status_code == 200
    assert client.get("/admin/logistics/stockmove/add/").status_code == 403

"""Stores and POS users in the Django admin save through the services; sell-through is read-only there."""

import pytest

from logistics.models import LocationKind
from retail.models import PosUser, Store
from tests.erp.factories import UserFactory
from tests.logistics.factories import LocationFactory
from tests.retail.factories import RetailerFactory, make_store

pytestmark = pytest.mark.django_db


def test_a_store_is_created_and_changed_through_the_services(admin_client, admin_user):
    warehouse = LocationFactory(code="WH-ADM", region="East")
    retailer = RetailerFactory(code="R-ADM-S")
    form = {"code": "st-adm", "name": "Admin store", "region": "East", "is_active": "on", "cover_days": "9"}
    response = admin_client.post("/admin/retail/store/add/", {**form, "retailer": retailer.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    store = Store.objects.select_related("location").get(location__code="ST-ADM")
    assert (store.location.kind, store.retailer, store.cover_days, store.replenished_from) == (
        LocationKind.STORE,
        retailer,
        9,
        warehouse,
    )
    assert store.history.get().history_user == admin_user
    bad = admin_client.post("/admin/retail/store/add/", {**form, "code": "ST-ADM-2", "cover_days": "0"})
    assert bad.status_code == 200 and not Store.objects.filter(location__code="ST-ADM-2").exists()
    duplicate = admin_client.post("/admin/retail/store/add/", form)
    assert duplicate.status_code == 200 and Store.objects.count() == 1
    changed = admin_client.post(
        f"/admin/retail/store/{store.pk}/change/",
        {"name": "Renamed", "region": "North", "is_active": "on", "cover_days": "12"},
    )
    assert changed.status_code == 302, changed.content.decode()[:3000]
    store.refresh_from_db()
    store.location.refresh_from_db()
    assert (store.location.name, store.location.region, store.cover_days, store.retailer) == (
        "Renamed",
        "North",
        12,
        retailer,
    )
    assert admin_client.get("/admin/retail/store/?run_by=own").status_code == 200
    assert admin_client.post(f"/admin/retail/store/{store.pk}/delete/").status_code == 403


def test_pos_users_are_linked_through_the_service(admin_client):
    own = make_store("ST-ADM-POS")
    staff = UserFactory(is_staff=True, roles=["store_ops"])
    refused = admin_client.post("/admin/retail/posuser/add/", {"user": staff.pk, "store": own.pk})
    assert refused.status_code == 200 and not PosUser.objects.exists()
    plain = UserFactory(is_staff=False)
    assert admin_client.post("/admin/retail/posuser/add/", {"user": plain.pk, "store": ""}).status_code == 302
    assert PosUser.objects.get().store is None


def test_sell_through_is_read_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/retail/storesellthrough/").status_code == 200
    assert admin_client.get("/admin/retail/storesellthrough/add/").status_code == 403

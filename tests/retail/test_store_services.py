"""Stores as master data: creating and changing them through the services, their constraints, POS links."""

import pytest
from django.db import IntegrityError, transaction

from erp import roles
from erp.errors import ApplicationError
from logistics.models import Location, LocationKind
from retail import services
from retail.models import PosUser, Retailer, Store
from tests.erp.factories import UserFactory
from tests.logistics.factories import LocationFactory
from tests.retail.factories import RetailerFactory, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouses():
    return {
        "WH-E2": LocationFactory(code="WH-E2", region="East"),
        "WH-E1": LocationFactory(code="WH-E1", region="East"),
        "WH-N1": LocationFactory(code="WH-N1", region="North"),
        "WH-A0": LocationFactory(code="WH-A0", region="South", is_active=False),
    }


def test_a_new_store_is_a_store_location_supplied_by_the_first_warehouse_of_its_region(warehouses, logistics_user):
    store = services.store_create(acting_user=logistics_user, code="st-e-1", name="East one", region="East")
    assert store.location.code == "ST-E-1" and store.location.kind == LocationKind.STORE
    assert store.is_own and store.cover_days == 7
    assert store.replenished_from.code == "WH-E1"
    # A region without a warehouse falls back to the first active warehouse by code (WH-A0 is inactive).
    assert services.store_create(acting_user=None, code="ST-W", name="West", region="West").replenished_from.code == (
        "WH-E1"
    )
    assert store.history.get().history_user == logistics_user
    assert store.get_absolute_url() == "/retail/stores/ST-E-1/"


def test_without_any_warehouse_a_store_has_no_supplier():
    assert make_store("ST-LONE").replenished_from is None


def test_a_retailer_run_store(warehouses):
    retailer = RetailerFactory(code="R-RUN")
    store = make_store("ST-RUN", retailer=retailer, region="North")
    assert not store.is_own and store.retailer == retailer and store.replenished_from.code == "WH-N1"
    assert list(retailer.stores.all()) == [store]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cover_days": 0}, "cover_days"),
        ({"cover_days": 91}, "cover_days"),
        ({"cover_days": "7"}, "cover_days"),
        ({"code": "bad code"}, "code"),
        ({"name": ""}, "name"),
    ],
)
def test_create_refuses_bad_fields_by_name(warehouses, changes, field):
    data = {"acting_user": None, "code": "ST-X", "name": "X", "region": "East", **changes}
    with pytest.raises(ApplicationError) as error:
        services.store_create(**data)
    assert field in error.value.field_errors
    assert not Store.objects.exists() and not Location.objects.filter(kind=LocationKind.STORE).exists()


def test_create_refuses_a_non_warehouse_supplier_a_duplicate_code_and_a_closed_retailer(warehouses):
    other_store = make_store("ST-ONE")
    with pytest.raises(ApplicationError, match="not a warehouse"):
        make_store("ST-TWO", warehouse=other_store.location)
    with pytest.raises(ApplicationError, match="inactive"):
        make_store("ST-TWO", warehouse=warehouses["WH-A0"])
    with pytest.raises(ApplicationError, match="code"):
        make_store("ST-ONE")
    closed = RetailerFactory(status=Retailer.Status.CLOSED)
    with pytest.raises(ApplicationError, match="closed"):
        make_store("ST-TWO", retailer=closed)
    assert Store.objects.count() == 1


def test_update_changes_the_store_and_its_location_with_history(warehouses, logistics_user):
    store = make_store("ST-UPD")
    store = services.store_update(
        acting_user=logistics_user,
        store=store,
        name="Renamed",
        region="North",
        cover_days=10,
        replenished_from=warehouses["WH-N1"],
        reason="moved",
    )
    store.refresh_from_db()
    assert (store.location.name, store.location.region, store.cover_days, store.replenished_from.code) == (
        "Renamed",
        "North",
        10,
        "WH-N1",
    )
    latest = store.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.cover_days) == (logistics_user, "moved", 10)


def test_update_refuses_changing_who_runs_a_store_and_unknown_fields(warehouses):
    own = make_store("ST-OWN")
    with pytest.raises(ApplicationError, match="cannot change") as error:
        services.store_update(acting_user=None, store=own, retailer=RetailerFactory())
    assert "retailer" in error.value.field_errors
    with pytest.raises(ApplicationError, match="code"):
        services.store_update(acting_user=None, store=own, code="ST-NEW")
    with pytest.raises(ApplicationError, match="cover_days"):
        services.store_update(acting_user=None, store=own, cover_days=120)
    own.refresh_from_db()
    assert own.is_own and own.cover_days == 7 and own.location.code == "ST-OWN"
    # Naming the same (no) retailer again is not a change.
    assert services.store_update(acting_user=None, store=own, retailer=None, cover_days=8).cover_days == 8


@pytest.mark.parametrize("cover_days", [0, 91])
def test_the_database_refuses_cover_days_out_of_range(cover_days):
    store = make_store("ST-DB")
    with pytest.raises(IntegrityError), transaction.atomic():
        Store.objects.filter(pk=store.pk).update(cover_days=cover_days)


def test_the_database_refuses_a_store_supplied_by_itself():
    store = make_store("ST-SELF")
    with pytest.raises(IntegrityError), transaction.atomic():
        Store.objects.filter(pk=store.pk).update(replenished_from=store.location)


def test_pos_links_are_for_plain_users_and_own_stores():
    own, retailer_run = make_store("ST-POS"), make_store("ST-RPOS", retailer=RetailerFactory())
    plain = UserFactory(is_staff=False)
    link = services.pos_user_link(acting_user=None, user=plain, store=own)
    assert (link.user, link.store) == (plain, own)
    assert services.pos_user_link(acting_user=None, user=plain, store=None).store is None  # every own store
    with pytest.raises(ApplicationError, match="run by a retailer"):
        services.pos_user_link(acting_user=None, user=UserFactory(is_staff=False), store=retailer_run)
    with pytest.raises(ApplicationError, match="has a role"):
        services.pos_user_link(acting_user=None, user=UserFactory(roles=[roles.STORE_OPS]), store=own)
    assert PosUser.objects.count() == 1

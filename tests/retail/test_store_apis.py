"""Store, sell-through and replenishment APIs: scopes (retailer A never sees B's store; a POS user only
own stores), staff permissions, refusals as 400 naming the row and field, fixed query counts."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from erp import roles
from erp.weeks import business_date
from logistics.models import Shipment, StockLevel
from retail import services
from retail.models import Store, StoreSellThrough
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory
from tests.retail.factories import make_store, retailer_user_for
from tests.retail.store_world import build_store_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_store_world()


@pytest.fixture
def staff(db):
    def client_for(role):
        return token_client(APIClient(), UserFactory(roles=[role]))

    return client_for


@pytest.fixture
def retailer_a(world):
    return token_client(APIClient(), retailer_user_for(world.retailer_a))


@pytest.fixture
def pos(world):
    user = UserFactory(is_staff=False, username="till")
    services.pos_user_link(acting_user=None, user=user, store=None)
    return token_client(APIClient(), user)


def _codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def _yesterday():
    return (business_date() - timedelta(days=1)).isoformat()


# --- stores -----------------------------------------------------------------------------------


def test_staff_list_stores_with_their_figures_and_filters(staff, world):
    client = staff(roles.STORE_OPS)
    body = client.get("/api/v1/stores/").json()
    rows = {row["code"]: row for row in body["results"]}
    assert set(rows) == {"ST-W-FULL", "ST-W-LOW", "ST-W-RA", "ST-W-RB"}
    low = rows["ST-W-LOW"]
    assert (low["own"], low["retailer"], low["replenished_from"], low["cover_days"]) == (True, None, "WH-W1", 7)
    assert (low["units_on_hand"], low["units_in_transit"], low["sold_recently"]) == (2, 0, 28)
    assert rows["ST-W-RA"]["retailer"] == "R-SW-A" and rows["ST-W-RA"]["own"] is False
    assert _codes(client.get("/api/v1/stores/?own=true")) == ["ST-W-FULL", "ST-W-LOW"]
    assert _codes(client.get("/api/v1/stores/?own=false")) == ["ST-W-RA", "ST-W-RB"]
    assert _codes(client.get("/api/v1/stores/?retailer=r-sw-b")) == ["ST-W-RB"]
    assert _codes(client.get("/api/v1/stores/?region=North")) == ["ST-W-FULL"]
    assert _codes(client.get("/api/v1/stores/?q=low")) == ["ST-W-LOW"]
    assert client.get("/api/v1/stores/st-w-low/").json()["name"] == "Low store"
    assert_error_shape(client.get("/api/v1/stores/ST-NOPE/"), 404)


def test_the_store_list_takes_a_fixed_number_of_queries(staff, world, django_assert_num_queries):
    client = staff(roles.LOGISTICS)
    client.get("/api/v1/stores/")
    # token, retailer and POS links (the caller's scope), permissions, count, page
    with django_assert_num_queries(5):
        few = client.get("/api/v1/stores/")
    for n in range(5):
        make_store(f"ST-API-{n}", warehouse=world.warehouse)
    with django_assert_num_queries(5):
        many = client.get("/api/v1/stores/")
    assert many.json()["count"] == few.json()["count"] + 5


def test_logistics_creates_and_changes_stores(staff, world):
    client = staff(roles.LOGISTICS)
    created = client.post("/api/v1/stores/", {"code": "st-api-new", "name": "API store", "region": "East"})
    assert created.status_code == 201, created.content
    assert (created.json()["code"], created.json()["replenished_from"], created.json()["own"]) == (
        "ST-API-NEW",
        "WH-W1",
        True,
    )
    run = client.post("/api/v1/stores/", {"code": "ST-API-RUN", "name": "Run", "retailer": "R-SW-A"})
    assert run.status_code == 201 and run.json()["retailer"] == "R-SW-A"
    changed = client.patch("/api/v1/stores/ST-API-NEW/", {"cover_days": 12, "name": "Renamed"})
    assert changed.status_code == 200 and (changed.json()["cover_days"], changed.json()["name"]) == (12, "Renamed")
    for payload, field in (
        ({"retailer": "R-SW-A"}, "retailer"),
        ({"code": "ST-OTHER"}, "code"),
        ({"cover_days": 91}, "cover_days"),
        ({"replenished_from": "ST-W-LOW"}, "replenished_from"),
        ({"colour": "red"}, "colour"),
    ):
        body = assert_error_shape(client.patch("/api/v1/stores/ST-API-NEW/", payload), 400)
        assert field in body["extra"]["fields"], payload
    store = Store.objects.get(location__code="ST-API-NEW")
    assert (store.is_own, store.cover_days) == (True, 12)
    body = assert_error_shape(client.post("/api/v1/stores/", {"code": "ST-W-LOW", "name": "Again"}), 400)
    assert "code" in body["message"]
    assert_error_shape(staff(roles.STORE_OPS).post("/api/v1/stores/", {"code": "ST-X", "name": "X"}), 403)
    assert_error_shape(staff(roles.PLANNING).patch("/api/v1/stores/ST-W-LOW/", {"cover_days": 3}), 403)


def test_a_retailer_token_sees_only_its_own_stores(retailer_a, world):
    assert _codes(retailer_a.get("/api/v1/stores/")) == ["ST-W-RA"]
    assert retailer_a.get("/api/v1/stores/ST-W-RA/").status_code == 200
    other = assert_error_shape(retailer_a.get("/api/v1/stores/ST-W-RB/"), 404)
    unknown = assert_error_shape(retailer_a.get("/api/v1/stores/ST-NOWHERE/"), 404)
    assert other == unknown
    for code in ("ST-W-RB", "ST-W-LOW"):
        assert_error_shape(
            retailer_a.post(f"/api/v1/stores/{code}/counts/", {"rows": [{"sku": "TP-W-PHONE", "counted": 1}]}), 404
        )
    assert_error_shape(retailer_a.post("/api/v1/stores/", {"code": "ST-MINE", "name": "Mine"}), 403)
    assert_error_shape(retailer_a.patch("/api/v1/stores/ST-W-RA/", {"cover_days": 3}), 403)
    assert not StockLevel.objects.filter(location=world.b_store.location).exists()


def test_store_counts_through_the_api(retailer_a, staff, world):
    response = retailer_a.post(
        "/api/v1/stores/ST-W-RA/counts/",
        {"rows": [{"sku": "tp-w-phone", "counted": 12}, {"sku": "TP-W-CHG", "counted": 0}]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["store"] == "ST-W-RA"
    assert body["lines"] == [
        {"sku": "TP-W-CHG", "counted": 0, "expected": 0, "difference": 0},
        {"sku": "TP-W-PHONE", "counted": 12, "expected": 0, "difference": 12},
    ]
    assert StockLevel.objects.get(location=world.a_store.location, item=world.phone).on_hand == 12
    bad = assert_error_shape(
        retailer_a.post("/api/v1/stores/ST-W-RA/counts/", {"rows": [{"sku": "TP-W-PHONE", "counted": -1}]}), 400
    )
    assert bad["extra"]["row"] == 1 and "counted" in bad["extra"]["fields"]
    unknown = assert_error_shape(
        retailer_a.post("/api/v1/stores/ST-W-RA/counts/", {"rows": [{"sku": "NOPE", "counted": 1}]}), 400
    )
    assert unknown["message"] == "Row 1: unknown product 'NOPE'."
    assert StockLevel.objects.get(location=world.a_store.location, item=world.phone).on_hand == 12
    assert_error_shape(staff(roles.PLANNING).post("/api/v1/stores/ST-W-LOW/counts/", {"rows": []}), 403)
    assert (
        staff(roles.STORE_OPS)
        .post("/api/v1/stores/ST-W-LOW/counts/", {"rows": [{"sku": "TP-W-PHONE", "counted": 4}]})
        .status_code
        == 201
    )


# --- sell-through -------------------------------------------------------------------------------


def test_sell_through_list_filters_and_scopes(staff, retailer_a, world, django_assert_num_queries):
    client = staff(roles.FINANCE)
    body = client.get("/api/v1/store-sell-through/?store=ST-W-LOW&ordering=date").json()
    assert body["count"] == 14
    first = body["results"][0]
    assert (first["store"], first["sku"], first["units_sold"], first["source"]) == (
        "ST-W-LOW",
        "TP-W-PHONE",
        2,
        "staff",
    )
    assert (first["list_price"], first["value"]) == ("2999.00", "5998.00")
    assert client.get("/api/v1/store-sell-through/?source=portal").json()["count"] == 2
    assert client.get("/api/v1/store-sell-through/?own=false&sku=TP-W-PHONE").json()["count"] == 2
    window = f"?date_after={_yesterday()}&date_before={_yesterday()}"
    assert client.get(f"/api/v1/store-sell-through/{window}").json()["count"] == 4
    mine = retailer_a.get("/api/v1/store-sell-through/").json()
    assert [(row["store"], row["units_sold"]) for row in mine["results"]] == [("ST-W-RA", 9)]
    assert retailer_a.get("/api/v1/store-sell-through/?store=ST-W-RB").json()["count"] == 0
    client.get("/api/v1/store-sell-through/")
    # token, retailer and POS links, permissions, count, page
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/store-sell-through/?page_size=5").json()["results"]) == 5
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/store-sell-through/?page_size=40").json()["results"]) == 30


def test_a_retailer_posts_its_stores_sell_through_and_another_store_reads_as_unknown(retailer_a, world):
    row = {"store": "ST-W-RA", "sku": "TP-W-PHONE", "date": _yesterday(), "units_sold": 11}
    response = retailer_a.post("/api/v1/store-sell-through/", {"rows": [row]})
    assert response.status_code == 200, response.content  # the day was reported before: replaced
    assert response.json() == {"created": 0, "updated": 1, "units_issued": 0, "units_returned": 0}
    stored = StoreSellThrough.objects.get(location=world.a_store.location, date=_yesterday())
    assert (stored.quantity, stored.source) == (11, "api")
    other = assert_error_shape(
        retailer_a.post("/api/v1/store-sell-through/", {"rows": [{**row, "store": "ST-W-RB"}]}), 400
    )
    unknown = assert_error_shape(
        retailer_a.post("/api/v1/store-sell-through/", {"rows": [{**row, "store": "ST-NOPE"}]}), 400
    )
    assert other["message"].replace("ST-W-RB", "X") == unknown["message"].replace("ST-NOPE", "X")
    assert other["extra"]["fields"] == {"store": [other["message"].split(": ", 1)[1]]}
    assert StoreSellThrough.objects.get(location=world.b_store.location).quantity == 4


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"sku": "NOPE"}, 400, "sku"),
        ({"units_sold": -2}, 400, "units_sold"),
        ({"units_sold": 2.5}, 400, "rows"),
        ({"units_sold": "many"}, 400, "rows"),
        ({"date": "2999-01-01"}, 400, "date"),
        ({"date": "yesterday"}, 400, "rows"),
        ({"units_sold": 61}, 400, "units_sold"),
        ({"colour": "red"}, 400, "rows"),
    ],
)
def test_bad_sell_through_is_400_naming_the_row_and_writes_nothing(staff, world, change, status, field):
    client = staff(roles.STORE_OPS)
    good = {"store": "ST-W-FULL", "sku": "TP-W-PHONE", "date": _yesterday(), "units_sold": 1}
    before = (
        StoreSellThrough.objects.count(),
        StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand,
    )
    body = assert_error_shape(
        client.post(
            "/api/v1/store-sell-through/",
            {"rows": [good, {**good, "date": (business_date() - timedelta(days=2)).isoformat(), **change}]},
        ),
        status,
    )
    assert field in body["extra"]["fields"], body
    if field != "rows":
        assert body["message"].startswith("Row 2: ") and body["extra"]["row"] == 2
    after = (
        StoreSellThrough.objects.count(),
        StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand,
    )
    assert after == before


def test_a_sale_above_stock_names_store_sku_available_and_asked(staff, world):
    row = {"store": "ST-W-FULL", "sku": "TP-W-PHONE", "date": _yesterday(), "units_sold": 61}
    body = assert_error_shape(staff(roles.STORE_OPS).post("/api/v1/store-sell-through/", {"rows": [row]}), 400)
    extra = body["extra"]
    assert (extra["store"], extra["sku"], extra["available"], extra["asked"], extra["row"]) == (
        "ST-W-FULL",
        "TP-W-PHONE",
        60,
        61,
        1,
    )


def test_a_pos_user_reports_only_own_stores(pos, world):
    assert _codes(pos.get("/api/v1/stores/")) == ["ST-W-FULL", "ST-W-LOW"]
    assert_error_shape(pos.get("/api/v1/stores/ST-W-RA/"), 404)
    row = {"store": "ST-W-FULL", "sku": "TP-W-PHONE", "date": business_date().isoformat(), "units_sold": 5}
    response = pos.post("/api/v1/store-sell-through/", {"rows": [row]})
    assert response.status_code == 201 and response.json()["units_issued"] == 5
    assert StoreSellThrough.objects.get(location=world.full.location, date=business_date()).source == "pos"
    assert StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand == 55
    refused = assert_error_shape(pos.post("/api/v1/store-sell-through/", {"rows": [{**row, "store": "ST-W-RA"}]}), 400)
    assert "unknown store 'ST-W-RA'" in refused["message"]
    assert {r["store"] for r in pos.get("/api/v1/store-sell-through/").json()["results"]} <= {"ST-W-FULL", "ST-W-LOW"}
    assert_error_shape(pos.get("/api/v1/replenishment/"), 403)
    assert_error_shape(pos.post("/api/v1/stores/", {"code": "ST-POS", "name": "x"}), 403)


def test_a_pos_user_of_one_store(world):
    user = UserFactory(is_staff=False, username="till-low")
    services.pos_user_link(acting_user=None, user=user, store=world.low)
    client = token_client(APIClient(), user)
    assert _codes(client.get("/api/v1/stores/")) == ["ST-W-LOW"]
    row = {"store": "ST-W-FULL", "sku": "TP-W-PHONE", "date": business_date().isoformat(), "units_sold": 1}
    assert (
        "unknown store"
        in assert_error_shape(client.post("/api/v1/store-sell-through/", {"rows": [row]}), 400)["message"]
    )


def test_staff_need_their_permissions_for_sell_through(staff, world):
    row = {"store": "ST-W-FULL", "sku": "TP-W-PHONE", "date": _yesterday(), "units_sold": 1}
    assert_error_shape(staff(roles.PLANNING).post("/api/v1/store-sell-through/", {"rows": [row]}), 403)
    assert_error_shape(staff(roles.PROCUREMENT).get("/api/v1/store-sell-through/"), 403)
    assert staff(roles.LOGISTICS).post("/api/v1/store-sell-through/", {"rows": [row]}).json()["created"] == 1


# --- replenishment -------------------------------------------------------------------------------


def test_replenishment_suggestions(staff, world, django_assert_num_queries):
    client = staff(roles.PLANNING)
    body = client.get("/api/v1/replenishment/?only_needed=true").json()
    assert body["count"] == 1 and body["on"] == business_date().isoformat()
    assert body["window"] == {
        "start": (business_date() - timedelta(days=14)).isoformat(),
        "end": _yesterday(),
    }
    [line] = body["results"]
    assert {key: line[key] for key in ("store", "warehouse", "sku", "case_pack", "on_hand", "sold_14_days")} == {
        "store": "ST-W-LOW",
        "warehouse": "WH-W1",
        "sku": "TP-W-PHONE",
        "case_pack": 20,
        "on_hand": 2,
        "sold_14_days": 28,
    }
    assert (line["mean_daily"], line["target"], line["suggested"], line["can_ship"], line["short"]) == (
        "2.00",
        14,
        20,
        20,
        0,
    )
    assert client.get("/api/v1/replenishment/").json()["count"] == 3
    assert client.get("/api/v1/replenishment/?sku=TP-W-CHG").json()["count"] == 1
    assert client.get("/api/v1/replenishment/?region=North").json()["count"] == 2
    client.get("/api/v1/replenishment/")
    # token, user roles, permissions, the plan's 9, the SKU's id
    with django_assert_num_queries(11):
        client.get("/api/v1/replenishment/?sku=TP-W-PHONE")
    for n in range(4):
        make_store(f"ST-API-R{n}", warehouse=world.warehouse)
    with django_assert_num_queries(11):
        client.get("/api/v1/replenishment/?sku=TP-W-PHONE")


def test_accepting_replenishment_through_the_api(staff, retailer_a, world):
    assert_error_shape(staff(roles.PLANNING).post("/api/v1/replenishment/accept/", {"stores": ["ST-W-LOW"]}), 403)
    assert_error_shape(retailer_a.post("/api/v1/replenishment/accept/", {"stores": ["ST-W-RA"]}), 403)
    client = staff(roles.LOGISTICS)
    unknown = assert_error_shape(client.post("/api/v1/replenishment/accept/", {"stores": ["ST-NOPE"]}), 400)
    assert "stores" in unknown["extra"]["fields"]
    retailer_run = assert_error_shape(client.post("/api/v1/replenishment/accept/", {"stores": ["ST-W-RA"]}), 400)
    assert "run by a retailer" in retailer_run["message"]
    assert not Shipment.objects.exists()
    none_of_those = client.post("/api/v1/replenishment/accept/", {"stores": ["ST-W-LOW"], "skus": ["TP-W-CHG"]})
    assert none_of_those.status_code == 200 and none_of_those.json()["shipments"] == []
    response = client.post("/api/v1/replenishment/accept/", {"stores": ["st-w-low", "ST-W-FULL"]})
    assert response.status_code == 201, response.content
    [shipment] = response.json()["shipments"]
    assert (shipment["store"], shipment["from_location"], shipment["lines"]) == (
        "ST-W-LOW",
        "WH-W1",
        [{"sku": "TP-W-PHONE", "quantity": 20}],
    )
    assert response.json()["units"] == 20 and response.json()["short"] == []
    again = client.post("/api/v1/replenishment/accept/", {"stores": ["ST-W-LOW"]})
    assert again.status_code == 200 and again.json()["shipments"] == [] and Shipment.objects.count() == 1

import pytest

from logistics import services
from logistics.models import Location, StockCount, StockLevel, StockMove
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, ProductFactory
from tests.logistics.factories import FactoryFactory, FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def test_stock_levels_list_with_filters_and_constant_queries(api_client, planning_user, django_assert_num_queries):
    client = token_client(api_client, planning_user)
    wh = LocationFactory(code="WH-A", region="South")
    for _ in range(3):
        give_stock(ProductFactory(), wh, 10)
    give_stock(ItemFactory(), FactoryStoreFactory(code="FS-A"), 5)
    with django_assert_num_queries(3):  # token with permissions, count, page
        response = client.get("/api/v1/stock-levels/")
    assert response.status_code == 200 and response.json()["count"] == 4
    for _ in range(5):
        give_stock(ProductFactory(), wh, 1)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/stock-levels/?kind=warehouse&region=south&ordering=-on_hand")
    rows = response.json()["results"]
    assert len(rows) == 8 and rows[0]["on_hand"] == 10 and rows[0]["location"] == "WH-A"
    assert set(rows[0]) >= {"sku", "location", "location_kind", "on_hand", "reserved", "available"}
    assert client.get("/api/v1/stock-levels/?location=fs-a").json()["count"] == 1
    assert client.post("/api/v1/stock-levels/", {}).status_code == 403


def test_post_a_move_and_refusals(api_client, logistics_user):
    client = token_client(api_client, logistics_user)
    item = ItemFactory(sku="CP-SCREEN")
    LocationFactory(code="WH-A")
    response = client.post(
        "/api/v1/stock-moves/", {"sku": "cp-screen", "qty": 30, "to_location": "WH-A", "reason": "receipt"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["to_location"] == "WH-A" and response.json()["created_by"] == logistics_user.username
    body = assert_error_shape(
        client.post(
            "/api/v1/stock-moves/", {"sku": "CP-SCREEN", "qty": 31, "from_location": "WH-A", "reason": "issue"}
        ),
        400,
    )
    assert body["message"] == "Not enough CP-SCREEN at WH-A: 30 available, 31 asked."
    assert body["extra"]["available"] == 30 and body["extra"]["asked"] == 31
    for bad, field in [
        ({"sku": "NOPE", "qty": 1, "to_location": "WH-A", "reason": "receipt"}, "sku"),
        ({"sku": "CP-SCREEN", "qty": 0, "to_location": "WH-A", "reason": "receipt"}, "qty"),
        ({"sku": "CP-SCREEN", "qty": -5, "to_location": "WH-A", "reason": "receipt"}, "qty"),
        ({"sku": "CP-SCREEN", "qty": 1, "to_location": "WH-X", "reason": "receipt"}, "to_location"),
        ({"sku": "CP-SCREEN", "qty": 1, "reason": "receipt"}, "to_location"),
        ({"sku": "CP-SCREEN", "qty": 1, "to_location": "WH-A", "reason": "gift"}, "reason"),
        ({"sku": "CP-SCREEN", "qty": 1, "to_location": "WH-A", "reason": "receipt", "colour": "red"}, None),
        ({"sku": "CP-SCREEN", "qty": "many", "to_location": "WH-A", "reason": "receipt"}, "qty"),
    ]:
        body = assert_error_shape(client.post("/api/v1/stock-moves/", bad), 400)
        if field:
            assert field in body["extra"]["fields"], (bad, body)
    assert StockMove.objects.count() == 1 and StockLevel.objects.get(item=item).on_hand == 30


def test_moves_list_filters_and_queries(api_client, planning_user, django_assert_num_queries):
    client = token_client(api_client, planning_user)
    item, wh = give_stock(qty=10)
    other = LocationFactory()
    for _ in range(4):
        services.stock_move_post(
            acting_user=None, item=item, qty=1, from_location=wh, to_location=other, reason="transfer"
        )
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/stock-moves/?location={other.code}")
    assert response.json()["count"] == 4
    assert client.get("/api/v1/stock-moves/?reason=opening").json()["count"] == 1
    # read-only roles cannot post
    assert (
        client.post(
            "/api/v1/stock-moves/", {"sku": item.sku, "qty": 1, "to_location": wh.code, "reason": "receipt"}
        ).status_code
        == 403
    )


def test_locations_by_code_create_and_update(api_client, logistics_user, planning_user):
    client = token_client(api_client, logistics_user)
    FactoryFactory(code="FAC-A")
    response = client.post(
        "/api/v1/locations/", {"code": "wh-new", "name": "New", "kind": "warehouse", "region": "East"}
    )
    assert response.status_code == 201 and response.json()["code"] == "WH-NEW"
    assert client.get("/api/v1/locations/WH-NEW/").json()["region"] == "East"
    body = assert_error_shape(
        client.post("/api/v1/locations/", {"code": "FS-1", "name": "S", "kind": "factory_store"}), 400
    )
    assert "factory store" in body["message"]
    assert (
        client.post(
            "/api/v1/locations/", {"code": "FS-1", "name": "S", "kind": "factory_store", "factory": "FAC-A"}
        ).status_code
        == 201
    )
    assert_error_shape(client.post("/api/v1/locations/", {"code": "WH-NEW", "name": "Again", "kind": "warehouse"}), 400)
    assert client.patch("/api/v1/locations/WH-NEW/", {"name": "Renamed"}).json()["name"] == "Renamed"
    give_stock(location=Location.objects.get(code="WH-NEW"), qty=1)
    assert_error_shape(client.patch("/api/v1/locations/WH-NEW/", {"kind": "store"}), 400)
    reader = token_client(api_client, planning_user)
    assert reader.get("/api/v1/locations/?kind=warehouse").json()["count"] == 1
    assert reader.patch("/api/v1/locations/WH-NEW/", {"name": "x"}).status_code == 403
    assert reader.get("/api/v1/locations/NOPE/").status_code == 404


def test_stock_counts_create_and_post(api_client, logistics_user, planning_user):
    client = token_client(api_client, logistics_user)
    item, wh = give_stock(ItemFactory(sku="CP-A"), LocationFactory(code="WH-A"), 10)
    response = client.post("/api/v1/stock-counts/", {"location": "WH-A", "lines": [{"sku": "CP-A", "counted": 8}]})
    assert response.status_code == 201, response.content
    count_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert token_client(api_client, planning_user).post(f"/api/v1/stock-counts/{count_id}/post/").status_code == 403
    client = token_client(api_client, logistics_user)
    response = client.post(f"/api/v1/stock-counts/{count_id}/post/")
    assert response.status_code == 200 and response.json()["status"] == "posted"
    assert response.json()["lines"] == [{"sku": "CP-A", "counted": 8, "expected": 10}]
    assert StockLevel.objects.get(item=item, location=wh).on_hand == 8
    assert_error_shape(client.post(f"/api/v1/stock-counts/{count_id}/post/"), 400)
    for bad in [
        {"location": "WH-A", "lines": [{"sku": "CP-A", "counted": -1}]},
        {"location": "WH-A", "lines": []},
        {"location": "WH-Z", "lines": [{"sku": "CP-A", "counted": 1}]},
        {"location": "WH-A", "lines": [{"sku": "CP-ZZ", "counted": 1}]},
        {"location": "WH-A", "lines": [{"sku": "CP-A", "counted": 1}, {"sku": "cp-a", "counted": 2}]},
    ]:
        assert_error_shape(client.post("/api/v1/stock-counts/", bad), 400)
    assert StockCount.objects.count() == 1


def test_anonymous_is_refused(api_client):
    assert api_client.get("/api/v1/stock-levels/").status_code == 401


def test_post_on_the_count_detail_url_is_not_a_way_around_the_post_permission(api_client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user("planning")
    user.user_permissions.add(Permission.objects.get(codename="add_stockcount"))
    item, wh = give_stock(qty=5)
    count = services.stock_count_create(acting_user=None, location=wh, lines=[(item, 1)])
    client = token_client(api_client, user)
    assert client.post(f"/api/v1/stock-counts/{count.pk}/").status_code == 405
    assert client.post(f"/api/v1/stock-counts/{count.pk}/post/").status_code == 403
    count.refresh_from_db()
    assert count.status == "draft"

import pytest

from procurement.models import ComponentProfile, Supplier, SupplierStatusChange
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import ComponentProfileFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_auth_and_permissions(api_client, sales_user, retailer_user):
    assert_error_shape(api_client.get("/api/v1/suppliers/"), 401)
    SupplierFactory(code="SUP-A")
    sales = token_client(api_client, sales_user)
    assert sales.get("/api/v1/suppliers/").status_code == 200
    assert_error_shape(sales.post("/api/v1/suppliers/", {"code": "X", "name": "X", "country": "CN"}), 403)
    assert_error_shape(sales.patch("/api/v1/suppliers/SUP-A/", {"name": "Y"}), 403)
    assert_error_shape(sales.post("/api/v1/suppliers/SUP-A/status/", {"status": "on_hold", "reason": "x"}), 403)
    assert_error_shape(sales.get("/api/v1/component-profiles/"), 403)
    api_client.credentials()
    assert_error_shape(token_client(api_client, retailer_user).get("/api/v1/suppliers/"), 403)


def test_list_filters_search_and_ordering(api_client, procurement_user):
    SupplierFactory(code="SUP-CN", name="Shenzhen Screws")
    SupplierFactory(code="SUP-JP", name="Kyoto Optics", country="JP", currency_id="JPY")
    SupplierFactory(code="SUP-BAD", name="Bad cells", status="blocked", status_reason="swelling")
    client = token_client(api_client, procurement_user)

    def codes(query=""):
        return [row["code"] for row in client.get(f"/api/v1/suppliers/{query}").json()["results"]]

    assert codes() == ["SUP-BAD", "SUP-CN", "SUP-JP"]
    assert codes("?status=blocked") == ["SUP-BAD"]
    assert codes("?country=jp") == ["SUP-JP"]
    assert codes("?currency=jpy") == ["SUP-JP"]
    assert codes("?search=screw") == ["SUP-CN"]
    assert codes("?q=optics") == ["SUP-JP"]
    assert codes("?ordering=-code")[0] == "SUP-JP"
    row = client.get("/api/v1/suppliers/?status=blocked").json()["results"][0]
    assert (row["currency"], row["status_reason"]) == ("CNY", "swelling")
    assert "status" in assert_error_shape(client.get("/api/v1/suppliers/?status=gone"), 400)["extra"]["fields"]


def test_list_query_count_does_not_grow_with_rows(api_client, procurement_user, django_assert_num_queries):
    SupplierFactory.create_batch(30)
    client = token_client(api_client, procurement_user)
    # token (user joined), permissions, count, page (currency joined)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/suppliers/?page_size=25")
    assert len(response.json()["results"]) == 25


def test_lookup_by_code_is_case_insensitive(api_client, procurement_user):
    SupplierFactory(code="SUP-SCREW-X", name="Screws")
    client = token_client(api_client, procurement_user)
    assert client.get("/api/v1/suppliers/SUP-SCREW-X/").json()["name"] == "Screws"
    assert client.get("/api/v1/suppliers/sup-screw-x/").json()["code"] == "SUP-SCREW-X"
    assert_error_shape(client.get("/api/v1/suppliers/NOPE/"), 404)


def test_create_and_partial_update(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    response = client.post(
        "/api/v1/suppliers/",
        {"code": "sup-new", "name": "New", "country": "TW", "currency": "twd", "payment_terms": "net30"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["code"], response.json()["currency"], response.json()["status"]) == (
        "SUP-NEW",
        "TWD",
        "active",
    )
    response = client.patch("/api/v1/suppliers/sup-new/", {"name": "Renamed", "currency": "USD"})
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert Supplier.objects.get().currency_id == "USD"
    body = assert_error_shape(client.patch("/api/v1/suppliers/SUP-NEW/", {"code": "SUP-OTHER"}), 400)
    assert "code" in body["extra"]["fields"]
    body = assert_error_shape(client.patch("/api/v1/suppliers/SUP-NEW/", {"status": "blocked"}), 400)
    assert "status" in body["extra"]["fields"]
    body = assert_error_shape(
        client.post("/api/v1/suppliers/", {"code": "SUP-X", "name": "X", "country": "CN", "currency": "XXX"}), 400
    )
    assert "currency" in body["extra"]["fields"]
    body = assert_error_shape(client.post("/api/v1/suppliers/", {"code": "sup-new", "name": "X", "country": "CN"}), 400)
    assert "code" in body["extra"]["fields"]


def test_status_endpoint(api_client, procurement_user, planning_user):
    SupplierFactory(code="SUP-B")
    client = token_client(api_client, procurement_user)
    body = assert_error_shape(client.post("/api/v1/suppliers/SUP-B/status/", {"status": "blocked"}), 400)
    assert "reason" in body["extra"]["fields"]
    response = client.post("/api/v1/suppliers/sup-b/status/", {"status": "blocked", "reason": "Swelling"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_reason"]) == ("blocked", "Swelling")
    assert SupplierStatusChange.objects.get().changed_by == procurement_user
    assert_error_shape(client.post("/api/v1/suppliers/NOPE/status/", {"status": "blocked", "reason": "x"}), 404)


def test_component_profiles_upsert_by_sku(api_client, procurement_user):
    ItemFactory(sku="CP-SCREW")
    ProductFactory(sku="TP-PHONE")
    ComponentProfileFactory(item=ItemFactory(sku="AS-MB"), category="pcb")
    client = token_client(api_client, procurement_user)
    response = client.post("/api/v1/component-profiles/", {"sku": "cp-screw", "category": "screw"})
    assert response.status_code == 201, response.content
    response = client.post(
        "/api/v1/component-profiles/", {"sku": "CP-SCREW", "category": "screw", "default_lead_time_days": 21}
    )
    assert response.json()["default_lead_time_days"] == 21
    assert ComponentProfile.objects.count() == 2
    assert client.get("/api/v1/component-profiles/cp-screw/").json()["category"] == "screw"
    assert [r["sku"] for r in client.get("/api/v1/component-profiles/?category=pcb").json()["results"]] == ["AS-MB"]
    body = assert_error_shape(client.post("/api/v1/component-profiles/", {"sku": "TP-PHONE", "category": "other"}), 400)
    assert "sku" in body["extra"]["fields"]
    body = assert_error_shape(client.post("/api/v1/component-profiles/", {"sku": "NOPE", "category": "other"}), 400)
    assert "sku" in body["extra"]["fields"]
    assert_error_shape(client.get("/api/v1/component-profiles/NOPE/"), 404)

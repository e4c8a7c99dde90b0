from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from knox.models import AuthToken

from erp.models import FxRate, Item, Price
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import PASSWORD, FxRateFactory, ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


# --- auth -----------------------------------------------------------------------------


def test_anonymous_requests_get_401_with_the_error_shape(api_client):
    response = api_client.get("/api/v1/items/")
    assert_error_shape(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_token_issue_use_and_revoke(api_client, procurement_user):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": procurement_user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["expiry"]
    stored = AuthToken.objects.get(user=procurement_user)
    assert token not in (stored.digest, stored.token_key)  # only a hash and a lookup prefix are kept

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/items/").status_code == 200
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert api_client.get("/api/v1/items/").status_code == 401
    assert not AuthToken.objects.exists()


def test_wrong_credentials_are_a_400_naming_the_problem(api_client, procurement_user):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": procurement_user.username, "password": "wrong"}, format="json"
    )
    body = assert_error_shape(response, 400)
    assert "Unable to log in" in body["message"]
    missing = api_client.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert "password" in assert_error_shape(missing, 400)["extra"]["fields"]
    assert not AuthToken.objects.exists()


def test_a_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error_shape(api_client.get("/api/v1/items/"), 401)


def test_missing_permission_is_403(api_client, logistics_user):
    client = token_client(api_client, logistics_user)
    assert client.get("/api/v1/items/").status_code == 200
    assert_error_shape(client.post("/api/v1/items/", {"sku": "X", "name": "X", "kind": "component"}), 403)
    assert_error_shape(client.get("/api/v1/fx-rates/"), 403)


def test_retailer_users_cannot_read_staff_resources(api_client, retailer_user):
    assert_error_shape(token_client(api_client, retailer_user).get("/api/v1/items/"), 403)


def test_session_auth_works_for_the_browser(client, procurement_user):
    client.force_login(procurement_user)
    assert client.get("/api/v1/items/").status_code == 200


# --- items ----------------------------------------------------------------------------


def test_items_list_filters_searches_and_paginates(api_client, procurement_user):
    ProductFactory(sku="TP-PHONE", name="Phone")
    ItemFactory(sku="CP-SCREW", name="Screw M2")
    ItemFactory(sku="CP-GLUE", name="Glue", lifecycle_status="obsolete")
    client = token_client(api_client, procurement_user)

    body = client.get("/api/v1/items/").json()
    assert body["count"] == 3
    assert [row["sku"] for row in body["results"]] == ["CP-GLUE", "CP-SCREW", "TP-PHONE"]
    assert [r["sku"] for r in client.get("/api/v1/items/?kind=product").json()["results"]] == ["TP-PHONE"]
    assert [r["sku"] for r in client.get("/api/v1/items/?search=screw").json()["results"]] == ["CP-SCREW"]
    assert [r["sku"] for r in client.get("/api/v1/items/?lifecycle_status=obsolete").json()["results"]] == ["CP-GLUE"]
    assert client.get("/api/v1/items/?ordering=-sku").json()["results"][0]["sku"] == "TP-PHONE"
    page = client.get("/api/v1/items/?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["previous"]
    bad = client.get("/api/v1/items/?kind=service")
    assert "kind" in assert_error_shape(bad, 400)["extra"]["fields"]


def test_items_list_query_count_does_not_grow_with_rows(api_client, procurement_user, django_assert_num_queries):
    ItemFactory.create_batch(30)
    client = token_client(api_client, procurement_user)
    # token (user joined), permissions, count, page
    with django_assert_num_queries(3):
        response = client.get("/api/v1/items/?page_size=25")
    assert len(response.json()["results"]) == 25


def test_item_lookup_by_sku(api_client, procurement_user):
    ItemFactory(sku="CP-SCREW", name="Screw")
    client = token_client(api_client, procurement_user)
    assert client.get("/api/v1/items/CP-SCREW/").json()["name"] == "Screw"
    assert client.get("/api/v1/items/cp-screw/").json()["sku"] == "CP-SCREW"
    assert_error_shape(client.get("/api/v1/items/NOPE/"), 404)


def test_item_create_and_partial_update(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    response = client.post(
        "/api/v1/items/", {"sku": "cp-new", "name": "New part", "kind": "component", "batch_multiple": 100}
    )
    assert response.status_code == 201, response.content
    assert response.json()["sku"] == "CP-NEW"
    assert response.json()["case_pack"] == 1
    response = client.patch("/api/v1/items/CP-NEW/", {"name": "Renamed", "case_pack": 100})
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert response.json()["case_pack"] == 100
    assert Item.objects.get(sku="CP-NEW").history.latest().history_user == procurement_user


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "No sku", "kind": "component"}, "sku"),
        ({"sku": "CP-X", "name": "X", "kind": "service"}, "kind"),
        ({"sku": "CP-X", "name": "X", "kind": "component", "batch_multiple": 0}, "batch_multiple"),
        ({"sku": "CP-X", "name": "X", "kind": "component", "batch_multiple": "many"}, "batch_multiple"),
        ({"sku": "CP-X", "name": "X", "kind": "component", "case_pack": 0}, "case_pack"),
        ({"sku": "CP-X", "name": "X", "kind": "component", "case_pack": 2.5}, "case_pack"),
        ({"sku": "BAD SKU", "name": "X", "kind": "component"}, "sku"),
    ],
)
def test_item_create_bad_input_is_400_naming_the_field(api_client, procurement_user, payload, field):
    response = token_client(api_client, procurement_user).post("/api/v1/items/", payload)
    body = assert_error_shape(response, 400)
    assert field in body["extra"]["fields"]
    assert field in body["message"]
    assert not Item.objects.exists()


def test_malformed_json_is_400(api_client, procurement_user):
    response = token_client(api_client, procurement_user).post(
        "/api/v1/items/", data='{"sku": "CP-X", ', content_type="application/json"
    )
    assert "Malformed" in assert_error_shape(response, 400)["message"]
    assert not Item.objects.exists()


def test_duplicate_sku_is_400(api_client, procurement_user):
    ItemFactory(sku="CP-DUP")
    response = token_client(api_client, procurement_user).post(
        "/api/v1/items/", {"sku": "CP-DUP", "name": "X", "kind": "component"}
    )
    assert "sku" in assert_error_shape(response, 400)["extra"]["fields"]


def test_unknown_api_path_is_json_404(api_client, procurement_user):
    assert_error_shape(token_client(api_client, procurement_user).get("/api/v1/nothing-here/"), 404)


# --- prices ---------------------------------------------------------------------------


def test_price_create_by_sku_and_overlap_refused(api_client, sales_user):
    ProductFactory(sku="TP-X1")
    client = token_client(api_client, sales_user)
    payload = {"sku": "tp-x1", "list_price": "2999.00", "retailer_price": "2699.00", "valid_from": "2026-01-01"}
    response = client.post("/api/v1/prices/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["list_price"] == "2999.00"
    assert response.json()["valid_to"] is None

    overlap = client.post("/api/v1/prices/", {**payload, "valid_from": "2026-06-01"})
    body = assert_error_shape(overlap, 400)
    assert "overlaps" in body["message"] and "valid_from" in body["extra"]["fields"]
    assert Price.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"list_price": "-5"}, "list_price"),
        ({"retailer_price": "abc"}, "retailer_price"),
        ({"valid_from": "2026-13-01"}, "valid_from"),
        ({"sku": "NOPE"}, "sku"),
    ],
)
def test_price_bad_input(api_client, sales_user, change, field):
    ProductFactory(sku="TP-X1")
    payload = {"sku": "TP-X1", "list_price": "2999.00", "retailer_price": "2699.00", "valid_from": "2026-01-01"}
    response = token_client(api_client, sales_user).post("/api/v1/prices/", {**payload, **change})
    assert field in assert_error_shape(response, 400)["extra"]["fields"]
    assert not Price.objects.exists()


def test_price_filters_and_patch(api_client, sales_user):
    first = PriceFactory(item=ProductFactory(sku="TP-A"), valid_from=date(2026, 1, 1), valid_to=date(2026, 5, 31))
    PriceFactory(item=first.item, valid_from=date(2026, 6, 1), list_price=Decimal("2500"), retailer_price="2200")
    PriceFactory(item=ProductFactory(sku="TP-B"))
    client = token_client(api_client, sales_user)
    in_force = client.get("/api/v1/prices/?sku=TP-A&on=2026-07-01").json()["results"]
    assert [(r["sku"], r["list_price"]) for r in in_force] == [("TP-A", "2500.00")]
    assert client.get("/api/v1/prices/?on=2025-01-01").json()["count"] == 0
    response = client.patch(f"/api/v1/prices/{first.pk}/", {"valid_to": "2026-06-15"})
    assert "overlaps" in assert_error_shape(response, 400)["message"]
    assert client.patch(f"/api/v1/prices/{first.pk}/", {"note": "launch"}).json()["note"] == "launch"


def test_prices_list_query_count(api_client, sales_user, django_assert_num_queries):
    for _ in range(10):
        PriceFactory()
    client = token_client(api_client, sales_user)
    with django_assert_num_queries(3):
        assert client.get("/api/v1/prices/").json()["count"] == 10


# --- FX -------------------------------------------------------------------------------


def test_fx_rates_post_replaces_the_days_rate_and_filters(api_client, finance_user):
    client = token_client(api_client, finance_user)
    payload = {"currency": "usd", "date": "2026-11-02", "rate": "7.1"}
    assert client.post("/api/v1/fx-rates/", payload).status_code == 201
    assert client.post("/api/v1/fx-rates/", {**payload, "rate": "7.2"}).status_code == 201
    assert FxRate.objects.get().rate == Decimal("7.2")
    FxRateFactory(currency_id="EUR", date=date(2026, 11, 2), rate=Decimal("7.7"))
    rows = client.get("/api/v1/fx-rates/?currency=USD&date_after=2026-11-01").json()["results"]
    assert [(r["currency"], r["rate"]) for r in rows] == [("USD", "7.20000000")]
    assert (
        "currency"
        in assert_error_shape(client.post("/api/v1/fx-rates/", {**payload, "currency": "XXX"}), 400)["extra"]["fields"]
    )
    assert (
        "rate" in assert_error_shape(client.post("/api/v1/fx-rates/", {**payload, "rate": "0"}), 400)["extra"]["fields"]
    )


def test_currencies_listed(api_client, finance_user):
    codes = [c["code"] for c in token_client(api_client, finance_user).get("/api/v1/currencies/").json()]
    assert {"CNY", "USD", "EUR"} <= set(codes)


# --- schema and docs ------------------------------------------------------------------


def test_schema_lists_the_first_resources(client, procurement_user):
    client.force_login(procurement_user)
    schema = client.get("/api/schema/?format=json").json()
    expected = ["/api/v1/items/", "/api/v1/items/{sku}/", "/api/v1/prices/", "/api/v1/fx-rates/", "/api/v1/auth/token/"]
    for path in expected:
        assert path in schema["paths"], path


def test_schema_documents_the_error_shape_on_every_operation(client, procurement_user):
    client.force_login(procurement_user)
    schema = client.get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["message", "extra"]
    ref = {"$ref": "#/components/schemas/Error"}
    operations = [op for path in schema["paths"].values() for method, op in path.items() if method != "parameters"]
    assert len(operations) > 100
    for operation in operations:
        for status in ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429"):
            assert operation["responses"][status]["content"]["application/json"]["schema"] == ref
    # A view's own words for a status are kept; only the body is added.
    login = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["400"]
    assert login["description"] == "Wrong username or password."


def test_docs_page_uses_local_assets_only(client, procurement_user):
    client.force_login(procurement_user)
    html = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html

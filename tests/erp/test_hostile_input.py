"""Malformed and hostile input: always a clear 4xx naming the problem, never a 500, nothing written."""

from datetime import date
from decimal import Decimal

import pytest

from erp.models import FxRate, Item, Price
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import FxRateFactory, ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_is_a_400(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    for body in ("[" * 5000, '{"a":' * 3000):
        response = client.post("/api/v1/items/", data=body, content_type="application/json")
        assert "nested too deeply" in assert_error_shape(response, 400)["message"]


def test_a_token_header_that_is_not_text_is_a_401(api_client):
    response = api_client.get("/api/v1/items/", HTTP_AUTHORIZATION=b"Token \x00\xff".decode("latin-1"))
    assert_error_shape(response, 401)


def test_too_many_search_words_is_a_400(api_client, procurement_user):
    response = token_client(api_client, procurement_user).get("/api/v1/items/?search=" + "+".join(["a"] * 1200))
    assert "search" in assert_error_shape(response, 400)["extra"]["fields"]


def test_oversized_body_is_a_json_400(api_client, procurement_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = token_client(api_client, procurement_user).post(
        "/api/v1/items/", {"sku": "CP-BIG", "name": "Big", "kind": "component", "description": "x" * 5000}
    )
    assert "too large" in assert_error_shape(response, 400)["message"]
    assert not Item.objects.exists()


def test_unknown_and_read_only_fields_are_refused_and_nothing_is_written(api_client, procurement_user, sales_user):
    item = ItemFactory(sku="CP-KEEP", name="Keep")
    client = token_client(api_client, procurement_user)
    assert "bogus" in assert_error_shape(client.patch("/api/v1/items/CP-KEEP/", {"bogus": 1}), 400)["extra"]["fields"]
    assert (
        "cannot be changed"
        in assert_error_shape(client.patch("/api/v1/items/CP-KEEP/", {"sku": "CP-OTHER"}), 400)["message"]
    )
    assert item.history.count() == 1  # only its creation

    price = PriceFactory()
    client = token_client(api_client, sales_user)
    assert (
        "sku"
        in assert_error_shape(client.patch(f"/api/v1/prices/{price.pk}/", {"sku": "TP-OTHER"}), 400)["extra"]["fields"]
    )


def test_an_empty_or_unchanged_patch_writes_no_history(api_client, procurement_user):
    item = ItemFactory(sku="CP-SAME", name="Same")
    client = token_client(api_client, procurement_user)
    assert client.patch("/api/v1/items/CP-SAME/", {}).status_code == 200
    assert client.patch("/api/v1/items/CP-SAME/", {"name": "Same"}).status_code == 200
    assert item.history.count() == 1  # only its creation
    assert client.patch("/api/v1/items/CP-SAME/", {"name": "Changed"}).status_code == 200
    assert item.history.count() == 2


@pytest.mark.parametrize("rate", ["9999999999.99999999", "1000000.00000001", "NaN", "Infinity", "1e30"])
def test_fx_rates_beyond_what_the_database_keeps_exactly_are_refused(api_client, finance_user, rate):
    response = token_client(api_client, finance_user).post(
        "/api/v1/fx-rates/", {"currency": "USD", "date": "2031-01-01", "rate": rate}
    )
    assert "rate" in assert_error_shape(response, 400)["extra"]["fields"]
    assert not FxRate.objects.exists()


def test_the_largest_allowed_rate_round_trips(api_client, finance_user):
    client = token_client(api_client, finance_user)
    assert (
        client.post(
            "/api/v1/fx-rates/", {"currency": "KRW", "date": "2031-01-01", "rate": "999999.99999999"}
        ).status_code
        == 201
    )
    assert client.get("/api/v1/fx-rates/?currency=KRW").json()["results"][0]["rate"] == "999999.99999999"


def test_invisible_characters_and_non_ascii_skus_are_refused(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    bell = assert_error_shape(
        client.post("/api/v1/items/", {"sku": "CP-X", "name": "\u202e\u0007bell", "kind": "component"}), 400
    )
    assert "name" in bell["extra"]["fields"]
    dotless = assert_error_shape(client.post("/api/v1/items/", {"sku": "ı", "name": "x", "kind": "component"}), 400)
    assert "sku" in dotless["extra"]["fields"]
    assert not Item.objects.exists()


def test_pages_refuse_double_dash_sorting_gracefully(client, procurement_user, sales_user):
    ItemFactory.create_batch(2)
    client.force_login(procurement_user)
    assert client.get("/items/?sort=--sku").status_code == 200
    client.force_login(sales_user)
    assert client.get("/prices/?sort=--list_price").status_code == 200


def test_fx_page_sorts_by_rate(client, finance_user):
    FxRateFactory(date=date(2026, 11, 1), rate=Decimal("7.3"))
    FxRateFactory(date=date(2026, 11, 2), rate=Decimal("7.1"))
    client.force_login(finance_user)
    assert [fx.rate for fx in client.get("/fx-rates/?sort=rate").context["object_list"]] == [
        Decimal("7.1"),
        Decimal("7.3"),
    ]


def test_edit_pages_check_access_before_looking_up(client, retailer_user):
    price = PriceFactory(item=ProductFactory(sku="TP-REAL"))
    assert client.get("/items/NOPE/edit/").url.startswith("/login/")
    client.force_login(retailer_user)
    for url in ["/items/NOPE/edit/", "/items/TP-REAL/edit/", "/prices/999999/edit/", f"/prices/{price.pk}/edit/"]:
        assert client.get(url).status_code == 403, url


def test_page_forms_accept_the_smallest_amounts_and_cap_batch_multiple(
    client, sales_user, finance_user, procurement_user
):
    ProductFactory(sku="TP-MIN")
    client.force_login(sales_user)
    form = {"item": "TP-MIN", "list_price": "0.01", "retailer_price": "0.01", "valid_from": "2026-01-01"}
    assert client.post("/prices/new/", form).status_code == 302
    client.force_login(finance_user)
    assert (
        client.post("/fx-rates/new/", {"currency": "USD", "date": "2026-01-01", "rate": "0.00000001"}).status_code
        == 302
    )
    client.force_login(procurement_user)
    item = {"sku": "CP-HUGE", "name": "Huge", "kind": "component", "unit": "pcs", "lifecycle_status": "active"}
    response = client.post("/items/new/", {**item, "batch_multiple": 99999999999999})
    assert "batch_multiple" in response.context["form"].errors
    assert Price.objects.count() == 1 and not Item.objects.filter(sku="CP-HUGE").exists()


def test_admin_refuses_hostile_lookups_and_ids(client, admin_user):
    item = ItemFactory()
    client.force_login(admin_user)
    assert client.get("/admin/erp/item/?sku__regex=[").status_code == 400
    assert client.get(f"/admin/erp/item/{item.pk}/history/abc/").status_code == 404
    response = client.post(
        "/admin/erp/price/add/", {"item": "abc", "list_price": "10", "retailer_price": "9", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 200 and not Price.objects.exists()


def test_admin_fx_change_updates_the_same_rate(client, admin_user):
    fx = FxRateFactory(rate=Decimal("7.1"))
    client.force_login(admin_user)
    response = client.post(f"/admin/erp/fxrate/{fx.pk}/change/", {"rate": "7.25", "source": "manual"})
    assert response.status_code == 302
    fx.refresh_from_db()
    assert fx.rate == Decimal("7.25") and FxRate.objects.count() == 1

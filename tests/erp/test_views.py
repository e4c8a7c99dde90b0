from datetime import date

import pytest
from django.urls import reverse

from erp.models import FxRate, Item, Price
from tests.erp.factories import PASSWORD, ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_login_page_and_wrong_password(client, procurement_user):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": procurement_user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please try again" in response.content
    response = client.post("/login/", {"username": procurement_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")


def test_logout_needs_post_and_ends_the_session(client, procurement_user):
    client.force_login(procurement_user)
    assert client.post("/logout/").status_code == 302
    assert client.get("/dashboard/").url.startswith("/login/")


def test_anonymous_users_are_sent_to_login(client):
    for url in ["/dashboard/", "/items/", "/prices/", "/fx-rates/", "/portal/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/?next="), url


def test_dashboard_has_one_tile_per_area(client, procurement_user):
    ProductFactory()
    client.force_login(procurement_user)
    html = client.get("/dashboard/").content.decode()
    for area in ["master_data", "procurement", "planning", "sales", "logistics", "stores", "finance", "admin"]:
        assert f'data-area="{area}"' in html
    assert reverse("item-list") in html


def test_retailer_lands_on_the_portal_and_is_kept_out_of_staff_pages(client, retailer_user):
    from retail.models import RetailerUser
    from tests.retail.factories import RetailerFactory

    RetailerUser.objects.create(user=retailer_user, retailer=RetailerFactory())  # the portal needs a company
    response = client.post("/login/", {"username": retailer_user.username, "password": PASSWORD})
    assert response.url == reverse("portal:home")
    assert client.get("/portal/").status_code == 200
    assert client.get("/dashboard/").url == reverse("portal:home")
    for url in ["/items/", "/prices/", "/fx-rates/", "/items/new/"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/").status_code == 302  # not staff: the admin asks for another login


def test_staff_are_not_in_the_portal(client, procurement_user):
    client.force_login(procurement_user)
    assert client.get("/portal/").status_code == 403


def test_staff_without_the_permission_get_403(client, logistics_user):
    client.force_login(logistics_user)
    assert client.get("/items/").status_code == 200
    assert client.get("/items/new/").status_code == 403
    assert client.get("/fx-rates/").status_code == 403


def test_item_list_search_filter_sort_paginate(client, procurement_user):
    ProductFactory(sku="TP-PHONE", name="Phone")
    ItemFactory(sku="CP-SCREW", name="Screw")
    ItemFactory.create_batch(60)
    client.force_login(procurement_user)

    page = client.get("/items/")
    assert page.context["paginator"].count == 62 and len(page.context["object_list"]) == 50
    assert [i.sku for i in client.get("/items/?q=screw").context["object_list"]] == ["CP-SCREW"]
    assert [i.sku for i in client.get("/items/?kind=product").context["object_list"]] == ["TP-PHONE"]
    assert client.get("/items/?sort=-sku").context["object_list"][0].sku == "TP-PHONE"
    assert client.get("/items/?sort=not_a_field").status_code == 200
    assert len(client.get("/items/?page=2").context["object_list"]) == 12
    assert client.get("/items/?page=99").status_code == 404
    empty = client.get("/items/?q=nothing-like-this")
    assert b"No item matches these filters." in empty.content


def test_item_list_query_count(client, procurement_user, django_assert_num_queries):
    ItemFactory.create_batch(40)
    client.force_login(procurement_user)
    client.get("/items/")  # warm the session and permission caches of this client
    # session, user, groups (role check), permissions, count, page
    with django_assert_num_queries(6):
        assert client.get("/items/").status_code == 200


def test_item_create_page_and_errors(client, procurement_user):
    client.force_login(procurement_user)
    form = {
        "sku": "cp-new",
        "name": "New",
        "kind": "component",
        "unit": "pcs",
        "lifecycle_status": "active",
        "batch_multiple": 10,
        "case_pack": 50,
    }
    response = client.post("/items/new/", form)
    assert response.status_code == 302 and response.url == "/items/CP-NEW/"
    assert Item.objects.get(sku="CP-NEW").case_pack == 50
    again = client.post("/items/new/", form)
    assert again.status_code == 200
    assert "sku" in again.context["form"].errors
    bad = client.post("/items/new/", {**form, "sku": "CP-OTHER", "batch_multiple": 0})
    assert "batch_multiple" in bad.context["form"].errors
    no_case = client.post("/items/new/", {**form, "sku": "CP-OTHER", "case_pack": 0})
    assert "case_pack" in no_case.context["form"].errors
    assert Item.objects.count() == 1


def test_item_detail_shows_prices_and_history(client, procurement_user, sales_user):
    price = PriceFactory(item=ProductFactory(sku="TP-X"))
    client.force_login(procurement_user)
    client.post(
        "/items/TP-X/edit/",
        {
            "sku": "TP-X",
            "name": "Renamed phone",
            "kind": "product",
            "unit": "pcs",
            "lifecycle_status": "active",
            "batch_multiple": 500,
            "case_pack": 20,
            "reason": "marketing name",
        },
    )
    html = client.get("/items/TP-X/").content.decode()
    assert "Renamed phone" in html
    assert "marketing name" in html and procurement_user.username in html
    assert f"/prices/{price.pk}/edit/" not in html  # procurement may not change prices
    assert client.get("/items/NOPE/").status_code == 404


def test_price_pages_refuse_overlaps_as_form_errors(client, sales_user):
    ProductFactory(sku="TP-X")
    client.force_login(sales_user)
    form = {"item": "TP-X", "list_price": "100.00", "retailer_price": "90.00", "valid_from": "2026-01-01"}
    assert client.post("/prices/new/", form).status_code == 302
    response = client.post("/prices/new/", {**form, "valid_from": "2026-02-01"})
    assert response.status_code == 200
    assert "Overlaps the TP-X price valid 2026-01-01 to open-ended" in str(
        response.context["form"].errors["valid_from"]
    )
    negative = client.post("/prices/new/", {**form, "valid_from": "2027-01-01", "list_price": "-1"})
    assert "list_price" in negative.context["form"].errors
    above = client.post("/prices/new/", {**form, "valid_from": "2027-01-01", "retailer_price": "150.00"})
    assert "retailer price cannot be above" in str(above.context["form"].errors["retailer_price"])
    assert Price.objects.count() == 1
    price = Price.objects.get()
    edit = client.post(f"/prices/{price.pk}/edit/", {**form, "valid_to": "2026-12-31"})
    assert edit.status_code == 302
    price.refresh_from_db()
    assert price.valid_to == date(2026, 12, 31)
    listing = client.get("/prices/?sku=TP-X&on=2026-06-01")
    assert [p.pk for p in listing.context["object_list"]] == [price.pk]


def test_fx_rate_page(client, finance_user):
    client.force_login(finance_user)
    response = client.post("/fx-rates/new/", {"currency": "USD", "date": "2026-11-02", "rate": "7.12"})
    assert response.status_code == 302
    assert FxRate.objects.get().history.get().history_user == finance_user
    assert (
        "rate"
        in client.post("/fx-rates/new/", {"currency": "USD", "date": "2026-11-02", "rate": "0"}).context["form"].errors
    )
    assert client.get("/fx-rates/?currency=usd").context["paginator"].count == 1


def test_admin_is_branded_and_shows_history(client, admin_user):
    item = ItemFactory(sku="CP-ADM")
    client.force_login(admin_user)
    assert b"Tempo" in client.get("/admin/").content
    assert client.get(f"/admin/erp/item/{item.pk}/history/").status_code == 200
    response = client.post(
        "/admin/erp/price/add/",
        {"item": item.pk, "list_price": "10", "retailer_price": "9", "valid_from": "2026-01-01", "note": ""},
    )
    assert response.status_code == 200  # a component cannot carry a price: shown as a form error
    assert b"only products" in response.content.lower() or b"Only products" in response.content
    assert not Price.objects.exists()
    product = ProductFactory(sku="TP-ADM")
    response = client.post(
        "/admin/erp/price/add/",
        {"item": product.pk, "list_price": "10", "retailer_price": "9", "valid_from": "2026-01-01", "note": ""},
    )
    assert response.status_code == 302
    assert Price.objects.get().history.get().history_user == admin_user


def test_health_probe(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "eager"}


@pytest.mark.parametrize(("url", "user_fixture"), [("/prices/", "sales_user"), ("/fx-rates/", "finance_user")])
def test_other_list_pages_query_count(client, request, django_assert_num_queries, url, user_fixture):
    for _ in range(12):
        PriceFactory()
    for day in range(1, 13):
        FxRate.objects.create(currency_id="USD", date=date(2026, 10, day), rate="7.1")
    client.force_login(request.getfixturevalue(user_fixture))
    client.get(url)
    # session, user, groups (role check), permissions, count, page (rows joined in one query)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200

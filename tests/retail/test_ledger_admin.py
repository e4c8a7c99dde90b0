"""The ledger and retailer orders in the admin: visible, never written there."""

import pytest

from erp.navigation import nav_for_user
from retail.models import PrepaymentEntry
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db


def test_ledger_and_orders_are_read_only_in_the_admin(admin_client):
    retailer = RetailerFactory()
    entry = deposit(retailer, "500.00")
    order = make_order(retailer, [(priced_product(retailer_price="10.00"), 2)], confirm=True)
    account = retailer.prepayment_account
    for model, pk in (
        ("prepaymentaccount", account.pk),
        ("prepaymententry", entry.pk),
        ("retailerorder", order.pk),
    ):
        assert admin_client.get(f"/admin/retail/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/retail/{model}/add/").status_code == 403, model
        assert admin_client.get(f"/admin/retail/{model}/{pk}/change/").status_code == 200, model
        assert admin_client.post(f"/admin/retail/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403, model
    assert "RO-" in admin_client.get(f"/admin/retail/retailerorder/{order.pk}/change/").text
    assert admin_client.get(f"/admin/retail/retailerorder/{order.pk}/history/").status_code == 200
    changed = admin_client.post(f"/admin/retail/prepaymententry/{entry.pk}/change/", {"amount_cents": 1})
    assert changed.status_code == 403
    assert PrepaymentEntry.objects.get(pk=entry.pk).amount_cents == 50000
    assert admin_client.get("/admin/retail/orderlinereservation/").status_code == 200


def test_retailer_users_cannot_open_the_admin(client):
    client.force_login(retailer_user_for(RetailerFactory()))
    response = client.get("/admin/retail/prepaymententry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_navigation_entries(finance_user, sales_user, logistics_user, planning_user):
    def links(user, area):
        return {str(link.label) for entry in nav_for_user(user) if entry.area.key == area for link in entry.links}

    assert {"Prepayments", "Prepayment entries"} <= links(finance_user, "finance")
    assert "Retailer orders" in links(sales_user, "sales")
    assert "Prepayments" not in links(logistics_user, "finance")
    assert "Retailer orders" in links(logistics_user, "sales") and "Retailer orders" in links(planning_user, "sales")

"""Retailers in the Django admin: saved through the services; users, stores, notices, sell-through read-only."""

import pytest

from retail.models import Retailer, RetailerNotice
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db


def test_retailer_admin_lists_searches_filters_and_saves_through_the_service(admin_client, admin_user):
    retailer = RetailerFactory(code="R-ADM", legal_name="Admin Shop")
    retailer_user_for(retailer, is_admin=True)
    assert "R-ADM" in admin_client.get("/admin/retail/retailer/?q=admin+shop&tier__exact=2").content.decode()
    assert admin_client.get(f"/admin/retail/retailer/{retailer.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/retail/retailer/{retailer.pk}/history/").status_code == 200
    response = admin_client.post(
        "/admin/retail/retailer/add/",
        {
            "code": "R-NEW",
            "legal_name": "New Shop",
            "region": "East",
            "tier": "1",
            "status": "active",
            "payment_terms": "100% prepayment",
            "users-TOTAL_FORMS": "0",
            "users-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Retailer.objects.get(code="R-NEW")
    assert created.prepayment_account.balance_cents == 0
    assert created.history.get().history_user == admin_user


@pytest.mark.parametrize("model", ["retaileruser", "retailernotice", "storesellthrough"])
def test_the_others_are_read_only(admin_client, model):
    retailer = RetailerFactory()
    retailer_user_for(retailer)
    RetailerNotice.objects.create(retailer=retailer, kind="order", message="Shipped")
    assert admin_client.get(f"/admin/retail/{model}/").status_code == 200
    assert admin_client.get(f"/admin/retail/{model}/add/").status_code == 403


def test_staff_without_the_admin_flag_and_retailers_stay_out(client, sales_user):
    retailer = RetailerFactory()
    client.force_login(retailer_user_for(retailer))
    assert client.get("/admin/retail/retailer/").status_code == 302

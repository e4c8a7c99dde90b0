"""REST /api/v1/retailers/: staff permissions, filters, writes through the services, and a retailer user's
scope (its own retailer only; 404 for every other code)."""

import pytest

from erp import roles
from retail.models import Retailer
from tests.api_helpers import assert_error_shape, token_client
from tests.retail.factories import RetailerFactory, deposit, retailer_user_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/retailers/"


def test_list_and_retrieve_by_code_with_balances(api_client, sales_user):
    retailer = RetailerFactory(code="R-SH-1", legal_name="Sunrise", tier=1)
    deposit(retailer, "2500.50")
    client = token_client(api_client, sales_user)
    body = client.get(URL).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["code"], row["tier"], row["balance"], row["available"]) == ("R-SH-1", 1, "2500.50", "2500.50")
    assert client.get(f"{URL}r-sh-1/").json()["legal_name"] == "Sunrise"
    assert client.get(f"{URL}R-NONE/").status_code == 404


def test_filters_search_and_ordering(api_client, sales_user):
    RetailerFactory(code="R-A", region="East", tier=1, contact_name="Zhang San")
    RetailerFactory(code="R-B", region="South", tier=3, status="on_hold")
    RetailerFactory(code="R-C", region="East", tier=2)
    client = token_client(api_client, sales_user)

    def codes(query):
        return [r["code"] for r in client.get(f"{URL}?{query}").json()["results"]]

    assert codes("region=East") == ["R-A", "R-C"]
    assert codes("tier=3") == ["R-B"] and codes("status=on_hold") == ["R-B"]
    assert codes("search=zhang") == ["R-A"] and codes("q=zhang") == ["R-A"]
    assert codes("ordering=-tier") == ["R-B", "R-C", "R-A"]
    assert_error_shape(client.get(f"{URL}?tier=7"), 400)


def test_list_query_count_does_not_grow_with_rows(api_client, sales_user, django_assert_num_queries):
    RetailerFactory.create_batch(3)
    client = token_client(api_client, sales_user)
    client.get(URL)
    # token, user roles, retailer link, permissions, count, page with accounts
    with django_assert_num_queries(4):
        few = client.get(URL)
    RetailerFactory.create_batch(30)
    with django_assert_num_queries(4):
        many = client.get(URL)
    assert few.json()["count"] == 3 and many.json()["count"] == 33


def test_staff_without_permission_get_403(api_client, make_user):
    RetailerFactory(code="R-A")
    client = token_client(api_client, make_user(roles.PROCUREMENT))
    assert_error_shape(client.get(URL), 403)
    assert_error_shape(client.get(f"{URL}R-A/"), 403)
    finance = token_client(api_client, make_user(roles.FINANCE))
    assert finance.get(URL).status_code == 200
    assert_error_shape(finance.post(URL, {"code": "R-X", "legal_name": "X", "region": "East"}), 403)
    assert_error_shape(finance.patch(f"{URL}R-A/", {"tier": 1}), 403)
    assert_error_shape(finance.post(f"{URL}R-A/status/", {"status": "closed", "reason": "x"}), 403)
    assert api_client.credentials() is None and api_client.get(URL).status_code == 401


def test_create_update_and_status_go_through_the_services(api_client, sales_user):
    client = token_client(api_client, sales_user)
    created = client.post(URL, {"code": "r-new", "legal_name": "New Shop", "region": "North", "tier": 1})
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "R-NEW" and created.json()["balance"] == "0.00"
    retailer = Retailer.objects.get(code="R-NEW")
    assert retailer.history.get().history_user == sales_user
    duplicate = assert_error_shape(client.post(URL, {"code": "R-NEW", "legal_name": "Again", "region": "North"}), 400)
    assert "already exists" in duplicate["message"]
    assert_error_shape(client.post(URL, {"code": "R-BAD", "legal_name": "x", "region": "x", "tier": 9}), 400)
    assert_error_shape(client.post(URL, {"code": "R-BAD", "legal_name": "x", "region": "x", "colour": "red"}), 400)
    updated = client.patch(f"{URL}R-NEW/", {"tier": 2, "contact_email": "Buy@New.cn", "reason": "API"})
    assert updated.status_code == 200 and updated.json()["tier"] == 2
    assert updated.json()["contact_email"] == "buy@new.cn"
    refused = assert_error_shape(client.patch(f"{URL}R-NEW/", {"code": "R-OTHER"}), 400)
    assert "code" in refused["extra"]["fields"]
    assert_error_shape(client.post(f"{URL}R-NEW/status/", {"status": "closed"}), 400)
    closed = client.post(f"{URL}R-NEW/status/", {"status": "closed", "reason": "contract ended"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_retailer_user_sees_only_its_own_retailer_and_404_for_others(api_client, django_assert_num_queries):
    own, other = RetailerFactory(code="R-OWN", note="internal"), RetailerFactory(code="R-OTHER")
    client = token_client(api_client, retailer_user_for(own))
    body = client.get(URL).json()
    assert [r["code"] for r in body["results"]] == ["R-OWN"] and "note" not in body["results"][0]
    assert client.get(f"{URL}R-OWN/").status_code == 200
    assert_error_shape(client.get(f"{URL}{other.code}/"), 404)
    assert_error_shape(client.get(f"{URL}R-NONE/"), 404)
    assert_error_shape(client.patch(f"{URL}{other.code}/", {"tier": 1}), 404)
    assert_error_shape(client.post(f"{URL}{other.code}/status/", {"status": "closed", "reason": "x"}), 404)
    assert_error_shape(client.patch(f"{URL}R-OWN/", {"tier": 1}), 403)
    assert_error_shape(client.post(URL, {"code": "R-X", "legal_name": "X", "region": "East"}), 403)
    assert client.get(f"{URL}?region=East&search=R-OTHER").json()["count"] == 0
    # token, retailer link, count, page (no permission lookups for a retailer user)
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    Retailer.objects.filter(pk=other.pk).update(tier=1)
    assert Retailer.objects.get(pk=own.pk).tier == 2


def test_a_retailer_user_session_is_scoped_too(client):
    own = RetailerFactory(code="R-OWN")
    RetailerFactory(code="R-OTHER")
    client.force_login(retailer_user_for(own))
    assert [r["code"] for r in client.get(URL).json()["results"]] == ["R-OWN"]
    assert client.get(f"{URL}R-OTHER/").status_code == 404

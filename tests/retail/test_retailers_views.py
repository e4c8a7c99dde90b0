"""Staff pages of retailers: permissions, list (search, filters, sort, export, constant queries), detail,
create, edit, status, invitations."""

import pytest
from django.core import mail

from erp import roles
from retail import services
from retail.models import Retailer, RetailerUser, Store
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.retail.factories import RetailerFactory, deposit, retailer_user_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.SALES, 200),
        (roles.FINANCE, 200),
        (roles.LOGISTICS, 200),
        (roles.STORE_OPS, 200),
        (roles.PLANNING, 200),
        (roles.PROCUREMENT, 403),
    ],
)
def test_who_may_see_the_list(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get("/retail/retailers/").status_code == status


def test_retailer_users_and_anonymous_are_kept_out(client, retailer_user):
    retailer = RetailerFactory(code="R-A")
    assert client.get("/retail/retailers/").status_code == 302  # to the login page
    client.force_login(retailer_user_for(retailer))
    for url in [
        "/retail/retailers/",
        "/retail/retailers/R-A/",
        "/retail/retailers/new/",
        "/retail/retailers/R-A/edit/",
    ]:
        assert client.get(url).status_code == 403, url


def test_only_sales_may_create_edit_and_onboard(client, make_user):
    RetailerFactory(code="R-A")
    client.force_login(make_user(roles.FINANCE))
    assert client.get("/retail/retailers/new/").status_code == 403
    assert client.get("/retail/retailers/R-A/edit/").status_code == 403
    assert client.post("/retail/retailers/R-A/status/", {"status": "closed", "reason": "x"}).status_code == 403
    assert client.post("/retail/retailers/R-A/invite/", {"email": "a@b.cn"}).status_code == 403
    page = client.get("/retail/retailers/R-A/")
    assert page.status_code == 200 and "Invite a user" not in page.content.decode()
    assert Retailer.objects.get().status == "active" and not RetailerUser.objects.exists()


def test_list_search_filters_sort_and_empty_state(client, sales_user):
    RetailerFactory(code="R-A", legal_name="Alpha Mobile", region="East", tier=1, contact_name="Zhang San")
    RetailerFactory(code="R-B", legal_name="Beta Digital", region="South", tier=3, contact_email="li@beta.cn")
    RetailerFactory(code="R-C", legal_name="Gamma Phones", region="East", tier=2, status="on_hold")
    client.force_login(sales_user)

    def codes(query):
        return [r.code for r in client.get(f"/retail/retailers/?{query}").context["object_list"]]

    assert codes("") == ["R-A", "R-B", "R-C"]
    assert codes("q=zhang") == ["R-A"] and codes("q=li@beta") == ["R-B"] and codes("q=gamma") == ["R-C"]
    assert codes("region=East") == ["R-A", "R-C"] and codes("tier=3") == ["R-B"] and codes("status=on_hold") == ["R-C"]
    assert codes("sort=-tier") == ["R-B", "R-C", "R-A"]
    assert b"No retailer matches these filters." in client.get("/retail/retailers/?q=nothing-like-it").content


def test_empty_list_points_to_onboarding(client, sales_user):
    client.force_login(sales_user)
    page = client.get("/retail/retailers/").content.decode()
    assert "No retailers yet" in page and "/excel/?dataset=retailers" in page


def test_list_shows_balances_and_sorts_by_them_with_a_constant_query_count(
    client, sales_user, django_assert_num_queries
):
    rich, poor = RetailerFactory(code="R-RICH"), RetailerFactory(code="R-POOR")
    deposit(rich, "1234567.89")
    deposit(poor, "100")
    client.force_login(sales_user)
    client.get("/retail/retailers/")  # warm up caches that are not per request
    # session, user, roles, permissions, regions for the filter, count, page with accounts
    with django_assert_num_queries(7):
        few = client.get("/retail/retailers/?sort=-balance_cents")
    assert [r.code for r in few.context["object_list"]] == ["R-RICH", "R-POOR"]
    assert "1,234,567.89" in few.content.decode()
    RetailerFactory.create_batch(40)
    with django_assert_num_queries(7):
        many = client.get("/retail/retailers/")
    assert len(many.context["object_list"]) == 42


def test_export_follows_the_list_filters(client, sales_user):
    RetailerFactory(code="R-A", tier=1)
    RetailerFactory(code="R-B", tier=2)
    client.force_login(sales_user)
    page = client.get("/retail/retailers/?tier=1").content.decode()
    assert "/excel/retailers/export/?tier=1&amp;format=xlsx" in page
    rows = sheet_values(body_bytes(client.get("/excel/retailers/export/?tier=1&format=xlsx")), "retailers")
    assert [r[0] for r in rows if r[0]] == ["code", "R-A"]


def test_detail_shows_terms_users_stores_prepayment_and_history(client, sales_user):
    from logistics.models import Location

    retailer = services.retailer_create(
        acting_user=sales_user, code="R-DET", legal_name="Detail Mobile Ltd.", region="East", tier=1
    )
    deposit(retailer, "5000")
    retailer_user_for(retailer, is_admin=True, username="boss@det.cn", email="boss@det.cn")
    location = Location.objects.create(code="ST-DET-1", name="Det flagship", kind="store", region="East")
    Store.objects.create(location=location, retailer=retailer)
    services.retailer_update(
        acting_user=sales_user, retailer=retailer, payment_terms="30% deposit", reason="renegotiated"
    )
    client.force_login(sales_user)
    page = client.get("/retail/retailers/R-DET/").content.decode()
    for text in [
        "Detail Mobile Ltd.",
        "30% deposit",
        "boss@det.cn",
        "Retailer admin",
        "ST-DET-1",
        "5,000.00",
        "renegotiated",
    ]:
        assert text in page, text
    assert client.get("/retail/retailers/R-NONE/").status_code == 404


def test_create_edit_and_status_through_the_pages(client, sales_user):
    client.force_login(sales_user)
    response = client.post(
        "/retail/retailers/new/",
        {"code": "r-new", "legal_name": "New Shop", "region": "North", "tier": "1", "payment_terms": "100% prepayment"},
    )
    assert response.status_code == 302 and response.url == "/retail/retailers/R-NEW/"
    retailer = Retailer.objects.get(code="R-NEW")
    assert retailer.prepayment_account.balance_cents == 0
    refused = client.post(
        "/retail/retailers/new/",
        {"code": "R-NEW", "legal_name": "Again", "region": "North", "tier": "1", "payment_terms": "x"},
    )
    assert refused.status_code == 200 and "already exists" in refused.content.decode()
    edit = client.post(
        "/retail/retailers/R-NEW/edit/",
        {
            "legal_name": "New Shop Ltd.",
            "region": "North",
            "tier": "2",
            "payment_terms": "100% prepayment",
            "reason": "typo",
        },
    )
    assert edit.status_code == 302
    retailer.refresh_from_db()
    assert retailer.legal_name == "New Shop Ltd." and retailer.tier == 2
    no_reason = client.post("/retail/retailers/R-NEW/status/", {"status": "on_hold"})
    assert no_reason.status_code == 200 and "A reason is required." in no_reason.content.decode()
    held = client.post("/retail/retailers/R-NEW/status/", {"status": "on_hold", "reason": "KYC pending"})
    assert held.status_code == 302
    assert Retailer.objects.get(code="R-NEW").status == "on_hold"


def test_invite_and_deactivate_a_user(client, sales_user, django_capture_on_commit_callbacks):
    RetailerFactory(code="R-INV")
    client.force_login(sales_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/retail/retailers/R-INV/invite/", {"email": "Mei@Shop.cn", "name": "Mei", "is_admin": "on"}
        )
    assert response.status_code == 302
    link = RetailerUser.objects.select_related("user").get()
    assert link.user.email == "mei@shop.cn" and link.is_admin and link.invited_by == sales_user
    assert [m.to for m in mail.outbox] == [["mei@shop.cn"]]
    again = client.post("/retail/retailers/R-INV/invite/", {"email": "mei@shop.cn"})
    assert again.status_code == 200 and "already" in again.content.decode()
    response = client.post(f"/retail/retailers/R-INV/users/{link.user_id}/deactivate/")
    assert response.status_code == 302
    link.user.refresh_from_db()
    assert not link.user.is_active
    other = RetailerFactory(code="R-OTHER")
    assert other and client.post(f"/retail/retailers/R-OTHER/users/{link.user_id}/deactivate/").status_code == 404


def test_nav_shows_retailers_under_sales(client, sales_user, make_user):
    client.force_login(sales_user)
    assert 'href="/retail/retailers/"' in client.get("/dashboard/").content.decode()
    client.force_login(make_user(roles.PROCUREMENT))
    assert 'href="/retail/retailers/"' not in client.get("/dashboard/").content.decode()

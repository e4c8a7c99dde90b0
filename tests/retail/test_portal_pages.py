"""The retailer portal as a retailer uses it: dashboard, catalogue, orders, statement, users, notices."""

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.weeks import IsoWeek
from retail.models import PrepaymentEntry, RetailerOrder, RetailerUser
from tests.erp.factories import PriceFactory, ProductFactory, UserFactory
from tests.retail.portal_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def a_client(client, world):
    _product, a, _b = world
    client.force_login(a.admin)
    return client


def _line_post(sku, quantity, week=None, **extra):
    week = week or (IsoWeek.current() + 1).key
    data = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-sku": sku,
        "lines-0-quantity": str(quantity),
        "lines-0-week": week,
        "lines-1-sku": "",
        "lines-1-quantity": "",
        "lines-1-week": week,
        "reference": "PO-1",
        "note": "",
    }
    data.update(extra)
    return data


def test_dashboard_shows_own_money_orders_notices_and_nothing_of_b(a_client, world):
    _product, _a, _b = world
    response = a_client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    dash = response.context["dash"]
    assert dash.account.balance == Decimal("100000.00")
    assert dash.account.held == Decimal("20000.00")
    assert dash.open_orders == 1 and dash.open_value == Decimal("20000.00")
    assert "R-ALPHA: 8 of 10 allocated" in html
    assert "R-BRAVO" not in html
    assert dash.allocation_lines == []  # the applied run touched B's order only
    assert "80,000.00" in html  # available


def test_dashboard_shows_allocation_lines_of_own_orders(client, world):
    _product, _a, b = world
    client.force_login(b.user)
    dash = client.get(reverse("portal:home")).context["dash"]
    assert [line.allocated for line in dash.allocation_lines] == [8]


def test_dashboard_queries_do_not_grow_with_orders(a_client, world, django_assert_max_num_queries):
    product, a, _b = world
    from tests.retail.factories import make_order

    a_client.get(reverse("portal:home"))
    with django_assert_max_num_queries(14) as first:
        a_client.get(reverse("portal:home"))
    for _ in range(5):
        make_order(a.retailer, [(product, 1)], confirm=True)
    with django_assert_max_num_queries(len(first.captured_queries)):
        a_client.get(reverse("portal:home"))


def test_marking_notices_read(a_client, world):
    _product, a, b = world
    response = a_client.post(reverse("portal:notice-read", args=[a.notice.pk]))
    assert response.status_code == 302
    a.notice.refresh_from_db()
    assert a.notice.read_at is not None
    assert a_client.post(reverse("portal:notice-read", args=[b.notice.pk])).status_code == 404
    b.notice.refresh_from_db()
    assert b.notice.read_at is None
    assert a_client.get(reverse("portal:notice-read", args=[a.notice.pk])).status_code == 405


def test_catalog_lists_products_with_retailer_price_filter_and_search(a_client, world):
    product, _a, _b = world
    other = PriceFactory(item=ProductFactory(family="Tablets", name="Tab X"), retailer_price=Decimal("999.00")).item
    obsolete = PriceFactory(item=ProductFactory(lifecycle_status="obsolete")).item
    response = a_client.get(reverse("portal:catalog"))
    skus = [price.item.sku for price in response.context["prices"]]
    assert product.sku in skus and other.sku in skus and obsolete.sku not in skus
    assert "999.00" in response.content.decode()
    assert f"?sku={other.sku}" in response.content.decode()
    filtered = a_client.get(reverse("portal:catalog"), {"family": "Tablets"})
    assert [p.item.sku for p in filtered.context["prices"]] == [other.sku]
    searched = a_client.get(reverse("portal:catalog"), {"q": "tab x"})
    assert [p.item.sku for p in searched.context["prices"]] == [other.sku]
    assert "No product matches" in a_client.get(reverse("portal:catalog"), {"q": "zzz"}).content.decode()


def test_placing_an_order_confirms_it_and_holds_the_money(a_client, world):
    product, a, _b = world
    form = a_client.get(reverse("portal:order-create"), {"sku": product.sku})
    assert form.status_code == 200 and product.sku in form.content.decode()
    response = a_client.post(reverse("portal:order-create"), _line_post(product.sku, 5))
    order = RetailerOrder.objects.filter(retailer=a.retailer).latest("created_at")
    assert response.status_code == 302 and response.url == reverse("portal:order-detail", args=[order.number])
    assert order.status == "confirmed" and order.held_cents == 5 * 2000 * 100
    assert order.created_by == a.admin
    detail = a_client.get(response.url)
    assert "10,000.00" in detail.content.decode()


def test_an_order_beyond_the_balance_is_refused_whole_with_the_shortfall(a_client, world):
    product, _a, _b = world
    before = RetailerOrder.objects.count(), PrepaymentEntry.objects.count()
    response = a_client.post(reverse("portal:order-create"), _line_post(product.sku, 100))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert (errors and "120,000.00" in errors[0]) or "120000" in errors[0]
    assert (RetailerOrder.objects.count(), PrepaymentEntry.objects.count()) == before


def test_order_form_errors_name_the_line(a_client, world):
    product, _a, _b = world
    response = a_client.post(reverse("portal:order-create"), _line_post("NOPE-1", 5))
    assert response.status_code == 200
    assert "NOPE-1 is not in the catalogue." in response.content.decode()
    bad_week = a_client.post(reverse("portal:order-create"), _line_post(product.sku, 5, week="2026-W99"))
    assert "has no ISO week 99" in bad_week.content.decode()
    zero = a_client.post(reverse("portal:order-create"), _line_post(product.sku, 0))
    assert zero.status_code == 200 and zero.context["formset"].errors[0]["quantity"]
    past = a_client.post(reverse("portal:order-create"), _line_post(product.sku, 1, week="2020-W01"))
    assert "in the past" in past.content.decode()
    empty = a_client.post(reverse("portal:order-create"), _line_post("", ""))
    assert "at least one line" in empty.content.decode()


def test_save_as_draft_then_confirm(a_client, world):
    product, a, _b = world
    data = _line_post(product.sku, 3)
    data["save_draft"] = "1"
    response = a_client.post(reverse("portal:order-create"), data)
    order = RetailerOrder.objects.filter(retailer=a.retailer).latest("created_at")
    assert order.status == "draft" and order.held_cents == 0
    assert a_client.post(reverse("portal:order-confirm", args=[order.number])).status_code == 302
    order.refresh_from_db()
    assert order.status == "confirmed" and response.status_code == 302


def test_order_list_filters_and_paginates(a_client, world):
    _product, a, _b = world
    response = a_client.get(reverse("portal:orders"))
    numbers = [order.number for order in response.context["orders"]]
    assert set(numbers) == {a.confirmed.number, a.draft.number}
    drafts = a_client.get(reverse("portal:orders"), {"status": "draft"})
    assert [o.number for o in drafts.context["orders"]] == [a.draft.number]
    assert a_client.get(reverse("portal:orders"), {"status": "bogus"}).status_code == 200


def test_order_list_queries_do_not_grow(a_client, world, django_assert_max_num_queries):
    product, a, _b = world
    from tests.retail.factories import make_order

    a_client.get(reverse("portal:orders"))
    with django_assert_max_num_queries(12) as first:
        a_client.get(reverse("portal:orders"))
    for _ in range(6):
        make_order(a.retailer, [(product, 1)])
    with django_assert_max_num_queries(len(first.captured_queries)):
        a_client.get(reverse("portal:orders"))


def test_order_detail_shows_lines_timeline_and_allocation_but_no_warehouses(client, world):
    _product, _a, b = world
    client.force_login(b.user)
    html = client.get(reverse("portal:order-detail", args=[b.confirmed.number])).content.decode()
    assert b.confirmed.number in html and "20,000.00" in html and "pending" in html
    assert "Confirmed" in html and "Warehouse" not in html


def test_cancel_own_order_releases_the_hold_and_refuses_twice(a_client, world):
    _product, a, _b = world
    response = a_client.post(reverse("portal:order-cancel", args=[a.confirmed.number]))
    assert response.status_code == 302
    a.confirmed.refresh_from_db()
    assert a.confirmed.status == "cancelled" and a.confirmed.held_cents == 0
    again = a_client.post(reverse("portal:order-cancel", args=[a.confirmed.number]), follow=True)
    assert "only a draft, confirmed or allocated order can be cancelled" in again.content.decode()


def test_statement_shows_the_period_and_downloads_xlsx(a_client, world):
    _product, a, _b = world
    response = a_client.get(reverse("portal:statement"))
    statement = response.context["statement"]
    assert statement.retailer == a.retailer
    assert [entry.kind for entry in statement.entries] == ["deposit", "hold"]
    assert statement.closing_balance == Decimal("100000.00")
    start, end = statement.start.isoformat(), statement.end.isoformat()
    download = a_client.get(reverse("portal:statement"), {"start": start, "end": end, "format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="tempo-statement-R-ALPHA-')
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("date", "kind")
    assert [row[1] for row in rows[1:]] == ["opening", "deposit", "hold", "closing"]
    bad = a_client.get(reverse("portal:statement"), {"start": end, "end": "2000-01-01"})
    assert bad.status_code == 200 and bad.context["statement"] is None
    assert "before the start date" in bad.content.decode()
    junk = a_client.get(reverse("portal:statement"), {"start": "x", "end": "y", "format": "xlsx"})
    assert junk.status_code == 200 and junk.context["statement"] is None


def test_users_admin_invites_and_deactivates(a_client, world, mailoutbox, django_capture_on_commit_callbacks):
    _product, a, _b = world
    page = a_client.get(reverse("portal:users"))
    assert {link.user.username for link in page.context["links"]} == {"r-alpha-admin", "r-alpha-user"}
    with django_capture_on_commit_callbacks(execute=True):
        response = a_client.post(reverse("portal:users"), {"email": "new.person@alpha.example", "name": "New Person"})
    assert response.status_code == 302
    link = RetailerUser.objects.get(user__email="new.person@alpha.example")
    assert link.retailer == a.retailer and not link.is_admin
    assert len(mailoutbox) == 1
    duplicate = a_client.post(reverse("portal:users"), {"email": "new.person@alpha.example"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    bad = a_client.post(reverse("portal:users"), {"email": "not-an-email"})
    assert bad.status_code == 200 and bad.context["form"].errors
    target = RetailerUser.objects.get(user=a.user)
    assert a_client.post(reverse("portal:user-deactivate", args=[target.pk])).status_code == 302
    a.user.refresh_from_db()
    assert not a.user.is_active
    me = RetailerUser.objects.get(user=a.admin)
    themselves = a_client.post(reverse("portal:user-deactivate", args=[me.pk]), follow=True)
    assert "cannot deactivate yourself" in themselves.content.decode()


def test_non_admin_sees_users_read_only(client, world):
    _product, a, _b = world
    client.force_login(a.user)
    page = client.get(reverse("portal:users"))
    assert page.status_code == 200 and "Invite a colleague" not in page.content.decode()
    assert client.post(reverse("portal:users"), {"email": "x@alpha.example"}).status_code == 403
    admin_link = RetailerUser.objects.get(user=a.admin)
    assert client.post(reverse("portal:user-deactivate", args=[admin_link.pk])).status_code == 403
    a.admin.refresh_from_db()
    assert a.admin.is_active


def test_anonymous_goes_to_login_and_staff_without_retailer_link_gets_403(client, world):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(UserFactory(roles=["sales"]))
    assert client.get(reverse("portal:home")).status_code == 403
    client.force_login(UserFactory(roles=["retailer"], is_staff=False))  # retailer role, no company link
    assert client.get(reverse("portal:home")).status_code == 403


def test_portal_pages_render_the_responsive_layout(a_client):
    html = a_client.get(reverse("portal:home")).content.decode()
    assert "erp/portal.css" in html and 'name="viewport"' in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_catalog_and_stores_queries_do_not_grow(a_client, world, django_assert_max_num_queries):
    a_client.get(reverse("portal:catalog"))
    a_client.get(reverse("portal:stores"))
    with django_assert_max_num_queries(12) as catalog:
        a_client.get(reverse("portal:catalog"))
    with django_assert_max_num_queries(12) as stores:
        a_client.get(reverse("portal:stores"))
    for _ in range(5):
        PriceFactory(item=ProductFactory())
    with django_assert_max_num_queries(len(catalog.captured_queries)):
        a_client.get(reverse("portal:catalog"))
    with django_assert_max_num_queries(len(stores.captured_queries)):
        a_client.get(reverse("portal:stores"))

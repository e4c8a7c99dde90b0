"""Smoke tests of the staff pages and the retailer redirect in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from tests.erp.factories import PASSWORD, ItemFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.e2e


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    expect(page.get_by_role("heading", name="Log in to Tempo")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_staff_logs_in_opens_items_and_searches(live_server, page: Page, artifacts_dir):
    user = UserFactory(roles=[roles.PROCUREMENT])
    component = ItemFactory(sku="CP-E2E-001", name="Camera module")
    product = ProductFactory(sku="TP-E2E-900", name="Tempo Phone X")

    log_in(page, live_server.url, user.username)

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    for title in ("Master data", "Procurement", "Planning", "Sales", "Logistics", "Finance"):
        expect(page.get_by_role("heading", name=title, exact=True, level=2)).to_be_visible()
    expect(page.locator(".topbar .who")).to_have_text(user.username)
    master_data = page.locator('section.tile[data-area="master_data"]')
    expect(master_data.locator(".figures")).to_contain_text("1 product")
    expect(master_data.locator(".figures")).to_contain_text("1 component")
    page.screenshot(path=artifacts_dir / "dashboard.png", full_page=True)

    master_data.get_by_role("link", name="Items", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/items/")
    expect(page.get_by_role("heading", name="Items", level=1)).to_be_visible()
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(2)
    for item in (component, product):
        link = page.get_by_role("link", name=item.sku, exact=True)
        expect(link).to_have_attribute("href", f"/items/{item.sku}/")
        expect(rows.filter(has=link)).to_contain_text(item.name)
    page.screenshot(path=artifacts_dir / "item_list.png", full_page=True)

    filters = page.locator("form.filters")
    filters.locator('input[name="q"]').fill(product.sku)
    filters.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/items/\?(.*&)?q=TP-E2E-900(&|$)"))
    expect(rows).to_have_count(1)
    expect(page.get_by_role("link", name=product.sku, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=component.sku, exact=True)).to_have_count(0)
    expect(filters.locator('input[name="q"]')).to_have_value(product.sku)
    page.screenshot(path=artifacts_dir / "item_list_filtered.png", full_page=True)


def test_retailer_lands_on_portal_and_is_refused_staff_pages(live_server, page: Page, artifacts_dir):
    from retail.models import RetailerUser
    from tests.retail.factories import RetailerFactory

    retailer = UserFactory(roles=[roles.RETAILER], is_staff=False)
    RetailerUser.objects.create(user=retailer, retailer=RetailerFactory())  # the portal needs a company

    log_in(page, live_server.url, retailer.username)

    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("nav.topnav")).to_have_count(0)

    response = page.goto(f"{live_server.url}/items/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed", level=1)).to_be_visible()
    expect(page.locator("table.grid")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "retailer_403.png", full_page=True)


def test_api_docs_render_offline_and_list_the_first_resources(live_server, page: Page):
    user = UserFactory(roles=[roles.PROCUREMENT])
    external = []
    page.on(
        "request",
        lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.get_by_role("heading", name=re.compile("Tempo API"))).to_be_visible()
    # Swagger UI only renders the resources in view, so find each one the way a reader would.
    tag_filter = page.get_by_placeholder("Filter by tag")
    for tag, path in (("items", "/api/v1/items/"), ("prices", "/api/v1/prices/"), ("fx-rates", "/api/v1/fx-rates/")):
        tag_filter.fill(tag)
        expect(page.locator(".opblock-tag", has_text=re.compile(f"^{re.escape(tag)}$")).first).to_be_visible()
        expect(page.locator(".opblock-summary-path", has_text=re.compile(f"^{re.escape(path)}$")).first).to_be_visible()
    assert external == [], f"the docs page fetched from outside: {external}"

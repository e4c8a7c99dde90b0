"""The retailer portal in a real browser: sign in, see the balance, order from the catalogue, see the
order confirmed with its hold, open the statement; and the same pages on a 375 px wide phone screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.erp.factories import PASSWORD
from tests.logistics.factories import LocationFactory
from tests.retail.factories import RetailerFactory, deposit, priced_product, retailer_user_for

pytestmark = pytest.mark.e2e


def _retailer_world():
    retailer = RetailerFactory(code="R-E2E", legal_name="E2E Mobile Retail Co., Ltd.")
    user = retailer_user_for(retailer, is_admin=True, username="buyer@e2e.example")
    deposit(retailer, "100000.00", reference="BANK-E2E-1")
    product = priced_product(retailer_price="2000.00", item__sku="TP-E2E-X1", item__name="Tempo Phone X1")
    from logistics.models import LocationKind
    from retail.models import Store

    Store.objects.create(
        retailer=retailer, location=LocationFactory(code="ST-E2E-1", name="E2E flagship", kind=LocationKind.STORE)
    )
    return retailer, user, product


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_retailer_orders_from_the_catalogue_and_reads_the_statement(live_server, page: Page, artifacts_dir):
    _retailer, user, product = _retailer_world()
    _log_in(page, live_server.url, user.username)

    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator('[data-figure="balance"]')).to_have_text("100,000.00")
    expect(page.locator('[data-figure="available"]')).to_have_text("100,000.00")
    page.screenshot(path=artifacts_dir / "portal_dashboard.png", full_page=True)

    page.locator(".portal-nav").get_by_role("link", name="Catalogue").click()
    row = page.locator("table.grid tbody tr", has_text=product.sku)
    expect(row).to_contain_text("2,000.00")
    row.get_by_role("link", name="Order").click()

    expect(page.get_by_role("heading", name="New order", level=1)).to_be_visible()
    expect(page.get_by_label("Product (SKU) 1")).to_have_value(product.sku)
    page.get_by_label("Quantity 1").fill("5")
    page.get_by_label("Your reference").fill("PO-E2E-1")
    page.get_by_role("button", name="Place order").click()

    expect(page.locator(".messages")).to_contain_text("confirmed; 10,000.00 CNY is held")
    expect(page.locator("[data-status]")).to_have_text("Confirmed")
    expect(page.locator('[data-figure="held"]')).to_have_text("10,000.00")
    page.screenshot(path=artifacts_dir / "portal_order_detail.png", full_page=True)

    page.locator(".portal-nav").get_by_role("link", name="Dashboard").click()
    expect(page.locator('[data-figure="held"]')).to_have_text("10,000.00")
    expect(page.locator('[data-figure="available"]')).to_have_text("90,000.00")
    expect(page.locator('[data-figure="open-orders"]')).to_have_text("1")

    page.locator(".portal-nav").get_by_role("link", name="Statement").click()
    entries = page.locator("table.grid tbody tr")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Deposit")
    expect(entries.nth(1)).to_contain_text("Hold")
    expect(page.locator('[data-figure="closing"]')).to_have_text("100,000.00")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel").click()
    assert download.value.suggested_filename.startswith("tempo-statement-R-E2E-")
    page.screenshot(path=artifacts_dir / "portal_statement.png", full_page=True)


def test_the_portal_fits_a_375px_phone(live_server, browser, artifacts_dir):
    _retailer, user, product = _retailer_world()
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 812}, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _log_in(page, live_server.url, user.username)
        expect(page).to_have_url(f"{live_server.url}/portal/")
        for name, path in (
            ("dashboard", "/portal/"),
            ("catalog", "/portal/catalog/"),
            ("order_form", f"/portal/orders/new/?sku={product.sku}"),
            ("statement", "/portal/statement/"),
            ("stores", "/portal/stores/"),
            ("users", "/portal/users/"),
        ):
            page.goto(live_server.url + path)
            # Nothing is wider than the screen: no sideways scrolling of the page itself.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (name, width)
            page.screenshot(path=artifacts_dir / f"portal_375_{name}.png", full_page=True)
        # Stacked tables keep every figure readable with its label.
        page.goto(live_server.url + "/portal/catalog/")
        cell = page.locator("table.stack tbody td[data-label='Your price (CNY)']").first
        expect(cell).to_have_text("2,000.00")
        expect(page.locator("table.stack thead")).to_be_hidden()
    finally:
        context.close()

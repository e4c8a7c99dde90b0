"""The flash-sale page in a real browser: the live counter follows orders as they arrive, a payment is
recorded from the page, and no page breaks the Content-Security-Policy."""

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from orders.services.flash import flash_sale_order_take
from tests.e2e.test_staff_smoke import log_in
from tests.erp.factories import UserFactory
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.e2e

# Records every CSP violation the page reports, before any of its own scripts run.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def _watch_csp(page: Page) -> list[str]:
    """The violations the page and the browser console report, collected as the test goes."""
    seen: list[str] = []
    page.add_init_script(CSP_WATCH)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


# What the policy is meant to block: ReDoc's "API docs by Redocly" logo comes from its CDN.
BLOCKED_ON_PURPOSE = ("https://cdn.redoc.ly/",)


def _violations(page: Page, console: list[str]) -> list[str]:
    seen = [*page.evaluate("window.__cspViolations || []"), *console]
    return [text for text in seen if not any(url in text for url in BLOCKED_ON_PURPOSE)]


def test_live_counter_follows_orders_and_a_payment_is_recorded(live_server, page: Page, artifacts_dir):
    seller = UserFactory(roles=[roles.SALES])
    sale = live_sale(quantity=10, limit=2)
    console = _watch_csp(page)
    log_in(page, live_server.url, seller.username)

    page.goto(f"{live_server.url}{sale.get_absolute_url()}")

    live = page.locator("#flash-live")
    expect(live.locator('[data-live="sold"]')).to_have_text("0")
    expect(live.locator('[data-live="remaining"]')).to_have_text("10")
    expect(page.get_by_text("No orders yet.")).to_be_visible()

    for n in range(3):
        flash_sale_order_take(acting_user=None, sale=sale, customer_ref=f"cust-{n}", idempotency_key=f"e2e-{n}")

    # The counter polls every 2 s: it shows the three orders without a reload.
    expect(live.locator('[data-live="sold"]')).to_have_text("3", timeout=8_000)
    expect(live.locator('[data-live="remaining"]')).to_have_text("7")
    page.screenshot(path=artifacts_dir / "flash_sale_live.png", full_page=True)

    page.reload()
    rows = page.locator("table.grid").first.locator("tbody tr")  # the orders; the history comes after
    expect(rows).to_have_count(3)
    first = rows.filter(has_text="cust-0")
    first.get_by_role("button", name="Record payment").click()

    expect(page.locator(".messages, .message").first).to_be_visible()
    paid = rows.filter(has_text="cust-0")
    expect(paid.locator(".status")).to_have_text("Paid")
    expect(paid.get_by_role("button", name="Record payment")).to_have_count(0)
    expect(paid.locator("td").nth(-2)).not_to_have_text("—")  # its consumer order, linked
    page.screenshot(path=artifacts_dir / "flash_sale_paid.png", full_page=True)

    assert _violations(page, console) == []


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/planning/flash-sales/",
        "/planning/flash-sales/new/",
        "/meeting/",
        "/api/docs/",
        "/api/redoc/",
        "/admin/",
    ],
)
def test_pages_keep_to_the_content_security_policy(live_server, page: Page, path):
    staff = UserFactory(roles=[roles.SALES, roles.PLANNING, roles.PROCUREMENT], is_superuser=True)
    console = _watch_csp(page)
    log_in(page, live_server.url, staff.username)

    response = page.goto(f"{live_server.url}{path}")

    assert response is not None and response.status == 200, path
    assert "content-security-policy" in response.headers  # Playwright lower-cases header names
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == [], path

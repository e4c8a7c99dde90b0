"""Store ops opens the replenishment page, creates the transfers in one action and sees the shipment."""

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from logistics.models import Shipment
from tests.e2e.test_staff_smoke import log_in
from tests.erp.factories import UserFactory
from tests.retail.store_world import build_store_world

pytestmark = pytest.mark.e2e


def test_store_ops_creates_transfer_shipments(live_server, page: Page, artifacts_dir):
    build_store_world()
    user = UserFactory(roles=[roles.STORE_OPS])
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/retail/replenishment/")
    expect(page.get_by_role("heading", name="Replenishment", level=1)).to_be_visible()
    stores = page.locator("#replenishment-stores tbody tr")
    expect(stores).to_have_count(1)
    expect(stores.first).to_contain_text("ST-W-LOW")
    page.screenshot(path=artifacts_dir / "replenishment.png", full_page=True)

    page.get_by_label("ST-W-LOW", exact=True).check()
    page.get_by_role("button", name="Create transfer shipments").click()

    shipment = Shipment.objects.get()
    expect(page.locator(".messages")).to_contain_text(shipment.number)
    expect(page.get_by_text("No own store needs stock")).to_be_visible()
    page.goto(f"{live_server.url}/retail/stores/ST-W-LOW/")
    row = page.locator("table.grid tbody tr", has=page.get_by_role("link", name=shipment.number))
    expect(row).to_contain_text("TP-W-PHONE × 20")
    expect(row).to_contain_text("Created")
    page.screenshot(path=artifacts_dir / "store_after_replenishment.png", full_page=True)
    row.get_by_role("link", name=shipment.number).click()
    expect(page).to_have_url(f"{live_server.url}/logistics/shipments/{shipment.number}/")

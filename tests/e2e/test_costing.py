"""The cost review in a real browser: the flagged product stands out, its tree folds, the export downloads."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from erp.weeks import business_date
from tests.e2e.test_staff_smoke import log_in
from tests.erp.factories import ItemFactory, PriceFactory, ProductFactory, UserFactory
from tests.procurement.factories import AssemblyFactory, BomLineFactory, SupplierFactory, SupplierOfferFactory

pytestmark = pytest.mark.e2e


def test_planner_finds_the_loss_making_phone_and_drills_down(live_server, page: Page, artifacts_dir):
    planner = UserFactory(roles=[roles.PLANNING])
    phone, board, chip = ProductFactory(sku="TP-E2E-LITE"), AssemblyFactory(sku="AS-E2E-MB"), ItemFactory(sku="CP-E2E")
    BomLineFactory(parent=phone, child=board)
    BomLineFactory(parent=board, child=chip, qty_per=Decimal(2))
    SupplierOfferFactory(supplier=SupplierFactory(code="SUP-E2E"), item=chip, breaks=[(1, "600")])
    PriceFactory(item=phone, list_price=Decimal("1299"), retailer_price=Decimal("1169"), valid_from=business_date())

    log_in(page, live_server.url, planner.username)
    page.goto(f"{live_server.url}/procurement/costing/")
    flagged = page.locator("table.grid tbody tr.row-bad")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("TP-E2E-LITE")
    expect(flagged).to_contain_text("1,200.00")
    page.screenshot(path=artifacts_dir / "cost_overview.png", full_page=True)

    flagged.get_by_role("link", name="TP-E2E-LITE").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cost roll-up TP-E2E-LITE")
    chip_row = page.locator("table[data-tree] tbody tr", has_text="CP-E2E")
    expect(chip_row).to_be_visible()
    page.locator("table[data-tree] .tree-toggle").first.click()
    expect(chip_row).to_be_hidden()
    page.locator("table[data-tree] .tree-toggle").first.click()
    expect(chip_row).to_be_visible()
    page.screenshot(path=artifacts_dir / "cost_rollup.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export xlsx").click()
    assert download.value.suggested_filename.startswith("tempo-cost-TP-E2E-LITE-")

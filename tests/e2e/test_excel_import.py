"""Excel round trip in a real browser: upload, read the dry run, fix the file, commit, export."""

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from erp.models import Item
from tests.e2e.test_staff_smoke import log_in
from tests.erp.excel_helpers import XLSX, xlsx_bytes
from tests.erp.factories import UserFactory

pytestmark = pytest.mark.e2e


def _upload(page: Page, base_url: str, rows, *, dry_run: bool) -> None:
    page.goto(f"{base_url}/excel/?dataset=items")
    page.set_input_files(
        'input[name="file"]', files=[{"name": "items.xlsx", "mimeType": XLSX, "buffer": xlsx_bytes(rows)}]
    )
    page.get_by_label("Dry run", exact=False).set_checked(dry_run)
    page.get_by_role("button", name="Upload").click()


def test_upload_dry_run_fix_and_commit(live_server, page: Page, artifacts_dir):
    user = UserFactory(roles=[roles.PROCUREMENT])
    log_in(page, live_server.url, user.username)

    _upload(
        page,
        live_server.url,
        [["sku", "name", "kind"], ["CP-E2E-1", "Bolt", "component"], ["CP-E2E-2", "", "gizmo"]],
        dry_run=True,
    )
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "failed")
    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("name")
    expect(errors.nth(1)).to_contain_text("'gizmo' is not one of")
    expect(page.get_by_role("link", name="Download the workbook with the bad cells marked")).to_be_visible()
    page.screenshot(path=artifacts_dir / "excel_dry_run_errors.png", full_page=True)

    _upload(
        page,
        live_server.url,
        [["sku", "name", "kind"], ["CP-E2E-1", "Bolt", "component"], ["CP-E2E-2", "Nut", "component"]],
        dry_run=True,
    )
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("dl.facts")).to_contain_text("2 / 0 / 0")
    assert not Item.objects.filter(sku__startswith="CP-E2E").exists()

    page.get_by_role("button", name="Import this file for real").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("dd", has_text="Import: all rows or none")).to_be_visible()
    page.screenshot(path=artifacts_dir / "excel_committed.png", full_page=True)
    assert set(Item.objects.filter(sku__startswith="CP-E2E").values_list("name", flat=True)) == {"Bolt", "Nut"}

    page.goto(f"{live_server.url}/items/?q=CP-E2E")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

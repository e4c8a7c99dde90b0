"""Dispatch on arrival in a real browser: receive a shipment at a warehouse, then find the dispatch run it
started, with the shipment made for each waiting order and what still waits."""

import pytest
from playwright.sync_api import Page, expect

from erp import roles
from orders.models import DispatchRun
from tests.e2e.test_staff_smoke import log_in
from tests.erp.factories import UserFactory
from tests.orders.dispatch_setup import inbound, network, paid_consumer_order

pytestmark = pytest.mark.e2e


def test_receiving_a_shipment_cross_docks_it_to_waiting_orders(live_server, page: Page, artifacts_dir):
    net = network()
    first = paid_consumer_order([(net.product, 4)], region="East", customer="web-e2e-1")
    second = paid_consumer_order([(net.product, 3)], region="East", customer="web-e2e-2")
    shipment = inbound(net, net.east, 5)
    user = UserFactory(roles=[roles.LOGISTICS])

    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/logistics/shipments/{shipment.number}/")
    page.get_by_role("button", name="Receive").click()
    expect(page.locator(".messages, .message").first).to_contain_text(f"{shipment.number} received")

    page.goto(f"{live_server.url}/dashboard/")
    page.locator('section.tile[data-area="logistics"]').get_by_role("link", name="Dispatch runs").click()
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("WH-E1")
    expect(rows.first).to_contain_text(shipment.number)
    page.screenshot(path=artifacts_dir / "dispatch_runs.png", full_page=True)

    run = DispatchRun.objects.get(trigger_shipment=shipment)
    rows.first.get_by_role("link", name=f"#{run.pk}").click()
    expect(page.get_by_role("heading", name=f"Dispatch run #{run.pk}", level=1)).to_be_visible()
    created = page.locator("table.grid").nth(0).locator("tbody tr")
    expect(created).to_have_count(2)
    expect(created.nth(0)).to_contain_text(first.number)
    expect(created.nth(0)).to_contain_text("Picked")
    expect(created.nth(1)).to_contain_text(second.number)
    waiting = page.locator("table.grid").nth(1).locator("tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting.first).to_contain_text(second.number)
    page.screenshot(path=artifacts_dir / "dispatch_run.png", full_page=True)

    created.nth(0).get_by_role("link", name=first.number).click()
    expect(page.get_by_role("heading", name=first.number, level=1)).to_be_visible()
    expect(page.locator(".status").first).to_have_text("Fulfilled")

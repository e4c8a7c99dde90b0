"""Planning runs the weekly order meeting in a real browser: edit a cell, see the projection move,
record a decision, lock the week, download the meeting workbook."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from erp import roles
from orders.models import MeetingCellEdit, MeetingWeek
from orders.selectors.meeting import meeting_grid
from tests.e2e.test_staff_smoke import log_in
from tests.erp.factories import UserFactory
from tests.orders.meeting_setup import meeting_world

pytestmark = pytest.mark.e2e


def test_planning_edits_decides_and_locks_the_week(live_server, page: Page, artifacts_dir):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    before = meeting_grid(week=week).rows[0].cells[2].projected
    user = UserFactory(roles=[roles.PLANNING])
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/meeting/")
    expect(page.get_by_role("heading", name=f"Order meeting {week.key}", level=1)).to_be_visible()
    product = page.locator(f"#product-{phone.sku}")
    projected = product.locator(f"tr.projected td[data-week='{(week + 2).key}']")
    expect(projected).to_have_text(str(before))

    product.locator(f"tr.planned td[data-week='{(week + 1).key}'] .cell-button").click()
    field = page.get_by_label(f"Planned production of {phone.sku} in {(week + 1).key}")
    field.fill("1200")
    page.get_by_placeholder("comment").fill("launch push")
    page.get_by_role("button", name="Save").click()
    # The row is redrawn in place: week+1's production is week+2's supply, 400 more than before.
    expect(page.locator(f"#product-{phone.sku} tr.projected td[data-week='{(week + 2).key}']")).to_have_text(
        str(before + 400)
    )
    assert MeetingCellEdit.objects.get().new_quantity == 1200
    page.screenshot(path=artifacts_dir / "meeting_after_edit.png", full_page=True)

    page.get_by_label("Decision").fill("Build ahead for the launch")
    page.get_by_label("Why").fill("retailer orders doubled")
    page.get_by_label("Product (SKU)").fill(phone.sku)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".decisions")).to_contain_text("Build ahead for the launch")

    page.get_by_label("Reason").fill("agreed in the meeting")
    page.get_by_role("button", name="Lock the week").click()
    expect(page.locator("h1 .badge-locked")).to_have_text("Locked")
    expect(page.locator(".cell-button")).to_have_count(0)
    assert MeetingWeek.objects.get().is_locked
    # The lock sent each factory with a line in the plan its weekly order sheet.
    expect(page.locator("ul.outputs").first).to_contain_text(world.factories[0].code)
    page.screenshot(path=artifacts_dir / "meeting_locked.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download workbook").click()
    saved = artifacts_dir / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = load_workbook(saved)
    assert workbook.sheetnames == ["Summary", "Demand", "Supply", "Shortages", "Decisions"]
    assert "Build ahead for the launch" in [c.value for row in workbook["Decisions"].iter_rows() for c in row]


def test_a_product_s_chart_draws_demand_supply_and_projection(live_server, page: Page, artifacts_dir):
    world = meeting_world(2)
    phone, week = world.phones[0], world.week
    user = UserFactory(roles=[roles.SALES])  # reading the meeting is enough
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/meeting/")
    product = page.locator(f"#product-{phone.sku}")
    product.get_by_role("link", name="Chart").click()
    canvas = product.locator(f"canvas[data-chart='meeting-chart-{phone.sku}']")
    expect(canvas).to_be_visible()
    expect(product.locator("figcaption")).to_contain_text(f"Lowest projected inventory of {phone.sku}")
    page.wait_for_function("c => Chart.getChart(c) !== undefined", arg=canvas.element_handle())
    drawn = canvas.evaluate(
        """c => { const chart = Chart.getChart(c);
                  return { width: c.width, height: c.height, labels: chart.data.labels,
                           types: chart.data.datasets.map(d => d.type || chart.config.type),
                           projected: chart.data.datasets[2].data, min: chart.scales.y.min }; }"""
    )
    assert drawn["width"] > 0 and drawn["height"] > 0
    assert drawn["labels"] == [(week + w).key for w in range(12)]
    assert drawn["types"] == ["bar", "bar", "line"]
    assert drawn["projected"][:3] == [200, 0, -200]
    assert drawn["min"] < -8000  # the shortfall is drawn below zero, not clipped
    # Asking again swaps in a fresh canvas, drawn like the first.
    product.get_by_role("link", name="Chart").click()
    page.wait_for_function(
        "sku => { const c = document.querySelectorAll(`canvas[data-chart='meeting-chart-${sku}']`);"
        " return c.length === 1 && Chart.getChart(c[0]) !== undefined; }",
        arg=phone.sku,
    )
    # The other product's chart is not loaded until asked for.
    expect(page.locator(f"#product-{world.phones[1].sku} canvas")).to_have_count(0)
    product.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "meeting_chart.png", full_page=True)

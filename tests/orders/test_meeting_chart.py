"""The per-product chart of the order meeting: an htmx fragment with the row's numbers as JSON, no inline code."""

import json
import re

import pytest

from erp import roles
from erp.models import Item
from orders.selectors.meeting import meeting_grid
from tests.erp.factories import ProductFactory
from tests.orders.meeting_setup import meeting_world

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _data(html: str, sku: str) -> dict:
    found = re.search(rf'<script id="meeting-chart-{re.escape(sku)}" type="application/json">(.*?)</script>', html)
    assert found, html
    return json.loads(found.group(1))


def test_the_chart_carries_the_grid_s_demand_supply_and_projection(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    response = client.get(f"/meeting/{week.key}/chart/{phone.sku}/", **HX)
    assert response.status_code == 200
    assert "<html" not in response.text
    data = _data(response.text, phone.sku)
    assert data["weeks"] == [(week + w).key for w in range(12)]
    # 1,200 available, 1,000 demand a week, 800 planned in weeks 0-2 that arrive one week later.
    assert data["demand"] == [1000] * 12
    assert data["supply"] == [0, 800, 800, 800] + [0] * 8
    assert data["projected"][:5] == [200, 0, -200, -400, -1400]
    assert data["projected"][-1] == -8400
    row = meeting_grid(week=week, item_ids=[phone.pk]).rows[0]
    assert data["demand"] == [c.demand for c in row.cells]
    assert data["supply"] == [c.supply for c in row.cells]
    assert data["projected"] == [c.projected for c in row.cells]
    assert data["names"] == {"demand": "Demand", "supply": "Supply", "projected": "Projected inventory"}


def test_the_fragment_is_a_labelled_canvas_with_json_and_no_inline_code(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    html = client.get(f"/meeting/{week.key}/chart/{phone.sku}/", **HX).text
    canvas = re.search(r"<canvas ([^>]*)>", html).group(1)
    assert f'data-chart="meeting-chart-{phone.sku}"' in canvas
    assert f'aria-label="Demand and supply (bars) and projected inventory (line) of {phone.sku}' in canvas
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [f' id="meeting-chart-{phone.sku}" type="application/json"']  # data only, nothing to run
    assert "https://" not in html and "cdn" not in html.lower()
    # Without JavaScript the canvas shows its table; the caption names the worst week.
    assert "<table" in html and ">-200</td>" in html
    assert f"Lowest projected inventory of {phone.sku}: -8400 in {(week + 11).key}." in html
    assert 'class="flag-bad"' in html
    # A direct GET (no htmx) answers the same fragment.
    assert client.get(f"/meeting/{week.key}/chart/{phone.sku}/").text == html


def test_every_staff_role_reads_the_chart_but_no_retailer_or_stranger(client, make_user, retailer_user):
    world = meeting_world()
    url = f"/meeting/{world.week.key}/chart/{world.phones[0].sku}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(retailer_user)
    assert client.get(url, **HX).status_code == 403
    for role in roles.STAFF_ROLES:
        client.force_login(make_user(role))
        assert client.get(url, **HX).status_code == 200, role


def test_wrong_ids_are_404(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    obsolete = ProductFactory(lifecycle_status=Item.Lifecycle.OBSOLETE)
    client.force_login(planning_user)
    assert client.get(f"/meeting/{week.key}/chart/NOPE/", **HX).status_code == 404
    assert client.get(f"/meeting/2026-W99/chart/{phone.sku}/", **HX).status_code == 404
    assert client.get(f"/meeting/nonsense/chart/{phone.sku}/", **HX).status_code == 404
    assert client.get(f"/meeting/{week.key}/chart/{obsolete.sku}/", **HX).status_code == 404  # not in the meeting


def test_the_chart_costs_a_fixed_number_of_queries(client, planning_user, django_assert_num_queries):
    world = meeting_world(3)
    meeting_world(0)  # a second locked plan, so the count includes last week's plan to compare with
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    url = f"/meeting/{week.key}/chart/{phone.sku}/"
    client.get(url, **HX)  # warm the session
    # 5 for the session, the user and the permissions, 1 for the product, 20 for its row of the grid.
    with django_assert_num_queries(25):
        response = client.get(url, **HX)
    assert response.status_code == 200


def test_the_page_links_a_chart_per_product_but_loads_no_chart_data(client, planning_user):
    world = meeting_world(2)
    week = world.week
    client.force_login(planning_user)
    page = client.get("/meeting/").text
    for phone in world.phones:
        assert f'hx-get="/meeting/{week.key}/chart/{phone.sku}/"' in page
    assert "application/json" not in page and "<canvas" not in page
    assert page.count("erp/vendor/chart.umd.min.js") == 1
    assert "chart.umd.min.js" not in client.get("/planning/plan/").text  # only the meeting loads Chart.js
    assert "chart.umd.min.js" not in client.get(f"/meeting/{week.key}/chart/{world.phones[0].sku}/").text

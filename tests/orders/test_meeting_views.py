import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp import roles
from erp.weeks import IsoWeek
from orders.models import MeetingCellEdit, MeetingDecision, MeetingWeek
from orders.selectors.meeting import meeting_grid
from orders.services.meeting import meeting_lock, meeting_open
from tests.orders.meeting_setup import meeting_world

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_grid_costs_the_same_queries_for_5_and_for_50_products(django_assert_num_queries):
    meeting_world(5)
    meeting_world(0)  # a second locked plan, so that both counts include last week's plan to compare with
    week = IsoWeek.current()
    with django_assert_num_queries(20):
        grid = meeting_grid(week=week)
    assert len(grid.rows) == 5
    meeting_world(45)
    with django_assert_num_queries(20):
        grid = meeting_grid(week=week)
    assert len(grid.rows) == 50 and all(len(row.cells) == 12 for row in grid.rows)


def test_the_page_costs_the_same_queries_for_5_and_for_50_products(client, planning_user):
    meeting_world(5)
    meeting_world(0)  # a second locked plan, so that both counts include last week's plan to compare with
    client.force_login(planning_user)
    url = "/meeting/"
    client.get(url)  # warm the session and the menus
    few = _queries(lambda: client.get(url))
    meeting_world(45)
    many = _queries(lambda: client.get(url))
    assert (few, many) == (27, 27)


def test_every_staff_role_reads_only_planning_edits(client, make_user):
    world = meeting_world()
    phone = world.phones[0]
    for role in roles.STAFF_ROLES:
        client.force_login(make_user(role))
        page = client.get("/meeting/")
        assert page.status_code == 200, role
        assert phone.sku in page.text
        edits = "cell-button" in page.text
        assert edits == (role in (roles.PLANNING, roles.ADMIN)), role
    client.force_login(make_user(roles.SALES))
    url = f"/meeting/{world.week.key}/cells/{phone.sku}/{world.week.key}/"
    assert client.post(url, {"quantity": "900", "expected": "800"}).status_code == 403
    assert not MeetingCellEdit.objects.exists()


def test_a_retailer_and_a_stranger_are_kept_out(client, retailer_user):
    meeting_world()
    assert client.get("/meeting/").status_code == 302  # to the login page
    client.force_login(retailer_user)
    assert client.get("/meeting/").status_code == 403


def test_an_htmx_edit_redraws_the_product_with_the_new_projection(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    url = f"/meeting/{week.key}/cells/{phone.sku}/{(week + 1).key}/"
    form = client.get(url, **HX)
    assert form.status_code == 200 and 'name="quantity"' in form.text and 'value="800"' in form.text
    saved = client.post(url, {"quantity": "1200", "expected": "800", "comment": "launch"}, **HX)
    assert saved.status_code == 200
    assert f'id="product-{phone.sku}"' in saved.text and "<html" not in saved.text
    row = meeting_grid(week=week).rows[0]
    assert row.cells[1].planned == 1200
    assert f'data-week="{(week + 2).key}">{row.cells[2].projected}<' in saved.text
    edit = MeetingCellEdit.objects.get()
    assert (edit.edited_by, edit.comment, edit.old_quantity, edit.new_quantity) == (planning_user, "launch", 800, 1200)


@pytest.mark.parametrize(
    ("quantity", "expected", "message"),
    [
        ("abc", "800", "is not a whole number"),
        ("-5", "800", "whole number of zero or more"),
        ("9999", "800", "above the weekly capacity"),
        ("900", "700", "changed underneath you"),
    ],
)
def test_bad_cells_show_the_error_in_the_cell_and_save_nothing(client, planning_user, quantity, expected, message):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    url = f"/meeting/{week.key}/cells/{phone.sku}/{week.key}/"
    response = client.post(url, {"quantity": quantity, "expected": expected}, **HX)
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.text and message in response.text
    assert not MeetingCellEdit.objects.exists()
    assert meeting_grid(week=week).rows[0].cells[0].planned == 800


def test_wrong_ids_are_404_not_500(client, planning_user):
    world = meeting_world()
    client.force_login(planning_user)
    assert client.get("/meeting/2026-W99/").status_code == 404
    assert client.get("/meeting/nonsense/").status_code == 404
    assert client.get(f"/meeting/{world.week.key}/cells/NOPE/{world.week.key}/", **HX).status_code == 404
    assert client.get(f"/meeting/{world.week.key}/cells/{world.phones[0].sku}/bad/", **HX).status_code == 404


def test_decisions_lock_and_unlock_from_the_page(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    client.force_login(planning_user)
    missing = client.post(f"/meeting/{week.key}/decisions/", {"text": "", "sku": ""})
    assert missing.status_code == 200 and "This field is required" in missing.text
    unknown = client.post(f"/meeting/{week.key}/decisions/", {"text": "Go", "sku": "NOPE"})
    assert "Unknown product NOPE" in unknown.text and not MeetingDecision.objects.exists()
    added = client.post(
        f"/meeting/{week.key}/decisions/",
        {"text": "Build ahead", "reason": "launch", "sku": phone.sku, "plan_week": (week + 1).key},
    )
    assert added.status_code == 302
    page = client.get(f"/meeting/{week.key}/")
    assert "Build ahead" in page.text and "launch" in page.text
    assert client.post(f"/meeting/{week.key}/lock/", {"reason": ""}).status_code == 200
    assert client.post(f"/meeting/{week.key}/lock/", {"reason": "agreed"}).status_code == 302
    locked = client.get(f"/meeting/{week.key}/")
    assert "cell-button" not in locked.text and "Unlock the week" in locked.text
    refused = client.post(
        f"/meeting/{week.key}/cells/{phone.sku}/{week.key}/", {"quantity": "1", "expected": "800"}, **HX
    )
    assert "cell-edit" not in refused.text and not MeetingCellEdit.objects.exists()
    assert client.post(f"/meeting/{week.key}/unlock/", {"reason": "recall"}).status_code == 302
    assert not MeetingWeek.objects.get().is_locked


def test_compare_shows_the_old_value_of_changed_cells(client, planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    meeting = meeting_open(acting_user=planning_user, week=week)
    client.force_login(planning_user)
    client.post(f"/meeting/{week.key}/cells/{phone.sku}/{week.key}/", {"quantity": "1000", "expected": "800"}, **HX)
    page = client.get(f"/meeting/{week.key}/?compare=on")
    assert 'class="num changed"' in page.text and '<small class="old"' in page.text
    assert ">800</small>" in page.text
    meeting_lock(acting_user=planning_user, meeting=meeting, reason="done")
    assert "cell-button" not in client.get(f"/meeting/{week.key}/").text


def test_meetings_are_read_only_in_the_admin_with_their_history(admin_client, planning_user):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    meeting_lock(acting_user=planning_user, meeting=meeting, reason="done")
    for model in ("meetingweek", "meetingcelledit", "meetingdecision"):
        assert admin_client.get(f"/admin/orders/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/orders/{model}/add/").status_code == 403, model
    assert admin_client.get(f"/admin/orders/meetingweek/{meeting.pk}/change/").status_code == 200
    history = admin_client.get(f"/admin/orders/meetingweek/{meeting.pk}/history/")
    assert history.status_code == 200 and "locked: done" in history.text


def test_the_meeting_is_in_every_staff_role_s_planning_menu(make_user):
    from erp.navigation import nav_for_user

    for role in roles.STAFF_ROLES:
        labels = {str(link.label) for entry in nav_for_user(make_user(role)) for link in entry.links}
        assert "Order meeting" in labels, role


def test_negative_projections_and_shortfalls_stand_out(client, planning_user):
    world = meeting_world(planned=300, capacities=(300,))  # 300 a week can never meet 1,000 of demand
    client.force_login(planning_user)
    page = client.get("/meeting/").text
    row = meeting_grid(week=world.week).rows[0]
    negative = next(c for c in row.cells if c.projected < 0)
    assert f'<td class="num flag-bad" data-week="{negative.week.key}">{negative.projected}</td>' in page
    short = next(c for c in row.cells if c.capacity_shortfall)
    assert f'<td class="num flag-bad">{short.capacity_shortfall}</td>' in page
    assert '<tr class="projected"><th>Projected inventory</th>' in page
    assert f'<td class="num last-week">sold {row.last_week.sales}</td>' in page

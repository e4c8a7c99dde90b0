"""/api/v1/meetings/<week>/...: the grid, cell edits, decisions, lock and unlock; permissions, 400s, queries."""

import pytest

from erp import roles
from erp.models import Item
from orders.models import MeetingCellEdit, MeetingDecision, MeetingStatus, MeetingWeek
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, UserFactory
from tests.orders.meeting_setup import meeting_world
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return meeting_world()


def _url(world, tail: str = "") -> str:
    return f"/api/v1/meetings/{world.week.key}/{tail}"


def _cell(world, **overrides) -> dict:
    body = {"sku": world.phones[0].sku, "week": world.week.key, "quantity": 1200, "expected": 800}
    return {**body, **overrides}


def test_the_grid_reads_products_weeks_and_status(api_client, sales_user, world):
    body = token_client(api_client, sales_user).get(_url(world)).json()
    assert (body["week"], body["status"], body["decisions"]) == (world.week.key, "open", [])
    (product,) = body["products"]
    assert product["sku"] == world.phones[0].sku and product["on_hand"] == 1200
    assert product["weekly_capacity"] == 1500 and len(product["factories"]) == 2
    weeks = product["weeks"]
    assert [w["week"] for w in weeks] == [(world.week + n).key for n in range(12)]
    assert [w["planned"] for w in weeks[:4]] == [800, 800, 800, 0]
    assert [w["demand"] for w in weeks[:2]] == [1000, 1000]
    # 1,200 available, less 1,000 demanded a week; what is built in a week is sold the week after.
    assert [w["projected_inventory"] for w in weeks[:3]] == [200, 0, -200]
    assert not MeetingWeek.objects.exists()  # reading opens nothing


def test_planning_edits_a_cell_and_gets_the_updated_row(api_client, planning_user, world):
    client = token_client(api_client, planning_user)
    response = client.post(_url(world, "cells/"), _cell(world, comment="launch orders"), format="json")
    assert response.status_code == 200, response.content
    weeks = response.json()["weeks"]
    assert weeks[0]["planned"] == 1200 and weeks[0]["previous_planned"] == 800
    assert [w["projected_inventory"] for w in weeks[:3]] == [200, 400, 200]  # the 400 more arrive in week 1
    edit = MeetingCellEdit.objects.get()
    assert (edit.old_quantity, edit.new_quantity, edit.comment, edit.source) == (800, 1200, "launch orders", "api")
    assert edit.edited_by == planning_user
    assert client.get(_url(world)).json()["products"][0]["weeks"][0]["planned"] == 1200


def test_a_stale_expected_value_is_refused_with_the_current_one(api_client, planning_user, world):
    client = token_client(api_client, planning_user)
    assert client.post(_url(world, "cells/"), _cell(world), format="json").status_code == 200
    body = assert_error_shape(client.post(_url(world, "cells/"), _cell(world, quantity=900), format="json"), 400)
    assert body["extra"]["code"] == "stale" and body["extra"]["current"] == 1200
    assert "changed underneath you" in body["message"]
    assert MeetingCellEdit.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "lots"}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 2000}, "quantity"),  # above the 1,500 the two factories can make
        ({"expected": None}, "expected"),
        ({"sku": "NOPE-1"}, "sku"),
        ({"week": "2026-W99"}, "week"),
        ({"week": "1999-W01"}, "week"),  # outside the meeting's twelve weeks
        ({"surprise": 1}, None),
    ],
)
def test_bad_cells_are_400_and_write_nothing(api_client, planning_user, world, overrides, field):
    client = token_client(api_client, planning_user)
    body = assert_error_shape(client.post(_url(world, "cells/"), _cell(world, **overrides), format="json"), 400)
    if field:
        assert field in str(body["extra"]), body
    assert not MeetingCellEdit.objects.exists()
    assert not MeetingWeek.objects.exists()  # a refused edit does not leave a meeting opened behind it


def test_a_component_is_not_a_meeting_row(api_client, planning_user, world):
    part = ItemFactory(kind=Item.Kind.COMPONENT)
    client = token_client(api_client, planning_user)
    body = assert_error_shape(
        client.post(_url(world, "cells/"), _cell(world, sku=part.sku, expected=0), format="json"), 400
    )
    assert part.sku in body["message"] and "sku" in body["extra"]["fields"]
    assert not MeetingWeek.objects.exists()


def test_decisions_are_recorded_and_listed(api_client, planning_user, world):
    client = token_client(api_client, planning_user)
    sku = world.phones[0].sku
    body = {"text": "Build 1,200", "reason": "launch", "sku": sku.lower(), "week": (world.week + 1).key}
    response = client.post(_url(world, "decisions/"), body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["sku"], created["week"], created["decided_by"]) == (
        sku,
        (world.week + 1).key,
        planning_user.username,
    )
    assert client.get(_url(world, "decisions/")).json() == [created]
    assert client.get(_url(world)).json()["decisions"] == [created]
    assert_error_shape(client.post(_url(world, "decisions/"), {"text": ""}, format="json"), 400)
    assert_error_shape(client.post(_url(world, "decisions/"), {"text": "x", "sku": "NOPE"}, format="json"), 400)
    assert MeetingDecision.objects.count() == 1


def test_lock_freezes_the_week_and_unlock_reopens_it(api_client, planning_user, world):
    client = token_client(api_client, planning_user)
    assert_error_shape(client.post(_url(world, "lock/"), {}, format="json"), 400)  # a reason is required
    assert not MeetingWeek.objects.exists()
    locked = client.post(_url(world, "lock/"), {"reason": "weekly order meeting"}, format="json")
    assert locked.status_code == 200, locked.content
    assert (locked.json()["status"], locked.json()["locked_by"]) == ("locked", planning_user.username)
    body = assert_error_shape(client.post(_url(world, "cells/"), _cell(world), format="json"), 400)
    assert "locked" in body["message"].lower()
    assert_error_shape(client.post(_url(world, "lock/"), {"reason": "again"}, format="json"), 400)
    unlocked = client.post(_url(world, "unlock/"), {"reason": "late retailer order"}, format="json")
    assert unlocked.status_code == 200 and unlocked.json()["status"] == "open"
    assert MeetingWeek.objects.get().status == MeetingStatus.OPEN
    assert client.post(_url(world, "cells/"), _cell(world), format="json").status_code == 200


def test_unknown_weeks_are_404(api_client, planning_user, world):
    client = token_client(api_client, planning_user)
    assert_error_shape(client.get("/api/v1/meetings/2026-W99/"), 404)
    assert_error_shape(client.get("/api/v1/meetings/lunch/decisions/"), 404)
    assert_error_shape(client.post(_url(world, "unlock/"), {"reason": "no meeting yet"}, format="json"), 404)
    past = world.week - 3
    body = assert_error_shape(client.post(f"/api/v1/meetings/{past.key}/lock/", {"reason": "x"}, format="json"), 400)
    assert past.key in body["message"]


def test_permissions(api_client, world):
    assert_error_shape(api_client.get(_url(world)), 401)
    for role in roles.STAFF_ROLES:
        client = token_client(api_client, UserFactory(roles=[role]))
        assert client.get(_url(world)).status_code == 200, role
        if role in (roles.PLANNING, roles.ADMIN):
            continue
        for tail, body in (("cells/", _cell(world)), ("decisions/", {"text": "x"}), ("lock/", {"reason": "x"})):
            assert_error_shape(client.post(_url(world, tail), body, format="json"), 403)
        assert_error_shape(client.post(_url(world, "unlock/"), {"reason": "x"}, format="json"), 403)
    retailer = token_client(api_client, retailer_user_for(RetailerFactory()))
    assert_error_shape(retailer.get(_url(world)), 403)
    assert_error_shape(retailer.get(_url(world, "decisions/")), 403)
    assert_error_shape(retailer.post(_url(world, "cells/"), _cell(world), format="json"), 403)
    assert not MeetingWeek.objects.exists()


def test_the_grid_costs_the_same_queries_for_1_and_for_20_products(api_client, sales_user, django_assert_num_queries):
    world = meeting_world()
    meeting_world(0)  # a second locked plan, so that both counts include last week's plan to compare with
    client = token_client(api_client, sales_user)
    client.get(_url(world))  # warm the token's user lookup path
    with django_assert_num_queries(QUERIES):
        assert len(client.get(_url(world)).json()["products"]) == 1
    meeting_world(19)
    with django_assert_num_queries(QUERIES):
        assert len(client.get(_url(world)).json()["products"]) == 20


QUERIES = 22  # authentication and permissions (2), the grid (20), the meeting and its decisions

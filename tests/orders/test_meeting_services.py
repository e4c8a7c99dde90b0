import pytest

from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from logistics.models import ScheduleLine, ScheduleVersion
from orders.models import MeetingCellEdit, MeetingDecision, MeetingWeek
from orders.selectors.meeting import meeting_grid
from orders.services.meeting import (
    CellChange,
    meeting_cell_set,
    meeting_changes_apply,
    meeting_decision_add,
    meeting_lock,
    meeting_open,
    meeting_unlock,
    split_by_capacity,
)
from tests.orders.meeting_setup import meeting_world

pytestmark = pytest.mark.django_db


def _lines(version, phone, week):
    rows = ScheduleLine.objects.filter(version=version, item=phone, week=week.monday).order_by("factory__code")
    return {line.factory.code: line.quantity for line in rows.select_related("factory")}


def _set(meeting, phone, week, quantity, expected, user=None, **kwargs):
    return meeting_cell_set(
        acting_user=user, meeting=meeting, item=phone, plan_week=week, quantity=quantity, expected=expected, **kwargs
    )


def test_split_by_capacity_in_whole_batches_never_above_a_factory():
    assert split_by_capacity(1200, [1000, 500], 100) == [800, 400]
    assert split_by_capacity(1500, [1000, 500], 100) == [1000, 500]
    assert split_by_capacity(150, [1000, 500], 100) == [150, 0]  # the part batch goes to the first with room
    assert split_by_capacity(0, [1000, 500], 100) == [0, 0]


def test_opening_uses_a_draft_copied_from_the_locked_plan(planning_user):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    assert meeting.schedule.is_draft and meeting.schedule.based_on.status == "locked"
    assert meeting_open(acting_user=planning_user, week=world.week) == meeting
    assert meeting.history.first().history_change_reason == "opened"
    with pytest.raises(ApplicationError, match="is over"):
        meeting_open(acting_user=planning_user, week=world.week - 1)


def test_an_edit_splits_over_the_factories_records_who_and_moves_the_projection(planning_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    before = meeting_grid(week=week).rows[0]
    meeting = meeting_open(acting_user=planning_user, week=week)
    edit = _set(meeting, phone, week + 1, 1200, 800, user=planning_user, comment="launch push")
    codes = [f.code for f in world.factories]
    assert _lines(meeting.schedule, phone, week + 1) == {codes[0]: 800, codes[1]: 400}
    assert (edit.old_quantity, edit.new_quantity, edit.comment, edit.edited_by) == (
        800,
        1200,
        "launch push",
        planning_user,
    )
    after = meeting_grid(week=week).rows[0]
    assert after.cells[1].planned == 1200
    # production of week 1 is supply of week 2: projected inventory from week 2 on rises by 400
    assert [a.projected - b.projected for a, b in zip(after.cells, before.cells, strict=True)][:4] == [0, 0, 400, 400]
    assert _set(meeting, phone, week + 1, 1200, 1200) is None  # nothing to save
    assert MeetingCellEdit.objects.count() == 1


def test_a_stale_expected_value_is_refused_and_names_who_changed_it(planning_user, make_user):
    world = meeting_world()
    phone, week = world.phones[0], world.week
    meeting = meeting_open(acting_user=planning_user, week=week)
    _set(meeting, phone, week, 900, 800, user=planning_user)
    other = make_user("planning")
    with pytest.raises(ApplicationError) as refused:
        _set(meeting, phone, week, 1000, 800, user=other)
    assert "changed underneath you: it is now 900, not 800" in refused.value.message
    assert planning_user.username in refused.value.message
    assert refused.value.extra["current"] == 900
    assert meeting_grid(week=week).rows[0].cells[0].planned == 900


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (-5, "whole number of zero or more"),
        ("abc", "whole number"),
        (2.5, "whole number"),
        (1600, "above the weekly capacity"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(planning_user, quantity, message):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    with pytest.raises(ApplicationError, match=message):
        _set(meeting, world.phones[0], world.week, quantity, 800)
    assert not MeetingCellEdit.objects.exists()
    assert _lines(meeting.schedule, world.phones[0], world.week) == {world.factories[0].code: 800}


def test_weeks_outside_the_meeting_are_refused(planning_user):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    with pytest.raises(ApplicationError, match="outside this meeting's weeks"):
        _set(meeting, world.phones[0], world.week + 12, 100, 0)


def test_decisions_link_to_a_cell_and_need_text(planning_user):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    decision = meeting_decision_add(
        acting_user=planning_user,
        meeting=meeting,
        text="Build ahead for the launch",
        reason="retailer orders doubled",
        item=world.phones[0],
        plan_week=world.week + 2,
    )
    assert (decision.decided_by, decision.plan_week) == (planning_user, (world.week + 2).monday)
    with pytest.raises(ApplicationError, match="decision is required"):
        meeting_decision_add(acting_user=planning_user, meeting=meeting, text="  ")
    with pytest.raises(ApplicationError, match="names the product"):
        meeting_decision_add(acting_user=planning_user, meeting=meeting, text="x", plan_week=world.week)
    assert MeetingDecision.objects.count() == 1


def test_lock_freezes_the_plan_and_unlock_is_explicit_and_audited(planning_user):
    world = meeting_world()
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    _set(meeting, world.phones[0], world.week, 1000, 800)
    meeting = meeting_lock(acting_user=planning_user, meeting=meeting, reason="agreed")
    assert meeting.is_locked and meeting.schedule.status == "locked" and meeting.locked_by == planning_user
    assert "Order meeting" in meeting.schedule.lock_reason
    for attempt in (
        lambda: _set(meeting, world.phones[0], world.week, 900, 1000),
        lambda: meeting_decision_add(acting_user=planning_user, meeting=meeting, text="late"),
        lambda: meeting_lock(acting_user=planning_user, meeting=meeting, reason="again"),
    ):
        with pytest.raises(ApplicationError, match="is locked"):
            attempt()
    with pytest.raises(ApplicationError, match="reason is required"):
        meeting_unlock(acting_user=planning_user, meeting=meeting, reason="")
    meeting = meeting_unlock(acting_user=planning_user, meeting=meeting, reason="supplier recall")
    assert not meeting.is_locked and meeting.schedule.is_draft
    assert meeting.schedule.based_on.status == "locked"
    reasons = list(MeetingWeek.history.filter(id=meeting.pk).values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["unlocked: supplier recall", "locked: agreed"]
    codes = [f.code for f in world.factories]
    assert _lines(meeting.schedule, world.phones[0], world.week) == {codes[0]: 700, codes[1]: 300}


def test_unlock_needs_the_permission(planning_user, sales_user):
    world = meeting_world()
    meeting = meeting_lock(
        acting_user=planning_user, meeting=meeting_open(acting_user=planning_user, week=world.week), reason="ok"
    )
    with pytest.raises(ApplicationError, match="Only planning"):
        meeting_unlock(acting_user=sales_user, meeting=meeting, reason="please")
    assert MeetingWeek.objects.get().is_locked


def test_applying_changes_is_all_or_nothing(planning_user):
    world = meeting_world(2)
    a, b = world.phones
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    good = CellChange(sku=a.sku, week=world.week, old=800, new=900)
    stale = CellChange(sku=b.sku, week=world.week, old=700, new=100)
    with pytest.raises(ApplicationError, match="changed underneath"):
        meeting_changes_apply(acting_user=planning_user, meeting=meeting, changes=[good, stale])
    assert not MeetingCellEdit.objects.exists()
    assert meeting_grid(week=world.week, item_ids=[a.pk]).rows[0].cells[0].planned == 800
    fixed = CellChange(sku=b.sku, week=world.week, old=800, new=100)
    assert meeting_changes_apply(acting_user=planning_user, meeting=meeting, changes=[good, fixed]) == 2
    assert set(MeetingCellEdit.objects.values_list("source", flat=True)) == {"workbook"}
    assert ScheduleVersion.objects.filter(status="draft").count() == 1
    assert IsoWeek.of(MeetingWeek.objects.get().week) == world.week

"""The meeting demo step: last week's meeting locked, this week's open with attributed edits and decisions."""

import pytest

from erp.weeks import IsoWeek
from logistics.models import FactoryOrderSheet
from orders.demo_meeting import SKU, seed_meeting
from orders.models import MeetingCellEdit, MeetingDecision, MeetingWeek
from orders.selectors.meeting import meeting_grid

pytestmark = pytest.mark.django_db


def test_demo_has_a_locked_last_week_and_an_open_meeting_to_compare(demo):
    week = IsoWeek.current()
    assert "order meeting" in demo
    last = MeetingWeek.objects.get(week=(week - 1).monday)
    assert last.is_locked and last.schedule.status == "locked"
    sheets = FactoryOrderSheet.objects.filter(version=last.schedule, week=last.week)
    assert sorted(sheets.values_list("factory__code", flat=True)) == ["FAC-FXN", "FAC-LUX"]
    meeting = MeetingWeek.objects.get(week=week.monday)
    assert not meeting.is_locked and meeting.schedule.is_draft
    edits = list(MeetingCellEdit.objects.filter(meeting=meeting).select_related("edited_by", "item"))
    assert len(edits) == 2 and {e.edited_by.username for e in edits} == {"planning"}
    assert all(e.item.sku == SKU and e.new_quantity == e.old_quantity + 5000 and e.comment for e in edits)
    assert MeetingDecision.objects.filter(meeting=meeting).count() == 3
    grid = meeting_grid(week=week)
    assert grid.previous_schedule_number == last.schedule.number
    row = next(r for r in grid.rows if r.item.sku == SKU)
    assert [c.changed for c in row.cells[1:3]] == [True, True]
    assert seed_meeting(scale="small") == ""  # idempotent

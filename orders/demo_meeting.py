"""The weekly order meeting for ``seed_demo``: last week's meeting locked, this week's open with edits.

Last week's meeting is recorded as locked on the schedule version the production demo locked (with
the factories' order sheets it sent), so "compare with last week's locked plan" has something to
compare with; it is written directly, since
a past week cannot be opened through the services. This week's meeting is opened on the draft and
planning raises the X1 128 GB build for the next two weeks (attributed edits with comments) and
records three decisions linked to cells. Idempotent: nothing happens once this week's meeting exists.
"""

from django.contrib.auth import get_user_model
from django.db.models import Sum

from erp.audit import audited_save
from erp.models import Item
from erp.weeks import IsoWeek
from logistics.models import ScheduleLine, ScheduleVersion
from logistics.services import factory_order_sheets_issue
from orders.models import MeetingStatus, MeetingWeek
from orders.services.meeting import meeting_cell_set, meeting_decision_add, meeting_open

SKU = "TP-X1-128"
RAISES = ((1, 5000, "Retailer launch orders landed"), (2, 5000, "Close the gap before the holidays"))


def _planned(version: ScheduleVersion, item: Item, week: IsoWeek) -> int:
    lines = ScheduleLine.objects.filter(version=version, item=item, week=week.monday)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


def _lock_last_week(week: IsoWeek, planner) -> None:
    locked = ScheduleVersion.objects.filter(status=ScheduleVersion.Status.LOCKED).order_by("-number").first()
    if locked is None or MeetingWeek.objects.filter(week=(week - 1).monday).exists():
        return
    past = MeetingWeek(
        week=(week - 1).monday,
        status=MeetingStatus.LOCKED,
        schedule=locked,
        locked_by=locked.locked_by or planner,
        locked_at=locked.locked_at,
        status_reason=locked.lock_reason[:400] or "weekly order meeting",
    )
    past.outputs_at = locked.locked_at
    audited_save(past, acting_user=planner, reason="locked: demo history")
    factory_order_sheets_issue(acting_user=planner, version=locked, week=week - 1)


def seed_meeting(*, scale: str) -> str:
    """Last week's meeting locked; this week's open with two edits and three decisions."""
    week = IsoWeek.current()
    item = Item.objects.filter(sku=SKU).first()
    planner = get_user_model().objects.filter(username="planning").first()
    if item is None or planner is None or MeetingWeek.objects.filter(week=week.monday).exists():
        return ""
    _lock_last_week(week, planner)
    meeting = meeting_open(acting_user=planner, week=week)
    edits = 0
    for offset, extra, comment in RAISES:
        plan_week = week + offset
        current = _planned(meeting.schedule, item, plan_week)
        edit = meeting_cell_set(
            acting_user=planner,
            meeting=meeting,
            item=item,
            plan_week=plan_week,
            quantity=current + extra,
            expected=current,
            comment=comment,
        )
        edits += edit is not None
    decisions = (
        ("Raise X1 128 GB builds by 5,000 in each of the next two weeks", "retailer launch orders", 1),
        ("Expedite the display modules that are late", "MRP shows them weeks late", None),
        ("Hold the flash-sale quantity until the projection turns positive", "avoid overselling", 3),
    )
    for text, reason, offset in decisions:
        meeting_decision_add(
            acting_user=planner,
            meeting=meeting,
            text=text,
            reason=reason,
            item=item,
            plan_week=week + offset if offset is not None else None,
        )
    return f"order meeting {week.key}: open with {edits} edits and {len(decisions)} decisions; last week locked"

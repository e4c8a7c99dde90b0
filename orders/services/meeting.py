"""Writes of the weekly order meeting: open it, edit planned production, record decisions, lock, unlock.

Every write locks the meeting's row first (``select_for_update``), so two people saving the same
cell are served one after the other and the second one is told the value changed underneath it
(its ``expected`` no longer matches); nothing is silently overwritten.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from erp.audit import audited_save, user_or_none
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek
from logistics.models import FactoryCapacity, ScheduleLine, ScheduleVersion
from logistics.selectors import schedule_draft
from logistics.services import schedule_draft_create, schedule_line_set, schedule_lock
from orders.models import MeetingCellEdit, MeetingDecision, MeetingStatus, MeetingWeek
from orders.selectors.meeting_types import MEETING_WEEKS
from orders.services.meeting_outputs import meeting_lock_outputs_start

SOURCES = ("grid", "workbook", "api")
UNLOCK_PERMISSION = "orders.unlock_meetingweek"
MAX_QUANTITY = 10_000_000


@dataclass(frozen=True)
class CellChange:
    """One planned-production cell to change from ``old`` (what the editor saw) to ``new``."""

    sku: str
    week: IsoWeek
    old: int
    new: int


def _refuse(message: str, field: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}, **extra})


def _quantity(value: Any, field: str = "quantity") -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _refuse(f"Planned production must be a whole number of zero or more, not {value!r}.", field)
    if value > MAX_QUANTITY:
        raise _refuse(f"{value} is more than any factory builds in a week (at most {MAX_QUANTITY:,}).", field)
    return value


def _text(value: Any, field: str, *, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _refuse(f"The {field} is required.", field)
    if len(text) > limit:
        raise _refuse(f"The {field} is too long ({limit} characters at most).", field)
    return text


def _locked_meeting(meeting: MeetingWeek, *, editing: bool = True) -> MeetingWeek:
    # of=self: the schedule is a nullable (outer) join, which PostgreSQL will not lock.
    locked = MeetingWeek.objects.select_for_update(of=("self",)).select_related("schedule").get(pk=meeting.pk)
    if editing and locked.is_locked:
        key = IsoWeek.of(locked.week).key
        raise _refuse(
            f"The meeting of {key} is locked; unlock it (with a reason) before changing anything.",
            "week",
            status=MeetingStatus.LOCKED,
        )
    return locked


@transaction.atomic
def meeting_open(*, acting_user: Any, week: IsoWeek) -> MeetingWeek:
    """The week's meeting, created on first use; while open it edits the one draft schedule."""
    if week < IsoWeek.current():
        raise _refuse(f"{week.key} is over; a past meeting can be read but not opened.", "week")
    meeting = MeetingWeek.objects.select_for_update().filter(week=week.monday).first()
    if meeting is not None:
        return meeting
    draft = schedule_draft() or schedule_draft_create(acting_user=acting_user)
    meeting = MeetingWeek(week=week.monday, schedule=draft)
    return audited_save(meeting, acting_user=acting_user, reason="opened")


def _cell_total(version: ScheduleVersion, item: Item, week: IsoWeek) -> int:
    lines = ScheduleLine.objects.filter(version=version, item=item, week=week.monday)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


def split_by_capacity(quantity: int, capacities: Sequence[int], batch: int) -> list[int]:
    """``quantity`` over factories in proportion to their capacity, in whole batches, none above its capacity.

    Shares are floored to batches; the batches left go to the factories with the most room, and a
    last part-batch (when ``quantity`` is not a multiple of the batch) to the first with room.
    """
    batch = max(batch, 1)
    total = sum(capacities)
    shares = [quantity * cap // total // batch * batch for cap in capacities]
    left = quantity - sum(shares)
    while left > 0:
        room = [(cap - share, -index) for index, (cap, share) in enumerate(zip(capacities, shares, strict=True))]
        best, neg_index = max(room)
        if best <= 0:
            break
        step = min(batch, left, best)
        shares[-neg_index] += step
        left -= step
    return shares


def _last_edit(meeting: MeetingWeek, item: Item, week: IsoWeek) -> str:
    edit = (
        MeetingCellEdit.objects.filter(meeting=meeting, item=item, plan_week=week.monday)
        .select_related("edited_by")
        .order_by("-edited_at", "-pk")
        .first()
    )
    if edit is None:
        return ""
    who = edit.edited_by.get_username() if edit.edited_by else "the system"
    return f" (by {who} at {timezone.localtime(edit.edited_at):%Y-%m-%d %H:%M})"


@transaction.atomic
def meeting_cell_set(
    *,
    acting_user: Any,
    meeting: MeetingWeek,
    item: Item,
    plan_week: IsoWeek,
    quantity: Any,
    expected: Any,
    comment: str = "",
    source: str = "grid",
) -> MeetingCellEdit | None:
    """Set the planned production of ``item`` in ``plan_week``; None when it already is ``quantity``."""
    quantity = _quantity(quantity)
    expected = _quantity(expected, "expected")
    comment = _text(comment, "comment", limit=500, required=False)
    if source not in SOURCES:
        raise _refuse(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.", "source")
    if item.kind != Item.Kind.PRODUCT or item.lifecycle_status == Item.Lifecycle.OBSOLETE:
        raise _refuse(
            f"{item.sku} is not a product planned in the meeting (components and obsolete items are not).", "sku"
        )
    meeting = _locked_meeting(meeting)
    first = IsoWeek.of(meeting.week)
    if not first <= plan_week < first + MEETING_WEEKS:
        raise _refuse(
            f"{plan_week.key} is outside this meeting's weeks ({first.key} to {(first + MEETING_WEEKS - 1).key}).",
            "week",
        )
    version = meeting.schedule
    if version is None or not version.is_draft:
        raise _refuse("This meeting has no draft schedule to edit; unlock it or open it again.", "week")
    current = _cell_total(version, item, plan_week)
    if expected != current:
        raise ApplicationError(
            f"{item.sku} in {plan_week.key} changed underneath you: it is now {current}, not {expected}"
            f"{_last_edit(meeting, item, plan_week)}. Nothing was saved; look again and retry.",
            {
                "fields": {"quantity": [f"Changed to {current} since you loaded it."]},
                "code": "stale",
                "current": current,
                "sku": item.sku,
                "week": plan_week.key,
            },
        )
    if quantity == current:
        return None
    factories = list(
        FactoryCapacity.objects.filter(item=item, factory__is_active=True)
        .select_related("factory")
        .order_by("factory__code")
    )
    capacity = sum(row.weekly_capacity for row in factories)
    if quantity and not factories:
        raise _refuse(f"No active factory makes {item.sku}; give a factory a capacity for it first.", "quantity")
    if quantity > capacity:
        raise ApplicationError(
            f"{quantity} of {item.sku} in {plan_week.key} is above the weekly capacity of its factories "
            f"({capacity}: {', '.join(f'{r.factory.code} {r.weekly_capacity}' for r in factories)}).",
            {"fields": {"quantity": [f"Above the capacity of {capacity}."]}, "capacity": capacity, "sku": item.sku},
        )
    existing = set(
        ScheduleLine.objects.filter(version=version, item=item, week=plan_week.monday).values_list(
            "factory_id", flat=True
        )
    )
    shares = split_by_capacity(quantity, [row.weekly_capacity for row in factories], item.batch_multiple)
    for row, share in zip(factories, shares, strict=True):
        if share or row.factory_id in existing:
            schedule_line_set(
                acting_user=acting_user, version=version, factory=row.factory, item=item, week=plan_week, quantity=share
            )
    return MeetingCellEdit.objects.create(
        meeting=meeting,
        item=item,
        plan_week=plan_week.monday,
        old_quantity=current,
        new_quantity=quantity,
        comment=comment,
        source=source,
        edited_by=user_or_none(acting_user),
    )


@transaction.atomic
def meeting_decision_add(
    *,
    acting_user: Any,
    meeting: MeetingWeek,
    text: str,
    reason: str = "",
    item: Item | None = None,
    plan_week: IsoWeek | None = None,
) -> MeetingDecision:
    """Record what the meeting decided, who decided it and why, linked to a product/week cell if given."""
    text = _text(text, "decision", limit=500, required=True)
    reason = _text(reason, "reason", limit=1000, required=False)
    if plan_week is not None and item is None:
        raise _refuse("A decision about a week names the product too.", "item")
    meeting = _locked_meeting(meeting)
    decision = MeetingDecision(
        meeting=meeting,
        text=text,
        reason=reason,
        item=item,
        plan_week=plan_week.monday if plan_week else None,
        decided_by=user_or_none(acting_user),
    )
    return audited_save(decision, acting_user=acting_user, reason="decided")


@transaction.atomic
def meeting_lock(*, acting_user: Any, meeting: MeetingWeek, reason: str) -> MeetingWeek:
    """Freeze the plan: lock the draft schedule (which recomputes MRP) and make the meeting read-only."""
    reason = _text(reason, "reason", limit=400, required=True)
    meeting = _locked_meeting(meeting)
    version = meeting.schedule
    if version is None or not version.is_draft:
        raise _refuse("This meeting has no draft schedule to lock.", "week")
    key = IsoWeek.of(meeting.week).key
    locked = schedule_lock(acting_user=acting_user, version=version, reason=f"Order meeting {key}: {reason}")
    meeting.status = MeetingStatus.LOCKED
    meeting.schedule = locked
    meeting.locked_by = user_or_none(acting_user)
    meeting.locked_at = timezone.now()
    meeting.status_reason = reason
    meeting = audited_save(meeting, acting_user=acting_user, reason=f"locked: {reason}")
    meeting_lock_outputs_start(acting_user=acting_user, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_unlock(*, acting_user: Any, meeting: MeetingWeek, reason: str) -> MeetingWeek:
    """Reopen a locked meeting on a new draft copied from the version it locked; explicit and audited."""
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.has_perm(UNLOCK_PERMISSION):
        raise _refuse("Only planning can unlock an order meeting.", "week")
    reason = _text(reason, "reason", limit=400, required=True)
    meeting = _locked_meeting(meeting, editing=False)
    if not meeting.is_locked:
        raise _refuse(f"The meeting of {IsoWeek.of(meeting.week).key} is not locked.", "week")
    draft = schedule_draft()
    if draft is not None and draft.based_on_id != meeting.schedule_id:
        raise _refuse(
            f"Schedule version {draft.number} is already being drafted from another plan; "
            "lock or discard it before unlocking this meeting.",
            "week",
        )
    meeting.schedule = draft or schedule_draft_create(acting_user=acting_user)
    meeting.status = MeetingStatus.OPEN
    meeting.locked_by = None
    meeting.locked_at = None
    meeting.status_reason = reason
    return audited_save(meeting, acting_user=acting_user, reason=f"unlocked: {reason}")


@transaction.atomic
def meeting_changes_apply(
    *, acting_user: Any, meeting: MeetingWeek, changes: Sequence[CellChange], comment: str = ""
) -> int:
    """Apply every change or none (an uploaded workbook): each is a cell edit expecting its ``old`` value."""
    items = {item.sku: item for item in Item.objects.filter(sku__in={change.sku for change in changes})}
    saved = 0
    for change in changes:
        item = items.get(change.sku)
        if item is None:
            raise _refuse(f"Unknown product {change.sku}.", "sku")
        edit = meeting_cell_set(
            acting_user=acting_user,
            meeting=meeting,
            item=item,
            plan_week=change.week,
            quantity=change.new,
            expected=change.old,
            comment=comment,
            source="workbook",
        )
        saved += edit is not None
    return saved

"""What locking a meeting produces, besides the frozen plan: factory order sheets and draft purchase orders.

The order sheets are issued inside the lock's transaction (they only read the locked version). The
draft purchase orders need the MRP run the lock asked for, so they are made after commit, in a task:
it executes that run itself if no worker has yet (a run is claimed once, so this never computes it
twice) and turns the run's shortages and this week's releases into one draft order per supplier,
for procurement to review and send. Running the task again changes nothing.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.weeks import IsoWeek
from logistics.models import FactoryOrderSheet, MrpPlannedOrder, MrpRun
from logistics.services import factory_order_sheets_issue
from logistics.services.mrp import mrp_planned_orders_to_purchase_orders, mrp_run_execute
from orders.models import MeetingStatus, MeetingWeek
from procurement.models import PurchaseOrderLine, PurchaseOrderStatus, SupplierStatus


def meeting_lock_outputs_start(*, acting_user: Any, meeting: MeetingWeek) -> list[FactoryOrderSheet]:
    """In the lock's transaction: issue the factories' sheets, remember the MRP run, queue the drafts."""
    from orders.tasks import meeting_lock_outputs_task

    week = IsoWeek.of(meeting.week)
    sheets = factory_order_sheets_issue(acting_user=acting_user, version=meeting.schedule, week=week)
    run = MrpRun.objects.filter(status=MrpRun.Status.QUEUED).order_by("-pk").first()
    MeetingWeek.objects.filter(pk=meeting.pk).update(mrp_run=run, outputs_at=None, outputs_note="")
    meeting_id = meeting.pk
    transaction.on_commit(lambda: meeting_lock_outputs_task.delay(meeting_id))
    return sheets


def _already_drafted(meeting: MeetingWeek) -> set[int]:
    """Parts already on a still-draft order of an earlier lock of this meeting: not ordered twice.

    MRP nets only orders that were sent, so after an unlock and a second lock its run would plan
    those parts again.
    """
    return set(
        PurchaseOrderLine.objects.filter(
            order__in=meeting.draft_purchase_orders.all(), order__status=PurchaseOrderStatus.DRAFT
        ).values_list("item_id", flat=True)
    )


@transaction.atomic
def meeting_lock_outputs_make(*, meeting_id: int) -> MeetingWeek | None:
    """Draft purchase orders from the lock's MRP run; None when the meeting is gone or open again."""
    meeting = (
        MeetingWeek.objects.select_for_update(of=("self",)).select_related("locked_by").filter(pk=meeting_id).first()
    )
    if meeting is None or meeting.status != MeetingStatus.LOCKED or meeting.outputs_at is not None:
        return meeting
    if meeting.mrp_run_id is None:
        meeting.outputs_note = "No MRP run was queued by the lock; run MRP and order from its page."
    else:
        run = mrp_run_execute(run_id=meeting.mrp_run_id)
        if run.status != MrpRun.Status.DONE:
            meeting.outputs_note = f"MRP run {run.pk} {run.status}: {run.error or 'no result'}"[:2000]
        else:
            meeting.outputs_note = _order_shortages(meeting, run)
    meeting.outputs_at = timezone.now()
    meeting.save(update_fields=["outputs_at", "outputs_note", "updated_at"])
    return meeting


def _order_shortages(meeting: MeetingWeek, run: MrpRun) -> str:
    this_week = IsoWeek.of(meeting.week).monday
    due = (
        MrpPlannedOrder.objects.filter(run=run, release_week__lte=this_week, purchase_order__isnull=True)
        .select_related("part__item", "part__supplier")
        .order_by("pk")
    )
    drafted = _already_drafted(meeting)
    orderable, problems = [], []
    for planned in due:
        sku, supplier = planned.part.item.sku, planned.part.supplier
        if planned.part.item_id in drafted:
            continue
        if supplier is None:
            problems.append(f"{sku}: no supplier offers it")
        elif supplier.status == SupplierStatus.BLOCKED:
            problems.append(f"{sku}: {supplier.code} is blocked")
        else:
            orderable.append(planned.pk)
    if orderable:
        orders = mrp_planned_orders_to_purchase_orders(acting_user=meeting.locked_by, planned_order_ids=orderable)
        meeting.draft_purchase_orders.add(*orders)
    if not problems:
        return ""
    return ("Not ordered: " + "; ".join(problems) + ".")[:2000]

"""Writes of MRP: asking for a run, running it, and turning planned orders into draft purchase orders."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.weeks import IsoWeek, business_date
from logistics.models import MrpPart, MrpPlannedOrder, MrpRun
from logistics.selectors.mrp import MRP_WEEKS, mrp_compute
from procurement import services as procurement_services
from procurement.models import Supplier, SupplierStatus


def mrp_run_request(*, acting_user: Any = None, reason: str = "") -> MrpRun:
    """Queue a run, or join the one already queued, and have a worker start it after this commit.

    Joining still sends the task: if an earlier message was lost the run is not stuck, and a
    second task for the same run does nothing (``mrp_run_execute`` claims it only once).
    """
    from logistics.tasks import mrp_run_task

    run = MrpRun.objects.filter(status=MrpRun.Status.QUEUED).first()
    if run is None:
        try:
            with transaction.atomic():
                run = MrpRun.objects.create(requested_by=user_or_none(acting_user), reason=reason[:200])
        except IntegrityError:  # another request queued one at the same moment: join it
            run = MrpRun.objects.get(status=MrpRun.Status.QUEUED)
    transaction.on_commit(lambda: mrp_run_task.delay(run.pk))
    return run


def mrp_recalculate(reason: str) -> None:
    """Something MRP reads changed (a schedule locked, stock moved, an order sent): queue a run."""
    mrp_run_request(reason=reason)


@transaction.atomic
def mrp_run_execute(*, run_id: int, from_week: IsoWeek | None = None, weeks: int = MRP_WEEKS) -> MrpRun:
    """Compute and store a queued run. Running the same run twice does nothing the second time."""
    claimed = MrpRun.objects.filter(pk=run_id, status=MrpRun.Status.QUEUED).update(
        status=MrpRun.Status.RUNNING, started_at=timezone.now()
    )
    run = MrpRun.objects.get(pk=run_id)
    if not claimed:
        return run
    result = mrp_compute(from_week=from_week or IsoWeek.current(), weeks=weeks)
    start = result.from_week.monday
    parts = MrpPart.objects.bulk_create(
        MrpPart(
            run=run,
            item_id=part.item_id,
            supplier_id=part.quote.supplier_id if part.quote else None,
            offer_id=part.quote.offer_id if part.quote else None,
            lead_time_days=part.lead_time_days,
            moq=part.quote.moq if part.quote else 1,
            order_multiple=part.quote.order_multiple if part.quote else 1,
            on_hand=part.on_hand,
            gross=part.gross,
            scheduled=part.scheduled,
            planned=part.planned,
            projected=part.plan.projected,
            products=sorted(result.skus[p] for p in part.products),
        )
        for part in result.parts.values()
    )
    by_item = {part.item_id: part for part in parts}
    orders = [
        MrpPlannedOrder(
            run=run,
            part=by_item[item_id],
            quantity=receipt.quantity,
            need_week=start + timedelta(weeks=receipt.week),
            release_week=start + timedelta(weeks=receipt.release_week),
            weeks_late=receipt.weeks_late,
        )
        for item_id, part in result.parts.items()
        for receipt in part.plan.receipts
    ]
    MrpPlannedOrder.objects.bulk_create(orders)
    run.status, run.finished_at, run.from_week, run.weeks = MrpRun.Status.DONE, timezone.now(), start, weeks
    run.part_count, run.shortage_count = len(parts), sum(1 for order in orders if order.weeks_late)
    run.save(update_fields=["status", "finished_at", "from_week", "weeks", "part_count", "shortage_count"])
    return run


def mrp_run_fail(*, run_id: int, error: str) -> None:
    MrpRun.objects.filter(pk=run_id, status=MrpRun.Status.RUNNING).update(
        status=MrpRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


@transaction.atomic
def mrp_planned_orders_to_purchase_orders(*, acting_user: Any, planned_order_ids: list[int]) -> list[Any]:
    """Draft purchase orders from planned orders, one per supplier, in one action.

    Planned orders without a supplier (nobody offers the part), with a blocked supplier, or already
    turned into an order are refused by name; nothing is written then.
    """
    chosen = list(
        MrpPlannedOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=planned_order_ids)
        .select_related("part__item", "part__supplier")
        .order_by("pk")
    )
    missing = sorted(set(planned_order_ids) - {order.pk for order in chosen})
    if missing:
        raise ApplicationError(f"Unknown planned orders: {missing}.", {"fields": {"planned_orders": missing}})
    problems = []
    for order in chosen:
        sku = order.part.item.sku
        if order.purchase_order_id:
            problems.append(f"{sku}: already on purchase order {order.purchase_order_id}")
        elif order.part.supplier is None:
            problems.append(f"{sku}: no supplier offers it")
        elif order.part.supplier.status == SupplierStatus.BLOCKED:
            problems.append(f"{sku}: {order.part.supplier.code} is blocked")
    if problems:
        raise ApplicationError(
            "These planned orders cannot be ordered: " + "; ".join(problems) + ".", {"problems": problems}
        )
    by_supplier: dict[int, list[MrpPlannedOrder]] = defaultdict(list)
    for order in chosen:
        by_supplier[order.part.supplier_id].append(order)
    today, created = business_date(), []
    for supplier_id, orders in sorted(by_supplier.items()):
        supplier = Supplier.objects.get(pk=supplier_id)
        offer = orders[0].part.offer
        merged: dict[int, dict] = {}
        for order in orders:  # one line per item on an order: quantities of the same part add up
            due = max(order.need_week, today)
            line = merged.setdefault(
                order.part.item_id, {"item": order.part.item, "quantity": 0, "unit_price": None, "requested_date": due}
            )
            line["quantity"] += order.quantity
            line["requested_date"] = min(line["requested_date"], due)
        purchase_order = procurement_services.purchase_order_create(
            acting_user=acting_user,
            supplier=supplier,
            order_date=today,
            currency=offer.currency if offer else None,  # price the lines in the offer's currency
            lines=list(merged.values()),
            note="from MRP",
        )
        MrpPlannedOrder.objects.filter(pk__in=[o.pk for o in orders]).update(purchase_order=purchase_order)
        created.append(purchase_order)
    return created

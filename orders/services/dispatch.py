"""Dispatch on arrival: a warehouse sends what it has to the orders waiting for it, oldest first, at once.

``dispatch_run`` is one transaction:

1. the warehouse row is locked (``select_for_update(no_key=True)``): one dispatch per warehouse at a time; a run for
   a receipt is recorded once (a unique constraint), so a repeated task finds it and does nothing;
2. the orders with waiting lines for the products (``orders.selectors.dispatch``) are locked in pk order,
   retailer orders then consumer orders, and their lines are read again under the locks (what another
   warehouse dispatched meanwhile is no longer waiting);
3. the stock levels of the products here, and where the retailer lines hold reservations, are locked in
   (item, location) order, the order stock moves lock them in; available here = on hand - reserved;
4. oldest first across both kinds, each line takes what it can: a retailer line first the units it holds
   reserved here, then free units (releasing as many of its reservations elsewhere: the cross-dock);
   a consumer line free units;
5. one picked outbound shipment per order (``logistics.services.shipments_picked_create``: one counter
   update, one COPY per kind of row, one reservation UPDATE per product), the retailer lines booked by
   ``retail.services.retailer_dispatch_record``, the consumer lines here; orders whose every unit is on
   a shipment become shipped (retailer; the hold captured) or fulfilled (consumer);
6. the run and its lines are recorded: dispatched and still waiting, with the time it took.

Every kind of row is written with one statement (or a COPY), not one per row, so 10,000 waiting lines
dispatch in about a second (``bench/dispatch.py``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.excel.bulk import gc_paused, insert_history_from, insert_rows
from erp.models import Item
from logistics.models import Location, LocationKind, Shipment, ShipmentStatus, StockLevel
from logistics.services import PickedShipmentInput, shipments_picked_create
from orders.models import (
    ConsumerOrder,
    ConsumerOrderLine,
    ConsumerOrderStatus,
    DispatchLine,
    DispatchOrderKind,
    DispatchRun,
    DispatchTrigger,
)
from orders.selectors.dispatch import WaitingLine, consumer_waiting_line_list, demand_waits_at, waiting_lines_for
from retail import services as retail_services
from retail.selectors import retailer_waiting_order_ids

Kind = DispatchOrderKind
Trigger = DispatchTrigger
# Runs with nothing dispatched are kept only for these triggers (a receipt is recorded once in any case).
_RECORDED_WHEN_EMPTY = {Trigger.RECEIPT, Trigger.MANUAL}


def _refuse(message: str, field: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}, **extra})


@dataclass
class _Take:
    line: WaitingLine
    quantity: int = 0
    from_reservation: int = 0


def dispatch_plan(lines: Sequence[WaitingLine], *, warehouse_id: int, free: dict[int, int]) -> list[_Take]:
    """What each line (oldest first) gets at ``warehouse_id`` with ``free[item id]`` units available there.

    A retailer line first takes what it holds reserved here (nobody else may have those units), then
    free units like everyone else. Pure arithmetic; ``free`` is consumed.
    """
    takes = []
    for line in sorted(lines, key=lambda line: line.sort_key):
        own = min(line.waiting, line.reservations.get(warehouse_id, 0)) if line.kind == Kind.RETAILER else 0
        extra = max(0, min(line.waiting - own, free.get(line.item_id, 0)))
        if extra:
            free[line.item_id] -= extra
        takes.append(_Take(line, own + extra, own))
    return takes


def _check_trigger(trigger: Shipment | str | None, warehouse: Location) -> tuple[str, Shipment | None]:
    if isinstance(trigger, Shipment):
        if trigger.status != ShipmentStatus.RECEIVED or trigger.to_location_id != warehouse.pk:
            raise _refuse(f"{trigger.number} was not received at {warehouse.code}.", "trigger")
        return Trigger.RECEIPT, trigger
    kind = trigger or Trigger.MANUAL
    if kind not in Trigger.values or kind == Trigger.RECEIPT:
        raise _refuse(f"Unknown dispatch trigger {kind!r}.", "trigger")
    return kind, None


def _lock_orders(*, region: str, item_ids: Collection[int] | None) -> tuple[set[int], set[int]]:
    retailer_ids: set[int] = set()
    if region:
        retailer_ids = set(
            retail_services.retailer_orders_lock(retailer_waiting_order_ids(region=region, item_ids=item_ids))
        )
    consumer_ids = set(
        ConsumerOrder.objects.select_for_update()
        .filter(pk__in=consumer_waiting_line_list(region=region, item_ids=item_ids).values("order_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return retailer_ids, consumer_ids


def _lock_levels(warehouse: Location, lines: list[WaitingLine]) -> dict[int, int]:
    """Lock the levels the run may change, in (item, location) order; return available here per item."""
    item_ids = {line.item_id for line in lines}
    location_ids = {warehouse.pk} | {pk for line in lines for pk in line.reservations}
    rows = (
        StockLevel.objects.select_for_update()
        .filter(item_id__in=item_ids, location_id__in=location_ids)
        .order_by("item_id", "location_id")
        .values_list("item_id", "location_id", "on_hand", "reserved")
    )
    return {
        item_id: on_hand - reserved for item_id, location_id, on_hand, reserved in rows if location_id == warehouse.pk
    }


def _shipments(warehouse: Location, takes: list[_Take]) -> tuple[list[tuple[str, int]], list[PickedShipmentInput]]:
    """One shipment per order (lines of one item summed); returns the orders' keys and the inputs."""
    by_order: dict[tuple[str, int], list[_Take]] = defaultdict(list)
    for take in takes:
        if take.quantity:
            by_order[(take.line.kind, take.line.order_id)].append(take)
    keys = list(by_order)  # the takes come oldest first, so their orders do too
    inputs = []
    for key in keys:
        first = by_order[key][0].line
        units: dict[int, int] = defaultdict(int)
        for take in by_order[key]:
            units[take.line.item_id] += take.quantity
        inputs.append(
            PickedShipmentInput(
                from_location=warehouse,
                consignee=first.consignee,
                reference=first.number,
                region=first.region,
                lines=sorted(units.items()),
            )
        )
    return keys, inputs


def _consumer_record(*, acting_user: Any, run: DispatchRun, takes: list[_Take], now: datetime) -> None:
    """Dispatched units on the consumer lines, added by the database from the run's lines (one UPDATE ...
    FROM); the orders with every unit dispatched become fulfilled (one UPDATE), with their history.

    The orders are named by id, not by a subquery on the lines just written: the planner has no
    statistics for those yet and would join them row by row."""
    lines_table, run_lines = ConsumerOrderLine._meta.db_table, DispatchLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {lines_table} SET dispatched_quantity = dispatched_quantity + dl.quantity "
            f"FROM {run_lines} AS dl WHERE dl.run_id = %s AND dl.order_kind = %s AND dl.quantity > 0 "
            f"AND dl.line_id = {lines_table}.id",
            [run.pk, Kind.CONSUMER],
        )
    served = sorted({take.line.order_id for take in takes if take.quantity and take.line.kind == Kind.CONSUMER})
    still_open = set(
        ConsumerOrderLine.objects.filter(order_id__in_ids=served, dispatched_quantity__lt=F("quantity"))
        .order_by()
        .values_list("order_id", flat=True)
        .distinct()
    )
    done = [order_id for order_id in served if order_id not in still_open]
    if not done:
        return
    ConsumerOrder.objects.filter(pk__in_ids=done, status=ConsumerOrderStatus.PAID).update(
        status=ConsumerOrderStatus.FULFILLED, fulfilled_at=now, updated_at=now
    )
    insert_history_from(
        ConsumerOrder.objects.filter(pk__in_ids=done),
        kind="~",
        user=user_or_none(acting_user),
        reason="fulfilled: every unit dispatched",
    )


def _record(
    *,
    acting_user: Any,
    warehouse: Location,
    kind: str,
    receipt: Shipment | None,
    takes: list[_Take],
    shipment_of: dict[tuple[str, int], int],
    started_at: datetime,
) -> DispatchRun:
    dispatched = [take for take in takes if take.quantity]
    waiting = [take for take in takes if take.line.waiting > take.quantity]
    skus = sorted({take.line.sku for take in dispatched})
    run = DispatchRun.objects.create(
        warehouse=warehouse,
        region=warehouse.region or "",
        trigger=kind,
        trigger_shipment=receipt,
        skus=", ".join(skus)[:500],
        lines_dispatched=len(dispatched),
        units_dispatched=sum(take.quantity for take in dispatched),
        units_from_reservation=sum(take.from_reservation for take in dispatched),
        shipments_created=len(shipment_of),
        lines_waiting=len(waiting),
        units_waiting=sum(take.line.waiting - take.quantity for take in waiting),
        started_at=started_at,
        duration_ms=0,
        created_by=user_or_none(acting_user),
    )
    insert_rows(
        DispatchLine,
        [
            {
                "run_id": run.pk,
                "order_kind": take.line.kind,
                "order_number": take.line.number,
                "line_id": take.line.line_id,
                "consignee": take.line.consignee[:200],
                "item_id": take.line.item_id,
                "waiting_since": take.line.since,
                "quantity": take.quantity,
                "from_reservation": take.from_reservation,
                "waiting_after": take.line.waiting - take.quantity,
                "shipment_id": shipment_of.get((take.line.kind, take.line.order_id)) if take.quantity else None,
            }
            for take in takes
        ],
    )
    return run


def _retailer_dispatches(
    takes: list[_Take], warehouse: Location, shipment_of: dict[tuple[str, int], int]
) -> list[retail_services.RetailerLineDispatch]:
    return [
        retail_services.RetailerLineDispatch(
            take.line.line_id,
            take.line.item_id,
            warehouse.pk,
            take.quantity,
            shipment_of.get((Kind.RETAILER, take.line.order_id)),
        )
        for take in takes
        if take.quantity and take.line.kind == Kind.RETAILER
    ]


def _dispatch(
    *,
    acting_user: Any,
    warehouse: Location,
    item_ids: Collection[int] | None,
    kind: str,
    receipt: Shipment | None,
) -> DispatchRun | None:
    started_at, clock = timezone.now(), time.perf_counter()
    # FOR NO KEY UPDATE: it serialises dispatches of this warehouse, yet lets a receipt insert its stock moves
    # (their foreign keys take KEY SHARE on this row) while it holds the levels this dispatch waits for.
    warehouse = Location.objects.select_for_update(no_key=True).get(pk=warehouse.pk)
    if warehouse.kind != LocationKind.WAREHOUSE or not warehouse.is_active:
        raise _refuse(f"{warehouse.code} is not an active warehouse; only warehouses dispatch.", "warehouse")
    if receipt is not None:
        done = DispatchRun.objects.filter(trigger_shipment=receipt).first()
        if done is not None:
            return done
        if item_ids is None:
            item_ids = sorted(set(receipt.lines.values_list("item_id", flat=True)))
    region = warehouse.region or ""
    retailer_ids, consumer_ids = _lock_orders(region=region, item_ids=item_ids)
    lines = [
        line
        for line in waiting_lines_for(warehouse=warehouse, item_ids=item_ids)
        if line.order_id in (retailer_ids if line.kind == Kind.RETAILER else consumer_ids)
    ]
    takes = dispatch_plan(lines, warehouse_id=warehouse.pk, free=_lock_levels(warehouse, lines) if lines else {})
    keys, inputs = _shipments(warehouse, takes)
    if not inputs and kind not in _RECORDED_WHEN_EMPTY and receipt is None:
        return None
    handed_over = retail_services.retailer_handover(
        _retailer_dispatches(takes, warehouse, {}),
        {take.line.line_id: take.line.reservations for take in takes if take.line.kind == Kind.RETAILER},
    )
    created = shipments_picked_create(acting_user=acting_user, shipments=inputs, handed_over=handed_over)
    shipment_of = {key: shipment.pk for key, shipment in zip(keys, created, strict=True)}
    run = _record(
        acting_user=acting_user,
        warehouse=warehouse,
        kind=kind,
        receipt=receipt,
        takes=takes,
        shipment_of=shipment_of,
        started_at=started_at,
    )
    now = timezone.now()
    retail_services.retailer_dispatch_record(
        acting_user=acting_user, dispatches=_retailer_dispatches(takes, warehouse, shipment_of), now=now
    )
    if any(take.quantity and take.line.kind == Kind.CONSUMER for take in takes):
        _consumer_record(acting_user=acting_user, run=run, takes=takes, now=now)
    run.duration_ms = int((time.perf_counter() - clock) * 1000)
    DispatchRun.objects.filter(pk=run.pk).update(duration_ms=run.duration_ms)
    return run


def dispatch_run(
    *,
    acting_user: Any,
    warehouse: Location,
    item_ids: Collection[int] | None = None,
    trigger: Shipment | str | None = None,
) -> DispatchRun | None:
    """Dispatch ``warehouse``'s available stock of ``item_ids`` (all products when None; a receipt's products
    when ``trigger`` is a received shipment) to the waiting demand of its region, oldest first.

    ``trigger``: the received ``Shipment`` (one run per receipt: a second call returns the first run),
    or ``"manual"`` (default), ``"allocation"`` or ``"payment"``. Returns the run; for an allocation or
    a payment that found nothing to dispatch, None (no run is recorded).
    """
    if not isinstance(warehouse, Location):
        raise _refuse("Name the warehouse that dispatches.", "warehouse")
    kind, receipt = _check_trigger(trigger, warehouse)
    try:
        with gc_paused(), transaction.atomic():
            return _dispatch(
                acting_user=acting_user, warehouse=warehouse, item_ids=item_ids, kind=kind, receipt=receipt
            )
    except IntegrityError:
        # Two workers for one receipt: the unique constraint let the other one record it.
        if receipt is not None:
            found = DispatchRun.objects.filter(trigger_shipment=receipt).first()
            if found is not None:
                return found
        raise


def dispatch_serving(
    *, acting_user: Any, item_ids: Collection[int], region: str | None, trigger: str
) -> list[DispatchRun]:
    """Dispatch at every warehouse that may serve ``region`` (its own; any warehouse when blank or None)
    and holds stock of ``item_ids`` (free, or reserved for a waiting line), by code; returns the runs that
    dispatched something."""
    warehouses = Location.objects.filter(
        kind=LocationKind.WAREHOUSE,
        is_active=True,
        stock_levels__item_id__in=list(item_ids),
        stock_levels__on_hand__gt=0,
    )
    if region:
        warehouses = warehouses.filter(region=region)
    runs = []
    for warehouse in warehouses.distinct().order_by("code"):
        run = dispatch_run(acting_user=acting_user, warehouse=warehouse, item_ids=item_ids, trigger=trigger)
        if run is not None and run.units_dispatched:
            runs.append(run)
    return runs


def dispatch_items_check(skus: Sequence[str]) -> list[int]:
    """The ids of the products named by ``skus`` (one query); an unknown SKU is refused by name."""
    wanted = {str(sku).strip().upper() for sku in skus}
    found = dict(Item.objects.filter(sku__in=wanted).values_list("sku", "pk"))
    missing = sorted(wanted - set(found))
    if missing:
        raise _refuse(f"No item has the SKU '{missing[0]}'.", "skus")
    return sorted(found.values())


def _user_id(acting_user: Any) -> int | None:
    user = user_or_none(acting_user)
    return user.pk if user is not None else None


def dispatch_on_receipt(*, shipment: Shipment, acting_user: Any) -> None:
    """Receipt listener (logistics calls it inside the receiving transaction): a receipt at a warehouse where
    demand waits for its products enqueues ``orders.tasks.dispatch_on_arrival`` once the receipt is committed.

    With nothing waiting there is nothing to dispatch and no run to record (an order paid or allocated
    meanwhile is dispatched by its own trigger)."""
    from orders.tasks import dispatch_on_arrival

    destination = shipment.to_location
    if destination is None or destination.kind != LocationKind.WAREHOUSE:
        return
    item_ids = list(shipment.lines.values_list("item_id", flat=True))
    if not demand_waits_at(warehouse=destination, item_ids=item_ids):
        return
    user_id = _user_id(acting_user)
    transaction.on_commit(lambda: dispatch_on_arrival.delay(shipment.pk, user_id))


def dispatch_on_allocation(*, run: Any, acting_user: Any) -> None:
    """Allocation listener (retail calls it inside the applying transaction): what the run reserved is
    dispatched at once, after the commit, by the warehouses of the retailers' regions."""
    from orders.tasks import dispatch_serving_task

    if not run.allocated_total:
        return
    item_ids, user_id = [run.item_id], _user_id(acting_user)
    transaction.on_commit(lambda: dispatch_serving_task.delay(item_ids, None, Trigger.ALLOCATION, user_id))

"""Allocation runs: preview how one product's scarce stock is shared among waiting order lines, then apply it.

``allocation_run_preview`` records a run with its inputs and every line's share (status preview);
nothing else changes. ``allocation_run_apply`` makes it real in one transaction:

- the run row is locked (``select_for_update``), so two clerks applying the same preview apply it once;
- the orders of its lines are locked in pk order (the order the order services lock them in, so a
  cancellation racing the apply either happens first and the preview is refused as stale, or waits
  and then sees the reservations and the smaller hold);
- a stale preview is refused: a line cancelled, settled or changed since, a new line waiting for the
  product, or less stock available than the run allocates. Re-run the preview then;
- stock is reserved per warehouse, one conditional UPDATE per warehouse through
  ``logistics.services.stock_reserve``, and recorded as ``OrderLineReservation`` rows: each line (in the
  run's order) first in the warehouses of its retailer's region, then in the others, by location code;
- every line's ``allocated_quantity`` is set, and the hold of what it did not get is released: one
  ledger entry per order, one conditional UPDATE per account (``held >= amount``, the ledger's rule);
- an order whose lines are all settled becomes ``allocated``; each retailer gets one portal notice.

Weights for ``by_prepayment`` (stored on each ``AllocationLine`` as CNY):
``weight = hold on the line + the retailer's free balance x line's requested / retailer's requested``,
where the hold on the line is quantity x unit price (what its confirmation set aside), and the free
balance is the account's available balance (balance - held) at preview time, shared among the
retailer's lines in the run pro rata to their requested quantity (so a retailer with several lines
does not count its free money several times). The share is floored to the fen. Money already held
for the line is certainly there to pay for it; free money is what the retailer could still commit.
For ``pro_rata`` the stored weight is the requested quantity, for ``fcfs`` 0 (order is by confirmation time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.excel.bulk import insert_history, insert_rows, update_rows
from erp.models import Item, ItemKind, ItemLifecycle
from logistics.models import Location, LocationKind, StockLevel
from logistics.selectors import stock_available
from logistics.services import stock_reserve
from retail.models import (
    AllocationLine,
    AllocationMethod,
    AllocationRun,
    AllocationRunStatus,
    NoticeKind,
    OrderLineReservation,
    PrepaymentEntryKind,
    RetailerNotice,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    from_cents,
    to_cents,
)
from retail.selectors.allocation_math import Candidate, allocate
from retail.selectors.allocations import allocation_candidates
from retail.services.ledger_bulk import prepayment_entries_bulk_post

Status = RetailerOrderStatus
MAX_QUANTITY = 100_000_000

AppliedListener = Callable[..., None]
_APPLIED_LISTENERS: list[AppliedListener] = []


def allocation_applied_listener_register(fn: AppliedListener) -> AppliedListener:
    """Call ``fn(run=..., acting_user=...)`` inside the transaction that applies a run (the orders layer
    enqueues dispatch of the reserved units on commit); twice keeps one."""
    if fn not in _APPLIED_LISTENERS:
        _APPLIED_LISTENERS.append(fn)
    return fn


def _refuse(message: str, field: str | None = None, **extra: Any) -> ApplicationError:
    return ApplicationError(message, {**({"fields": {field: [message]}} if field else {}), **extra})


def _check_item(item: Any) -> Item:
    if not isinstance(item, Item):
        raise _refuse("Choose the product to allocate.", "item")
    if item.kind != ItemKind.PRODUCT:
        raise _refuse(f"{item.sku} is not a product; only products are allocated to retailers.", "item")
    if item.lifecycle_status == ItemLifecycle.OBSOLETE:
        raise _refuse(f"{item.sku} is discontinued; it cannot be allocated.", "item")
    return item


def _check_quantity(quantity: Any) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise _refuse(
            f"The quantity to allocate must be a whole number from 1 to {MAX_QUANTITY:,}, not {quantity!r}.",
            "quantity",
        )
    return quantity


def _warehouse_available(item: Item) -> int:
    return stock_available(item_ids=[item.pk]).get(item.pk, 0)


def _refuse_above_stock(item: Item, quantity: int, available: int, *, stale: bool = False) -> ApplicationError:
    prefix = "The stock changed since the preview: " if stale else ""
    message = (
        f"{prefix}only {available:,} of {item.sku} are available in the warehouses (on hand minus reserved); "
        f"cannot allocate {quantity:,}."
    )
    if stale:
        message += " Run the preview again."
    return _refuse(message, "quantity", available=available, asked=quantity, **({"code": "stale"} if stale else {}))


def prepayment_weights(lines: Sequence[dict]) -> dict[int, int]:
    """The ``by_prepayment`` weight of each candidate row, in fen (see the module docstring).

    A row has ``id``, ``quantity``, ``unit_price``, ``retailer_id``, ``balance_cents`` and ``held_cents``
    (the retailer's account at preview time).
    """
    requested_by_retailer: dict[int, int] = defaultdict(int)
    for line in lines:
        requested_by_retailer[line["retailer_id"]] += line["quantity"]
    weights = {}
    for line in lines:
        free = max((line["balance_cents"] or 0) - (line["held_cents"] or 0), 0)
        share = free * line["quantity"] // requested_by_retailer[line["retailer_id"]]
        weights[line["id"]] = to_cents(line["quantity"] * line["unit_price"]) + share
    return weights


_CANDIDATE_FIELDS = {
    "id": "id",
    "order_id": "order_id",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "number": "order__number",
    "confirmed_at": "order__confirmed_at",
    "retailer_id": "order__retailer_id",
    "code": "order__retailer__code",
    "tier": "order__retailer__tier",
    "balance_cents": "order__retailer__prepayment_account__balance_cents",
    "held_cents": "order__retailer__prepayment_account__held_cents",
}


@transaction.atomic
def allocation_run_preview(
    *, acting_user: Any, item: Item, quantity: int, method: str, use_tiers: bool
) -> AllocationRun:
    """Record what each waiting order line of ``item`` would get of ``quantity``; nothing else changes."""
    item = _check_item(item)
    quantity = _check_quantity(quantity)
    if method not in AllocationMethod.values:
        raise _refuse(f"Unknown method {method!r}; use {', '.join(AllocationMethod.values)}.", "method")
    if not isinstance(use_tiers, bool):
        raise _refuse("Say whether tiers are served in order (true or false).", "use_tiers")
    available = _warehouse_available(item)
    if quantity > available:
        raise _refuse_above_stock(item, quantity, available)
    lines = list(
        allocation_candidates(item=item).values(
            *[k for k, v in _CANDIDATE_FIELDS.items() if k == v],
            **{k: F(v) for k, v in _CANDIDATE_FIELDS.items() if k != v},
        )
    )
    if not lines:
        raise _refuse(
            f"No confirmed order of an active retailer is waiting for {item.sku}; there is nothing to allocate.", "item"
        )
    weights_cents = prepayment_weights(lines) if method == AllocationMethod.BY_PREPAYMENT else {}
    candidates = [
        Candidate(
            id=line["id"],
            retailer_code=line["code"],
            tier=line["tier"],
            requested=line["quantity"],
            confirmed_at=line["confirmed_at"],
            order_number=line["number"],
            weight=weights_cents.get(line["id"], 0),
        )
        for line in lines
    ]
    shares = allocate(candidates, quantity, method, use_tiers)
    if method == AllocationMethod.BY_PREPAYMENT:
        stored = {line["id"]: from_cents(weights_cents[line["id"]]) for line in lines}
    elif method == AllocationMethod.PRO_RATA:
        stored = {line["id"]: Decimal(line["quantity"]) for line in lines}
    else:
        stored = dict.fromkeys(shares, Decimal(0))
    run = AllocationRun.objects.create(
        item=item,
        quantity=quantity,
        method=method,
        use_tiers=use_tiers,
        requested_total=sum(line["quantity"] for line in lines),
        allocated_total=sum(shares.values()),
        created_by=user_or_none(acting_user),
    )
    insert_rows(
        AllocationLine,
        [
            {
                "run_id": run.pk,
                "order_line_id": line["id"],
                "retailer_id": line["retailer_id"],
                "tier": line["tier"],
                "requested": line["quantity"],
                "weight": stored[line["id"]],
                "allocated": shares[line["id"]],
            }
            for line in lines
        ],
    )
    return run


def _check_fresh(run: AllocationRun, lines: list[dict], orders: dict[int, dict]) -> None:
    """Refuse a stale preview: every line as it was, and no new line waiting for the product."""
    for line in lines:
        order = orders[line["order_id"]]
        if order["status"] != Status.CONFIRMED or line["settled"] is not None:
            state = (
                "settled by another allocation"
                if line["settled"] is not None
                else str(Status(order["status"]).label).lower()
            )
            raise _refuse(
                f"{order['number']} is {state} since the preview; run the preview again.",
                code="stale",
                order=order["number"],
            )
        if line["quantity"] != line["requested"]:
            raise _refuse(
                f"{order['number']} changed since the preview ({line['requested']} then, {line['quantity']} now); "
                "run the preview again.",
                code="stale",
                order=order["number"],
            )
    in_run = AllocationLine.objects.filter(run=run).values("order_line_id")
    new = list(allocation_candidates(item=run.item).exclude(pk__in=in_run).values_list("order__number", flat=True)[:1])
    if new:
        raise _refuse(
            f"{new[0]} was confirmed for {run.item.sku} after the preview and is not in it; "
            "run the preview again so it gets its share.",
            code="stale",
            order=new[0],
        )


def _reserve(*, acting_user: Any, run: AllocationRun, lines: list[dict]) -> None:
    """Reserve each line's units in the warehouses, one UPDATE per warehouse used: first in the warehouses
    of the line's retailer's region (by location code), so dispatch ships from the nearest, then, for what
    those cannot cover, in the others by code. Lines are served in the run's order in both passes."""
    item = run.item
    levels = list(
        StockLevel.objects.select_for_update()
        .filter(item=item, location__kind=LocationKind.WAREHOUSE)
        .order_by("location_id")  # the order stock moves lock levels in
        .values_list("location_id", "on_hand", "reserved")
    )
    free = {location_id: on_hand - reserved for location_id, on_hand, reserved in levels}
    available = sum(max(value, 0) for value in free.values())
    if run.allocated_total > available:
        raise _refuse_above_stock(item, run.allocated_total, available, stale=True)
    locations = {loc.pk: loc for loc in Location.objects.filter(pk__in=[pk for pk, value in free.items() if value > 0])}
    warehouses = sorted(locations.values(), key=lambda loc: loc.code)
    reserved: dict[tuple[int, int], int] = defaultdict(int)
    need = {line["order_line_id"]: line["allocated"] for line in lines}
    for in_region in (True, False):
        for line in lines:
            for warehouse in warehouses:
                if not need[line["order_line_id"]]:
                    break
                if in_region and warehouse.region != line["region"]:
                    continue
                take = min(need[line["order_line_id"]], free[warehouse.pk])
                if take > 0:
                    reserved[(line["order_line_id"], warehouse.pk)] += take
                    free[warehouse.pk] -= take
                    need[line["order_line_id"]] -= take
    per_warehouse: dict[int, int] = defaultdict(int)
    for (_, location_id), quantity in reserved.items():
        per_warehouse[location_id] += quantity
    for location_id in sorted(per_warehouse):
        stock_reserve(
            acting_user=acting_user, item=item, location=locations[location_id], qty=per_warehouse[location_id]
        )
    insert_rows(
        OrderLineReservation,
        [
            {"line_id": line_id, "location_id": location_id, "quantity": quantity}
            for (line_id, location_id), quantity in sorted(reserved.items())
        ],
    )


def _notices(run: AllocationRun, lines: list[dict], orders: dict[int, dict], now: datetime) -> None:
    by_retailer: dict[int, list[dict]] = defaultdict(list)
    for line in lines:
        by_retailer[line["retailer_id"]].append(line)
    item = run.item
    notices = []
    for retailer_id, own in sorted(by_retailer.items()):
        numbers = sorted({orders[line["order_id"]]["number"] for line in own})
        if len(numbers) == 1:
            where = numbers[0]
        else:
            where = f"{len(numbers)} orders ({', '.join(numbers[:5])}{', ...' if len(numbers) > 5 else ''})"
        allocated = sum(line["allocated"] for line in own)
        requested = sum(line["requested"] for line in own)
        message = f"{item.sku} {item.name}: {allocated:,} of the {requested:,} you ordered are allocated ({where})."
        notices.append(
            {
                "retailer_id": retailer_id,
                "kind": NoticeKind.ALLOCATION,
                "message": message[:500],
                "url": f"/portal/orders/{numbers[0]}/",
                "created_at": now,
                "read_at": None,
            }
        )
    insert_rows(RetailerNotice, notices)


@transaction.atomic
def allocation_run_apply(*, acting_user: Any, run: AllocationRun) -> AllocationRun:
    """Make a preview real: reservations, settled lines, released holds, allocated orders, notices."""
    run = AllocationRun.objects.select_for_update().select_related("item").get(pk=run.pk)
    if run.status == AllocationRunStatus.APPLIED:
        raise _refuse(
            f"Allocation run {run.pk} was already applied on {timezone.localtime(run.applied_at):%Y-%m-%d %H:%M}.",
            code="applied",
        )
    lines = list(
        run.lines.order_by("order_line__order__confirmed_at", "order_line_id").values(
            "order_line_id",
            "retailer_id",
            "requested",
            "allocated",
            order_id=F("order_line__order_id"),
            region=F("retailer__region"),
        )
    )
    order_ids = sorted({line["order_id"] for line in lines})
    orders = {
        row["pk"]: row
        for row in RetailerOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=_run_orders(run))
        .order_by("pk")
        .values(
            "pk",
            "number",
            "status",
            "held_cents",
            code=F("retailer__code"),
            account_id=F("retailer__prepayment_account__id"),
        )
    }
    # Read the lines again now that their orders are locked: this is what a cancellation or another run left.
    fresh = {
        row[0]: row[1:]
        for row in RetailerOrderLine.objects.filter(pk__in=run.lines.values("order_line_id")).values_list(
            "pk", "quantity", "allocated_quantity", "unit_price"
        )
    }
    for line in lines:
        line["quantity"], line["settled"], line["unit_price"] = fresh[line["order_line_id"]]
    _check_fresh(run, lines, orders)
    if run.allocated_total:
        _reserve(acting_user=acting_user, run=run, lines=[line for line in lines if line["allocated"]])

    now = timezone.now()
    # Every line gets what the run recorded for it: one UPDATE ... FROM the run's lines (PostgreSQL and SQLite >= 3.33).
    order_line_table, allocation_line_table = RetailerOrderLine._meta.db_table, AllocationLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {order_line_table} SET allocated_quantity = al.allocated FROM {allocation_line_table} AS al "
            f"WHERE al.order_line_id = {order_line_table}.id AND al.run_id = %s",
            [run.pk],
        )
    release: dict[int, int] = defaultdict(int)
    for line in lines:
        release[line["order_id"]] += to_cents((line["requested"] - line["allocated"]) * line["unit_price"])
    prepayment_entries_bulk_post(
        acting_user=acting_user,
        kind=PrepaymentEntryKind.RELEASE,
        amounts=release,
        orders=orders,
        note=f"allocation run {run.pk}: not allocated",
        now=now,
    )
    waiting = set(
        RetailerOrderLine.objects.filter(order_id__in=_run_orders(run), allocated_quantity__isnull=True)
        .order_by()
        .values_list("order_id", flat=True)
        .distinct()
    )
    # The orders are locked, so their held figures read above are exact.
    changes = []
    for order_id in order_ids:
        change = {"id": order_id, "held_cents": orders[order_id]["held_cents"] - release[order_id], "updated_at": now}
        if order_id not in waiting:
            change.update(status=Status.ALLOCATED, allocated_at=now)
        else:
            change.update(status=orders[order_id]["status"], allocated_at=None)
        changes.append(change)
    update_rows(RetailerOrder, changes, ["held_cents", "status", "allocated_at", "updated_at"])
    settled = [order_id for order_id in order_ids if order_id not in waiting]
    if settled:
        insert_history(
            RetailerOrder,
            list(
                RetailerOrder.objects.filter(pk__in=_run_orders(run), status=Status.ALLOCATED, allocated_at=now)
                .order_by("pk")
                .values(*_ORDER_ATTNAMES)
            ),
            kind="~",
            user=user_or_none(acting_user),
            reason=f"allocated by run {run.pk}",
        )
    _notices(run, lines, orders, now)
    AllocationRun.objects.filter(pk=run.pk).update(
        status=AllocationRunStatus.APPLIED, applied_at=now, applied_by=user_or_none(acting_user)
    )
    run.refresh_from_db()
    for listener in _APPLIED_LISTENERS:
        listener(run=run, acting_user=acting_user)
    return run


def _run_orders(run: AllocationRun):
    """The ids of the orders a run's lines belong to, as a subquery (no long IN list to send)."""
    return AllocationLine.objects.filter(run=run).values("order_line__order_id")


_ORDER_ATTNAMES = [field.attname for field in RetailerOrder._meta.concrete_fields]


@transaction.atomic
def allocation_run_execute(
    *, acting_user: Any, item: Item, quantity: int, method: str, use_tiers: bool, apply: bool
) -> AllocationRun:
    """Preview, and with ``apply`` apply at once (the API's one-step call)."""
    run = allocation_run_preview(
        acting_user=acting_user, item=item, quantity=quantity, method=method, use_tiers=use_tiers
    )
    if apply:
        run = allocation_run_apply(acting_user=acting_user, run=run)
    return run

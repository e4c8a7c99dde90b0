"""Allocation runs: preview how one product's scarce stock is shared among waiting order lines, then apply it.

``allocation_run_preview`` records a run with its inputs and every line's share (status preview);
nothing else changes. ``allocation_run_apply`` makes it real in one transaction:

- the run row is locked (``select_for_update``), so two clerks applying the same preview apply it once;
- the orders of its lines are locked in pk order (the order the order services lock them in, so a
  cancellation racing the apply either happens first and the preview is refused as stale, or waits
  and then sees the reservations and the smaller hold);
- a stale preview is refused: a line cancelled, settled or changed since, a new line waiting for the
  product, or less stock available than the run allocates. Re-run the preview then;
- stock is reserved per warehouse (warehouses in location-code order, lines in the run's order), one
  conditional UPDATE per warehouse through ``logistics.services.stock_reserve``, and recorded as
  ``OrderLineReservation`` rows;
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
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.audit import user_or_none
from erp.errors import ApplicationError
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
    PrepaymentAccount,
    PrepaymentEntry,
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

Status = RetailerOrderStatus
MAX_QUANTITY = 100_000_000
CHUNK = 500


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


def prepayment_weights(lines: Sequence[RetailerOrderLine]) -> dict[int, int]:
    """The ``by_prepayment`` weight of each line, in fen (see the module docstring)."""
    requested_by_retailer: dict[int, int] = defaultdict(int)
    for line in lines:
        requested_by_retailer[line.order.retailer_id] += line.quantity
    weights = {}
    for line in lines:
        account = line.order.retailer.prepayment_account
        free = max(account.balance_cents - account.held_cents, 0)
        share = free * line.quantity // requested_by_retailer[line.order.retailer_id]
        weights[line.pk] = to_cents(line.quantity * line.unit_price) + share
    return weights


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
    lines = list(allocation_candidates(item=item))
    if not lines:
        raise _refuse(f"No confirmed order is waiting for {item.sku}; there is nothing to allocate.", "item")
    weights_cents = prepayment_weights(lines) if method == AllocationMethod.BY_PREPAYMENT else {}
    candidates = [
        Candidate(
            id=line.pk,
            retailer_code=line.order.retailer.code,
            tier=line.order.retailer.tier,
            requested=line.quantity,
            confirmed_at=line.order.confirmed_at,
            order_number=line.order.number,
            weight=weights_cents.get(line.pk, 0),
        )
        for line in lines
    ]
    shares = allocate(candidates, quantity, method, use_tiers)

    def stored_weight(line: RetailerOrderLine):
        if method == AllocationMethod.BY_PREPAYMENT:
            return from_cents(weights_cents[line.pk])
        return from_cents(line.quantity * 100) if method == AllocationMethod.PRO_RATA else from_cents(0)

    requested_total = sum(line.quantity for line in lines)
    run = AllocationRun.objects.create(
        item=item,
        quantity=quantity,
        method=method,
        use_tiers=use_tiers,
        requested_total=requested_total,
        allocated_total=sum(shares.values()),
        created_by=user_or_none(acting_user),
    )
    AllocationLine.objects.bulk_create(
        [
            AllocationLine(
                run=run,
                order_line=line,
                retailer=line.order.retailer,
                tier=line.order.retailer.tier,
                requested=line.quantity,
                weight=stored_weight(line),
                allocated=shares[line.pk],
            )
            for line in lines
        ],
        batch_size=CHUNK,
    )
    return run


def _check_fresh(run: AllocationRun, lines: list[AllocationLine], orders: dict[int, RetailerOrder]) -> None:
    """Refuse a stale preview: every line as it was, and no new line waiting for the product."""
    for line in lines:
        order_line = line.order_line
        order = orders[order_line.order_id]
        if order.status != RetailerOrderStatus.CONFIRMED or order_line.allocated_quantity is not None:
            state = (
                _("settled by another allocation")
                if order_line.allocated_quantity is not None
                else Status(order.status).label.lower()
            )
            raise _refuse(
                f"{order.number} is {state} since the preview; run the preview again.",
                code="stale",
                order=order.number,
            )
        if order_line.quantity != line.requested:
            raise _refuse(
                f"{order.number} changed since the preview ({line.requested} then, {order_line.quantity} now); "
                "run the preview again.",
                code="stale",
                order=order.number,
            )
    known = {line.order_line_id for line in lines}
    new = allocation_candidates(item=run.item).exclude(pk__in=known).values_list("order__number", flat=True)[:1]
    if new:
        raise _refuse(
            f"{new[0]} was confirmed for {run.item.sku} after the preview and is not in it; "
            "run the preview again so it gets its share.",
            code="stale",
            order=new[0],
        )


def _reserve(*, acting_user: Any, run: AllocationRun, lines: list[AllocationLine]) -> None:
    """Reserve each line's units in the warehouses (by location code), one UPDATE per warehouse used."""
    item = run.item
    levels = list(
        StockLevel.objects.select_for_update()
        .filter(item=item, location__kind=LocationKind.WAREHOUSE)
        .order_by("location_id")  # the order stock moves lock levels in
    )
    free = {level.location_id: level.on_hand - level.reserved for level in levels}
    available = sum(max(value, 0) for value in free.values())
    if run.allocated_total > available:
        raise _refuse_above_stock(item, run.allocated_total, available, stale=True)
    locations = {loc.pk: loc for loc in Location.objects.filter(pk__in=[pk for pk, value in free.items() if value > 0])}
    warehouses = sorted(locations.values(), key=lambda loc: loc.code)
    reservations = []
    per_warehouse: dict[int, int] = defaultdict(int)
    position = 0
    for line in lines:
        need = line.allocated
        while need:
            warehouse = warehouses[position]
            take = min(need, free[warehouse.pk])
            if take:
                reservations.append(OrderLineReservation(line_id=line.order_line_id, location=warehouse, quantity=take))
                per_warehouse[warehouse.pk] += take
                free[warehouse.pk] -= take
                need -= take
            if not free[warehouse.pk]:
                position += 1
    for location_id in sorted(per_warehouse):
        stock_reserve(
            acting_user=acting_user, item=item, location=locations[location_id], qty=per_warehouse[location_id]
        )
    OrderLineReservation.objects.bulk_create(reservations, batch_size=CHUNK)


def _release_holds(*, acting_user: Any, release: dict[int, int], orders: dict[int, RetailerOrder], note: str) -> None:
    """Give back ``release[order id]`` fen of each order's hold: one entry per order, one UPDATE per account."""
    release = {order_id: cents for order_id, cents in release.items() if cents > 0}
    if not release:
        return
    by_account: dict[int, list[int]] = defaultdict(list)
    for order_id in sorted(release):
        by_account[orders[order_id].retailer.prepayment_account.pk].append(order_id)
    accounts = {
        account.pk: account
        for account in PrepaymentAccount.objects.select_for_update().filter(pk__in=list(by_account)).order_by("pk")
    }
    now = timezone.now()
    user = user_or_none(acting_user)
    entries = []
    for account_id in sorted(by_account):
        total = sum(release[order_id] for order_id in by_account[account_id])
        # The ledger's rule in the WHERE clause: never release more than is held.
        account = accounts[account_id]
        if not PrepaymentAccount.objects.filter(pk=account_id, held_cents__gte=total).update(
            held_cents=F("held_cents") - total, updated_at=now
        ):
            code = orders[by_account[account_id][0]].retailer.code
            raise _refuse(f"Only {account.held} CNY is held for {code}; cannot release {from_cents(total)}.")
        held = account.held_cents
        for order_id in by_account[account_id]:
            held -= release[order_id]
            order = orders[order_id]
            entries.append(
                PrepaymentEntry(
                    account_id=account_id,
                    kind=PrepaymentEntryKind.RELEASE,
                    amount_cents=release[order_id],
                    balance_after_cents=account.balance_cents,
                    held_after_cents=held,
                    reference=order.number,
                    note=note,
                    order=order,
                    created_by=user,
                )
            )
    PrepaymentEntry.objects.bulk_create(entries, batch_size=CHUNK)
    for start in range(0, len(release), CHUNK):
        ids = sorted(release)[start : start + CHUNK]
        RetailerOrder.objects.filter(pk__in=ids).update(
            held_cents=F("held_cents")
            - Case(*[When(pk=pk, then=Value(release[pk])) for pk in ids], output_field=IntegerField()),
            updated_at=now,
        )


def _notices(run: AllocationRun, lines: list[AllocationLine], orders: dict[int, RetailerOrder]) -> None:
    by_retailer: dict[int, list[AllocationLine]] = defaultdict(list)
    for line in lines:
        by_retailer[line.retailer_id].append(line)
    item = run.item
    notices = []
    for retailer_id, own in sorted(by_retailer.items()):
        numbers = sorted({orders[line.order_line.order_id].number for line in own})
        requested = sum(line.requested for line in own)
        allocated = sum(line.allocated for line in own)
        where = numbers[0] if len(numbers) == 1 else f"{len(numbers)} orders ({', '.join(numbers[:5])}"
        where += "" if len(numbers) == 1 else (", ...)" if len(numbers) > 5 else ")")
        message = _("%(sku)s %(name)s: %(allocated)s of the %(requested)s you ordered are allocated to %(where)s.") % {
            "sku": item.sku,
            "name": item.name,
            "allocated": f"{allocated:,}",
            "requested": f"{requested:,}",
            "where": where,
        }
        notices.append(
            RetailerNotice(
                retailer_id=retailer_id,
                kind=NoticeKind.ALLOCATION,
                message=message[:500],
                url=f"/portal/orders/{numbers[0]}/",
            )
        )
    RetailerNotice.objects.bulk_create(notices, batch_size=CHUNK)


@transaction.atomic
def allocation_run_apply(*, acting_user: Any, run: AllocationRun) -> AllocationRun:
    """Make a preview real: reservations, settled lines, released holds, allocated orders, notices."""
    run = AllocationRun.objects.select_for_update().select_related("item").get(pk=run.pk)
    if run.status == AllocationRunStatus.APPLIED:
        raise _refuse(
            f"Allocation run {run.pk} was already applied on {timezone.localtime(run.applied_at):%Y-%m-%d %H:%M}.", code="applied"
        )
    lines = list(run.lines.select_related("order_line").order_by("order_line__order__confirmed_at", "order_line_id"))
    order_ids = sorted({line.order_line.order_id for line in lines})
    orders = {
        order.pk: order
        for order in RetailerOrder.objects.select_for_update(of=("self",))
        .select_related("retailer__prepayment_account")
        .filter(pk__in=order_ids)
        .order_by("pk")
    }
    # Read the lines again now that their orders are locked: this is what a cancellation or another run left.
    fresh = RetailerOrderLine.objects.in_bulk([line.order_line_id for line in lines])
    for line in lines:
        line.order_line = fresh[line.order_line_id]
    _check_fresh(run, lines, orders)
    if run.allocated_total:
        _reserve(acting_user=acting_user, run=run, lines=[line for line in lines if line.allocated])

    order_lines = []
    release: dict[int, int] = defaultdict(int)
    for line in lines:
        order_line = line.order_line
        order_line.allocated_quantity = line.allocated
        order_lines.append(order_line)
        release[order_line.order_id] += to_cents((line.requested - line.allocated) * order_line.unit_price)
    RetailerOrderLine.objects.bulk_update(order_lines, ["allocated_quantity"], batch_size=CHUNK)
    _release_holds(
        acting_user=acting_user, release=release, orders=orders, note=f"allocation run {run.pk}: not allocated"
    )

    now = timezone.now()
    waiting = set(
        RetailerOrderLine.objects.filter(order_id__in=order_ids, allocated_quantity__isnull=True)
        .values_list("order_id", flat=True)
        .distinct()
    )
    settled = [order_id for order_id in order_ids if order_id not in waiting]
    for start in range(0, len(settled), CHUNK):
        RetailerOrder.objects.filter(pk__in=settled[start : start + CHUNK]).update(
            status=RetailerOrderStatus.ALLOCATED, allocated_at=now, updated_at=now
        )
    if settled:
        changed = list(RetailerOrder.objects.filter(pk__in=settled).order_by("pk"))
        RetailerOrder.history.bulk_history_create(
            changed,
            update=True,
            default_user=user_or_none(acting_user),
            default_change_reason=f"allocated by run {run.pk}",
            batch_size=CHUNK,
        )
    _notices(run, lines, orders)
    AllocationRun.objects.filter(pk=run.pk).update(
        status=AllocationRunStatus.APPLIED, applied_at=now, applied_by=user_or_none(acting_user)
    )
    run.refresh_from_db()
    return run


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

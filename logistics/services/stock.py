"""Every write to the stock ledger. Keyword-only, atomic, attributed to ``acting_user``.

A move and the levels it changes are written in one transaction. Levels are changed only with
conditional UPDATEs in (item, location) order: an increment first makes sure the level row exists
(INSERT ... ON CONFLICT DO NOTHING) and then adds with ``on_hand = on_hand + qty``; a decrement subtracts only
``WHERE on_hand - reserved >= qty``, so no interleaving of writers can take a level below zero or
below what is reserved. A refused move writes nothing, and the database constraints on
``StockLevel`` hold even if this code were wrong.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.models import Item
from erp.validators import validate_printable
from logistics.models import Location, StockCount, StockCountLine, StockLevel, StockMove, StockMoveReason

MAX_QTY = 2_000_000_000  # fits the integer columns with room for sums
MAX_REFERENCE = StockMove._meta.get_field("reference").max_length


@dataclass(frozen=True)
class StockMoveInput:
    """One move of a batch; the same fields as ``stock_move_post``."""

    item: Item
    qty: int
    reason: str
    from_location: Location | None = None
    to_location: Location | None = None
    reference: str = ""
    # When it happened, if not when the batch is posted (e.g. a store's sale on the day it was made).
    moved_at: datetime | None = None


def _refuse(message: str, field: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}, **extra})


def _check_qty(qty: Any, *, field: str = "qty", allow_zero: bool = False, where: str = "") -> int:
    low = 0 if allow_zero else 1
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < low or qty > MAX_QTY:
        kind = "zero or more" if allow_zero else "above zero"
        raise _refuse(f"{where}The quantity must be a whole number {kind}, not {qty!r}.", field, **{field: str(qty)})
    return qty


def _check_move(move: StockMoveInput, *, where: str = "") -> None:
    if not isinstance(move.item, Item):
        raise _refuse(f"{where}Name an item to move.", "item")
    sku = move.item.sku
    _check_qty(move.qty, where=f"{where}{sku}: ")
    if move.reason not in StockMoveReason.values:
        allowed = ", ".join(StockMoveReason.values)
        raise _refuse(f"{where}{sku}: unknown reason {move.reason!r}; use one of {allowed}.", "reason")
    if move.from_location is None and move.to_location is None:
        raise _refuse(f"{where}{sku}: a move needs a location to come from, to go to, or both.", "to_location")
    for field, location in (("from_location", move.from_location), ("to_location", move.to_location)):
        if location is not None and not isinstance(location, Location):
            raise _refuse(f"{where}{sku}: {field} must be a location.", field)
    if move.from_location is not None and move.to_location is not None and move.from_location.pk == move.to_location.pk:
        raise _refuse(
            f"{where}{sku}: a move cannot go from {move.from_location.code} to the same location.", "to_location"
        )
    if move.to_location is not None and not move.to_location.is_active:
        raise _refuse(f"{where}{sku}: {move.to_location.code} is inactive and takes no stock.", "to_location")
    reference = move.reference or ""
    if len(reference) > MAX_REFERENCE:
        raise _refuse(f"{where}{sku}: the reference is longer than {MAX_REFERENCE} characters.", "reference")
    try:
        validate_printable(reference)
    except ValidationError as error:
        raise _refuse(f"{where}{sku}: reference: {error.messages[0]}", "reference") from error


def _refuse_short(item_id: int, location_id: int, asked: int) -> ApplicationError:
    level = StockLevel.objects.filter(item_id=item_id, location_id=location_id).select_related("item", "location")
    found = level.first()
    if found is None:
        item = Item.objects.get(pk=item_id)
        location = Location.objects.get(pk=location_id)
        on_hand = reserved = 0
    else:
        item, location, on_hand, reserved = found.item, found.location, found.on_hand, found.reserved
    available = on_hand - reserved
    message = (
        f"Not enough {item.sku} at {location.code}: {available} available"
        + (f" ({on_hand} on hand, {reserved} reserved)" if reserved else "")
        + f", {asked} asked."
    )
    return ApplicationError(
        message,
        {
            "fields": {"qty": [message]},
            "item": item.sku,
            "location": location.code,
            "on_hand": on_hand,
            "reserved": reserved,
            "available": available,
            "asked": asked,
        },
    )


def _apply_deltas(deltas: Mapping[tuple[int, int], int]) -> None:
    """Change levels by ``deltas[(item_id, location_id)]`` with conditional UPDATEs in key order."""
    keys = sorted(key for key, delta in deltas.items() if delta)
    missing_ok = [key for key in keys if deltas[key] > 0]
    if missing_ok:
        # New levels start at zero; a concurrent writer creating the same row is fine (ON CONFLICT DO NOTHING).
        StockLevel.objects.bulk_create(
            [StockLevel(item_id=item_id, location_id=location_id) for item_id, location_id in missing_ok],
            ignore_conflicts=True,
        )
    # The same two statements for every level, written once: a batch changes hundreds of levels, and
    # building each UPDATE through the ORM cost twenty times more than running it.
    table = StockLevel._meta.db_table
    add = f"UPDATE {table} SET on_hand = on_hand + %s, updated_at = %s WHERE item_id = %s AND location_id = %s"
    take = f"{add} AND on_hand >= reserved + %s"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for item_id, location_id in keys:
            delta = deltas[(item_id, location_id)]
            if delta > 0:
                cursor.execute(add, [delta, now, item_id, location_id])
                continue
            cursor.execute(take, [delta, now, item_id, location_id, -delta])
            if cursor.rowcount != 1:
                raise _refuse_short(item_id, location_id, -delta)


def _post(moves: Sequence[StockMoveInput], *, acting_user: Any, moved_at: datetime | None) -> list[StockMove]:
    if not moves:
        raise _refuse("There are no moves to post.", "moves")
    for index, move in enumerate(moves):
        _check_move(move, where=f"Move {index + 1}: " if len(moves) > 1 else "")
    deltas: dict[tuple[int, int], int] = defaultdict(int)
    for move in moves:
        if move.from_location is not None:
            deltas[(move.item.pk, move.from_location.pk)] -= move.qty
        if move.to_location is not None:
            deltas[(move.item.pk, move.to_location.pk)] += move.qty
    _apply_deltas(deltas)
    from logistics.services.mrp import mrp_run_request  # MRP nets stock: recompute after this commit

    mrp_run_request(acting_user=acting_user, reason=f"stock moved ({len(moves)} move{'s' if len(moves) > 1 else ''})")
    when = moved_at or timezone.now()
    user = user_or_none(acting_user)
    from logistics.services.flows import flows_add

    flows_add(
        (
            move.item.pk,
            move.qty,
            move.from_location.pk if move.from_location else None,
            move.to_location.pk if move.to_location else None,
            move.reason,
            move.moved_at or when,
        )
        for move in moves
    )
    return StockMove.objects.bulk_create(
        [
            StockMove(
                item=move.item,
                qty=move.qty,
                from_location=move.from_location,
                to_location=move.to_location,
                reason=move.reason,
                reference=move.reference or "",
                moved_at=move.moved_at or when,
                created_by=user,
            )
            for move in moves
        ]
    )


@transaction.atomic
def stock_move_post(
    *,
    acting_user: Any,
    item: Item,
    qty: int,
    from_location: Location | None = None,
    to_location: Location | None = None,
    reason: str,
    reference: str = "",
    moved_at: datetime | None = None,
) -> StockMove:
    """Record one move and change the levels it touches; refuse (writing nothing) a move that would go short."""
    move = StockMoveInput(
        item=item, qty=qty, reason=reason, from_location=from_location, to_location=to_location, reference=reference
    )
    return _post([move], acting_user=acting_user, moved_at=moved_at)[0]


@transaction.atomic
def stock_moves_post(
    *, acting_user: Any, moves: Sequence[StockMoveInput], moved_at: datetime | None = None
) -> list[StockMove]:
    """Record several moves at once, all or nothing; the levels are changed once each, in (item, location) order.

    Each move happens at its own ``moved_at`` if it has one, else at ``moved_at`` (default: now)."""
    return _post(list(moves), acting_user=acting_user, moved_at=moved_at)


def _level_for_update(item: Item, location: Location):
    return StockLevel.objects.filter(item=item, location=location)


@transaction.atomic
def stock_reserve(*, acting_user: Any, item: Item, location: Location, qty: int) -> StockLevel:
    """Set ``qty`` aside at ``location``; refused when fewer are available (on hand minus reserved)."""
    _check_qty(qty, where=f"{item.sku}: ")
    if (
        not _level_for_update(item, location)
        .filter(on_hand__gte=F("reserved") + qty)
        .update(reserved=F("reserved") + qty, updated_at=timezone.now())
    ):
        raise _refuse_short(item.pk, location.pk, qty)
    return StockLevel.objects.select_related("item", "location").get(item=item, location=location)


@transaction.atomic
def stock_release(*, acting_user: Any, item: Item, location: Location, qty: int) -> StockLevel:
    """Give back ``qty`` of a reservation; refused when less than that is reserved."""
    _check_qty(qty, where=f"{item.sku}: ")
    if (
        not _level_for_update(item, location)
        .filter(reserved__gte=qty)
        .update(reserved=F("reserved") - qty, updated_at=timezone.now())
    ):
        raise _release_refusal(item.pk, location.pk, qty)
    return StockLevel.objects.select_related("item", "location").get(item=item, location=location)


def _release_refusal(item_id: int, location_id: int, qty: int) -> ApplicationError:
    level = StockLevel.objects.filter(item_id=item_id, location_id=location_id).first()
    item, location = Item.objects.get(pk=item_id), Location.objects.get(pk=location_id)
    reserved = level.reserved if level else 0
    message = f"Only {reserved} of {item.sku} is reserved at {location.code}; cannot release {qty}."
    return ApplicationError(
        message, {"fields": {"qty": [message]}, "item": item.sku, "location": location.code, "reserved": reserved}
    )


@transaction.atomic
def stock_reserve_many(*, acting_user: Any, quantities: Mapping[tuple[int, int], int]) -> None:
    """Reserve ``quantities[(item_id, location_id)]`` units: one conditional UPDATE per level, in (item,
    location) order (the order moves lock levels in); refused, naming the available figure, when one is short."""
    now = timezone.now()
    for item_id, location_id in sorted(key for key, qty in quantities.items() if qty):
        qty = _check_qty(quantities[(item_id, location_id)])
        if not StockLevel.objects.filter(
            item_id=item_id, location_id=location_id, on_hand__gte=F("reserved") + qty
        ).update(reserved=F("reserved") + qty, updated_at=now):
            raise _refuse_short(item_id, location_id, qty)


@transaction.atomic
def stock_release_many(*, acting_user: Any, quantities: Mapping[tuple[int, int], int]) -> None:
    """Give back ``quantities[(item_id, location_id)]`` reserved units, one conditional UPDATE per level."""
    now = timezone.now()
    for item_id, location_id in sorted(key for key, qty in quantities.items() if qty):
        qty = _check_qty(quantities[(item_id, location_id)])
        if not StockLevel.objects.filter(item_id=item_id, location_id=location_id, reserved__gte=qty).update(
            reserved=F("reserved") - qty, updated_at=now
        ):
            raise _release_refusal(item_id, location_id, qty)


@transaction.atomic
def stock_count_create(
    *,
    acting_user: Any,
    location: Location,
    lines: Iterable[tuple[Item, int]],
    counted_at: datetime | None = None,
    note: str = "",
) -> StockCount:
    """A draft count of ``location``: ``lines`` are (item, counted quantity), each item once."""
    if not isinstance(location, Location):
        raise _refuse("Name the location that was counted.", "location")
    if not location.is_active:
        raise _refuse(f"{location.code} is inactive; it cannot be counted.", "location")
    lines = list(lines)
    if not lines:
        raise _refuse("A count needs at least one counted item.", "lines")
    seen: set[int] = set()
    for number, (item, counted) in enumerate(lines, start=1):
        if not isinstance(item, Item):
            raise _refuse(f"Line {number}: name the counted item.", "lines")
        _check_qty(counted, field="counted", allow_zero=True, where=f"Line {number}, {item.sku}: ")
        if item.pk in seen:
            raise _refuse(f"Line {number}: {item.sku} is counted twice; give one quantity per item.", "lines")
        seen.add(item.pk)
    try:
        validate_printable(note)
    except ValidationError as error:
        raise _refuse(f"note: {error.messages[0]}", "note") from error
    count = StockCount.objects.create(
        location=location,
        counted_at=counted_at or timezone.now(),
        note=note[:500],
        created_by=user_or_none(acting_user),
    )
    StockCountLine.objects.bulk_create(
        [StockCountLine(count=count, item=item, counted=counted) for item, counted in lines]
    )
    return count


@transaction.atomic
def stock_count_post(*, acting_user: Any, count: StockCount) -> StockCount:
    """Post a draft count: each line's difference to the level on hand becomes a ``count`` move.

    The count is claimed with one conditional UPDATE (so it posts once), and the levels of its items
    are locked in item order before they are read, so the differences are exact at posting time.
    """
    now = timezone.now()
    if not StockCount.objects.filter(pk=count.pk, status=StockCount.Status.DRAFT).update(
        status=StockCount.Status.POSTED, posted_at=now, updated_at=now
    ):
        raise _refuse(f"Count {count.pk} is already posted.", "status")
    count = StockCount.objects.select_related("location").get(pk=count.pk)
    location = count.location
    lines = list(count.lines.select_related("item").order_by("item_id"))
    item_ids = [line.item_id for line in lines]
    StockLevel.objects.bulk_create(
        [StockLevel(item_id=item_id, location=location) for item_id in item_ids], ignore_conflicts=True
    )
    on_hand = dict(
        StockLevel.objects.select_for_update()
        .filter(location=location, item_id__in=item_ids)
        .order_by("item_id")
        .values_list("item_id", "on_hand")
    )
    moves = []
    for line in lines:
        line.expected = on_hand.get(line.item_id, 0)
        difference = line.counted - line.expected
        if difference:
            moves.append(
                StockMoveInput(
                    item=line.item,
                    qty=abs(difference),
                    reason=StockMoveReason.COUNT,
                    from_location=location if difference < 0 else None,
                    to_location=location if difference > 0 else None,
                    reference=f"count {count.pk}",
                )
            )
    StockCountLine.objects.bulk_update(lines, ["expected"])
    if moves:
        try:
            _post(moves, acting_user=acting_user, moved_at=count.counted_at)
        except ApplicationError as error:
            extra = error.extra
            raise ApplicationError(
                f"{extra.get('item')}: counted below the {extra.get('reserved')} reserved at {location.code}; "
                "release the reservation first.",
                extra,
            ) from error
    return count

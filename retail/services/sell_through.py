"""What stores report: stock counts and daily sell-through, from store ops, retailers (portal, Excel,
API) and point-of-sale integrations, all through these two services.

Both take whole batches and write all or nothing. A store is named by its code and must be within the
caller's ``StoreScope``; a store outside it is refused exactly like an unknown code, so the answer never
tells a retailer (or a POS integration) which codes exist elsewhere. The stores of a batch are locked
(pk order) before anything is read, so two reports for one store are applied one after the other.

Sell-through is one figure per store, product and day: a day reported again replaces the earlier
figure. At one of Tempo's own stores the units sold leave its stock: an ``issue`` move from the store,
dated on the sale day (what the turnover report counts as goods shipped); a re-report moves only the
difference (an ``adjustment`` back into the store when the new figure is lower); a sale above the
store's available stock is refused, naming the store, the SKU, what is available and what was asked.
At a retailer-run store the figure is recorded only: its stock is the retailer's and is set by its counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.excel.bulk import insert_history, insert_rows, update_rows
from erp.models import Item, ItemKind
from erp.weeks import BUSINESS_TZ, business_date
from logistics.models import StockCount, StockMoveReason
from logistics.services.stock import StockMoveInput, stock_count_create, stock_count_post, stock_moves_post
from retail.models import SellThroughSource, Store, StoreSellThrough
from retail.selectors.stores import StoreScope

MAX_UNITS = 1_000_000
MAX_ROWS = 20_000
# Sales are booked at the evening close of the sale day (Asia/Shanghai), or now for today.
CLOSE_OF_DAY = time(20, 0)


@dataclass(frozen=True)
class StoreCountInput:
    store_code: str
    item: Item
    counted: int
    row: int = 0  # the row number to name in a refusal (e.g. the sheet row); 0: its place in the batch


@dataclass(frozen=True)
class SellThroughInput:
    store_code: str
    item: Item
    date: date
    quantity: int
    row: int = 0


@dataclass(frozen=True)
class SellThroughRecorded:
    created: int
    updated: int
    units_issued: int  # left own stores' stock with this report
    units_returned: int  # came back to own stores because a day was re-reported lower

    @property
    def written(self) -> int:
        return self.created + self.updated


def _refuse(n: int, message: str, field: str, **extra: Any) -> ApplicationError:
    return ApplicationError(f"Row {n}: {message}", {"fields": {field: [message]}, "row": n, **extra})


def _check_units(n: int, value: Any, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_UNITS:
        raise _refuse(n, f"{field} must be a whole number from 0 to {MAX_UNITS:,}, not {value!r}.", field)


def _check_product(n: int, item: Any) -> None:
    if not isinstance(item, Item) or item.kind != ItemKind.PRODUCT:
        raise _refuse(n, f"unknown product '{getattr(item, 'sku', item)}'; stores sell products.", "sku")


def _check_batch(rows: Sequence[Any], what: str) -> None:
    if not rows:
        raise ApplicationError(f"Nothing to record: no {what} rows.", {"fields": {"rows": ["No rows."]}})
    if len(rows) > MAX_ROWS:
        raise ApplicationError(
            f"At most {MAX_ROWS:,} {what} rows at once; split the batch.", {"fields": {"rows": ["Too many rows."]}}
        )


def _locked_stores(scope: StoreScope, codes: set[str]) -> dict[str, Store]:
    """The scope's stores among ``codes``, locked in pk order, with their locations."""
    locked = (
        scope.stores()
        .filter(location__code__in=codes)
        .select_related("location")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return {store.location.code: store for store in locked}


def _store(stores: dict[str, Store], n: int, code: str) -> Store:
    store = stores.get(code)
    if store is None:
        raise _refuse(n, f"unknown store '{code}'; use the code of a store you report for.", "store")
    return store


def _row_number(row: Any, index: int) -> int:
    return row.row or index


@transaction.atomic
def store_stock_counts_record(
    *, acting_user: Any, scope: StoreScope, counts: Sequence[StoreCountInput], note: str = ""
) -> list[StockCount]:
    """One posted stock count per store named in ``counts``; each line sets that store's on-hand quantity."""
    _check_batch(counts, "counted")
    stores = _locked_stores(scope, {row.store_code for row in counts})
    by_store: dict[str, list[tuple[Item, int]]] = {}
    seen: set[tuple[str, int]] = set()
    for index, row in enumerate(counts, start=1):
        n = _row_number(row, index)
        _store(stores, n, row.store_code)
        _check_product(n, row.item)
        _check_units(n, row.counted, "counted")
        if (row.store_code, row.item.pk) in seen:
            raise _refuse(n, f"{row.item.sku} is counted twice for {row.store_code}.", "sku")
        seen.add((row.store_code, row.item.pk))
        by_store.setdefault(row.store_code, []).append((row.item, row.counted))
    posted = []
    for code in sorted(by_store):
        count = stock_count_create(
            acting_user=acting_user, location=stores[code].location, lines=by_store[code], note=note or "store count"
        )
        posted.append(stock_count_post(acting_user=acting_user, count=count))
    return posted


def sale_moment(day: date) -> datetime:
    """When a day's sales leave the store's stock: the evening close of that day, or now if that is later."""
    return min(datetime.combine(day, CLOSE_OF_DAY, tzinfo=BUSINESS_TZ), timezone.now())


def _stock_moves(
    wanted: dict[tuple[int, int, date], int], existing: dict, stores_by_location: dict[int, Store], items: dict
) -> list[StockMoveInput]:
    """Own stores: the difference between the new and the recorded figure leaves (or comes back to) stock."""
    moves = []
    for (location_id, item_id, day), quantity in wanted.items():
        store = stores_by_location[location_id]
        if not store.is_own:
            continue
        before = existing[(location_id, item_id, day)].quantity if (location_id, item_id, day) in existing else 0
        difference = quantity - before
        if difference > 0:
            moves.append(
                StockMoveInput(
                    item=items[item_id],
                    qty=difference,
                    reason=StockMoveReason.ISSUE,
                    from_location=store.location,
                    reference=f"sell-through {day.isoformat()}",
                    moved_at=sale_moment(day),
                )
            )
        elif difference < 0:
            moves.append(
                StockMoveInput(
                    item=items[item_id],
                    qty=-difference,
                    reason=StockMoveReason.ADJUSTMENT,
                    to_location=store.location,
                    reference=f"sell-through {day.isoformat()} re-reported lower",
                    moved_at=sale_moment(day),
                )
            )
    return moves


@transaction.atomic
def store_sell_through_record(
    *,
    acting_user: Any,
    scope: StoreScope,
    rows: Sequence[SellThroughInput],
    source: str = SellThroughSource.STAFF,
) -> SellThroughRecorded:
    """Upsert units sold per store, product and day, and move own stores' stock by what changed."""
    _check_batch(rows, "sell-through")
    if source not in SellThroughSource.values:
        raise ApplicationError(f"Unknown source '{source}'.", {"fields": {"source": ["Unknown."]}})
    stores = _locked_stores(scope, {row.store_code for row in rows})
    today = business_date()
    wanted: dict[tuple[int, int, date], int] = {}
    numbers: dict[tuple[int, int, date], int] = {}
    items: dict[int, Item] = {}
    for index, row in enumerate(rows, start=1):
        n = _row_number(row, index)
        store = _store(stores, n, row.store_code)
        _check_product(n, row.item)
        _check_units(n, row.quantity, "units_sold")
        if not isinstance(row.date, date) or isinstance(row.date, datetime):
            raise _refuse(n, "the date is missing or not a day.", "date")
        if row.date > today:
            raise _refuse(n, f"{row.date} is in the future; report days that have passed.", "date")
        key = (store.location_id, row.item.pk, row.date)
        if key in wanted:
            raise _refuse(n, f"{row.item.sku} on {row.date} at {row.store_code} appears twice.", "sku")
        wanted[key] = row.quantity
        numbers[key] = n
        items[row.item.pk] = row.item
    existing = {
        (obj.location_id, obj.item_id, obj.date): obj
        for obj in StoreSellThrough.objects.filter(
            location_id__in={key[0] for key in wanted},
            item_id__in={key[1] for key in wanted},
            date__in={key[2] for key in wanted},
        ).order_by("pk")
    }
    stores_by_location = {store.location_id: store for store in stores.values()}
    moves = _stock_moves(wanted, existing, stores_by_location, items)
    if moves:
        try:
            stock_moves_post(acting_user=acting_user, moves=moves)
        except ApplicationError as error:
            raise _short_sale(error, numbers, stores_by_location, items) from error
    created, updated = _write_rows(wanted, existing, source=source, user=user_or_none(acting_user))
    issued = sum(move.qty for move in moves if move.reason == StockMoveReason.ISSUE)
    return SellThroughRecorded(created, updated, issued, sum(move.qty for move in moves) - issued)


def _write_rows(wanted: dict, existing: dict, *, source: str, user: Any) -> tuple[int, int]:
    """Insert the new days and update the changed ones, each with its history row (the import engine's
    fast bulk writes: a store's four weeks of sales are thousands of rows)."""
    now, user_id = timezone.now(), getattr(user, "pk", None)
    creates, updates = [], []
    for (location_id, item_id, day), quantity in wanted.items():
        obj = existing.get((location_id, item_id, day))
        values = {"quantity": quantity, "source": source, "reported_by_id": user_id, "reported_at": now}
        if obj is None:
            creates.append({"location_id": location_id, "item_id": item_id, "date": day, **values})
        elif (obj.quantity, obj.source, obj.reported_by_id) != (quantity, source, user_id):
            row = {field.attname: getattr(obj, field.attname) for field in StoreSellThrough._meta.concrete_fields}
            updates.append({**row, **values})
    if creates:
        try:
            with transaction.atomic():
                insert_rows(StoreSellThrough, creates)
        except IntegrityError as error:  # pragma: no cover - the store locks serialise reports of one store
            raise ApplicationError(
                "These days were reported at the same moment by someone else; send them again."
            ) from error
        keys = {(row["location_id"], row["item_id"], row["date"]) for row in creates}
        ids = {
            (location_id, item_id, day): pk
            for pk, location_id, item_id, day in StoreSellThrough.objects.filter(
                location_id__in={key[0] for key in keys},
                item_id__in={key[1] for key in keys},
                date__in={key[2] for key in keys},
            ).values_list("pk", "location_id", "item_id", "date")
        }
        for row in creates:
            row["id"] = ids[(row["location_id"], row["item_id"], row["date"])]
        insert_history(StoreSellThrough, creates, kind="+", user=user, reason="reported")
    if updates:
        update_rows(StoreSellThrough, updates, ["quantity", "source", "reported_by_id", "reported_at"])
        insert_history(StoreSellThrough, updates, kind="~", user=user, reason="re-reported")
    return len(creates), len(updates)


def _short_sale(error: ApplicationError, numbers: dict, stores_by_location: dict, items: dict) -> ApplicationError:
    """A sale above an own store's stock, refused by the ledger: name the last row of that store and SKU
    (``asked`` is what the whole report takes of it)."""
    code, sku = error.extra.get("location"), error.extra.get("item")
    row = max(
        (
            n
            for (location_id, item_id, _day), n in numbers.items()
            if stores_by_location[location_id].location.code == code and items[item_id].sku == sku
        ),
        default=0,
    )
    if not row:
        return error
    message = (
        f"{code} has {error.extra.get('available')} of {sku} available; "
        f"{error.extra.get('asked')} sold is more than that (count the store if its stock is wrong)."
    )
    extra = {key: value for key, value in error.extra.items() if key != "fields"}
    return _refuse(row, message, "units_sold", **{**extra, "store": code, "sku": sku})

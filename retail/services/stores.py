"""What a retailer reports about its own stores: stock counts and daily sell-through.

Both take whole batches and write all or nothing. A store is named by its location code and must be
one of the retailer's own stores; another company's store is refused exactly like an unknown code, so
the answer never tells a retailer which codes exist elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import business_date
from logistics.models import Location, StockCount
from logistics.services.stock import stock_count_create, stock_count_post
from retail.models import Retailer, RetailerStore, SellThroughSource, StoreSellThrough

MAX_UNITS = 1_000_000


@dataclass(frozen=True)
class StoreCountInput:
    store_code: str
    item: Item
    counted: int


@dataclass(frozen=True)
class SellThroughInput:
    store_code: str
    item: Item
    date: date
    quantity: int


def retailer_store_locations(*, retailer: Retailer) -> dict[str, Location]:
    """The retailer's own store locations by code."""
    return {
        store.location.code: store.location
        for store in RetailerStore.objects.filter(retailer=retailer).select_related("location")
    }


def _refuse(n: int, message: str, field: str) -> ApplicationError:
    return ApplicationError(f"Row {n}: {message}", {"fields": {field: [message]}, "row": n})


def _check_units(n: int, value: Any, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_UNITS:
        raise _refuse(n, f"{field} must be a whole number from 0 to {MAX_UNITS:,}, not {value!r}.", field)


def _store(stores: dict[str, Location], n: int, code: str) -> Location:
    location = stores.get(code)
    if location is None:
        raise _refuse(n, f"unknown store '{code}'; use one of your own store codes.", "store")
    return location


@transaction.atomic
def store_stock_counts_record(
    *, acting_user: Any, retailer: Retailer, counts: Sequence[StoreCountInput], note: str = ""
) -> list[StockCount]:
    """One posted stock count per store named in ``counts``; each line sets that store's on-hand quantity."""
    if not counts:
        raise ApplicationError("Nothing to record: no counted rows.", {"fields": {"rows": ["No rows."]}})
    stores = retailer_store_locations(retailer=retailer)
    by_store: dict[str, list[tuple[Item, int]]] = {}
    seen: set[tuple[str, int]] = set()
    for n, row in enumerate(counts, start=1):
        _store(stores, n, row.store_code)
        _check_units(n, row.counted, "counted")
        if (row.store_code, row.item.pk) in seen:
            raise _refuse(n, f"{row.item.sku} is counted twice for {row.store_code}.", "sku")
        seen.add((row.store_code, row.item.pk))
        by_store.setdefault(row.store_code, []).append((row.item, row.counted))
    posted = []
    for code in sorted(by_store):
        count = stock_count_create(
            acting_user=acting_user,
            location=stores[code],
            lines=by_store[code],
            note=note or f"counted by {retailer.code} (portal)",
        )
        posted.append(stock_count_post(acting_user=acting_user, count=count))
    return posted


@transaction.atomic
def store_sell_through_record(
    *,
    acting_user: Any,
    retailer: Retailer,
    rows: Sequence[SellThroughInput],
    source: str = SellThroughSource.PORTAL,
) -> tuple[int, int]:
    """Upsert units sold per store, product and day; returns (created, updated). A later report of
    the same store, product and day replaces the earlier figure."""
    if not rows:
        raise ApplicationError("Nothing to record: no sell-through rows.", {"fields": {"rows": ["No rows."]}})
    if source not in SellThroughSource.values:
        raise ApplicationError(f"Unknown source '{source}'.", {"fields": {"source": ["Unknown."]}})
    stores = retailer_store_locations(retailer=retailer)
    today = business_date()
    wanted: dict[tuple[int, int, date], int] = {}
    for n, row in enumerate(rows, start=1):
        location = _store(stores, n, row.store_code)
        _check_units(n, row.quantity, "units_sold")
        if not isinstance(row.date, date):
            raise _refuse(n, "the date is missing.", "date")
        if row.date > today:
            raise _refuse(n, f"{row.date} is in the future; report days that have passed.", "date")
        key = (location.pk, row.item.pk, row.date)
        if key in wanted:
            raise _refuse(n, f"{row.item.sku} on {row.date} at {row.store_code} appears twice.", "sku")
        wanted[key] = row.quantity
    location_ids = {key[0] for key in wanted}
    existing = {
        (obj.location_id, obj.item_id, obj.date): obj
        for obj in StoreSellThrough.objects.select_for_update()
        .filter(location_id__in=location_ids, item_id__in={key[1] for key in wanted})
        .filter(date__in={key[2] for key in wanted})
        .order_by("pk")
    }
    user = user_or_none(acting_user)
    creates, updates = [], []
    for key, quantity in wanted.items():
        obj = existing.get(key)
        if obj is None:
            creates.append(
                StoreSellThrough(
                    location_id=key[0], item_id=key[1], date=key[2], quantity=quantity, source=source, reported_by=user
                )
            )
        else:
            obj.quantity, obj.source, obj.reported_by, obj.reported_at = quantity, source, user, timezone.now()
            updates.append(obj)
    if creates:
        bulk_create_with_history(creates, StoreSellThrough, default_user=user, default_change_reason="reported")
    if updates:
        bulk_update_with_history(
            updates,
            StoreSellThrough,
            ["quantity", "source", "reported_by", "reported_at"],
            default_user=user,
            default_change_reason="re-reported",
        )
    return len(creates), len(updates)

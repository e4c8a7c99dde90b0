"""Reads of the stock ledger, each with the joins its callers need.

``stock_on_hand`` and ``stock_available`` are the figures planning (MRP, the demand plan) starts
from; each is one aggregate query.
"""

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet, Sum

from erp.errors import ApplicationError
from erp.models import Item
from logistics.models import Location, LocationKind, StockCount, StockLevel, StockMove


def location_list() -> QuerySet[Location]:
    return Location.objects.select_related("factory")


def location_get(*, code: str) -> Location:
    location = location_list().filter(code=str(code).strip().upper()).first()
    if location is None:
        raise ApplicationError(
            f"No location has the code '{code}'.", {"fields": {"location": [f"Unknown location '{code}'."]}}
        )
    return location


def warehouse_list() -> QuerySet[Location]:
    """The active warehouses, by code."""
    return Location.objects.filter(kind=LocationKind.WAREHOUSE, is_active=True).order_by("code")


def warehouse_regions() -> list[str]:
    """The regions served by active warehouses, sorted (blank ones left out); one query."""
    return sorted({region for region in warehouse_list().values_list("region", flat=True) if region})


def stock_level_list() -> QuerySet[StockLevel]:
    return StockLevel.objects.select_related("item", "location").annotate(available_qty=F("on_hand") - F("reserved"))


def stock_move_list() -> QuerySet[StockMove]:
    return StockMove.objects.select_related("item", "from_location", "to_location", "created_by")


def stock_count_list() -> QuerySet[StockCount]:
    return StockCount.objects.select_related("location", "created_by")


def _levels(item_ids: Iterable[int] | None, kinds: Iterable[str] | None) -> QuerySet[StockLevel]:
    levels = StockLevel.objects.all()
    if item_ids is not None:
        levels = levels.filter(item_id__in=list(item_ids))
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        unknown = set(kinds) - set(LocationKind.values)
        if unknown:
            raise ApplicationError(
                f"Unknown location kind {sorted(unknown)[0]!r}; use {', '.join(LocationKind.values)}.",
                {"fields": {"kinds": ["Unknown location kind."]}},
            )
        levels = levels.filter(location__kind__in=kinds)
    return levels


def stock_on_hand(*, item_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None) -> dict[int, int]:
    """On hand per item id, summed over the locations of ``kinds`` (all kinds when None); one query.

    Items with no stock are absent from the result.
    """
    rows = _levels(item_ids, kinds).values("item_id").annotate(total=Sum("on_hand")).values_list("item_id", "total")
    return {item_id: total for item_id, total in rows if total}


def stock_available(
    *, item_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = ("warehouse",)
) -> dict[int, int]:
    """On hand minus reserved per item id, over the locations of ``kinds`` (warehouses by default); one query."""
    rows = (
        _levels(item_ids, kinds)
        .values("item_id")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values_list("item_id", "total")
    )
    return {item_id: total for item_id, total in rows if total}


def stock_by_location(item: Item) -> QuerySet[StockLevel]:
    """Every level of ``item``, with its location, by location code."""
    return stock_level_list().filter(item=item).order_by("location__code")


def stock_level_get(*, item: Item, location: Location) -> StockLevel | None:
    return stock_level_list().filter(item=item, location=location).first()


def stock_moves_of(*, item: Item, location: Location) -> QuerySet[StockMove]:
    """The moves of ``item`` into or out of ``location``, newest first."""
    return stock_move_list().filter(Q(from_location=location) | Q(to_location=location), item=item)

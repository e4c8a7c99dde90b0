"""Stores as master data: create and change them, and link point-of-sale integration users.

A store is a stock location of kind ``store`` created through logistics' location services, plus
the retail facts about it: who runs it (a retailer, or nobody for Tempo's own), how many days of
sales replenishment aims to cover, and the warehouse that supplies it. Who runs a store never
changes: a retailer-run store's stock is the retailer's, an own store's sales leave Tempo's stock,
and mixing the two would make its history wrong; open a new store instead.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from erp.audit import audited_save
from erp.errors import ApplicationError
from logistics.models import FactoryUser, Location, LocationKind
from logistics.services import location_create, location_update
from procurement.models import SupplierUser
from retail.models import (
    DEFAULT_COVER_DAYS,
    MAX_COVER_DAYS,
    MIN_COVER_DAYS,
    PosUser,
    Retailer,
    RetailerStatus,
    RetailerUser,
    Store,
)

STORE_FIELDS = {"name", "region", "is_active", "cover_days", "replenished_from", "retailer"}
LOCATION_FIELDS = ("name", "region", "is_active")


def _refuse(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}})


def store_default_warehouse(*, region: str) -> Location | None:
    """The first active warehouse of ``region`` by code, else the first active warehouse; None if there is none."""
    warehouses = Location.objects.filter(kind=LocationKind.WAREHOUSE, is_active=True).order_by("code")
    return (warehouses.filter(region=region).first() if region else None) or warehouses.first()


def _check_cover_days(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_COVER_DAYS <= value <= MAX_COVER_DAYS:
        raise _refuse(
            f"cover_days must be a whole number of days from {MIN_COVER_DAYS} to {MAX_COVER_DAYS}, not {value!r}.",
            "cover_days",
        )
    return value


def _check_warehouse(warehouse: Any) -> Location | None:
    if warehouse is None:
        return None
    if not isinstance(warehouse, Location) or warehouse.kind != LocationKind.WAREHOUSE:
        raise _refuse(f"{warehouse} is not a warehouse; a store is replenished from a warehouse.", "replenished_from")
    if not warehouse.is_active:
        raise _refuse(f"{warehouse.code} is inactive; choose an active warehouse.", "replenished_from")
    return warehouse


@transaction.atomic
def store_create(
    *,
    acting_user: Any,
    code: str,
    name: str,
    region: str = "",
    retailer: Retailer | None = None,
    cover_days: int = DEFAULT_COVER_DAYS,
    replenished_from: Location | None = None,
    is_active: bool = True,
) -> Store:
    """A new store and its stock location; without ``replenished_from`` it gets ``store_default_warehouse``."""
    if retailer is not None and retailer.status == RetailerStatus.CLOSED:
        raise _refuse(f"{retailer.code} is closed; a closed retailer gets no new stores.", "retailer")
    _check_cover_days(cover_days)
    warehouse = _check_warehouse(replenished_from) or store_default_warehouse(region=(region or "").strip())
    location = location_create(
        acting_user=acting_user, code=code, name=name, kind=LocationKind.STORE, region=region, is_active=is_active
    )
    store = Store(location=location, retailer=retailer, cover_days=cover_days, replenished_from=warehouse)
    return audited_save(store, acting_user=acting_user, reason="created")


@transaction.atomic
def store_update(*, acting_user: Any, store: Store, reason: str = "", **changes: Any) -> Store:
    """Change a store's name, region, active flag, cover days or supplying warehouse (never its code or who runs it)."""
    unknown = set(changes) - STORE_FIELDS
    if unknown:
        raise ApplicationError(
            f"These store fields cannot be changed here: {', '.join(sorted(unknown))}.",
            {"fields": {name: ["Cannot be changed."] for name in sorted(unknown)}},
        )
    store = Store.objects.select_for_update().select_related("location").get(pk=store.pk)
    if "retailer" in changes:
        wanted = changes.pop("retailer")
        if (wanted.pk if wanted else None) != store.retailer_id:
            raise _refuse(
                f"{store.location.code} stays {'Tempo’s own store' if store.is_own else 'run by its retailer'}; "
                "who runs a store cannot change (its stock and sales history belong to it). Open a new store instead.",
                "retailer",
            )
    location_changes = {name: changes.pop(name) for name in LOCATION_FIELDS if name in changes}
    if location_changes:
        location_update(acting_user=acting_user, location=store.location, **location_changes)
        store.location.refresh_from_db()
    changed = False
    if "cover_days" in changes and changes["cover_days"] != store.cover_days:
        store.cover_days = _check_cover_days(changes["cover_days"])
        changed = True
    if "replenished_from" in changes:
        warehouse = _check_warehouse(changes["replenished_from"])
        if (warehouse.pk if warehouse else None) != store.replenished_from_id:
            store.replenished_from = warehouse
            changed = True
    if changed or location_changes:
        # The store's own history row records the change even when only its location's fields moved.
        audited_save(store, acting_user=acting_user, reason=reason or "updated")
    return store


@transaction.atomic
def pos_user_link(*, acting_user: Any, user: Any, store: Store | None = None) -> PosUser:
    """Make ``user`` a point-of-sale integration user for ``store`` (one of Tempo's own), or every own store.

    Staff, retailer, supplier and factory users cannot be one: the link gives its token access of its own.
    """
    if (
        user.is_staff
        or user.is_superuser
        or user.groups.exists()
        or SupplierUser.objects.filter(user=user).exists()
        or FactoryUser.objects.filter(user=user).exists()
        or RetailerUser.objects.filter(user=user).exists()
    ):
        raise _refuse(
            f"{user.username} has a role, staff access or another integration link; a point-of-sale user has none.",
            "user",
        )
    if store is not None and not store.is_own:
        raise _refuse(f"{store} is run by a retailer; a point-of-sale link is for Tempo's own stores.", "store")
    link = PosUser.objects.select_for_update().filter(user=user).first()
    if link is None:
        link = PosUser(user=user, store=store)
    elif link.store_id == (store.pk if store else None):
        return link
    else:
        link.store = store
    link.full_clean()
    link.save()
    return link

"""Accepting replenishment suggestions: one transfer shipment per own store from its warehouse.

The stores are locked first (``select_for_update`` in pk order), then their warehouses (pk order),
and only then are the suggestions computed, so two people accepting the same stores at once make one
set of shipments: the second finds the units already in transit and suggests nothing. Each line ships
what its warehouse can give in whole cases (on hand minus reserved minus transfers not yet departed);
what it could not cover is reported with the result, never silently dropped. All or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from erp.errors import ApplicationError
from logistics.models import Location, Shipment, ShipmentKind
from logistics.services import ShipmentLineInput, shipment_create
from retail.models import Store
from retail.selectors.replenishment import ReplenishmentLine, replenishment_plan

REFERENCE_PREFIX = "REPL"


@dataclass(frozen=True)
class ReplenishmentAccepted:
    shipments: list[Shipment]
    lines: list[ReplenishmentLine]  # every suggestion considered, with what ships and what is short

    @property
    def short_lines(self) -> list[ReplenishmentLine]:
        return [line for line in self.lines if line.short]

    @property
    def units(self) -> int:
        return sum(line.shippable for line in self.lines)


def _refuse(message: str, field: str = "stores") -> ApplicationError:
    return ApplicationError(message, {"fields": {field: [message]}})


@transaction.atomic
def replenishment_accept(
    *, acting_user: Any, store_ids: Iterable[int], item_ids: Iterable[int] | None = None
) -> ReplenishmentAccepted:
    """Create the transfer shipments that the current suggestions of ``store_ids`` (only ``item_ids``) call for."""
    ids = sorted(set(store_ids))
    if not ids:
        raise _refuse("Choose at least one store to replenish.")
    locked = list(Store.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise _refuse("Unknown store: choose stores from the list.")
    stores = {store.pk: store for store in Store.objects.filter(pk__in=ids).select_related("location")}
    for store in locked:
        code = stores[store.pk].location.code
        if not store.is_own:
            raise _refuse(f"{code} is run by a retailer; it orders its stock, Tempo does not replenish it.")
        if store.replenished_from_id is None:
            raise _refuse(f"{code} has no supplying warehouse; set one on the store first.")
    list(
        Location.objects.select_for_update()
        .filter(pk__in={store.replenished_from_id for store in locked})
        .order_by("pk")
    )
    plan = replenishment_plan(
        stores=Store.objects.filter(pk__in=ids), item_ids=None if item_ids is None else list(item_ids)
    )
    shipments = []
    for store_plan in plan.stores:
        lines = [line for line in store_plan.lines if line.shippable]
        if not lines:
            continue
        store = store_plan.store
        shipments.append(
            shipment_create(
                acting_user=acting_user,
                kind=ShipmentKind.TRANSFER,
                from_location=store.replenished_from,
                to_location=store.location,
                reference=f"{REFERENCE_PREFIX}-{store.location.code}-{plan.on:%Y%m%d}",
                lines=[ShipmentLineInput(line.item, line.shippable) for line in lines],
            )
        )
    considered = [line for line in plan.lines if line.suggested]
    return ReplenishmentAccepted(shipments, considered)

"""Standard costs: every product's cost roll-up frozen into one row, for reports that value stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from erp.models import Item, ItemKind, ItemLifecycle
from erp.weeks import business_date
from procurement.models import StandardCost
from procurement.selectors.costing import cost_rollups
from procurement.selectors.market import DEFAULT_COSTING_LOT


@transaction.atomic
def standard_costs_refresh(*, acting_user: Any, on: date | None = None, lot: int = DEFAULT_COSTING_LOT) -> int:
    """Roll up every product that has a BOM in force (one batch of queries) and store its unit cost.

    Products without a BOM keep their previous standard cost, if any. Returns how many were stored.
    """
    on = on or business_date()
    products = list(Item.objects.filter(kind=ItemKind.PRODUCT).exclude(lifecycle_status=ItemLifecycle.OBSOLETE))
    rollups = cost_rollups(items=products, on=on, lot=lot)
    StandardCost.objects.bulk_create(
        [
            StandardCost(item=r.item, unit_cost=r.unit_cost.quantize(Decimal("0.0001")), costed_on=on, lot=lot)
            for r in rollups
        ],
        update_conflicts=True,
        unique_fields=["item"],
        update_fields=["unit_cost", "costed_on", "lot", "computed_at"],
    )
    return len(rollups)

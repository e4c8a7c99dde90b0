"""Many picked outbound shipments at once, each holding a reservation of its units at its origin.

This is what dispatch on arrival (orders) and a retailer order's ship button (retail) call: one
shipment per order, created already *picked* so nothing else can take its units. The writes are
bulk, so 10,000 shipments cost a fixed number of statements: the numbers come from ONE counter
update (``erp.counters.yearly_numbers``), shipments and lines are inserted with
``erp.excel.bulk.insert_rows`` (COPY on PostgreSQL), their ``created`` + ``picked`` events and
history rows by the database from the new rows (``INSERT ... SELECT``: the numbers are consecutive),
and the reservations are one conditional UPDATE per item and origin (``stock_reserve_many``),
refused with the available figure when a level is short.

Units the caller already holds reserved at the origin (a retailer order line's reservation handed
to its shipment) are named in ``handed_over``: they are not reserved a second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from erp.audit import user_or_none
from erp.counters import yearly_numbers
from erp.errors import ApplicationError
from erp.excel.bulk import insert_history_from, insert_rows
from erp.weeks import business_date
from logistics.models import (
    Location,
    Shipment,
    ShipmentCounter,
    ShipmentEvent,
    ShipmentEventSource,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
)
from logistics.services.shipments import MAX_LINES, MAX_QUANTITY, _refuse, _text, shipment_route_check
from logistics.services.stock import stock_reserve_many

HISTORY_REASON = "created picked (dispatch)"


@dataclass(frozen=True)
class PickedShipmentInput:
    """One outbound shipment to an external consignee: ``lines`` are (item id, quantity), each item once."""

    from_location: Location
    consignee: str
    reference: str
    lines: Sequence[tuple[int, int]]
    region: str = ""


@dataclass(frozen=True)
class PickedShipment:
    pk: int
    number: str


class _Checks:
    """Refusals of the inputs, each distinct text and origin checked once (10,000 shipments share a few)."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, str], str] = {}
        self.origins: set[int] = set()

    def text(self, value: str, field: str, max_length: int) -> str:
        key = (field, value)
        if key not in self.texts:
            self.texts[key] = _text(value, field, max_length)
        return self.texts[key]

    def shipment(self, index: int, shipment: PickedShipmentInput) -> tuple[str, str, str]:
        where = f"Shipment {index + 1} ({shipment.reference or shipment.consignee}): "
        consignee = self.text(shipment.consignee, "consignee", 200)
        reference = self.text(shipment.reference, "reference", 100)
        region = self.text(shipment.region, "region", 64)
        if not consignee:
            raise _refuse(f"{where}it needs a destination: name its consignee.", "consignee")
        origin = shipment.from_location
        if getattr(origin, "pk", None) not in self.origins:
            try:
                shipment_route_check(ShipmentKind.OUTBOUND, origin, None, consignee)
            except ApplicationError as error:
                raise ApplicationError(where + error.message, error.extra) from error
            self.origins.add(origin.pk)
        if not shipment.lines or len(shipment.lines) > MAX_LINES:
            raise _refuse(f"{where}a shipment has 1 to {MAX_LINES} lines.", "lines")
        items = [item_id for item_id, _ in shipment.lines]
        if len(set(items)) != len(items):
            raise _refuse(f"{where}an item appears twice; put its quantity on one line.", "lines")
        for _, quantity in shipment.lines:
            if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
                raise _refuse(f"{where}a quantity must be a whole number from 1 to {MAX_QUANTITY:,}.", "quantity")
        return consignee, reference, region


def _events_insert(numbers: list[str], *, when, user_id: int | None) -> None:
    """The ``created`` and ``picked`` events of the new shipments, written by the database from their rows."""
    events, shipments = ShipmentEvent._meta.db_table, Shipment._meta.db_table
    adapted = connection.ops.adapt_datetimefield_value(when)
    with connection.cursor() as cursor:
        for status in (ShipmentStatus.CREATED, ShipmentStatus.PICKED):
            cursor.execute(
                f"INSERT INTO {events} (shipment_id, status, occurred_at, recorded_at, event_key, place, note, source, "
                f"created_by_id) SELECT id, %s, %s, %s, %s, '', '', %s, %s FROM {shipments} "
                "WHERE number >= %s AND number <= %s",
                [status, adapted, adapted, status, ShipmentEventSource.SYSTEM, user_id, numbers[0], numbers[-1]],
            )


@transaction.atomic
def shipments_picked_create(
    *,
    acting_user: Any,
    shipments: Sequence[PickedShipmentInput],
    handed_over: Mapping[tuple[int, int], int] | None = None,
) -> list[PickedShipment]:
    """Create ``shipments`` as picked outbound shipments holding their units reserved at their origins.

    ``handed_over[(item_id, location_id)]`` units of them are already reserved by the caller and are
    taken over as they are. Returns the new shipments in the order given. All or nothing.
    """
    if not shipments:
        return []
    checks = _Checks()
    checked = [checks.shipment(index, shipment) for index, shipment in enumerate(shipments)]
    needed: dict[tuple[int, int], int] = defaultdict(int)
    for shipment in shipments:
        for item_id, quantity in shipment.lines:
            needed[(item_id, shipment.from_location.pk)] += quantity
    handed_over = dict(handed_over or {})
    for key, quantity in handed_over.items():
        if quantity < 0 or quantity > needed.get(key, 0):
            raise _refuse(
                f"{quantity} units handed over for item {key[0]} at location {key[1]}; not on these shipments.", "lines"
            )
    stock_reserve_many(
        acting_user=acting_user,
        quantities={key: quantity - handed_over.get(key, 0) for key, quantity in needed.items()},
    )

    now = timezone.now()
    user = user_or_none(acting_user)
    user_id = user.pk if user is not None else None
    numbers = yearly_numbers(ShipmentCounter, prefix="SH", year=business_date().year, digits=6, count=len(shipments))
    rows = [
        {
            "number": number,
            "kind": ShipmentKind.OUTBOUND,
            "status": ShipmentStatus.PICKED,
            "from_location_id": shipment.from_location.pk,
            "to_location_id": None,
            "consignee": consignee,
            "reference": reference,
            "region": region,
            "carrier": "",
            "tracking_number": "",
            "expected_at": None,
            "shipped_at": None,
            "delivered_at": None,
            "received_at": None,
            "reservation_held": True,
            "created_by_id": user_id,
            "created_at": now,
            "updated_at": now,
        }
        for shipment, number, (consignee, reference, region) in zip(shipments, numbers, checked, strict=True)
    ]
    insert_rows(Shipment, rows)
    # The numbers are consecutive, so one range query finds the new ids.
    ids = dict(Shipment.objects.filter(number__gte=numbers[0], number__lte=numbers[-1]).values_list("number", "pk"))
    for row in rows:
        row["id"] = ids[row["number"]]
    insert_rows(
        ShipmentLine,
        [
            {
                "shipment_id": row["id"],
                "item_id": item_id,
                "quantity": quantity,
                "received_quantity": None,
                "damaged_quantity": 0,
                "discrepancy": "",
                "note": "",
            }
            for row, shipment in zip(rows, shipments, strict=True)
            for item_id, quantity in shipment.lines
        ],
    )
    _events_insert(numbers, when=now, user_id=user_id)
    new = Shipment.objects.filter(number__gte=numbers[0], number__lte=numbers[-1])
    insert_history_from(new, kind="+", user=user, reason=HISTORY_REASON)
    return [PickedShipment(row["id"], row["number"]) for row in rows]

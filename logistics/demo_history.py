"""Logistics' history part of ``seed_demo``: 13 weeks of factory deliveries and online sales, so the
inventory turnover page has a past to show, its weekly trend falling from about 30 days to about 10.

The demo ledger opened ``OPENED_DAYS_AGO`` days ago (``demo_stock`` dates the opening stock then).
For every finished product in every warehouse this step adds, day by day in time order:

* inbound shipments from the factory store that makes the product (FS-FXN: the phones; FS-LUX:
  wearables, audio, accessories), one per warehouse and delivery day with that store's products,
  built at the factory store that morning (``production`` moves), shipped at 08:00 and received the
  next day at 11:00, through the shipment services with past times: every unit is traceable from
  the factory to the warehouse and out;
* one batch of online sales a day at 21:00 (issues to nowhere, reference ``online sales 2026-10-03``),
  and today's so far as of the seeding, so that the week ending now reads the same at any hour.

The net effect is zero: everything delivered is sold, so each level ends where ``demo_stock`` left
it and the steps after this one (demo shipments, MRP, the X1 launch allocation) see the same stock
as without it. The plan (``history_plan``, pure) is worked out backwards from today's levels, so no
level is negative at any moment, and refuses constants that would make one so.

How the shape comes about, and how to re-tune it (the constants below; nothing else):

* a product's daily sales in a warehouse end at ``level / END_COVER_DAYS`` and were ``SALES_GROWTH``
  times lower at the start, with a weekday rhythm (``WEEKDAY``) and ``NOISE``;
* a factory store delivers to a warehouse every ``EVERY_DAYS[store]`` days (first, last), each
  delivery sized so that when the next one comes, the stock left is the safety cover of the moment;
* a week's turnover is then about safety cover + half the delivery interval + the day in transit,
  so the safety cover is set to follow a line from ``START_DAYS`` to ``END_DAYS`` minus the other two.

``START_DAYS``/``END_DAYS`` move the ends of the trend; more deliveries (smaller ``EVERY_DAYS``)
smooth it but cost seed time (about 20 ms a shipment on SQLite). Stock that later demo steps add in
the last days (finished phones at the factory stores, demo shipments on their way, store stock)
raises the last week or two: lower ``END_DAYS`` to compensate. The first ``WARM_UP_DAYS`` build the
stock up from the opening and lie before the page's 12-week trend.

Idempotent: it does nothing once online sales are recorded, or when the ledger opened later than
the history would start (a database seeded before this step existed).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Min
from django.utils import timezone

from erp.models import Item
from erp.weeks import BUSINESS_TZ, IsoWeek, business_date
from logistics import services
from logistics.demo import CAPACITIES
from logistics.demo_stock import FACTORIES, OPENED_DAYS_AGO, WAREHOUSES, ledger_opened_at
from logistics.models import Location, Shipment, ShipmentEvent, StockLevel, StockMove, StockMoveReason
from logistics.selectors.turnover import TREND_WEEKS
from logistics.services import ReceiptLineInput, ShipmentLineInput, StockMoveInput

# The shape (see the module docstring).
START_DAYS = 32.0  # turnover days the history starts at
END_DAYS = 8.0  # ... and ends at (later demo steps add stock in the last days: see above)
# Days between deliveries of a factory store to a warehouse, first and last: the phones went from a
# truck a fortnight to one a week; wearables and accessories stayed fortnightly.
EVERY_DAYS = {"FS-FXN": (14.0, 7.0), "FS-LUX": (14.0, 14.0)}
SALES_GROWTH = 1.5  # daily sales at the end / at the start
END_COVER_DAYS = 7.0  # today's level in days of today's sales
TRANSIT_DAYS = 1  # shipped at 08:00, received the next day at 11:00
DAYS = OPENED_DAYS_AGO  # whole days of history, to yesterday; then today's sales so far
WARM_UP_DAYS = DAYS + 1 - 7 * TREND_WEEKS  # the days before the oldest week of the page's trend
WEEKDAY = (0.92, 0.9, 0.94, 0.98, 1.06, 1.16, 1.04)  # Monday .. Sunday, averaging 1
NOISE = 0.12  # +- share of a day's sales
ROUND_TO = 10  # delivery quantities are whole tens (the first one of each product absorbs the rest)

SALES_PREFIX = "online sales "
CARRIERS = {"FS-FXN": "SF Express", "FS-LUX": "ZTO"}
DEFAULT_STORE = "FS-LUX"  # accessories without a factory capacity are packed at Luxshare
TRACKING_BASE = 8_800_000  # demo_shipments numbers its tracking from 9,700,000
CREATED_AT, BUILT_AT, SHIPPED_AT, RECEIVED_AT, SOLD_AT = time(6, 30), time(7), time(8), time(11), time(21)


@dataclass(frozen=True)
class Delivery:
    """One inbound shipment of the plan: from a factory store to a warehouse, arriving on ``day``."""

    day: int
    store: str
    warehouse: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity)


@dataclass(frozen=True)
class HistoryPlan:
    days: int  # whole days, from the day the ledger opened to yesterday
    deliveries: tuple[Delivery, ...]
    # Per day: (sku, warehouse, quantity); one more entry than ``days`` when today has sales so far.
    sales: tuple[tuple[tuple[str, str, int], ...], ...]


def _progress(day: float) -> float:
    """0 at the start of the trend (after the warm-up), 1 on the last whole day."""
    return min(1.0, max(0.0, (day - WARM_UP_DAYS) / (DAYS - 1 - WARM_UP_DAYS)))


def _every(store: str, day: int) -> float:
    first, last = EVERY_DAYS.get(store, EVERY_DAYS[DEFAULT_STORE])
    return first + (last - first) * _progress(day)


def _safety_days(store: str, day: int) -> float:
    """Days of sales left when a delivery arrives: the week's turnover minus half a cycle and the transit."""
    aim = START_DAYS + (END_DAYS - START_DAYS) * _progress(day)
    return max(1.0, aim - _every(store, day) / 2 - TRANSIT_DAYS)


def _rate(final: int, day: int) -> float:
    """Planned daily sales: ``final / END_COVER_DAYS`` on the last whole day, ``SALES_GROWTH`` times less at first."""
    return final / END_COVER_DAYS * SALES_GROWTH ** ((day - (DAYS - 1)) / (DAYS - 1))


def _noise(key: str) -> float:
    return 1 + NOISE * ((zlib.crc32(key.encode()) % 2001) / 1000 - 1)


def _arrivals(store: str, phase: float) -> list[int]:
    """Delivery days of one factory store to one warehouse. The first comes within the warm-up; the
    ``phase`` (0 to 1) of the warehouse then staggers the cycles, so that the warehouses do not all
    get their goods on the same days (that would show as a saw-tooth in the weekly figures)."""
    day = 1 + int(phase * (WARM_UP_DAYS - 2))
    found = [day]
    day += max(1, round(_every(store, day) * (0.5 + phase)))
    while day < DAYS:
        found.append(day)
        day += max(1, round(_every(store, day)))
    return found


def _product_plan(final: int, sales: list[int], store: str, arrivals: list[int], where: str) -> dict[int, int]:
    """Delivery quantities of one product in one warehouse that end exactly at ``final``: worked out
    backwards from the end (what must arrive so that the safety cover is left at the next delivery),
    then the first delivery takes up the difference to the opening, which is also ``final``."""
    quantities: dict[int, int] = {}
    level = final  # now
    for day in reversed(range(len(sales))):
        level += sales[day]  # before the day's sales, after its delivery
        if day in arrivals:
            low = _rate(final, day) * _safety_days(store, day)
            quantity = max(0, int((level - low) // ROUND_TO * ROUND_TO))
            quantities[day] = quantity
            level -= quantity
    carry = level - final  # the opening is ``final``; positive means the first deliveries bring that much more
    for day in sorted(quantities):
        quantities[day] += carry
        carry = min(0, quantities[day])
        quantities[day] = max(0, quantities[day])
    lowest, level = final, final
    for day, sold in enumerate(sales):
        level += quantities.get(day, 0) - sold
        lowest = min(lowest, level)
    if carry or lowest < 0 or level != final:
        raise ValueError(f"The history constants give {where} a negative level or another end; re-tune them.")
    return quantities


def history_plan(
    *, finals: Mapping[tuple[str, str], int], stores: Mapping[str, str], start: date, today_share: float = 0.0
) -> HistoryPlan:
    """The plan for products x warehouses with today's ``finals[(sku, warehouse)]``, each product coming
    from ``stores[sku]``, over the ``DAYS`` whole days from ``start`` to yesterday, and today's sales so far
    (``today_share`` of a day, so that the week ending now reads the same at any time of the day).
    Pure: the same inputs give the same plan."""
    phases = {code: n / len(WAREHOUSES) for n, (code, _name, _region) in enumerate(WAREHOUSES)}
    shares = [1.0] * DAYS + ([min(today_share, 1.0)] if today_share > 0 else [])
    deliveries: dict[tuple[int, str, str], list[tuple[str, int]]] = defaultdict(list)
    sales: list[list[tuple[str, str, int]]] = [[] for _ in shares]
    for (sku, warehouse), final in sorted(finals.items()):
        if final <= 0:
            continue
        store = stores[sku]
        sold = []
        for day, share in enumerate(shares):
            moment = start + timedelta(days=day)
            rhythm = WEEKDAY[moment.weekday()] * _noise(f"{sku}@{warehouse}@{moment}")
            sold.append(max(0, round(_rate(final, day) * rhythm * share)))
        arrivals = _arrivals(store, phases.get(warehouse, 0.0))
        quantities = _product_plan(final, sold, store, arrivals, f"{sku} at {warehouse}")
        for day, quantity in quantities.items():
            if quantity:
                deliveries[(day, store, warehouse)].append((sku, quantity))
        for day, quantity in enumerate(sold):
            if quantity:
                sales[day].append((sku, warehouse, quantity))
    return HistoryPlan(
        days=DAYS,
        deliveries=tuple(
            Delivery(day, store, warehouse, tuple(lines))
            for (day, store, warehouse), lines in sorted(deliveries.items())
        ),
        sales=tuple(tuple(day) for day in sales),
    )


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BUSINESS_TZ)


def _stores_by_sku(skus: Iterable[str]) -> dict[str, str]:
    """The factory store a product comes from: its first factory with a capacity for it (variants: their base)."""
    store_of = {factory: store for factory, _name, store, _region in FACTORIES}
    first: dict[str, str] = {}
    for factory, sku, _capacity in CAPACITIES:
        first.setdefault(sku, store_of[factory])
    return {sku: first.get(sku.split("-V")[0], DEFAULT_STORE) for sku in skus}


class _HistoryPoster:
    """Posts a plan day by day in time order through the stock and shipment services."""

    def __init__(self, plan: HistoryPlan, start: date, now: datetime, user) -> None:
        self.plan, self.start, self.now, self.user = plan, start, now, user
        skus = {sku for delivery in plan.deliveries for sku, _ in delivery.lines}
        skus |= {sku for day in plan.sales for sku, _wh, _q in day}
        self.items = {item.sku: item for item in Item.objects.filter(sku__in=skus)}
        self.locations = {loc.code: loc for loc in Location.objects.all()}
        self.created: list[tuple[int, datetime]] = []
        self.shipments = 0

    def _ship(self, deliveries: list[Delivery], day: date) -> list[tuple[Delivery, Shipment]]:
        built: dict[tuple[str, str], int] = defaultdict(int)
        for delivery in deliveries:
            for sku, quantity in delivery.lines:
                built[(delivery.store, sku)] += quantity
        if built:
            services.stock_moves_post(
                acting_user=self.user,
                moved_at=_at(day, BUILT_AT),
                moves=[
                    StockMoveInput(
                        self.items[sku],
                        quantity,
                        StockMoveReason.PRODUCTION,
                        None,
                        self.locations[store],
                        f"production {day}",
                    )
                    for (store, sku), quantity in sorted(built.items())
                ],
            )
        leaving = []
        for delivery in deliveries:
            arrives = day + timedelta(days=TRANSIT_DAYS)
            carrier = CARRIERS.get(delivery.store, "SF Express")
            shipment = services.shipment_create(
                acting_user=self.user,
                kind="inbound",
                from_location=self.locations[delivery.store],
                to_location=self.locations[delivery.warehouse],
                reference=f"schedule {IsoWeek.of(day).key}",
                carrier=carrier,
                tracking_number=f"{carrier[:2].upper()}{TRACKING_BASE + self.shipments:010d}",
                expected_at=_at(arrives, RECEIVED_AT),
                lines=[ShipmentLineInput(self.items[sku], quantity) for sku, quantity in delivery.lines],
            )
            self.shipments += 1
            self.created.append((shipment.pk, _at(day, CREATED_AT)))
            services.shipment_event_post(
                acting_user=self.user,
                shipment=shipment,
                status="shipped",
                event_key=f"history-{shipment.number}-shipped",
                occurred_at=_at(day, SHIPPED_AT),
            )
            leaving.append((delivery, shipment))
        return leaving

    def _receive(self, arriving: list[tuple[Delivery, Shipment]], day: date) -> None:
        for delivery, shipment in arriving:
            services.shipment_receive(
                acting_user=self.user,
                shipment=shipment,
                lines=[ReceiptLineInput(self.items[sku], quantity) for sku, quantity in delivery.lines],
                received_at=_at(day, RECEIVED_AT),
            )

    def _sell(self, sales: tuple[tuple[str, str, int], ...], day: date, moment: datetime) -> None:
        if sales:
            services.stock_moves_post(
                acting_user=self.user,
                moved_at=moment,
                moves=[
                    StockMoveInput(
                        self.items[sku],
                        quantity,
                        StockMoveReason.ISSUE,
                        self.locations[warehouse],
                        None,
                        f"{SALES_PREFIX}{day}",
                    )
                    for sku, warehouse, quantity in sales
                ],
            )

    def _backdate_creation(self) -> None:
        """Shipments and their 'created' events are stamped now by the services; the story has them earlier."""
        when = dict(self.created)
        shipments = list(Shipment.objects.filter(pk__in=when))
        for shipment in shipments:
            shipment.created_at = when[shipment.pk]
        Shipment.objects.bulk_update(shipments, ["created_at"], batch_size=500)
        events = list(ShipmentEvent.objects.filter(shipment_id__in=when, event_key="created"))
        for event in events:
            event.occurred_at = when[event.shipment_id]
        ShipmentEvent.objects.bulk_update(events, ["occurred_at"], batch_size=500)

    def post(self) -> None:
        by_departure: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in self.plan.deliveries:
            by_departure[delivery.day - TRANSIT_DAYS].append(delivery)
        in_transit: dict[int, list[tuple[Delivery, Shipment]]] = defaultdict(list)
        for offset, sales in enumerate(self.plan.sales):
            day = self.start + timedelta(days=offset)
            if offset >= self.plan.days:  # today: what sold so far, as of now
                self._sell(sales, day, self.now)
                continue
            in_transit[offset + TRANSIT_DAYS] = self._ship(by_departure.get(offset, []), day)
            self._receive(in_transit.pop(offset, []), day)
            self._sell(sales, day, _at(day, SOLD_AT))
        self._backdate_creation()


def _finals(start: datetime) -> dict[tuple[str, str], int] | None:
    """Today's product levels in the warehouses, or None when the ledger did not open on ``start``
    (a database seeded before the history existed): history before its opening would be dishonest."""
    warehouses = [code for code, _name, _region in WAREHOUSES]
    levels = StockLevel.objects.filter(
        item__kind=Item.Kind.PRODUCT, location__code__in=warehouses, on_hand__gt=0
    ).values_list("item__sku", "location__code", "on_hand")
    opened = StockMove.objects.filter(
        item__kind=Item.Kind.PRODUCT, to_location__code__in=warehouses, reason=StockMoveReason.OPENING
    ).aggregate(first=Min("moved_at"))["first"]
    if opened is None or opened > start:
        return None
    return {(sku, code): on_hand for sku, code, on_hand in levels}


def seed_history(*, scale: str) -> str:
    """Thirteen weeks of factory deliveries and daily online sales for the products in the warehouses."""
    if StockMove.objects.filter(reason=StockMoveReason.ISSUE, reference__startswith=SALES_PREFIX).exists():
        return ""
    now = timezone.now()
    today = business_date(now)
    opened = ledger_opened_at(today)
    finals = _finals(opened)
    if not finals:
        return ""
    start = opened.astimezone(BUSINESS_TZ).date()
    so_far = (now - _at(today, time.min)).total_seconds() / 86400
    stores = _stores_by_sku({sku for sku, _ in finals})
    plan = history_plan(finals=finals, stores=stores, start=start, today_share=so_far)
    user = get_user_model().objects.filter(username="logistics").first()
    _HistoryPoster(plan, start, now, user).post()
    sold = sum(quantity for day in plan.sales for _sku, _wh, quantity in day)
    return (
        f"{len(plan.deliveries)} inbound shipments and {sold:,} units of online sales over {plan.days} days and today"
    )

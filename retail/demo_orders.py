"""Retailer orders for ``seed_demo``: the X1 launch week over-ordered, and a few orders in every status.

Launch week (next week): confirmed orders for the flagship TP-X1-128 from many retailers, tier 1
ordering most, until the total is about 1.6 times the X1 stock available in the warehouses, so an
allocation run has something to share out. Retailers whose prepayment does not cover their order
get a demo deposit first (reference ``DEMO-LAUNCH-<code>``, booked once).

Every other status on the Tempo Buds 3 (TP-BUDS-3): drafts, a cancelled order, and allocated,
shipped and delivered orders, whose allocation is done by hand the way an allocation run would
(stock reserved, reservation rows, ``allocated_quantity`` set), then shipped through the services:
the ship button puts the reserved units on picked shipments (the order is shipped, its hold
captured); for the delivered one the carrier's events follow (shipped, delivered), and the order
is delivered when its last shipment is.

Runs after the retailers' step (``seed_retailers``); when no retailer exists (the step run alone),
it makes 40 of its own. Idempotent: it does nothing once its orders exist (reference ``DEMO-*``).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone

from erp.models import Item
from erp.selectors import prices_in_force
from erp.weeks import IsoWeek, business_date
from logistics import services as logistics_services
from logistics.models import LocationKind, Shipment, ShipmentStatus, StockLevel
from logistics.services import stock_reserve
from retail import services
from retail.models import (
    OrderLineReservation,
    PrepaymentAccount,
    PrepaymentEntry,
    Retailer,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerStatus,
    RetailerTier,
    to_cents,
)

LAUNCH_SKU = "TP-X1-128"
OTHER_SKU = "TP-BUDS-3"
LAUNCH_REFERENCE = "DEMO-LAUNCH-X1"
OVER_ORDER = Decimal("1.6")
# Units of the X1 a retailer orders for the launch week, by tier (a little variety by position).
LAUNCH_QUANTITY = {RetailerTier.KEY: 600, RetailerTier.STANDARD: 200, RetailerTier.SMALL: 60}
OWN_RETAILERS = 40
REGIONS = ["East", "South", "North", "Central", "Southwest", "Northwest", "Northeast"]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _own_retailers() -> int:
    """Retailers of this step's own, only when the retailers' step has made none."""
    if Retailer.objects.exists():
        return 0
    for n in range(1, OWN_RETAILERS + 1):
        tier = RetailerTier.KEY if n <= 4 else RetailerTier.STANDARD if n <= 20 else RetailerTier.SMALL
        retailer = Retailer.objects.create(
            code=f"R-{n:04d}",
            legal_name=f"Demo Retailer {n} Trading Co., Ltd.",
            region=REGIONS[n % len(REGIONS)],
            tier=tier,
            contact_email=f"r-{n:04d}@example.com",
        )
        PrepaymentAccount.objects.get_or_create(retailer=retailer)
    return OWN_RETAILERS


def _warehouse_available(item: Item) -> int:
    total = StockLevel.objects.filter(item=item, location__kind=LocationKind.WAREHOUSE).aggregate(
        units=Sum(F("on_hand") - F("reserved"))
    )["units"]
    return int(total or 0)


def _fund(retailer: Retailer, cents_needed: int, user, reference: str) -> int:
    """Deposit enough for ``cents_needed`` more (rounded up to 100,000 CNY); returns 1 if it deposited."""
    account = services.prepayment_account_ensure(retailer=retailer)
    short = cents_needed - (account.balance_cents - account.held_cents)
    if short <= 0:
        return 0
    booked = set(
        PrepaymentEntry.objects.filter(account=account, reference__startswith=reference).values_list(
            "reference", flat=True
        )
    )
    reference = next(
        ref for n in range(len(booked) + 1) if (ref := f"{reference}-{n}" if n else reference) not in booked
    )
    amount = Decimal(math.ceil(short / 10_000_000) * 100_000)
    services.prepayment_deposit_record(
        acting_user=user, retailer=retailer, amount=amount, reference=reference, note="demo: launch prepayment"
    )
    return 1


def _launch_orders(phone: Item, user) -> tuple[int, int, int]:
    price = prices_in_force(business_date()).get(item=phone).retailer_price
    target = int(_warehouse_available(phone) * OVER_ORDER) or 1000
    week = IsoWeek.current() + 1
    retailers = list(Retailer.objects.filter(status=RetailerStatus.ACTIVE).order_by("code"))
    weights = [LAUNCH_QUANTITY.get(retailer.tier, 60) + (n % 5) * 10 for n, retailer in enumerate(retailers)]
    # Few retailers (the step run alone) order more each, so the launch week still exceeds the stock.
    scale = max(1.0, target / max(sum(weights), 1))
    ordered = orders = deposits = 0
    for retailer, weight in zip(retailers, weights, strict=True):
        if ordered >= target:
            break
        quantity = int(math.ceil(weight * scale / 10) * 10)
        deposits += _fund(retailer, to_cents(price * quantity), user, f"DEMO-LAUNCH-{retailer.code}")
        services.retailer_order_place(
            acting_user=user,
            retailer=retailer,
            lines=[services.RetailerOrderLineInput(phone, quantity, week)],
            reference=LAUNCH_REFERENCE,
            note="launch week",
        )
        ordered += quantity
        orders += 1
    return orders, ordered, deposits


def _allocate_by_hand(order: RetailerOrder, user) -> RetailerOrder:
    """What an applied allocation run does for an order it fills completely: reserve, record, mark allocated."""
    for line in order.lines.select_related("item"):
        # The retailer's region first, as an applied run reserves, then the others by code.
        in_region = Case(When(location__region=order.retailer.region, then=Value(0)), default=Value(1))
        level = (
            StockLevel.objects.filter(
                item=line.item, location__kind=LocationKind.WAREHOUSE, on_hand__gte=F("reserved") + line.quantity
            )
            .select_related("location")
            .order_by(in_region, "location__code")
            .first()
        )
        if level is None:
            return order
        stock_reserve(acting_user=user, item=line.item, location=level.location, qty=line.quantity)
        OrderLineReservation.objects.create(line=line, location=level.location, quantity=line.quantity)
        RetailerOrderLine.objects.filter(pk=line.pk).update(allocated_quantity=line.quantity)
    now = timezone.now()
    RetailerOrder.objects.filter(pk=order.pk).update(status=RetailerOrderStatus.ALLOCATED, allocated_at=now)
    order.refresh_from_db()
    RetailerOrder.history.bulk_history_create(
        [order], update=True, default_user=user, default_change_reason="allocated"
    )
    return order


def _deliver(order: RetailerOrder, user) -> None:
    """The carrier ships and delivers each of the order's shipments; the last delivery delivers the order."""
    for shipment in Shipment.objects.filter(retailer_order_lines__line__order=order).distinct().order_by("number"):
        for status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED):
            logistics_services.shipment_event_post(
                acting_user=user, shipment=shipment, status=status, event_key=f"demo-{status}-{shipment.number}"
            )


def _other_statuses(item: Item, user, logistics) -> int:
    retailers = list(Retailer.objects.filter(status=RetailerStatus.ACTIVE).order_by("-code")[:7])
    price = prices_in_force(business_date()).get(item=item).retailer_price
    week = IsoWeek.current() + 2
    made = 0
    plan = ["draft", "draft", "cancelled", "allocated", "shipped", "delivered", "confirmed"]
    for n, (retailer, status) in enumerate(zip(retailers, plan, strict=False)):
        quantity = 100 + 20 * n
        lines = [services.RetailerOrderLineInput(item, quantity, week)]
        reference = f"DEMO-{status.upper()}"
        if status == "draft":
            services.retailer_order_create(acting_user=user, retailer=retailer, lines=lines, reference=reference)
            made += 1
            continue
        _fund(retailer, to_cents(price * quantity), user, f"DEMO-{status.upper()}-{retailer.code}")
        order = services.retailer_order_place(acting_user=user, retailer=retailer, lines=lines, reference=reference)
        if status == "cancelled":
            services.retailer_order_cancel(acting_user=user, order=order, reason="demo: retailer changed its mind")
        elif status in {"allocated", "shipped", "delivered"}:
            order = _allocate_by_hand(order, logistics)
            if status in {"shipped", "delivered"} and order.status == RetailerOrderStatus.ALLOCATED:
                order = services.retailer_order_ship(acting_user=logistics, order=order)
            if status == "delivered" and order.status == RetailerOrderStatus.SHIPPED:
                _deliver(order, logistics)
        made += 1
    return made


def seed_retailer_orders(*, scale: str) -> str:
    """Launch-week X1 orders that exceed the stock, and a few orders in every status; adds only what is missing."""
    if RetailerOrder.objects.filter(reference__startswith="DEMO-").exists():
        return ""
    phone = Item.objects.filter(sku=LAUNCH_SKU).first()
    other = Item.objects.filter(sku=OTHER_SKU).first()
    if phone is None or other is None:
        return ""
    user, logistics = _user("sales"), _user("logistics")
    own = _own_retailers()
    orders, units, deposits = _launch_orders(phone, user)
    others = _other_statuses(other, user, logistics)
    parts = [f"{orders} launch-week retailer orders for {units:,} {LAUNCH_SKU}", f"{others} other retailer orders"]
    if deposits:
        parts.append(f"{deposits} demo deposits")
    if own:
        parts.insert(0, f"{own} retailers")
    return ", ".join(parts)

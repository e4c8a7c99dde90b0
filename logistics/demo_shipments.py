"""Logistics' shipments part of ``seed_demo``: finished phones at the factory stores and shipments in
every status, so the shipment pages, the API and the receiving flow have something to show.

Idempotent: it does nothing once a demo shipment (reference starting ``DEMO-``) exists.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from erp.models import Item
from logistics import services
from logistics.models import Location, Shipment, StockMoveReason
from logistics.services import ReceiptLineInput, ShipmentLineInput, StockMoveInput

# (reference, kind, from, to or consignee, sku, quantity, carrier, events after creation, receipt)
# receipt: None, or (good, damaged, discrepancy)
PLAN = [
    ("DEMO-IN-1", "inbound", "FS-FXN", "WH-SZ", "TP-X1-128", 1200, "SF Express", [], None),
    ("DEMO-IN-2", "inbound", "FS-FXN", "WH-SH", "TP-X1-128", 1000, "SF Express", ["picked"], None),
    ("DEMO-IN-3", "inbound", "FS-FXN", "WH-BJ", "TP-X1-128", 800, "JD Logistics", ["picked", "shipped"], None),
    ("DEMO-IN-4", "inbound", "FS-FXN", "WH-CD", "TP-X1-128", 600, "JD Logistics", ["shipped", "in_transit"], None),
    ("DEMO-IN-5", "inbound", "FS-LUX", "WH-HZ", "TP-LITE-64", 900, "ZTO", ["shipped", "exception"], None),
    ("DEMO-IN-6", "inbound", "FS-LUX", "WH-WH", "TP-LITE-64", 700, "ZTO", ["shipped", "in_transit", "delivered"], None),
    (
        "DEMO-IN-7",
        "inbound",
        "FS-FXN",
        "WH-GZ",
        "TP-X1-128",
        1500,
        "SF Express",
        ["shipped", "in_transit", "delivered"],
        (1480, 0, "short"),
    ),
    (
        "DEMO-IN-8",
        "inbound",
        "FS-LUX",
        "WH-XA",
        "TP-LITE-64",
        500,
        "ZTO",
        ["shipped", "delivered"],
        (490, 10, "damaged"),
    ),
    (
        "DEMO-TR-1",
        "transfer",
        "WH-SZ",
        "WH-KM",
        "TP-X1-128",
        150,
        "Deppon",
        ["shipped", "in_transit", "delivered"],
        (150, 0, ""),
    ),
    ("DEMO-TR-2", "transfer", "WH-SH", "WH-SY", "TP-X1-128", 120, "Deppon", ["picked", "shipped", "in_transit"], None),
    (
        "DEMO-OUT-1",
        "outbound",
        "WH-SZ",
        "Online customer C-1001",
        "TP-X1-128",
        1,
        "SF Express",
        ["picked", "shipped", "delivered"],
        None,
    ),
    ("DEMO-OUT-2", "outbound", "WH-BJ", "Online customer C-1002", "TP-LITE-64", 2, "SF Express", ["picked"], None),
]
FINISHED = {("FS-FXN", "TP-X1-128"): 6000, ("FS-LUX", "TP-LITE-64"): 3000}


def seed_shipments(*, scale: str) -> str:
    if Shipment.objects.filter(reference__startswith="DEMO-").exists():
        return ""
    user = get_user_model().objects.filter(username="logistics").first()
    locations = {loc.code: loc for loc in Location.objects.all()}
    items = {item.sku: item for item in Item.objects.filter(sku__in={row[4] for row in PLAN})}
    if not items or "FS-FXN" not in locations:
        return ""
    start = timezone.now() - timedelta(days=6)
    # Built before the first of these shipments leaves, so the factory store never ships what it has not made.
    services.stock_moves_post(
        acting_user=user,
        moved_at=start,
        moves=[
            StockMoveInput(items[sku], qty, StockMoveReason.PRODUCTION, None, locations[code], "demo production")
            for (code, sku), qty in FINISHED.items()
            if sku in items and code in locations
        ],
    )
    made = 0
    for n, (reference, kind, origin, destination, sku, qty, carrier, events, receipt) in enumerate(PLAN):
        if sku not in items:
            continue
        to_location = locations.get(destination)
        shipment = services.shipment_create(
            acting_user=user,
            kind=kind,
            from_location=locations[origin],
            to_location=to_location,
            consignee="" if to_location else destination,
            reference=reference,
            carrier=carrier,
            tracking_number=f"{carrier[:2].upper()}{9_700_000 + n:010d}",
            expected_at=start + timedelta(days=4),
            lines=[ShipmentLineInput(items[sku], qty)],
        )
        # Back-date the creation with the rest of the demo story.
        shipment.events.filter(event_key="created").update(occurred_at=start + timedelta(hours=n))
        for step, status in enumerate(events):
            services.shipment_event_post(
                acting_user=user,
                shipment=shipment,
                status=status,
                event_key=f"demo-{reference}-{status}",
                occurred_at=start + timedelta(days=step + 1, hours=n),
                place={"in_transit": "Wuhan hub", "exception": "Hangzhou hub: address check"}.get(status, ""),
            )
        if receipt is not None:
            good, damaged, reason = receipt
            services.shipment_receive(
                acting_user=user,
                shipment=shipment,
                lines=[ReceiptLineInput(items[sku], good, damaged, reason)],
                received_at=start + timedelta(days=len(events) + 1, hours=n),
            )
        made += 1
    return f"{made} shipments"

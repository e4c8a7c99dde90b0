"""Procurement's part of ``seed_demo``: 100+ suppliers, the demo components' profiles and supplier offers.

Registered with ``erp.demo.demo_step_register`` from ``ProcurementConfig.ready``. Idempotent.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from erp.demo import demo_login_register
from erp.models import Currency, Item
from erp.weeks import business_date
from procurement import services
from procurement.models import ComponentProfile, PurchaseOrder, Supplier, SupplierOffer, SupplierUser

SUPPLIER_COUNT = 100

# country, currency, places suppliers are in
COUNTRIES = [
    ("CN", "CNY", ["Shenzhen", "Dongguan", "Suzhou", "Kunshan", "Chongqing", "Xiamen"]),
    ("TW", "TWD", ["Hsinchu", "Taoyuan", "Taichung"]),
    ("KR", "KRW", ["Suwon", "Icheon", "Gumi"]),
    ("JP", "JPY", ["Kyoto", "Osaka", "Nagano"]),
    ("US", "USD", ["San Jose", "Austin"]),
    ("DE", "EUR", ["Dresden", "Munich"]),
]
# Mostly Chinese suppliers, as for a phone maker in Shenzhen.
COUNTRY_WEIGHTS = ["CN"] * 10 + ["TW"] * 3 + ["KR"] * 2 + ["JP"] * 2 + ["US", "DE"]
SPECIALTIES = [
    "Display",
    "Semiconductor",
    "Memory",
    "Battery",
    "Optics",
    "Precision Fasteners",
    "Precision Metal",
    "Circuit Board",
    "Connector",
    "Packaging",
    "Electronic Materials",
]
TERMS = ["net60", "net30", "net90", "net60", "prepaid"]

SCREW_SUPPLIER = ("SUP-SCREW-X", "Dongguan Xinda Screw Co.", "CN", "CNY")
BLOCKED_SUPPLIER = ("SUP-BAT-Z", "Zhongyuan Battery Cells Ltd.", "CN", "CNY")
BLOCKED_REASON = "Battery swelling found in incoming inspection; dropped for good"

# sku, category, customised, default lead time in days
COMPONENT_PROFILES = [
    ("CP-OLED-667", "screen", True, 91),
    ("CP-SOC-S8", "chip", False, 63),
    ("CP-LPDDR5-8G", "memory", False, 63),
    ("CP-UFS-128", "storage", False, 63),
    ("CP-BAT-5000", "battery", True, 63),
    ("CP-CAM-50MP", "camera", False, 35),
    ("CP-SCREW-M14", "screw", False, 14),
    ("CP-GLUE-UV", "other", False, 14),
    ("AS-MB-X1", "pcb", True, 28),
    ("AS-CAM-X1", "camera", True, 35),
    ("AS-DISP-X1", "screen", True, 42),
]


OFFERS_FROM = date(2026, 1, 1)
# supplier, sku, currency, moq, order multiple, lead time days, [(min qty, unit price)]
# The screw from SUP-SCREW-X costs 5x what the other screw suppliers ask: the cost outlier of DESIGN.md section 4.
OFFERS = [
    ("SUP-SCREW-X", "CP-SCREW-M14", "CNY", 10000, 5000, 14, [(1, "0.0600"), (50000, "0.0550"), (200000, "0.0500")]),
    ("SUP-006", "CP-SCREW-M14", "CNY", 10000, 5000, 10, [(1, "0.0120"), (50000, "0.0110"), (200000, "0.0100")]),
    ("SUP-017", "CP-SCREW-M14", "CNY", 20000, 10000, 12, [(1, "0.0115"), (100000, "0.0105")]),
    ("SUP-028", "CP-SCREW-M14", "CNY", 5000, 5000, 14, [(1, "0.0125"), (50000, "0.0112"), (500000, "0.0098")]),
    ("SUP-001", "CP-OLED-667", "USD", 1000, 500, 91, [(1, "38.50"), (5000, "36.90"), (20000, "35.20")]),
    ("SUP-012", "CP-OLED-667", "CNY", 1000, 500, 84, [(1, "279.00"), (5000, "268.00"), (20000, "255.00")]),
    ("SUP-002", "CP-SOC-S8", "USD", 500, 500, 63, [(1, "72.00"), (10000, "69.50"), (50000, "67.00")]),
    ("SUP-013", "CP-SOC-S8", "USD", 1000, 1000, 70, [(1, "71.20"), (20000, "68.80")]),
    ("SUP-003", "CP-LPDDR5-8G", "USD", 1000, 1000, 63, [(1, "21.40"), (10000, "20.60"), (50000, "19.90")]),
    ("SUP-014", "CP-LPDDR5-8G", "CNY", 1000, 1000, 56, [(1, "152.00"), (10000, "147.00")]),
    ("SUP-025", "CP-UFS-128", "USD", 1000, 1000, 63, [(1, "11.80"), (10000, "11.20"), (50000, "10.70")]),
    ("SUP-004", "CP-BAT-5000", "CNY", 2000, 1000, 63, [(1, "38.00"), (10000, "36.20"), (50000, "34.80")]),
    ("SUP-026", "CP-BAT-5000", "CNY", 5000, 1000, 56, [(1, "37.40"), (20000, "35.90")]),
    ("SUP-005", "CP-CAM-50MP", "USD", 1000, 500, 35, [(1, "9.60"), (10000, "9.10"), (50000, "8.75")]),
    ("SUP-016", "CP-CAM-50MP", "CNY", 1000, 500, 30, [(1, "68.50"), (10000, "65.00")]),
    ("SUP-010", "CP-GLUE-UV", "CNY", 100, 50, 14, [(1, "1.80"), (1000, "1.55"), (10000, "1.40")]),
    ("SUP-008", "AS-MB-X1", "CNY", 500, 100, 28, [(1, "62.00"), (5000, "58.50")]),
    ("SUP-030", "AS-CAM-X1", "CNY", 500, 100, 35, [(1, "24.00"), (5000, "22.60")]),
    ("SUP-001", "AS-DISP-X1", "CNY", 500, 100, 42, [(1, "305.00"), (5000, "292.00")]),
    # The blocked battery supplier's old quote is not entered: the service refuses offers from blocked suppliers.
]


def _seed_offers() -> int:
    suppliers = {s.code: s for s in Supplier.objects.filter(code__in={row[0] for row in OFFERS})}
    items = {i.sku: i for i in Item.objects.filter(sku__in={row[1] for row in OFFERS})}
    currencies = {c.code: c for c in Currency.objects.all()}
    existing = set(SupplierOffer.objects.values_list("supplier__code", "item__sku", "valid_from"))
    created = 0
    for code, sku, currency, moq, multiple, lead_time, breaks in OFFERS:
        supplier = suppliers.get(code)
        if (code, sku, OFFERS_FROM) in existing or supplier is None or sku not in items or currency not in currencies:
            continue
        if supplier.status == Supplier.Status.BLOCKED:
            continue
        services.supplier_offer_create(
            acting_user=None,
            supplier=supplier,
            item=items[sku],
            currency=currencies[currency],
            moq=moq,
            order_multiple=multiple,
            lead_time_days=lead_time,
            valid_from=OFFERS_FROM,
            breaks=[(qty, Decimal(price)) for qty, price in breaks],
            note="demo quote",
        )
        created += 1
    return created


def _supplier_rows() -> list[tuple[str, str, str, str, str, str]]:
    """code, name, country, currency, contact name, payment terms: the same every run."""
    by_country = {country: (currency, places) for country, currency, places in COUNTRIES}
    rows = []
    for n in range(1, SUPPLIER_COUNT + 1):
        country = COUNTRY_WEIGHTS[(n * 7) % len(COUNTRY_WEIGHTS)]
        currency, places = by_country[country]
        place = places[n % len(places)]
        specialty = SPECIALTIES[n % len(SPECIALTIES)]
        rows.append(
            (f"SUP-{n:03d}", f"{place} {specialty} No. {n}", country, currency, f"Contact {n}", TERMS[n % len(TERMS)])
        )
    return rows


def seed_procurement(*, scale: str) -> str:
    existing = set(Supplier.objects.values_list("code", flat=True))
    currencies = {currency.code: currency for currency in Currency.objects.all()}
    created = 0
    rows = [(*SCREW_SUPPLIER, "Chen Luo", "net30"), (*BLOCKED_SUPPLIER, "Zhao Dian", "net60"), *_supplier_rows()]
    for code, name, country, currency, contact, terms in rows:
        if code in existing:
            continue
        services.supplier_create(
            acting_user=None,
            code=code,
            name=name,
            country=country,
            currency=currencies[currency],
            contact_name=contact,
            contact_email=f"{code.lower()}@suppliers.demo.tempo.local",
            payment_terms=terms,
        )
        created += 1
    blocked = Supplier.objects.get(code=BLOCKED_SUPPLIER[0])
    if blocked.status != Supplier.Status.BLOCKED and not blocked.status_changes.exists():
        services.supplier_set_status(acting_user=None, supplier=blocked, status="blocked", reason=BLOCKED_REASON)

    profiled = set(ComponentProfile.objects.values_list("item__sku", flat=True))
    items = {item.sku: item for item in Item.objects.filter(sku__in=[row[0] for row in COMPONENT_PROFILES])}
    profiles = 0
    for sku, category, customised, lead_time in COMPONENT_PROFILES:
        if sku in profiled or sku not in items:
            continue
        services.component_profile_set(
            acting_user=None,
            item=items[sku],
            category=category,
            customised=customised,
            default_lead_time_days=lead_time,
        )
        profiles += 1
    offers = _seed_offers()
    if not (created or profiles or offers):
        return ""
    return f"{created} suppliers, {profiles} component profiles, {offers} supplier offers"


# Purchase orders over the last five months, so the scorecard has a spread: some receipts late (after the
# promised date), some with rejected quantities, and orders in every status.
# note, supplier, currency, ordered days ago, [(sku, qty)], status, promised days after the order date,
# receipts [(line, days after the promised date, received, rejected)]
PURCHASE_ORDERS = [
    ("demo PO 1", "SUP-006", "CNY", 150, [("CP-SCREW-M14", 50000)], "received", 20, [(1, -2, 50000, 0)]),
    ("demo PO 2", "SUP-SCREW-X", "CNY", 140, [("CP-SCREW-M14", 20000)], "received", 21, [(1, 5, 20000, 400)]),
    ("demo PO 3", "SUP-012", "CNY", 130, [("CP-OLED-667", 5000)], "received", 84, [(1, 0, 3000, 0), (1, 3, 2000, 0)]),
    ("demo PO 4", "SUP-004", "CNY", 120, [("CP-BAT-5000", 10000)], "received", 60, [(1, 10, 10000, 800)]),
    ("demo PO 5", "SUP-026", "CNY", 110, [("CP-BAT-5000", 20000)], "received", 56, [(1, -1, 20000, 100)]),
    ("demo PO 6", "SUP-016", "CNY", 100, [("CP-CAM-50MP", 10000)], "partially_received", 30, [(1, 2, 6000, 0)]),
    ("demo PO 7", "SUP-008", "CNY", 90, [("AS-MB-X1", 5000)], "partially_received", 28, [(1, 0, 2000, 50)]),
    ("demo PO 8", "SUP-001", "USD", 120, [("CP-OLED-667", 2000)], "received", 91, [(1, 14, 2000, 60)]),
    ("demo PO 9", "SUP-002", "USD", 80, [("CP-SOC-S8", 10000)], "partially_received", 63, [(1, 0, 5000, 0)]),
    ("demo PO 10", "SUP-014", "CNY", 60, [("CP-LPDDR5-8G", 10000)], "confirmed", 56, []),
    ("demo PO 11", "SUP-010", "CNY", 20, [("CP-GLUE-UV", 1000)], "confirmed", 14, []),
    ("demo PO 12", "SUP-030", "CNY", 10, [("AS-CAM-X1", 1000)], "sent", 0, []),
    ("demo PO 13", "SUP-025", "USD", 5, [("CP-UFS-128", 10000)], "sent", 0, []),
    ("demo PO 14", "SUP-028", "CNY", 2, [("CP-SCREW-M14", 100000)], "draft", 0, []),
    ("demo PO 15", "SUP-017", "CNY", 30, [("CP-SCREW-M14", 40000)], "cancelled", 0, []),
    ("demo PO 16", "SUP-003", "USD", 1, [("CP-LPDDR5-8G", 5000)], "draft", 0, []),
]
CANCEL_REASON = "Forecast cut at the weekly meeting"
SUPPLIER_LOGIN = ("supplier", "SUP-030")  # the demo supplier integration user and the supplier it acts for


def _demo_user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _seed_purchase_order(spec, today: date, buyer, receiver) -> bool:
    note, code, currency, days_ago, lines, status, promise_days, receipts = spec
    supplier = Supplier.objects.filter(code=code).first()
    items = {i.sku: i for i in Item.objects.filter(sku__in=[sku for sku, _qty in lines])}
    if supplier is None or len(items) != len(lines):
        return False
    order_date = today - timedelta(days=days_ago)
    order = services.purchase_order_create(
        acting_user=buyer,
        supplier=supplier,
        order_date=order_date,
        currency=Currency.objects.get(code=currency),
        note=note,
        lines=[{"item": items[sku], "quantity": qty} for sku, qty in lines],
    )
    if status == "cancelled":
        services.purchase_order_cancel(acting_user=buyer, order=order, reason=CANCEL_REASON)
    if status in ("draft", "cancelled"):
        return True
    order = services.purchase_order_send(acting_user=buyer, order=order)
    if status == "sent":
        return True
    promised = order_date + timedelta(days=promise_days)
    order = services.purchase_order_confirm(
        acting_user=None, order=order, promised_dates=dict.fromkeys(range(1, len(lines) + 1), promised)
    )
    for line, offset, received, rejected in receipts:
        services.purchase_order_receive(
            acting_user=receiver,
            order=order,
            receipts=[
                services.ReceiptInput(
                    line=line,
                    received=received,
                    accepted=received - rejected,
                    rejected=rejected,
                    received_on=promised + timedelta(days=offset),
                )
            ],
            note="rejects: cosmetic defects" if rejected else "",
        )
    return True


def _seed_supplier_user() -> int:
    from erp.management.commands.seed_demo import DEMO_PASSWORD  # the same password as every demo login

    username, code = SUPPLIER_LOGIN
    supplier = Supplier.objects.filter(code=code).first()
    if supplier is None:
        return 0
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": f"{supplier.name} (API)", "email": f"{username}@demo.tempo.local", "is_staff": False},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not SupplierUser.objects.filter(user=user).exists():
        services.supplier_user_link(acting_user=None, user=user, supplier=supplier)
    return int(created)


def seed_purchasing(*, scale: str) -> str:
    """About 15 purchase orders in every status with late and rejected receipts, and the supplier API user."""
    today = business_date()
    buyer, receiver = _demo_user("procurement"), _demo_user("logistics")
    done = set(PurchaseOrder.objects.filter(note__startswith="demo PO ").values_list("note", flat=True))
    orders = sum(_seed_purchase_order(spec, today, buyer, receiver) for spec in PURCHASE_ORDERS if spec[0] not in done)
    users = _seed_supplier_user()
    if not (orders or users):
        return ""
    return f"{orders} purchase orders, {users} supplier API user"


demo_login_register(SUPPLIER_LOGIN[0], "supplier API", f"/api/v1/purchase-orders/ ({SUPPLIER_LOGIN[1]}, token only)")

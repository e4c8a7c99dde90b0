"""Procurement's part of ``seed_demo``: 100+ suppliers, the demo components' profiles and supplier offers.

Registered with ``erp.demo.demo_step_register`` from ``ProcurementConfig.ready``. Idempotent.
"""

from datetime import date
from decimal import Decimal

from erp.models import Currency, Item
from procurement import services
from procurement.models import ComponentProfile, Supplier, SupplierOffer

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


def seed_purchasing(*, scale: str) -> str:
    """Demo purchase orders and the supplier integration user (filled in below)."""
    return ""

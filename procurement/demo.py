"""Procurement's part of ``seed_demo``: 100+ suppliers and the demo components' profiles.

Registered with ``erp.demo.demo_step_register`` from ``ProcurementConfig.ready``. Idempotent.
"""

from erp.models import Currency, Item
from procurement import services
from procurement.models import ComponentProfile, Supplier

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
    if not (created or profiles):
        return ""
    return f"{created} suppliers, {profiles} component profiles"

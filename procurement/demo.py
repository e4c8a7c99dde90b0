"""Procurement's part of ``seed_demo``: 100+ suppliers, the demo components' profiles and supplier offers,
then (a second step) the phones' bills of materials with their parts, offers and cost rates, and (a
third) their standard costs, which value the stock on the inventory turnover page.

Registered with ``erp.demo.demo_step_register`` from ``ProcurementConfig.ready``. Idempotent.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from erp.demo import demo_login_register
from erp.models import Currency, Item
from erp.weeks import business_date
from procurement import services
from procurement.models import (
    BomLine,
    ComponentProfile,
    CostRates,
    PurchaseOrder,
    StandardCost,
    Supplier,
    SupplierOffer,
    SupplierUser,
)

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


# --- Bills of materials and cost rates (DESIGN.md section 4, cost roll-up) ---------------------------
#
# The X1 phones share one multi-level structure: a main board core that Tempo's own line builds (no
# supplier offers it, so it is rolled up from its parts plus its conversion cost) with an RF module
# inside it, a frame assembly with a speaker box inside it, a sub board and a packaging kit. The
# display and rear camera modules (AS-DISP-X1, AS-CAM-X1) and the bare main board (AS-MB-X1) are bought
# whole. The Lite reuses the X1's chip and many small parts on a cheaper board, which is why it costs
# a little more than its retailer price: the roll-up flags it.

BOM_FROM = date(2026, 1, 1)

# sku, name, kind, unit, category, customised, default lead time in days
BOM_ITEMS = [
    ("AS-MB-X1-CORE", "X1 main board core (SoC, power, radios)", "assembly", "pcs", "pcb", True, 7),
    ("AS-RF-X1", "X1 RF front-end module", "assembly", "pcs", "pcb", True, 7),
    ("AS-SUB-X1", "X1 sub board (USB-C, mics, SIM)", "assembly", "pcs", "pcb", True, 5),
    ("AS-FRAME-X1", "X1 frame assembly", "assembly", "pcs", "housing", True, 5),
    ("AS-SPK-X1", "X1 speaker box", "assembly", "pcs", "other", True, 5),
    ("AS-PKG-X1", "X1 packaging kit", "assembly", "set", "packaging", True, 3),
    ("AS-MB-LITE-CORE", "Lite main board core", "assembly", "pcs", "pcb", True, 7),
    ("AS-PKG-LITE", "Lite packaging kit", "assembly", "set", "packaging", True, 3),
    # chips
    ("CP-PMIC-X1", "Main power management IC", "component", "pcs", "chip", False, 63),
    ("CP-PMIC-AUX", "Auxiliary PMIC", "component", "pcs", "chip", False, 63),
    ("CP-CHGIC-X1", "Battery charger IC", "component", "pcs", "chip", False, 63),
    ("CP-WIFI7-X1", "Wi-Fi 7 / Bluetooth 5.4 chip", "component", "pcs", "chip", False, 63),
    ("CP-WIFI6-L", "Wi-Fi 6 / Bluetooth 5.3 chip", "component", "pcs", "chip", False, 63),
    ("CP-CODEC-X1", "Audio codec", "component", "pcs", "chip", False, 56),
    ("CP-AMP-X1", "Smart speaker amplifier", "component", "pcs", "chip", False, 56),
    ("CP-NFC-X1", "NFC controller", "component", "pcs", "chip", False, 63),
    ("CP-UWB-X1", "UWB chip", "component", "pcs", "chip", False, 63),
    ("CP-SAT-X1", "Satellite messaging chip", "component", "pcs", "chip", False, 70),
    ("CP-RF-TRX", "RF transceiver", "component", "pcs", "chip", False, 63),
    ("CP-RF-PA", "5G power amplifier module", "component", "pcs", "chip", False, 63),
    ("CP-RF-FEM", "RF front-end module", "component", "pcs", "chip", False, 63),
    ("CP-RF-LNA", "Low-noise amplifier", "component", "pcs", "chip", False, 56),
    ("CP-RF-SAW", "SAW filter", "component", "pcs", "chip", False, 56),
    # memory and storage
    ("CP-LPDDR5-12G", "LPDDR5 12 GB memory", "component", "pcs", "memory", False, 63),
    ("CP-LPDDR4X-6G", "LPDDR4X 6 GB memory", "component", "pcs", "memory", False, 63),
    ("CP-UFS-256", "UFS 4.0 256 GB storage", "component", "pcs", "storage", False, 63),
    ("CP-UFS-512", "UFS 4.0 512 GB storage", "component", "pcs", "storage", False, 63),
    ("CP-UFS-64", "UFS 2.2 64 GB storage", "component", "pcs", "storage", False, 63),
    # screens and cameras
    ("CP-LCD-656", '6.56" LCD panel', "component", "pcs", "screen", True, 91),
    ("CP-CAM-TELE-X1", "Periscope telephoto camera module", "component", "pcs", "camera", True, 35),
    ("CP-CAM-UW-X1", "Ultra-wide camera module", "component", "pcs", "camera", False, 35),
    ("CP-CAM-FRONT-8", "8 MP front camera module", "component", "pcs", "camera", False, 35),
    # passives (a reel of many thousand pieces each)
    ("CP-CAP-0201", "Capacitor 100 nF 0201", "component", "pcs", "other", False, 28),
    ("CP-CAP-0402", "Capacitor 1 uF 0402", "component", "pcs", "other", False, 28),
    ("CP-RES-0201", "Resistor 0201", "component", "pcs", "other", False, 28),
    ("CP-IND-0402", "Inductor 0402", "component", "pcs", "other", False, 28),
    ("CP-TVS-0201", "ESD protection diode 0201", "component", "pcs", "other", False, 28),
    ("CP-XTAL-38M", "Crystal 38.4 MHz", "component", "pcs", "other", False, 35),
    ("CP-XTAL-32K", "Crystal 32.768 kHz", "component", "pcs", "other", False, 35),
    # boards, flexes, connectors
    ("CP-PCB-RF-X1", "RF module PCB", "component", "pcs", "pcb", True, 28),
    ("CP-PCB-SUB-X1", "Sub board PCB", "component", "pcs", "pcb", True, 28),
    ("CP-PCB-MB-LITE", "Lite main board PCB", "component", "pcs", "pcb", True, 28),
    ("CP-FLEX-LCM-X1", "Display flex cable", "component", "pcs", "pcb", True, 28),
    ("CP-FLEX-MAIN-X1", "Main-to-sub board flex cable", "component", "pcs", "pcb", True, 28),
    ("CP-FLEX-KEY-X1", "Side-key flex cable", "component", "pcs", "pcb", True, 28),
    ("CP-BTB-40P", "Board-to-board connector 40 pin", "component", "pcs", "connector", False, 21),
    ("CP-COAX-RCPT", "RF coaxial receptacle", "component", "pcs", "connector", False, 21),
    ("CP-USBC-RCPT", "USB-C receptacle", "component", "pcs", "connector", False, 21),
    ("CP-SIM-CONN", "Nano-SIM connector", "component", "pcs", "connector", False, 21),
    # shields, antennas, audio, haptics, thermal
    ("CP-SHIELD-AP", "Shield can, processor", "component", "pcs", "housing", True, 28),
    ("CP-SHIELD-PMU", "Shield can, power", "component", "pcs", "housing", True, 28),
    ("CP-SHIELD-RF", "Shield can, RF", "component", "pcs", "housing", True, 28),
    ("CP-ANT-LDS-X1", "LDS antenna", "component", "pcs", "other", True, 28),
    ("CP-ANT-NFC-X1", "NFC antenna", "component", "pcs", "other", True, 28),
    ("CP-COIL-QI-X1", "Wireless charging coil with magnet ring", "component", "pcs", "other", True, 35),
    ("CP-SPK-1115", "Speaker driver 11 x 15 mm", "component", "pcs", "other", False, 35),
    ("CP-RCV-X1", "Earpiece receiver", "component", "pcs", "other", False, 35),
    ("CP-MIC-MEMS", "MEMS microphone", "component", "pcs", "other", False, 35),
    ("CP-VIB-X1", "X-axis linear vibration motor", "component", "pcs", "other", False, 35),
    ("CP-VC-X1", "Vapour chamber", "component", "pcs", "other", True, 35),
    ("CP-GRAPHITE-X1", "Graphite sheet", "component", "pcs", "other", True, 21),
    ("CP-TIM-GEL", "Thermal gel", "component", "ml", "other", False, 21),
    # housing
    ("CP-FRAME-TI-X1", "X1 titanium middle frame", "component", "pcs", "housing", True, 42),
    ("CP-BACK-GLASS-X1", "X1 matte glass back", "component", "pcs", "housing", True, 42),
    ("CP-BACK-CER-X1P", "X1 Pro ceramic back", "component", "pcs", "housing", True, 56),
    ("CP-FRAME-PC-LITE", "Lite plastic frame", "component", "pcs", "housing", True, 35),
    ("CP-BACK-PC-LITE", "Lite plastic back", "component", "pcs", "housing", True, 35),
    ("CP-BTN-PWR-X1", "Power key", "component", "pcs", "housing", True, 28),
    ("CP-BTN-VOL-X1", "Volume key", "component", "pcs", "housing", True, 28),
    ("CP-SIMTRAY-X1", "SIM tray", "component", "pcs", "housing", True, 28),
    ("CP-SPK-ENCL-X1", "Speaker enclosure", "component", "pcs", "housing", True, 28),
    ("CP-MESH-X1", "Acoustic mesh", "component", "pcs", "other", False, 21),
    ("CP-GASKET-X1", "Water-seal gasket", "component", "pcs", "other", True, 21),
    ("CP-FOAM-X1", "Foam pad", "component", "pcs", "other", False, 14),
    ("CP-FILM-SCREEN", "Factory screen protector film", "component", "pcs", "other", False, 14),
    # packaging
    ("CP-BOX-X1", "X1 retail box", "component", "pcs", "packaging", True, 14),
    ("CP-BOX-LITE", "Lite retail box", "component", "pcs", "packaging", True, 14),
    ("CP-TRAY-X1", "Moulded pulp tray", "component", "pcs", "packaging", True, 14),
    ("CP-GUIDE-X1", "Quick-start guide", "component", "pcs", "packaging", False, 14),
    ("CP-SIMPIN", "SIM eject pin", "component", "pcs", "packaging", False, 14),
    ("CP-CABLE-USBC", "USB-C cable 1 m", "component", "pcs", "connector", False, 21),
    ("CP-CHG-33W", "33 W charger in the box", "component", "pcs", "other", False, 35),
    ("CP-LABEL-IMEI", "IMEI label", "component", "pcs", "packaging", False, 14),
    ("CP-FILM-SHRINK", "Shrink film", "component", "pcs", "packaging", False, 14),
]

# sku, unit price in CNY at the costing lot from the cheapest supplier, suppliers (the first is the cheapest).
# The others ask 3-7% more, so no new offer is a cost outlier; the M14 screw stays the one to find.
BOM_PRICES = [
    ("CP-PMIC-X1", "38.00", ["SUP-002", "SUP-024"]),
    ("CP-PMIC-AUX", "9.80", ["SUP-013", "SUP-035"]),
    ("CP-CHGIC-X1", "11.50", ["SUP-024", "SUP-046"]),
    ("CP-WIFI7-X1", "56.00", ["SUP-035", "SUP-002"]),
    ("CP-WIFI6-L", "14.00", ["SUP-046", "SUP-035"]),
    ("CP-CODEC-X1", "7.80", ["SUP-057", "SUP-068"]),
    ("CP-AMP-X1", "5.60", ["SUP-068", "SUP-057", "SUP-079"]),
    ("CP-NFC-X1", "8.90", ["SUP-079", "SUP-013"]),
    ("CP-UWB-X1", "38.00", ["SUP-090"]),
    ("CP-SAT-X1", "96.00", ["SUP-013"]),
    ("CP-RF-TRX", "62.00", ["SUP-047", "SUP-058"]),
    ("CP-RF-PA", "24.00", ["SUP-058", "SUP-047", "SUP-069"]),
    ("CP-RF-FEM", "9.20", ["SUP-069", "SUP-058"]),
    ("CP-RF-LNA", "1.25", ["SUP-047", "SUP-080"]),
    ("CP-RF-SAW", "1.05", ["SUP-080", "SUP-069", "SUP-091"]),
    ("CP-LPDDR5-12G", "205.00", ["SUP-003", "SUP-014"]),
    ("CP-LPDDR4X-6G", "44.00", ["SUP-014", "SUP-036"]),
    ("CP-UFS-256", "118.00", ["SUP-025", "SUP-036"]),
    ("CP-UFS-512", "196.00", ["SUP-025", "SUP-047"]),
    ("CP-UFS-64", "26.00", ["SUP-036", "SUP-025"]),
    ("CP-LCD-656", "78.00", ["SUP-012", "SUP-023", "SUP-034"]),
    ("CP-CAM-TELE-X1", "196.00", ["SUP-005", "SUP-027"]),
    ("CP-CAM-UW-X1", "34.00", ["SUP-016", "SUP-038", "SUP-005"]),
    ("CP-CAM-FRONT-8", "12.50", ["SUP-027", "SUP-049"]),
    ("CP-CAP-0201", "0.0042", ["SUP-034", "SUP-045", "SUP-056"]),
    ("CP-CAP-0402", "0.0081", ["SUP-045", "SUP-034"]),
    ("CP-RES-0201", "0.0015", ["SUP-056", "SUP-067", "SUP-045"]),
    ("CP-IND-0402", "0.0300", ["SUP-067", "SUP-056"]),
    ("CP-TVS-0201", "0.0280", ["SUP-078", "SUP-067"]),
    ("CP-XTAL-38M", "1.15", ["SUP-089", "SUP-078"]),
    ("CP-XTAL-32K", "0.55", ["SUP-078", "SUP-089"]),
    ("CP-PCB-RF-X1", "6.20", ["SUP-019", "SUP-030"]),
    ("CP-PCB-SUB-X1", "4.60", ["SUP-030", "SUP-019"]),
    ("CP-PCB-MB-LITE", "18.00", ["SUP-019", "SUP-041"]),
    ("CP-FLEX-LCM-X1", "6.80", ["SUP-041", "SUP-052"]),
    ("CP-FLEX-MAIN-X1", "5.60", ["SUP-052", "SUP-041"]),
    ("CP-FLEX-KEY-X1", "2.60", ["SUP-063"]),
    ("CP-BTB-40P", "1.35", ["SUP-009", "SUP-020", "SUP-031"]),
    ("CP-COAX-RCPT", "0.38", ["SUP-020", "SUP-042"]),
    ("CP-USBC-RCPT", "2.40", ["SUP-031", "SUP-009"]),
    ("CP-SIM-CONN", "1.35", ["SUP-042", "SUP-053"]),
    ("CP-SHIELD-AP", "1.90", ["SUP-007", "SUP-018"]),
    ("CP-SHIELD-PMU", "1.20", ["SUP-018", "SUP-007"]),
    ("CP-SHIELD-RF", "1.40", ["SUP-029", "SUP-018"]),
    ("CP-ANT-LDS-X1", "2.30", ["SUP-011", "SUP-022"]),
    ("CP-ANT-NFC-X1", "3.60", ["SUP-022", "SUP-033"]),
    ("CP-COIL-QI-X1", "16.50", ["SUP-033", "SUP-044"]),
    ("CP-SPK-1115", "7.90", ["SUP-050", "SUP-061", "SUP-072"]),
    ("CP-RCV-X1", "4.60", ["SUP-061", "SUP-050"]),
    ("CP-MIC-MEMS", "2.05", ["SUP-072", "SUP-083"]),
    ("CP-VIB-X1", "8.20", ["SUP-083", "SUP-094"]),
    ("CP-VC-X1", "28.00", ["SUP-044", "SUP-055"]),
    ("CP-GRAPHITE-X1", "1.30", ["SUP-055", "SUP-066"]),
    ("CP-TIM-GEL", "0.90", ["SUP-066", "SUP-077"]),
    ("CP-FRAME-TI-X1", "298.00", ["SUP-007", "SUP-040"]),
    ("CP-BACK-GLASS-X1", "72.00", ["SUP-040", "SUP-051"]),
    ("CP-BACK-CER-X1P", "114.00", ["SUP-051"]),
    ("CP-FRAME-PC-LITE", "18.00", ["SUP-062", "SUP-073"]),
    ("CP-BACK-PC-LITE", "9.50", ["SUP-073", "SUP-062"]),
    ("CP-BTN-PWR-X1", "1.90", ["SUP-084", "SUP-095"]),
    ("CP-BTN-VOL-X1", "2.10", ["SUP-084", "SUP-095"]),
    ("CP-SIMTRAY-X1", "3.40", ["SUP-095", "SUP-084"]),
    ("CP-SPK-ENCL-X1", "3.30", ["SUP-062"]),
    ("CP-MESH-X1", "0.32", ["SUP-077", "SUP-088"]),
    ("CP-GASKET-X1", "1.05", ["SUP-088", "SUP-099"]),
    ("CP-FOAM-X1", "0.14", ["SUP-099", "SUP-011"]),
    ("CP-FILM-SCREEN", "1.10", ["SUP-011", "SUP-099"]),
    ("CP-BOX-X1", "6.40", ["SUP-010", "SUP-021", "SUP-032"]),
    ("CP-BOX-LITE", "3.80", ["SUP-021", "SUP-010"]),
    ("CP-TRAY-X1", "1.70", ["SUP-032", "SUP-043"]),
    ("CP-GUIDE-X1", "0.55", ["SUP-043", "SUP-054"]),
    ("CP-SIMPIN", "0.16", ["SUP-054", "SUP-065"]),
    ("CP-CABLE-USBC", "4.90", ["SUP-065", "SUP-020"]),
    ("CP-CHG-33W", "38.00", ["SUP-076", "SUP-087"]),
    ("CP-LABEL-IMEI", "0.05", ["SUP-087", "SUP-098"]),
    ("CP-FILM-SHRINK", "0.18", ["SUP-098", "SUP-087"]),
]
# A few chips and memories are quoted in US dollars, like the processor and memories above.
BOM_USD_OFFERS = {("SUP-002", "CP-PMIC-X1"), ("SUP-035", "CP-WIFI7-X1"), ("SUP-003", "CP-LPDDR5-12G")}
DEMO_USD_RATE = Decimal("7.12")  # the centre of the demo USD rate; the quotes were made at it
SECOND_SOURCE_MARKUPS = [Decimal("1.00"), Decimal("1.04"), Decimal("1.07")]

_X1_CORE = [
    ("AS-MB-X1", "1", "0.5"),
    ("CP-SOC-S8", "1", "0.2"),
    ("CP-PMIC-X1", "1", "0.2"),
    ("CP-PMIC-AUX", "1", "0.2"),
    ("CP-CHGIC-X1", "1", "0.2"),
    ("AS-RF-X1", "1", "0.3"),
    ("CP-WIFI7-X1", "1", "0.2"),
    ("CP-CODEC-X1", "1", "0.2"),
    ("CP-AMP-X1", "2", "0.2"),
    ("CP-NFC-X1", "1", "0.2"),
    ("CP-UWB-X1", "1", "0.2"),
    ("CP-SAT-X1", "1", "0.2"),
    ("CP-SHIELD-AP", "1", "0.5"),
    ("CP-SHIELD-PMU", "1", "0.5"),
    ("CP-BTB-40P", "5", "0.5"),
    ("CP-CAP-0201", "220", "1.0"),
    ("CP-CAP-0402", "64", "1.0"),
    ("CP-RES-0201", "120", "1.0"),
    ("CP-IND-0402", "14", "1.0"),
    ("CP-XTAL-38M", "1", "0.5"),
    ("CP-XTAL-32K", "1", "0.5"),
    ("CP-TIM-GEL", "0.3", "5.0"),
]
_RF = [
    ("CP-PCB-RF-X1", "1", "0.5"),
    ("CP-RF-TRX", "1", "0.2"),
    ("CP-RF-PA", "2", "0.2"),
    ("CP-RF-FEM", "2", "0.2"),
    ("CP-RF-LNA", "3", "0.5"),
    ("CP-RF-SAW", "6", "0.5"),
    ("CP-SHIELD-RF", "1", "0.5"),
    ("CP-CAP-0201", "40", "1.0"),
    ("CP-IND-0402", "12", "1.0"),
    ("CP-COAX-RCPT", "2", "0.5"),
]
_SUB = [
    ("CP-PCB-SUB-X1", "1", "0.5"),
    ("CP-USBC-RCPT", "1", "0.5"),
    ("CP-MIC-MEMS", "2", "0.5"),
    ("CP-SIM-CONN", "1", "0.5"),
    ("CP-BTB-40P", "1", "0.5"),
    ("CP-CAP-0201", "24", "1.0"),
    ("CP-RES-0201", "12", "1.0"),
    ("CP-TVS-0201", "6", "1.0"),
]
_SPEAKER = [
    ("CP-SPK-1115", "1", "0.5"),
    ("CP-SPK-ENCL-X1", "1", "0.5"),
    ("CP-MESH-X1", "1", "1.0"),
    ("CP-GLUE-UV", "0.2", "5.0"),
    ("CP-FOAM-X1", "1", "2.0"),
]
_FRAME = [
    ("CP-FRAME-TI-X1", "1", "0.5"),
    ("CP-BTN-PWR-X1", "1", "0.5"),
    ("CP-BTN-VOL-X1", "1", "0.5"),
    ("CP-SIMTRAY-X1", "1", "0.5"),
    ("AS-SPK-X1", "1", "0.2"),
    ("CP-RCV-X1", "1", "0.5"),
    ("CP-ANT-LDS-X1", "4", "0.5"),
    ("CP-GASKET-X1", "1", "1.0"),
    ("CP-FLEX-KEY-X1", "1", "0.5"),
]
_PACKAGING_X1 = [
    ("CP-BOX-X1", "1", "0.5"),
    ("CP-TRAY-X1", "1", "0.5"),
    ("CP-GUIDE-X1", "1", "0.5"),
    ("CP-SIMPIN", "1", "0.5"),
    ("CP-CABLE-USBC", "1", "0.2"),
    ("CP-CHG-33W", "1", "0.2"),
    ("CP-LABEL-IMEI", "2", "1.0"),
    ("CP-FILM-SHRINK", "1", "1.0"),
]
_PACKAGING_LITE = [
    ("CP-BOX-LITE", "1", "0.5"),
    ("CP-GUIDE-X1", "1", "0.5"),
    ("CP-SIMPIN", "1", "0.5"),
    ("CP-CABLE-USBC", "1", "0.2"),
    ("CP-LABEL-IMEI", "2", "1.0"),
    ("CP-FILM-SHRINK", "1", "1.0"),
]
_LITE_CORE = [
    ("CP-PCB-MB-LITE", "1", "0.5"),
    ("CP-SOC-S8", "1", "0.2"),
    ("CP-PMIC-X1", "1", "0.2"),
    ("CP-CHGIC-X1", "1", "0.2"),
    ("AS-RF-X1", "1", "0.3"),
    ("CP-WIFI6-L", "1", "0.2"),
    ("CP-CODEC-X1", "1", "0.2"),
    ("CP-AMP-X1", "1", "0.2"),
    ("CP-SHIELD-AP", "1", "0.5"),
    ("CP-BTB-40P", "3", "0.5"),
    ("CP-CAP-0201", "160", "1.0"),
    ("CP-CAP-0402", "40", "1.0"),
    ("CP-RES-0201", "90", "1.0"),
    ("CP-IND-0402", "10", "1.0"),
    ("CP-XTAL-38M", "1", "0.5"),
    ("CP-XTAL-32K", "1", "0.5"),
]


def _x1_phone(memory: str, storage: str, back: str, extra: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [
        ("AS-MB-X1-CORE", "1", "0.3"),
        (memory, "1", "0.2"),
        (storage, "1", "0.2"),
        ("AS-DISP-X1", "1", "0.5"),
        ("AS-CAM-X1", "1", "0.3"),
        ("CP-CAM-TELE-X1", "1", "0.3"),
        ("CP-CAM-UW-X1", "1", "0.3"),
        ("CP-CAM-50MP", "1", "0.3"),
        ("CP-BAT-5000", "1", "0.2"),
        ("AS-FRAME-X1", "1", "0.2"),
        ("AS-SUB-X1", "1", "0.3"),
        (back, "1", "0.8"),
        ("CP-FLEX-LCM-X1", "1", "0.5"),
        ("CP-FLEX-MAIN-X1", "1", "0.5"),
        ("CP-VIB-X1", "1", "0.3"),
        ("CP-COIL-QI-X1", "1", "0.3"),
        ("CP-ANT-NFC-X1", "1", "0.3"),
        ("CP-VC-X1", "1", "0.5"),
        ("CP-GRAPHITE-X1", "2", "1.0"),
        ("CP-FOAM-X1", "6", "2.0"),
        ("CP-SCREW-M14", "12", "2.0"),
        ("CP-GLUE-UV", "2.5", "5.0"),
        ("CP-FILM-SCREEN", "1", "1.0"),
        ("AS-PKG-X1", "1", "0.0"),
        *extra,
    ]


# parent -> [(child, qty per parent, scrap %)]
BOMS = {
    "TP-X1-128": _x1_phone("CP-LPDDR5-8G", "CP-UFS-128", "CP-BACK-GLASS-X1", []),
    "TP-X1-256": _x1_phone("CP-LPDDR5-8G", "CP-UFS-256", "CP-BACK-GLASS-X1", []),
    "TP-X1P-512": _x1_phone("CP-LPDDR5-12G", "CP-UFS-512", "CP-BACK-CER-X1P", []),
    "AS-MB-X1-CORE": _X1_CORE,
    "AS-RF-X1": _RF,
    "AS-SUB-X1": _SUB,
    "AS-FRAME-X1": _FRAME,
    "AS-SPK-X1": _SPEAKER,
    "AS-PKG-X1": _PACKAGING_X1,
    "TP-LITE-64": [
        ("AS-MB-LITE-CORE", "1", "0.3"),
        ("CP-LPDDR4X-6G", "1", "0.2"),
        ("CP-UFS-64", "1", "0.2"),
        ("CP-LCD-656", "1", "0.5"),
        ("CP-CAM-50MP", "1", "0.3"),
        ("CP-CAM-FRONT-8", "1", "0.3"),
        ("CP-BAT-5000", "1", "0.2"),
        ("AS-SUB-X1", "1", "0.3"),
        ("AS-SPK-X1", "1", "0.2"),
        ("CP-VIB-X1", "1", "0.3"),
        ("CP-FRAME-PC-LITE", "1", "0.5"),
        ("CP-BACK-PC-LITE", "1", "0.5"),
        ("CP-BTN-PWR-X1", "1", "0.5"),
        ("CP-BTN-VOL-X1", "1", "0.5"),
        ("CP-SIMTRAY-X1", "1", "0.5"),
        ("CP-ANT-LDS-X1", "3", "0.5"),
        ("CP-FLEX-MAIN-X1", "1", "0.5"),
        ("CP-FOAM-X1", "4", "2.0"),
        ("CP-SCREW-M14", "10", "2.0"),
        ("CP-GLUE-UV", "2", "5.0"),
        ("AS-PKG-LITE", "1", "0.0"),
    ],
    "AS-MB-LITE-CORE": _LITE_CORE,
    "AS-PKG-LITE": _PACKAGING_LITE,
}

# sku, conversion cost, logistics cost (CNY per unit)
COST_RATES = [
    ("TP-X1-128", "88.00", "55.00"),
    ("TP-X1-256", "88.00", "55.00"),
    ("TP-X1P-512", "96.00", "58.00"),
    ("TP-LITE-64", "40.00", "26.00"),
    ("AS-MB-X1-CORE", "16.00", "0"),
    ("AS-RF-X1", "3.50", "0"),
    ("AS-SUB-X1", "2.80", "0"),
    ("AS-FRAME-X1", "7.50", "0"),
    ("AS-SPK-X1", "1.60", "0"),
    ("AS-PKG-X1", "0.90", "0"),
    ("AS-MB-LITE-CORE", "12.00", "0"),
    ("AS-PKG-LITE", "0.60", "0"),
]


def _price_breaks(price: Decimal) -> list[tuple[int, Decimal]]:
    """Small orders pay 6% more; very large ones 3% less. The costing lot (10,000) pays ``price``."""
    step = Decimal("0.000001")
    return [
        (1, (price * Decimal("1.06")).quantize(step)),
        (10000, price.quantize(step)),
        (500000, (price * Decimal("0.97")).quantize(step)),
    ]


def _bom_offers(items: dict[str, Item], lead_times: dict[str, int]) -> int:
    suppliers = {
        s.code: s for s in Supplier.objects.filter(code__in={code for _sku, _p, codes in BOM_PRICES for code in codes})
    }
    currencies = {c.code: c for c in Currency.objects.filter(code__in=["CNY", "USD"])}
    existing = set(
        SupplierOffer.objects.filter(valid_from=OFFERS_FROM).values_list("supplier__code", "item__sku", "valid_from")
    )
    created = 0
    for sku, price, codes in BOM_PRICES:
        for n, code in enumerate(codes):
            supplier = suppliers.get(code)
            if (code, sku, OFFERS_FROM) in existing or supplier is None or sku not in items:
                continue
            if supplier.status == Supplier.Status.BLOCKED:
                continue
            unit_price = Decimal(price) * SECOND_SOURCE_MARKUPS[n]
            currency = "USD" if (code, sku) in BOM_USD_OFFERS else "CNY"
            if currency == "USD":
                unit_price = unit_price / DEMO_USD_RATE
            bulk = unit_price < Decimal("0.5")  # small parts come on reels and in cartons
            services.supplier_offer_create(
                acting_user=None,
                supplier=supplier,
                item=items[sku],
                currency=currencies[currency],
                moq=10000 if bulk else 1000,
                order_multiple=5000 if bulk else 500,
                lead_time_days=lead_times[sku] + 3 * n - 2,
                valid_from=OFFERS_FROM,
                breaks=_price_breaks(unit_price),
                note="demo quote",
            )
            created += 1
    return created


def seed_boms(*, scale: str) -> str:
    """The X1 and Lite structures, their new parts with profiles and offers, and cost rates. Idempotent."""
    from erp import services as erp_services

    existing_items = set(Item.objects.filter(sku__in=[row[0] for row in BOM_ITEMS]).values_list("sku", flat=True))
    new_items = 0
    for sku, name, kind, unit, _category, _customised, _lead in BOM_ITEMS:
        if sku in existing_items:
            continue
        erp_services.item_create(acting_user=None, sku=sku, name=name, kind=kind, unit=unit)
        new_items += 1

    skus = {row[0] for row in BOM_ITEMS} | set(BOMS) | {child for lines in BOMS.values() for child, _q, _s in lines}
    items = {item.sku: item for item in Item.objects.filter(sku__in=skus)}
    profiled = set(ComponentProfile.objects.filter(item__sku__in=skus).values_list("item__sku", flat=True))
    profiles = 0
    for sku, _name, _kind, _unit, category, customised, lead_time in BOM_ITEMS:
        if sku in profiled:
            continue
        services.component_profile_set(
            acting_user=None,
            item=items[sku],
            category=category,
            customised=customised,
            default_lead_time_days=lead_time,
        )
        profiles += 1

    offers = _bom_offers(items, {row[0]: row[6] for row in BOM_ITEMS})

    stored = set(BomLine.objects.filter(valid_from=BOM_FROM).values_list("parent__sku", "child__sku"))
    lines = 0
    for parent, children in BOMS.items():
        if parent not in items:
            continue  # a product this scale does not have
        for child, qty_per, scrap_pct in children:
            if (parent, child) in stored or child not in items:
                continue
            services.bom_line_create(
                acting_user=None,
                parent=items[parent],
                child=items[child],
                qty_per=Decimal(qty_per),
                scrap_pct=Decimal(scrap_pct),
                valid_from=BOM_FROM,
            )
            lines += 1

    rated = set(CostRates.objects.values_list("item__sku", flat=True))
    rates = 0
    for sku, conversion, logistics in COST_RATES:
        if sku in rated or sku not in items:
            continue
        services.cost_rates_set(
            acting_user=None,
            item=items[sku],
            conversion_cost=Decimal(conversion),
            logistics_cost=Decimal(logistics),
            note="demo rate",
        )
        rates += 1
    if not (new_items or profiles or offers or lines or rates):
        return ""
    return (
        f"{new_items} BOM parts, {profiles} component profiles, {offers} supplier offers, "
        f"{lines} BOM lines, {rates} cost rates"
    )


def seed_standard_costs(*, scale: str) -> str:
    """Freeze today's cost roll-up of the products with a BOM, once: a product that has one keeps it."""
    with_bom = set(BomLine.objects.filter(parent__kind=Item.Kind.PRODUCT).values_list("parent_id", flat=True))
    if not with_bom or with_bom <= set(StandardCost.objects.values_list("item_id", flat=True)):
        return ""
    return f"{services.standard_costs_refresh(acting_user=None)} standard costs"


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

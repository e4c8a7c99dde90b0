"""Build Tempo's demo company. Idempotent: running it again adds only what is missing.

Later slices extend the demo (suppliers, BOMs, retailers, stores...) with steps registered
through ``erp.demo.demo_step_register``; this command seeds the kernel and the demo users,
then runs those steps.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from erp import roles, services
from erp.demo import demo_logins, demo_steps
from erp.models import Currency, FxRate, Item
from erp.weeks import IsoWeek, business_date

DEMO_PASSWORD = "tempo-demo-2026"

DEMO_USERS = [
    # username, role, full name
    ("procurement", roles.PROCUREMENT, "Pan Cai (procurement)"),
    ("planning", roles.PLANNING, "Ji Hua (planning)"),
    ("sales", roles.SALES, "Xiao Shou (sales)"),
    ("logistics", roles.LOGISTICS, "Wu Liu (logistics)"),
    ("store_ops", roles.STORE_OPS, "Men Dian (store ops)"),
    ("finance", roles.FINANCE, "Cai Wu (finance)"),
    ("admin", roles.ADMIN, "Guan Li (admin)"),
    ("retailer", roles.RETAILER, "Lin Shou (retailer)"),
    ("shop", roles.SHOP, "Online shop (API)"),
]

# sku, name, family, batch multiple, list price, retailer price
PRODUCTS = [
    ("TP-X1-128", "Tempo X1 phone 128 GB", "Phones", 500, "2999.00", "2699.00"),
    ("TP-X1-256", "Tempo X1 phone 256 GB", "Phones", 500, "3299.00", "2969.00"),
    ("TP-X1P-512", "Tempo X1 Pro phone 512 GB", "Phones", 500, "4599.00", "4139.00"),
    ("TP-LITE-64", "Tempo Lite phone 64 GB", "Phones", 1000, "1299.00", "1169.00"),
    ("TP-BAND-2", "Tempo Band 2", "Wearables", 1000, "229.00", "199.00"),
    ("TP-BUDS-3", "Tempo Buds 3", "Audio", 1000, "399.00", "349.00"),
    ("TP-CHG-65W", "Tempo 65 W charger", "Accessories", 2000, "149.00", "119.00"),
    ("TP-CASE-X1", "Tempo X1 case", "Accessories", 2000, "79.00", "59.00"),
]

ASSEMBLIES = [
    ("AS-MB-X1", "X1 main board assembly"),
    ("AS-CAM-X1", "X1 rear camera module"),
    ("AS-DISP-X1", "X1 display assembly"),
]

COMPONENTS = [
    ("CP-SOC-S8", "Application processor S8", "pcs", 1),
    ("CP-LPDDR5-8G", "LPDDR5 8 GB memory", "pcs", 1),
    ("CP-UFS-128", "UFS 3.1 128 GB storage", "pcs", 1),
    ("CP-OLED-667", '6.67" OLED panel', "pcs", 1),
    ("CP-BAT-5000", "5000 mAh battery cell", "pcs", 1),
    ("CP-CAM-50MP", "50 MP camera sensor", "pcs", 1),
    ("CP-SCREW-M14", "M1.4 x 3 screw", "pcs", 1000),
    ("CP-GLUE-UV", "UV-curing adhesive", "ml", 100),
]

# Units per shipping case by product family; stores are replenished in whole cases.
CASE_PACKS = {"Phones": 20, "Wearables": 50, "Audio": 50, "Accessories": 100}

# CNY per unit around which the demo rates move.
FX_CENTRES = {"USD": "7.12", "EUR": "7.74", "JPY": "0.0478", "KRW": "0.00512", "TWD": "0.2215", "HKD": "0.9143"}
FX_DAYS = 60


class Command(BaseCommand):
    help = "Create the demo company: users for every role, items, prices and FX rates. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", "large"],
            default="demo",
            help="demo: the believable company. large: the benchmark size (grows as slices land).",
        )
        parser.add_argument("--allow-production", action="store_true", help="Seed even when DJANGO_ENV=production.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where the app will be served, for the printed links."
        )

    def handle(self, *args, scale: str, allow_production: bool, quiet_logins: bool, base_url: str, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Refusing to create demo users with a known password in production.")
        with transaction.atomic():
            created_users = self._users()
            created_items = self._items(scale)
            created_prices = self._prices()
            created_rates = self._fx_rates()
            added_by_steps = [summary for step in demo_steps() if (summary := step(scale=scale))]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created_users} users, {created_items} items, {created_prices} prices, "
                f"{created_rates} FX rates added (week {IsoWeek.current().key})."
            )
        )
        for summary in added_by_steps:
            self.stdout.write(f"  also added: {summary}")
        if not quiet_logins:
            self._print_logins(base_url.rstrip("/"))

    def _users(self) -> int:
        User = get_user_model()
        created = 0
        for username, role, full_name in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": full_name,
                    "email": f"{username}@demo.tempo.local",
                    "is_staff": role in roles.STAFF_ROLES,
                    "is_superuser": role == roles.ADMIN,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            user.groups.add(Group.objects.get(name=role))
        return created

    def _items(self, scale: str) -> int:
        existing = set(Item.objects.values_list("sku", flat=True))
        rows = [
            (sku, name, Item.Kind.PRODUCT, "pcs", batch, family)
            for sku, name, family, batch, _lp, _rp in self._products(scale)
        ]
        rows += [(sku, name, Item.Kind.ASSEMBLY, "pcs", 1, "") for sku, name in ASSEMBLIES]
        rows += [(sku, name, Item.Kind.COMPONENT, unit, batch, "") for sku, name, unit, batch in COMPONENTS]
        created = 0
        for sku, name, kind, unit, batch, family in rows:
            if sku in existing:
                continue
            services.item_create(
                acting_user=None,
                sku=sku,
                name=name,
                kind=kind,
                unit=unit,
                batch_multiple=batch,
                case_pack=CASE_PACKS.get(family, 1),
                family=family,
            )
            created += 1
        # Products seeded before case packs existed still have the default of 1: give them their family's.
        for item in Item.objects.filter(kind=Item.Kind.PRODUCT, case_pack=1, family__in=CASE_PACKS):
            services.item_update(
                acting_user=None, item=item, case_pack=CASE_PACKS[item.family], reason="demo case pack"
            )
        return created

    def _products(self, scale: str) -> list[tuple]:
        if scale == "demo":
            return PRODUCTS
        # The benchmark size has 20 products: variants of the demo line-up.
        extra = [
            (f"{sku}-V{n}", f"{name} (variant {n})", family, batch, lp, rp)
            for n in (2, 3)
            for sku, name, family, batch, lp, rp in PRODUCTS[:6]
        ]
        return PRODUCTS + extra

    def _prices(self) -> int:
        today = business_date()
        launch = today - timedelta(weeks=20)
        cut = today - timedelta(weeks=8)
        created = 0
        by_sku = {row[0]: row for row in PRODUCTS}
        for item in Item.objects.filter(kind=Item.Kind.PRODUCT, prices__isnull=True):
            base = by_sku.get(item.sku) or by_sku[item.sku.rsplit("-V", 1)[0]]
            list_price, retailer_price = Decimal(base[4]), Decimal(base[5])
            if item.family == "Phones":
                # Phones launched higher and were cut eight weeks ago: the price list shows both periods.
                services.price_create(
                    acting_user=None,
                    item=item,
                    list_price=list_price + 200,
                    retailer_price=retailer_price + 180,
                    valid_from=launch,
                    valid_to=cut - timedelta(days=1),
                    note="launch price",
                )
                created += 1
            services.price_create(
                acting_user=None,
                item=item,
                list_price=list_price,
                retailer_price=retailer_price,
                valid_from=cut if item.family == "Phones" else launch,
                note="",
            )
            created += 1
        return created

    def _fx_rates(self) -> int:
        today = business_date()
        existing = set(FxRate.objects.values_list("currency_id", "date"))
        created = 0
        for code, centre in FX_CENTRES.items():
            currency = Currency.objects.get(code=code)
            for offset in range(FX_DAYS):
                day = today - timedelta(days=offset)
                if (code, day) in existing:
                    continue
                # A gentle, repeatable wobble of up to ±1.5% around the centre.
                wobble = Decimal(((offset * 37 + len(code) * 11) % 31) - 15) / Decimal(1000)
                rate = (Decimal(centre) * (1 + wobble)).quantize(Decimal("0.00000001"))
                services.fx_rate_upsert(acting_user=None, currency=currency, date=day, rate=rate, source="demo")
                created += 1
        return created

    def _print_logins(self, base_url: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<13} role")
        for username, role, _name in DEMO_USERS:
            where = {roles.RETAILER: "/portal/", roles.SHOP: "/api/v1/flash-sales/ (token only)"}.get(
                role, "/dashboard/"
            )
            self.stdout.write(f"  {username:<13} {role:<12} -> {base_url}{where}")
        for username, role, where in demo_logins():
            self.stdout.write(f"  {username:<13} {role:<12} -> {base_url}{where}")
        self.stdout.write(f"  API docs: {base_url}/api/docs/   Admin: {base_url}/admin/")

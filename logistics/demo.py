"""Demo data of factories and the production schedule: two factories with capacity, a locked
12-week schedule with the X1 launch ramp, a draft copied from it with a few changes, and the
factory API user ``factory`` for FAC-FXN. Idempotent: it adds only what is missing."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from erp.demo import demo_login_register
from erp.models import Item
from erp.weeks import IsoWeek
from logistics import services
from logistics.models import Factory, FactoryCapacity, FactoryUser, ScheduleVersion

FACTORIES = [("FAC-FXN", "Foxconn Zhengzhou"), ("FAC-LUX", "Luxshare Kunshan")]
FACTORY_LOGIN = ("factory", "FAC-FXN")

# factory, sku, weekly capacity (multiples of the product's batch)
CAPACITIES = [
    ("FAC-FXN", "TP-X1-128", 30000),
    ("FAC-FXN", "TP-X1-256", 20000),
    ("FAC-FXN", "TP-X1P-512", 10000),
    ("FAC-FXN", "TP-LITE-64", 12000),
    ("FAC-LUX", "TP-X1-128", 15000),
    ("FAC-LUX", "TP-X1-256", 10000),
    ("FAC-LUX", "TP-BUDS-3", 20000),
    ("FAC-LUX", "TP-BAND-2", 15000),
]

# factory, sku, quantity per week for weeks 0..11 from the current week: the X1 launch ramp
LOCKED_PLAN = [
    ("FAC-FXN", "TP-X1-128", [5000, 10000, 15000, 20000, 25000, 30000, 30000, 30000, 28000, 26000, 25000, 25000]),
    ("FAC-FXN", "TP-X1-256", [2000, 4000, 7000, 10000, 12000, 15000, 15000, 15000, 14000, 13000, 12000, 12000]),
    ("FAC-FXN", "TP-X1P-512", [1000, 2000, 3500, 5000, 6000, 7000, 7000, 7000, 6500, 6000, 6000, 6000]),
    ("FAC-FXN", "TP-LITE-64", [8000] * 12),
    ("FAC-LUX", "TP-X1-128", [0, 0, 5000, 8000, 12000, 15000, 15000, 15000, 15000, 12000, 10000, 10000]),
    ("FAC-LUX", "TP-X1-256", [0, 0, 2000, 4000, 6000, 8000, 8000, 8000, 8000, 6000, 5000, 5000]),
    ("FAC-LUX", "TP-BUDS-3", [10000] * 12),
    ("FAC-LUX", "TP-BAND-2", [6000] * 12),
]

# What the draft changes: factory, sku, week offset, new quantity
DRAFT_CHANGES = [
    ("FAC-FXN", "TP-X1-128", 2, 18000),
    ("FAC-LUX", "TP-X1-128", 3, 10000),
    ("FAC-FXN", "TP-LITE-64", 6, 6000),
    ("FAC-LUX", "TP-BUDS-3", 10, 12000),
]


def _factories() -> tuple[dict[str, Factory], int]:
    found = {f.code: f for f in Factory.objects.filter(code__in=[code for code, _ in FACTORIES])}
    created = 0
    for code, name in FACTORIES:
        if code not in found:
            found[code] = services.factory_create(
                acting_user=None, code=code, name=name, country="CN", working_days="1111110"
            )
            created += 1
    return found, created


def _capacities(factories: dict[str, Factory], items: dict[str, Item]) -> int:
    have = set(FactoryCapacity.objects.filter(factory__in=factories.values()).values_list("factory__code", "item__sku"))
    added = 0
    for code, sku, capacity in CAPACITIES:
        if (code, sku) not in have and sku in items:
            services.factory_capacity_set(
                acting_user=None, factory=factories[code], item=items[sku], weekly_capacity=capacity
            )
            added += 1
    return added


def _schedule(factories: dict[str, Factory], items: dict[str, Item]) -> int:
    if ScheduleVersion.objects.exists():
        return 0
    planner = get_user_model().objects.filter(username="planning").first()
    if planner is None:
        return 0
    start = IsoWeek.current()
    draft = services.schedule_draft_create(acting_user=planner)
    for code, sku, quantities in LOCKED_PLAN:
        if sku not in items:
            continue
        for offset, quantity in enumerate(quantities):
            services.schedule_line_set(
                acting_user=planner,
                version=draft,
                factory=factories[code],
                item=items[sku],
                week=start + offset,
                quantity=quantity,
            )
    services.schedule_lock(
        acting_user=planner, version=draft, reason=f"Weekly order meeting {start.key}: X1 launch ramp"
    )
    draft = services.schedule_draft_create(acting_user=planner)
    for code, sku, offset, quantity in DRAFT_CHANGES:
        if sku in items:
            services.schedule_line_set(
                acting_user=planner,
                version=draft,
                factory=factories[code],
                item=items[sku],
                week=start + offset,
                quantity=quantity,
            )
    return 2


def _factory_user(factory: Factory) -> int:
    from erp.management.commands.seed_demo import DEMO_PASSWORD  # the same password as every demo login

    username = FACTORY_LOGIN[0]
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": f"{factory.name} (API)", "email": f"{username}@demo.tempo.local", "is_staff": False},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not FactoryUser.objects.filter(user=user).exists():
        services.factory_user_link(acting_user=None, user=user, factory=factory)
    return int(created)


def seed_production(*, scale: str) -> str:
    """Factories FAC-FXN and FAC-LUX with capacity, a locked 12-week schedule, a draft, the factory API user."""
    factories, created = _factories()
    skus = {sku for _, sku, _ in CAPACITIES}
    items = {i.sku: i for i in Item.objects.filter(Q(sku__in=skus), kind=Item.Kind.PRODUCT)}
    capacities = _capacities(factories, items)
    versions = _schedule(factories, items)
    users = _factory_user(factories[FACTORY_LOGIN[1]])
    parts = [
        f"{created} factories" if created else "",
        f"{capacities} factory capacities" if capacities else "",
        f"{versions} schedule versions (locked and draft)" if versions else "",
        f"{users} factory API user" if users else "",
    ]
    return ", ".join(part for part in parts if part)


demo_login_register(FACTORY_LOGIN[0], "factory API", f"/api/v1/factory/schedule/ ({FACTORY_LOGIN[1]}, token only)")

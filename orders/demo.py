"""Planning's part of ``seed_demo``: 12 weeks of phone sales with the X1 launch spike, demand signals
that heat up before the launch, a current forecast for the next 12 weeks and ~30 X1 pre-sale orders.

Registered with ``erp.demo.demo_step_register`` from ``OrdersConfig.ready``. Idempotent: it adds
only what is missing (sales and signals of weeks not yet recorded, the version if there is no
"Demo baseline", the pre-sale orders whose idempotency keys are not stored yet).

The X1 (``TP-X1-*``) launched ``LAUNCH_WEEKS_AGO`` weeks ago: no sales before, a spike in the launch
week, then a decay to a steady level. The other phones sell steadily with a small wave.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from erp.models import Item
from erp.weeks import IsoWeek
from orders import services
from orders.models import ConsumerOrder, DemandSignal, ForecastVersion, SalesActual

HISTORY_WEEKS = 12
LAUNCH_WEEKS_AGO = 9
DEMO_VERSION = "Demo baseline"
PRESALE_ORDERS = 30
X1_PREFIX = "TP-X1-"
BASE_SALES = {"TP-X1P-512": 1800, "TP-LITE-64": 7500}


def _is_x1(sku: str) -> bool:
    return sku.startswith(X1_PREFIX)


def _x1_sales(sku: str, weeks_after_launch: int) -> int:
    # At the scale of the production ramp the schedule demo locks: a 90,000 launch week for the
    # 128 GB settling near 24,000 a week, the 256 GB at half of that and the Pro at a quarter.
    share = 1.0 if "128" in sku else 0.5 if "256" in sku else 0.25
    level = max(24000, int(90000 * 0.7**weeks_after_launch))
    return int(level * share) + (weeks_after_launch % 3) * 40


def _steady_sales(sku: str, week_index: int) -> int:
    base = BASE_SALES.get(sku.split("-V")[0], 1500)
    return base + (week_index % 3 - 1) * base // 20


def _x1_search(weeks_from_launch: int) -> int:
    """Search heat around the launch: rising before it, peaking the week before, settling after."""
    before = {-4: 300, -3: 450, -2: 900, -1: 1500, 0: 1200}
    if weeks_from_launch in before:
        return before[weeks_from_launch]
    if weeks_from_launch < -4:
        return 200
    return max(400, int(1200 * 0.75**weeks_from_launch)) + (40 if weeks_from_launch == LAUNCH_WEEKS_AGO else 0)


def _phones() -> list[Item]:
    return list(Item.objects.filter(kind=Item.Kind.PRODUCT, family="Phones").order_by("sku"))


def _seed_history(phones: list[Item], w0: IsoWeek, planner) -> tuple[int, int]:
    launch = w0 - LAUNCH_WEEKS_AGO
    first = w0 - HISTORY_WEEKS
    have_sales = set(SalesActual.objects.filter(item__in=phones).values_list("item_id", "week"))
    have_signals = set(DemandSignal.objects.filter(item__in=phones).values_list("item_id", "week"))
    sales = signals = 0
    for phone in phones:
        for index in range(HISTORY_WEEKS + 1):  # signals include this week, sales end last week
            week = first + index
            x1 = _is_x1(phone.sku)
            if index < HISTORY_WEEKS and (phone.pk, week.monday) not in have_sales:
                after = week - launch
                if not x1 or after >= 0:
                    quantity = _x1_sales(phone.sku, after) if x1 else _steady_sales(phone.sku, index)
                    services.sales_actual_set(acting_user=planner, item=phone, week=week, quantity=quantity)
                    sales += 1
            if (phone.pk, week.monday) not in have_signals:
                search = _x1_search(week - launch) if x1 else 300 + (index % 4) * 10
                if index == HISTORY_WEEKS:
                    search = int(search * 1.1)  # this week's heat is up 10%: the signal-adjusted forecast follows
                services.demand_signals_import(
                    acting_user=planner,
                    signals=[
                        services.SignalInput(phone, week, "search", search),
                        services.SignalInput(phone, week, "forum", search * 3 // 10),
                        services.SignalInput(phone, week, "social", search // 2),
                    ],
                )
                signals += 3
    return sales, signals


def _seed_version(phones: list[Item], w0: IsoWeek, planner) -> int:
    if ForecastVersion.objects.filter(name=DEMO_VERSION).exists():
        return 0
    version = services.forecast_version_create(
        acting_user=planner,
        name=DEMO_VERSION,
        note="Moving average (4 weeks); signal-adjusted for the X1.",
        copy_current=False,
    )
    services.forecast_generate(
        acting_user=planner, version=version, method="moving_average", n=4, from_week=w0, weeks=12, items=phones
    )
    x1 = [p for p in phones if _is_x1(p.sku)]
    if x1:
        services.forecast_generate(
            acting_user=planner, version=version, method="signal_adjusted", from_week=w0, weeks=12, items=x1
        )
    if not version.is_current:
        services.forecast_version_make_current(acting_user=planner, version=version)
    return 1


def _seed_presales(phones: list[Item], w0: IsoWeek, seller) -> int:
    x1 = [p for p in phones if _is_x1(p.sku)]
    if not x1:
        return 0
    keys = [f"demo-presale-{n:02d}" for n in range(1, PRESALE_ORDERS + 1)]
    stored = set(ConsumerOrder.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    created = 0
    for n, key in enumerate(keys, start=1):
        if key in stored:
            continue
        lines = [services.ConsumerOrderLineInput(x1[n % len(x1)], 1 + n % 3)]
        if n % 7 == 0 and len(x1) > 1:
            lines.append(services.ConsumerOrderLineInput(x1[(n + 1) % len(x1)], 1))
        order, was_created = services.consumer_order_create(
            acting_user=seller,
            idempotency_key=key,
            channel="presale",
            customer_ref=f"web-{10000 + n}",
            requested_week=w0 + (1 + n % 4),
            lines=lines,
        )
        if was_created:
            created += 1
            if n % 3 == 0:
                services.consumer_order_pay(acting_user=seller, order=order)
            elif n == PRESALE_ORDERS - 1:
                services.consumer_order_cancel(acting_user=seller, order=order)
    return created


def seed_forecasts(*, scale: str) -> str:
    phones = _phones()
    if not phones:
        return ""
    users = get_user_model().objects.filter(username__in=["planning", "sales"]).in_bulk(field_name="username")
    planner, seller = users.get("planning"), users.get("sales")
    w0 = IsoWeek.current()
    sales, signals = _seed_history(phones, w0, planner)
    versions = _seed_version(phones, w0, planner)
    orders = _seed_presales(phones, w0, seller)
    parts = []
    if sales:
        parts.append(f"{sales} weekly sales actuals")
    if signals:
        parts.append(f"{signals} demand signals")
    if versions:
        parts.append("a current forecast version (12 weeks)")
    if orders:
        parts.append(f"{orders} pre-sale orders")
    return ", ".join(parts)

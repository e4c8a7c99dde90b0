"""Every write to the production schedule and to production actuals.

Keyword-only, atomic, attributed to ``acting_user``. Concurrency is the database's: a cell is set
only after claiming the draft row with a conditional UPDATE (``WHERE status = 'draft'``), and
locking is one conditional UPDATE from draft to locked, so of two locks only one wins and no edit
lands in a version once it is locked. One draft at a time is a partial unique constraint.
"""

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from erp.audit import audited_save, user_or_none
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek, business_date
from logistics.models import (
    Factory,
    FactoryCapacity,
    FactoryOrderSheet,
    ProductionActual,
    ScheduleDay,
    ScheduleLine,
    ScheduleStatus,
    ScheduleVersion,
)
from logistics.selectors.production import factory_of_user, schedule_current_locked
from logistics.services.network import check_product

LOCK_PERMISSION = "logistics.lock_scheduleversion"
ACTUAL_PERMISSION = "logistics.add_productionactual"


def spread_over_days(quantity: int, working_days: str, week: IsoWeek) -> list[tuple[date, int]]:
    """Split a week's quantity over the factory's working days of ``week``, largest remainder.

    Every working day gets ``quantity // n``; the ``quantity % n`` units left over go one each to
    the earliest working days (all remainders are equal, so the earliest win the tie).
    """
    days = [week.monday + timedelta(days=i) for i, flag in enumerate(working_days) if flag == "1"]
    if not days:
        if quantity:
            raise ApplicationError(
                "The factory has no working days, so nothing can be scheduled there.",
                {"fields": {"quantity": ["The factory has no working days."]}},
            )
        return []
    base, extra = divmod(quantity, len(days))
    return [(day, base + (1 if n < extra else 0)) for n, day in enumerate(days)]


def _check_quantity(quantity: Any, field: str = "quantity") -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise ApplicationError(
            f"The quantity must be a whole number of zero or more, not {quantity}.",
            {"fields": {field: [f"{quantity} is not a quantity of zero or more."]}},
        )


def _claim_draft(version: ScheduleVersion) -> ScheduleVersion:
    """Lock the version row with an UPDATE that only a draft passes; refuse a locked version."""
    if not ScheduleVersion.objects.filter(pk=version.pk, status=ScheduleStatus.DRAFT).update(updated_at=timezone.now()):
        raise ApplicationError(
            f"Schedule version {version.number} is locked and cannot be changed; create a new draft instead.",
            {"fields": {"version": [f"Version {version.number} is locked."]}, "status": ScheduleStatus.LOCKED},
        )
    return ScheduleVersion.objects.get(pk=version.pk)


def schedule_capacity_check(
    *, factory: Factory, item: Item, week: IsoWeek, quantity: int, capacity: int | None
) -> None:
    """Refuse a quantity the factory cannot build: no capacity for the product, or above it."""
    if capacity is None:
        raise ApplicationError(
            f"{factory.code} has no weekly capacity for {item.sku}; add one before scheduling it there.",
            {"fields": {"sku": [f"{factory.code} does not make {item.sku}."]}},
        )
    if quantity > capacity:
        raise ApplicationError(
            f"{quantity} of {item.sku} at {factory.code} in {week.key} is above the factory's weekly capacity "
            f"of {capacity}.",
            {
                "fields": {"quantity": [f"Above the weekly capacity of {capacity}."]},
                "factory": factory.code,
                "sku": item.sku,
                "week": week.key,
                "capacity": capacity,
                "quantity": quantity,
            },
        )


def _write_line(version: ScheduleVersion, factory: Factory, item: Item, week: IsoWeek, quantity: int) -> ScheduleLine:
    days = spread_over_days(quantity, factory.working_days, week)
    line, created = ScheduleLine.objects.get_or_create(
        version=version, factory=factory, item=item, week=week.monday, defaults={"quantity": quantity}
    )
    if not created:
        stored = list(line.days.order_by("date").values_list("date", "quantity"))
        if line.quantity == quantity and stored == days:
            return line
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        line.days.all().delete()
    ScheduleDay.objects.bulk_create([ScheduleDay(line=line, date=day, quantity=qty) for day, qty in days])
    return line


@transaction.atomic
def schedule_line_set(
    *, acting_user: Any, version: ScheduleVersion, factory: Factory, item: Item, week: IsoWeek, quantity: int
) -> ScheduleLine:
    """Set one cell (factory x product x week) of the draft, spread over the factory's working days.

    The product must have a weekly capacity at the factory and the quantity may not exceed it.
    """
    if not isinstance(week, IsoWeek):
        week = IsoWeek.parse(str(week))
    _check_quantity(quantity)
    check_product(item)
    version = _claim_draft(version)
    factory = Factory.objects.get(pk=factory.pk)
    if not factory.is_active and quantity:
        raise ApplicationError(
            f"{factory.code} is not active; nothing can be scheduled there.",
            {"fields": {"factory": [f"{factory.code} is not active."]}},
        )
    capacity = (
        FactoryCapacity.objects.filter(factory=factory, item=item).values_list("weekly_capacity", flat=True).first()
    )
    schedule_capacity_check(factory=factory, item=item, week=week, quantity=quantity, capacity=capacity)
    return _write_line(version, factory, item, week, quantity)


@transaction.atomic
def schedule_draft_create(*, acting_user: Any) -> ScheduleVersion:
    """Start the next draft as a copy of the latest locked version (or empty when none is locked)."""
    existing = ScheduleVersion.objects.filter(status=ScheduleStatus.DRAFT).first()
    if existing is not None:
        raise ApplicationError(
            f"Version {existing.number} is already the draft; edit or lock it before starting another.",
            {"fields": {"version": [f"Version {existing.number} is a draft."]}, "draft": existing.number},
        )
    base = schedule_current_locked()
    number = (ScheduleVersion.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    draft = ScheduleVersion(
        number=number, status=ScheduleStatus.DRAFT, based_on=base, created_by=user_or_none(acting_user)
    )
    draft = audited_save(draft, acting_user=acting_user, reason="created")
    if base is not None:
        old_lines = list(ScheduleLine.objects.filter(version=base).order_by("pk"))
        new_lines = ScheduleLine.objects.bulk_create(
            [
                ScheduleLine(
                    version=draft, factory_id=ln.factory_id, item_id=ln.item_id, week=ln.week, quantity=ln.quantity
                )
                for ln in old_lines
            ]
        )
        if new_lines and new_lines[0].pk is None:  # backends that do not return ids
            new_lines = list(ScheduleLine.objects.filter(version=draft).order_by("pk"))
        mapping = {old.pk: new.pk for old, new in zip(old_lines, new_lines, strict=True)}
        ScheduleDay.objects.bulk_create(
            [
                ScheduleDay(line_id=mapping[day.line_id], date=day.date, quantity=day.quantity)
                for day in ScheduleDay.objects.filter(line__version=base).order_by("pk")
            ],
            batch_size=1000,
        )
    return draft


@transaction.atomic
def schedule_lock(*, acting_user: Any, version: ScheduleVersion, reason: str) -> ScheduleVersion:
    """Freeze the draft: who, when and why. One conditional UPDATE, so two locks cannot both win."""
    if not (acting_user is not None and getattr(acting_user, "is_authenticated", False)) or not acting_user.has_perm(
        LOCK_PERMISSION
    ):
        raise ApplicationError(
            "Only planning can lock a production schedule.", {"fields": {"version": ["Not allowed to lock."]}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Say why the version is locked (e.g. 'Weekly order meeting 2026-W48').",
            {"fields": {"reason": ["This field is required."]}},
        )
    if len(reason) > 500:
        raise ApplicationError(
            "The reason is too long (500 characters at most).", {"fields": {"reason": ["Too long."]}}
        )
    if not ScheduleVersion.objects.filter(pk=version.pk, status=ScheduleStatus.DRAFT).update(
        status=ScheduleStatus.LOCKED,
        locked_by=acting_user,
        locked_at=timezone.now(),
        lock_reason=reason,
        updated_at=timezone.now(),
    ):
        raise ApplicationError(
            f"Schedule version {version.number} is already locked.",
            {"fields": {"version": [f"Version {version.number} is locked."]}, "status": ScheduleStatus.LOCKED},
        )
    from logistics.services.mrp import mrp_run_request  # MRP reads the locked schedule: recompute it

    mrp_run_request(acting_user=acting_user, reason=f"schedule version {version.number} locked")
    return ScheduleVersion.objects.select_related("locked_by", "created_by").get(pk=version.pk)


@transaction.atomic
def production_actual_post(
    *, acting_user: Any, factory: Factory, item: Item, date: date, quantity: int
) -> ProductionActual:
    """Record what ``factory`` built of ``item`` on ``date``. Posting the same day again replaces the figure.

    Allowed to the factory's own integration user and to logistics (``add_productionactual``).
    """
    own = factory_of_user(acting_user)
    if own is not None:
        if own != factory.pk:
            raise ApplicationError(
                "A factory user posts only its own factory's output.", {"fields": {"factory": ["Not your factory."]}}
            )
    elif not (getattr(acting_user, "is_authenticated", False) and acting_user.has_perm(ACTUAL_PERMISSION)):
        raise ApplicationError(
            "Only the factory or logistics can post production actuals.", {"fields": {"factory": ["Not allowed."]}}
        )
    _check_quantity(quantity)
    check_product(item)
    if date > business_date():
        raise ApplicationError(
            f"{date.isoformat()} is in the future; post output once it is built.",
            {"fields": {"date": ["Cannot be in the future."]}},
        )
    if not FactoryCapacity.objects.filter(factory=factory, item=item).exists():
        raise ApplicationError(
            f"{factory.code} does not make {item.sku} (no weekly capacity).",
            {"fields": {"sku": [f"{factory.code} does not make {item.sku}."]}},
        )
    user = user_or_none(acting_user)
    now = timezone.now()
    match = ProductionActual.objects.filter(factory=factory, item=item, date=date)
    if not match.update(quantity=quantity, posted_by=user, updated_at=now):
        try:
            with transaction.atomic():
                return ProductionActual.objects.create(
                    factory=factory, item=item, date=date, quantity=quantity, posted_by=user
                )
        except IntegrityError:  # posted by a concurrent request a moment ago: the re-post wins
            match.update(quantity=quantity, posted_by=user, updated_at=now)
    return match.get()


@transaction.atomic
def factory_user_link(*, acting_user: Any, user: Any, factory: Factory):
    """Make ``user`` the integration user of ``factory``. Staff, portal and supplier users cannot be one."""
    from logistics.models import FactoryUser
    from procurement.models import SupplierUser

    if user.is_staff or user.is_superuser or user.groups.exists() or SupplierUser.objects.filter(user=user).exists():
        raise ApplicationError(
            f"{user.username} has a role, staff access or a supplier link; a factory integration user has none.",
            {"fields": {"user": ["Use a user with no role and no staff access."]}},
        )
    link = FactoryUser.objects.select_for_update().filter(user=user).first()
    if link is None:
        link = FactoryUser(user=user, factory=factory)
    elif link.factory_id == factory.pk:
        return link
    else:
        link.factory = factory
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def factory_order_sheets_issue(*, acting_user: Any, version: ScheduleVersion, week: IsoWeek) -> list[FactoryOrderSheet]:
    """Issue each factory planned in ``version`` its order sheet for ``week``; issuing again adds nothing.

    Every factory with a line anywhere in the version gets one, even with nothing to make that week:
    a sheet of zeros tells the factory the week is empty, silence would not.
    """
    if version.status != ScheduleStatus.LOCKED:
        raise ApplicationError(
            f"Schedule version {version.number} is a draft; only a locked plan is sent to factories.",
            {"fields": {"version": ["Not locked."]}},
        )
    totals: dict[int, list[int]] = {}
    for factory_id, week_monday, quantity in ScheduleLine.objects.filter(version=version).values_list(
        "factory_id", "week", "quantity"
    ):
        lines_units = totals.setdefault(factory_id, [0, 0])
        if week_monday == week.monday:
            lines_units[0] += 1
            lines_units[1] += quantity
    issuer = user_or_none(acting_user)
    FactoryOrderSheet.objects.bulk_create(
        [
            FactoryOrderSheet(factory_id=fid, version=version, week=week.monday, lines=n, units=u, issued_by=issuer)
            for fid, (n, u) in sorted(totals.items())
        ],
        ignore_conflicts=True,  # the unique (factory, version, week) makes a second issue a no-op
    )
    return list(
        FactoryOrderSheet.objects.filter(version=version, week=week.monday)
        .select_related("factory")
        .order_by("factory__code")
    )


def factory_order_sheet_fetched(*, sheet: FactoryOrderSheet) -> None:
    """The factory downloaded its sheet: remember the first time (one conditional UPDATE)."""
    FactoryOrderSheet.objects.filter(pk=sheet.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=timezone.now()
    )

"""Writes to factories and their weekly capacity. Keyword-only, atomic, attributed to ``acting_user``."""

from typing import Any

from django.db import IntegrityError, transaction

from erp.audit import audited_save, user_or_none
from erp.errors import ApplicationError
from erp.models import Item
from logistics.models import Factory, FactoryCapacity

FACTORY_FIELDS = {"name", "country", "working_days", "is_active"}


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise ApplicationError("Give the factory a code.", {"fields": {"code": ["This field is required."]}})
    return code


@transaction.atomic
def factory_create(
    *,
    acting_user: Any,
    code: str,
    name: str,
    country: str = "CN",
    working_days: str = "1111110",
    is_active: bool = True,
) -> Factory:
    code = _clean_code(code)
    if Factory.objects.filter(code=code).exists():
        raise ApplicationError(
            f"Factory {code} already exists.", {"fields": {"code": [f"A factory with the code {code} already exists."]}}
        )
    factory = Factory(
        code=code,
        name=(name or "").strip(),
        country=(country or "").strip().upper(),
        working_days=(working_days or "").strip(),
        is_active=is_active,
    )
    return audited_save(factory, acting_user=acting_user, reason="created")


@transaction.atomic
def factory_update(*, acting_user: Any, factory: Factory, reason: str = "", **changes: Any) -> Factory:
    """Change a factory's name, country, working days or active flag (its code stays)."""
    unknown = set(changes) - FACTORY_FIELDS
    if unknown:
        raise ApplicationError(
            f"These factory fields cannot be changed here: {', '.join(sorted(unknown))}.",
            {"fields": {name: ["Cannot be changed."] for name in sorted(unknown)}},
        )
    factory = Factory.objects.select_for_update().get(pk=factory.pk)
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip().upper() if name == "country" else value.strip()
        setattr(factory, name, value)
    return audited_save(factory, acting_user=acting_user, reason=reason or "updated")


def check_product(item: Item, *, field: str = "sku") -> None:
    if item.kind != Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{item.sku} is not a product; factories build products.",
            {"fields": {field: [f"{item.sku} is not a product."]}},
        )


@transaction.atomic
def factory_capacity_set(*, acting_user: Any, factory: Factory, item: Item, weekly_capacity: int) -> FactoryCapacity:
    """Create or change how many units of ``item`` ``factory`` can build a week (at least 1)."""
    check_product(item)
    if not isinstance(weekly_capacity, int) or isinstance(weekly_capacity, bool) or weekly_capacity < 1:
        raise ApplicationError(
            f"{factory.code} {item.sku}: the weekly capacity must be a whole number of at least 1, "
            f"not {weekly_capacity}.",
            {"fields": {"weekly_capacity": [f"{weekly_capacity} is not a capacity of at least 1."]}},
        )
    capacity = FactoryCapacity.objects.select_for_update().filter(factory=factory, item=item).first()
    if capacity is None:
        capacity = FactoryCapacity(factory=factory, item=item, weekly_capacity=weekly_capacity)
        try:
            return audited_save(capacity, acting_user=acting_user, reason="created")
        except ApplicationError:
            capacity = FactoryCapacity.objects.select_for_update().filter(factory=factory, item=item).first()
            if capacity is None:
                raise
    if capacity.weekly_capacity == weekly_capacity:
        return capacity
    capacity.weekly_capacity = weekly_capacity
    return audited_save(capacity, acting_user=acting_user, reason="updated")


@transaction.atomic
def factory_capacity_remove(*, acting_user: Any, capacity: FactoryCapacity) -> None:
    capacity._history_user = user_or_none(acting_user)
    capacity._change_reason = "removed"
    try:
        with transaction.atomic():
            capacity.delete()
    except IntegrityError as error:  # pragma: no cover - nothing protects a capacity today
        raise ApplicationError(f"{capacity} is still in use.", {}) from error

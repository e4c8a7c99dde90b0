"""Writes of locations: validated and audited like all master data."""

from typing import Any

from django.db import transaction

from erp.audit import audited_save
from erp.errors import ApplicationError
from logistics.models import Factory, Location, StockLevel

LOCATION_FIELDS = ("code", "name", "kind", "region", "factory", "is_active")


@transaction.atomic
def location_create(
    *,
    acting_user: Any,
    code: str,
    name: str,
    kind: str,
    region: str = "",
    factory: Factory | None = None,
    is_active: bool = True,
) -> Location:
    location = Location(
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        kind=kind,
        region=(region or "").strip(),
        factory=factory,
        is_active=is_active,
    )
    return audited_save(location, acting_user=acting_user, reason="created")


@transaction.atomic
def location_update(*, acting_user: Any, location: Location, **fields: Any) -> Location:
    """Change a location's fields; its code never changes, and one holding stock keeps its kind."""
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown location field {sorted(unknown)[0]!r}.")
    location = Location.objects.select_for_update().get(pk=location.pk)
    if "code" in fields and (fields["code"] or "").strip().upper() != location.code:
        raise ApplicationError(
            f"The code of {location.code} cannot change; stock and history refer to it.",
            {"fields": {"code": ["The code cannot change."]}},
        )
    fields.pop("code", None)
    if (
        "kind" in fields
        and fields["kind"] != location.kind
        and StockLevel.objects.filter(location=location, on_hand__gt=0).exists()
    ):
        raise ApplicationError(
            f"{location.code} holds stock; move it out before changing the kind.",
            {"fields": {"kind": ["The location holds stock."]}},
        )
    for name, value in fields.items():
        setattr(location, name, value.strip() if isinstance(value, str) else value)
    return audited_save(location, acting_user=acting_user, reason="updated")

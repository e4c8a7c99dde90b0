"""Pieces shared by the orders API: ISO week fields and SKU lookups that name the bad entry."""

from collections.abc import Iterable

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek

MAX_QTY = 2_147_483_647


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2026-W48"})
class WeekField(serializers.Field):
    """A week as its ISO key (``2026-W48``) on the wire, its Monday in the database."""

    def to_representation(self, value):
        return IsoWeek.of(value).key

    def to_internal_value(self, data):
        try:
            return IsoWeek.parse(data)
        except ApplicationError as error:
            raise serializers.ValidationError(error.message) from error


def items_by_sku(skus: Iterable[str], *, where: str = "") -> dict[str, Item]:
    """The items of ``skus`` (upper-cased) in one query; an unknown SKU is refused by name."""
    wanted = {sku.strip().upper() for sku in skus}
    found = {item.sku: item for item in Item.objects.filter(sku__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise ApplicationError(
            f"{where}no item has the SKU '{missing[0]}'.", {"fields": {"sku": [f"Unknown SKU '{missing[0]}'."]}}
        )
    return found


def parse_window(params, *, default_weeks: int = 12, max_weeks: int = 52) -> tuple[IsoWeek, int]:
    """``?from=2026-W48&weeks=12`` (from defaults to this week); refused with a message naming the parameter."""
    raw = params.get("from") or ""
    try:
        start = IsoWeek.parse(raw) if raw else IsoWeek.current()
    except ApplicationError as error:
        raise ApplicationError(f"from: {error.message}", {"fields": {"from": [error.message]}}) from error
    raw_weeks = params.get("weeks") or str(default_weeks)
    if not raw_weeks.isdigit() or not 1 <= int(raw_weeks) <= max_weeks:
        raise ApplicationError(
            f"weeks must be a whole number from 1 to {max_weeks}, not '{raw_weeks}'.",
            {"fields": {"weeks": [f"From 1 to {max_weeks}."]}},
        )
    return start, int(raw_weeks)

from django import template

from erp.weeks import IsoWeek

register = template.Library()


@register.filter
def isoweek(value) -> str:
    """A week's Monday (or any day) as its ISO week key, e.g. 2026-W48."""
    return IsoWeek.of(value).key if value else ""

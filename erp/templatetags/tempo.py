from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A column header linking to the list sorted by ``field``, toggling the direction."""
    request = context["request"]
    current = context.get("current_sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["sort"], arrow = f"-{field}", " ▲"
    elif current == f"-{field}":
        params["sort"], arrow = field, " ▼"
    else:
        params["sort"], arrow = field, ""
    return format_html('<a href="?{}" class="sort">{}{}</a>', params.urlencode(), label, arrow)


@register.filter
def money(value):
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"


@register.filter
def percent(value, places: int = 1):
    """A fraction shown as a percentage: 0.1234 -> '12.3%'; None -> '—'."""
    if value is None or value == "":
        return "—"
    return f"{value * 100:,.{int(places)}f}%"


@register.filter
def sum_attr(objects, attribute: str):
    """The sum of one attribute over objects already in memory (e.g. prefetched lines)."""
    return sum(getattr(obj, attribute) or 0 for obj in objects)

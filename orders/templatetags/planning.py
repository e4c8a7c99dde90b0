from django import template
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from erp.weeks import IsoWeek

register = template.Library()


@register.filter
def isoweek(value) -> str:
    """A week's Monday (or any day) as its ISO week key, e.g. 2026-W48."""
    return IsoWeek.of(value).key if value else ""


def _plain(value) -> str:
    # Whole numbers as the template would show them (no grouping is configured); decimals localised.
    return str(value) if isinstance(value, int) else number_format(value)


@register.simple_tag
def number_cells(cells, field: str, style: str = "") -> str:
    """One ``<td class="num">`` per week of ``field``, built in Python: a 50-product meeting has thousands.

    ``style``: ``strong`` (bold), ``negative`` (red below zero, with the week for the browser tests),
    ``shortfall`` (red and blank when zero), ``days`` (∞ when there is no demand to cover), ``blank``
    (empty cells: a row with nothing per week).
    """
    if style == "blank":
        return mark_safe("<td></td>" * len(cells))  # constant markup
    parts = []
    for cell in cells:
        value = getattr(cell, field)
        if style == "strong":
            parts.append(f'<td class="num"><strong>{_plain(value)}</strong></td>')
        elif style == "negative":
            flag = " flag-bad" if value < 0 else ""
            parts.append(f'<td class="num{flag}" data-week="{escape(cell.week.key)}">{_plain(value)}</td>')
        elif style == "shortfall":
            parts.append(f'<td class="num flag-bad">{_plain(value)}</td>' if value else '<td class="num"></td>')
        elif style == "days":
            parts.append(f'<td class="num">{"∞" if value is None else _plain(value)}</td>')
        else:
            parts.append(f'<td class="num">{_plain(value)}</td>')
    return mark_safe("".join(parts))  # numbers and escaped week keys only


def _sold(units: int) -> str:
    # Outside an f-string, where xgettext would not find it.
    return gettext("sold") + f" {units}"


# The meeting block's computed rows: label, cell style, tr class, and what the "Last week" column shows.
PLAN_ROWS = {
    "forecast": (gettext_lazy("Forecast"), "", "", lambda row: _sold(row.last_week.sales)),
    "online": (gettext_lazy("Pre-sale / online"), "", "", None),
    "retailer": (gettext_lazy("Retailer orders"), "", "", None),
    "demand": (gettext_lazy("Demand"), "strong", "", None),
    "sell_through": (gettext_lazy("Store sell-through"), "blank", "", lambda row: row.last_week.sell_through),
    "suggested": (gettext_lazy("Suggested production"), "", "", None),
    "supply": (gettext_lazy("Supply"), "", "", None),
    "projected": (gettext_lazy("Projected inventory"), "negative", "projected", lambda row: row.available),
    "days_of_supply": (gettext_lazy("Days of supply"), "days", "", None),
    "capacity_shortfall": (gettext_lazy("Capacity shortfall"), "shortfall", "", None),
}


@register.simple_tag
def plan_row(row, field: str) -> str:
    """One computed row of a product's meeting block: ``<tr>`` with its label, last week and 12 weeks."""
    label, style, css, last_week = PLAN_ROWS[field]
    last = "" if last_week is None else escape(last_week(row))
    cells = number_cells(row.cells, field, style)
    attr = f' class="{css}"' if css else ""
    return mark_safe(f'<tr{attr}><th>{escape(label)}</th><td class="num last-week">{last}</td>{cells}</tr>')


@register.simple_tag
def planned_cell(cell, *, base: str, sku: str, can_edit: bool, compare: bool) -> str:
    """A planned-production cell that is not being edited: the value, as an edit button for planning.

    ``base`` is the product's cell URL without the week (``/meeting/<week>/cells/<sku>/``).
    """
    key = escape(cell.week.key)
    changed = compare and cell.changed
    value = _plain(cell.planned)
    if can_edit:
        query = "?compare=on" if compare else ""
        value = (
            f'<button type="button" class="cell-button" hx-get="{escape(base)}{key}/{query}" '
            f'hx-target="#product-{escape(sku)}" '
            f'hx-swap="outerHTML" title="{escape(gettext("Edit"))}">{value}</button>'
        )
    old = ""
    if changed:
        title = escape(gettext("In the last locked plan"))
        old = f'<small class="old" title="{title}">{_plain(cell.previous_planned)}</small>'
    css = "num changed" if changed else "num"
    return mark_safe(f'<td class="{css}" data-week="{key}">{value}{old}</td>')

"""The staff navigation and dashboard tiles, one area per team.

Apps register their pages from ``AppConfig.ready`` so the kernel never imports
the apps above it.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    title: str | Promise
    summary: str | Promise


@dataclass(frozen=True)
class NavEntry:
    area: str
    label: str | Promise
    url_name: str
    permission: str | None = None
    # Django admin pages additionally need the user's is_staff flag.
    admin_site: bool = False


AREAS = [
    Area(
        "master_data",
        _("Master data"),
        _("Items, the price list, currencies and FX rates."),
    ),
    Area(
        "procurement",
        _("Procurement"),
        _("Suppliers, cost lines, BOMs, costing and purchase orders."),
    ),
    Area(
        "planning",
        _("Planning"),
        _("Forecasts, the weekly plan, production schedules and shortages."),
    ),
    Area(
        "sales",
        _("Sales"),
        _("Retailers, prepayments, retailer orders and allocation."),
    ),
    Area("logistics", _("Logistics"), _("Warehouses, stock, shipments and receipts.")),
    Area("stores", _("Stores"), _("Store stock, sell-through and replenishment.")),
    Area(
        "finance",
        _("Finance"),
        _("Prepayments, margins, inventory value and turnover."),
    ),
    Area("admin", _("Administration"), _("Users, roles, API tokens and raw records.")),
]

_ENTRIES: list[NavEntry] = []


def nav_register(*entries: NavEntry) -> None:
    known = {area.key for area in AREAS}
    for entry in entries:
        if entry.area not in known:
            raise ValueError(f"Unknown navigation area {entry.area!r}")
        if entry not in _ENTRIES:
            _ENTRIES.append(entry)


@dataclass(frozen=True)
class VisibleLink:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class VisibleArea:
    area: Area
    links: list[VisibleLink]
    built: bool


def nav_for_user(user) -> list[VisibleArea]:
    """Every area, with the links this user may open. ``built`` is false for areas with no pages yet."""
    result = []
    for area in AREAS:
        entries = [e for e in _ENTRIES if e.area == area.key]
        links = []
        for entry in entries:
            if entry.permission and not user.has_perm(entry.permission):
                continue
            if entry.admin_site and not user.is_staff:
                continue
            try:
                links.append(VisibleLink(entry.label, reverse(entry.url_name)))
            except NoReverseMatch:
                continue
        result.append(VisibleArea(area, links, built=bool(entries)))
    return result

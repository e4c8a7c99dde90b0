"""Roles are Django groups. Their names are created by a migration; their
permissions are kept in sync with ``ROLE_PERMISSIONS`` after every migrate, so
that a new model's permissions reach the right roles without a hand-made step.

Later apps add their own permissions by extending ``ROLE_PERMISSIONS`` from
their ``AppConfig.ready`` (lower layers never import higher ones).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

PROCUREMENT = "procurement"
PLANNING = "planning"
SALES = "sales"
LOGISTICS = "logistics"
STORE_OPS = "store_ops"
FINANCE = "finance"
ADMIN = "admin"
RETAILER = "retailer"
# The online shop's integration user: posts consumer and flash-sale orders with its API token; no staff access.
SHOP = "shop"

ROLE_LABELS = {
    PROCUREMENT: _("Procurement"),
    PLANNING: _("Planning"),
    SALES: _("Sales"),
    LOGISTICS: _("Logistics"),
    STORE_OPS: _("Store operations"),
    FINANCE: _("Finance"),
    ADMIN: _("Administrator"),
    RETAILER: _("Retailer"),
    SHOP: _("Online shop (integration)"),
}

STAFF_ROLES = (PROCUREMENT, PLANNING, SALES, LOGISTICS, STORE_OPS, FINANCE, ADMIN)
ALL_ROLES = (*STAFF_ROLES, RETAILER, SHOP)

# Codenames as "app_label.codename". The admin role gets every permission.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    PROCUREMENT: {
        "erp.view_item",
        "erp.add_item",
        "erp.change_item",
        "erp.view_price",
        "erp.view_currency",
        "erp.view_fxrate",
    },
    PLANNING: {
        "erp.view_item",
        "erp.change_item",
        "erp.view_price",
        "erp.view_currency",
        "erp.view_fxrate",
    },
    SALES: {
        "erp.view_item",
        "erp.view_price",
        "erp.add_price",
        "erp.change_price",
        "erp.view_currency",
        "erp.view_fxrate",
    },
    LOGISTICS: {"erp.view_item", "erp.view_price"},
    STORE_OPS: {"erp.view_item", "erp.view_price"},
    FINANCE: {
        "erp.view_item",
        "erp.view_price",
        "erp.view_currency",
        "erp.add_currency",
        "erp.change_currency",
        "erp.view_fxrate",
        "erp.add_fxrate",
        "erp.change_fxrate",
    },
    RETAILER: set(),
    SHOP: {"erp.view_item"},
}


def role_grant(role: str, permissions: Iterable[str]) -> None:
    """Called by higher apps' ``ready()`` to give a role their permissions."""
    if role == ADMIN:
        return  # the administrator holds every permission already; a grant would only shadow that
    ROLE_PERMISSIONS.setdefault(role, set()).update(permissions)


def _permissions_by_name() -> dict[str, Permission]:
    return {f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")}


@transaction.atomic
def roles_sync_permissions() -> None:
    """Make every role group hold exactly the permissions declared for it."""
    available = _permissions_by_name()
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            wanted = list(available.values())
        else:
            wanted = [available[name] for name in sorted(ROLE_PERMISSIONS.get(role, ())) if name in available]
        group.permissions.set(wanted)


def user_roles(user) -> set[str]:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    cached = getattr(user, "_tempo_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._tempo_roles = cached
    return cached


def user_is_staff_member(user) -> bool:
    return user.is_authenticated and user.is_active and bool(user_roles(user) & set(STAFF_ROLES))


def user_is_retailer(user) -> bool:
    return user.is_authenticated and user.is_active and RETAILER in user_roles(user) and not user_is_staff_member(user)

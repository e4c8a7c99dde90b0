"""Token scopes: which kind of caller a user's API token acts as.

erp cannot import the apps that define retailer, supplier, factory or point-of-sale
users, so those apps register a test for their kind here from ``AppConfig.ready``
(like ``erp.roles.role_grant``). The first matching scope wins; nobody matched is staff.
"""

from collections.abc import Callable, Iterable
from typing import Any

from erp.models import TokenScope

SHOP_GROUP = "shop"  # the online-shop integration's group (created on main, not here)

_RESOLVERS: list[tuple[str, Callable[[Any], bool]]] = []


def token_scope_register(scope: str, is_kind: Callable[[Any], bool]) -> None:
    """Called by higher apps' ``ready()``: users for which ``is_kind(user)`` is true get ``scope`` tokens."""
    if scope not in TokenScope.values:
        raise ValueError(f"Unknown token scope {scope!r}")
    if (scope, is_kind) not in _RESOLVERS:
        _RESOLVERS.append((scope, is_kind))


def token_scope_of_user(user: Any) -> str:
    """The scope a new token of ``user`` gets."""
    for scope, is_kind in _RESOLVERS:
        if is_kind(user):
            return scope
    if user.groups.filter(name=SHOP_GROUP).exists():
        return TokenScope.SHOP
    return TokenScope.STAFF


def scopes_allowed_by(view: Any) -> Iterable[str]:
    """The token scopes a view accepts; a view that declares none is for staff tokens only."""
    return getattr(view, "token_scopes", (TokenScope.STAFF,))

"""Tokens that authenticated in this process a moment ago, so that a client sending many requests a
second (the online shop in a flash sale) is looked up once per ``API_AUTH_CACHE_SECONDS``, not on every
request. The token, its user and the user's permissions are read together in one statement
(erp/api/auth_backends.py); at flash-sale rates that statement was a fifth of each order's CPU.

What it costs: a token revoked, a user deactivated or a permission changed takes effect on the other
app processes up to that many seconds later (the process that revokes forgets the token at once). An
expired token is refused at once: the expiry is checked on every request. ``API_AUTH_CACHE_SECONDS=0``
(the default outside production) turns the cache off.
"""

from __future__ import annotations

import copy
from typing import Any

from erp.recent import Recent

# Bounded: a flood of distinct valid tokens cannot grow a process without limit.
MAX_TOKENS = 10_000

_recent = Recent("API_AUTH_CACHE_SECONDS", MAX_TOKENS)


def token_cache_get(digest: str) -> tuple[Any, Any] | None:
    """(user, knox token) for a token that authenticated within the last seconds, else None. The user is
    a copy: a request that changes its ``request.user`` changes nobody else's."""
    found = _recent.get(digest)
    return None if found is None else (copy.copy(found[0]), found[1])


def token_cache_put(digest: str, user: Any, auth_token: Any) -> None:
    _recent.put(digest, (copy.copy(user), auth_token))


def token_cache_forget(digest: str | None = None) -> None:
    """Forget one token (by its digest), or every token when none is given."""
    _recent.forget(digest)

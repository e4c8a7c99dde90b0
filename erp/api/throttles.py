"""API throttles: fixed-window counters in the shared cache (Redis in production).

DRF's own throttles keep a list of timestamps per client and rewrite it on every
request (a read and a write that grow with the rate); at flash-sale rates that is
too slow. A counter per client and window costs one INCR (pipelined with its
EXPIRE) on Redis. A cache that fails lets the request through: throttling must
never turn into a 500.
"""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"120/min"`` -> (120, 60); None or empty -> no limit."""
    if not rate:
        return None
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0]]


def _hit(key: str, ttl: int) -> int:
    """Count one request in ``key``; returns the count so far in this window."""
    if isinstance(cache, RedisCache) or isinstance(getattr(cache, "_wrapped", None), RedisCache):
        backend = cache._wrapped if hasattr(cache, "_wrapped") else cache
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)
        pipe = client.pipeline()
        pipe.incr(full_key)
        pipe.expire(full_key, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1


class CounterThrottle(BaseThrottle):
    """One rate, one counter per client (``ident``) and window."""

    scope = ""

    def rate_for(self, request, view) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident(self, request, view) -> str | None:
        return self.get_ident(request)

    def allow_request(self, request, view) -> bool:
        self._wait = None
        parsed = parse_rate(self.rate_for(request, view))
        ident = self.ident(request, view) if parsed else None
        if parsed is None or ident is None:
            return True
        limit, duration = parsed
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope_name(view)}:{ident}:{window}"
        try:
            count = _hit(key, duration + 1)
        except Exception:  # the cache is down: serve rather than fail every request
            logger.exception("Throttle cache unavailable; letting the request through")
            return True
        if count <= limit:
            return True
        self._wait = max(1.0, (window + 1) * duration - now)
        return False

    def scope_name(self, view) -> str:
        return self.scope

    def wait(self) -> float | None:
        return self._wait


def _token_or_user(request) -> str | None:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return None
    token = getattr(request, "auth", None)
    token_key = getattr(token, "token_key", None)
    # A token has its own bucket, so one integration's burst does not starve its other tokens.
    return f"token:{token_key}" if token_key else f"user:{user.pk}"


def _has_scope(view) -> bool:
    scope = getattr(view, "throttle_scope", None)
    return bool(scope and scope in api_settings.DEFAULT_THROTTLE_RATES)


class UserBurstThrottle(CounterThrottle):
    """Per token (or session user): short bursts. Views with their own ``throttle_scope`` use that instead."""

    scope = "user_burst"

    def ident(self, request, view) -> str | None:
        return None if _has_scope(view) else _token_or_user(request)


class UserSustainedThrottle(UserBurstThrottle):
    """Per token (or session user): the long-run rate."""

    scope = "user_sustained"


class AnonThrottle(CounterThrottle):
    """Per IP, for requests with no user (token issue, the schema, wrong credentials)."""

    scope = "anon"

    def ident(self, request, view) -> str | None:
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) or _has_scope(view):
            return None
        return self.get_ident(request)


class IPThrottle(CounterThrottle):
    """Per IP, for everyone: a ceiling for one address however many tokens it holds.

    Not on views with their own ``throttle_scope``: a flash sale's shop integration calls
    from a few addresses at far more than any one person, and its scope's rate governs it.
    """

    scope = "ip"

    def ident(self, request, view) -> str | None:
        return None if _has_scope(view) else self.get_ident(request)


class ScopedThrottle(CounterThrottle):
    """A view's ``throttle_scope`` (e.g. ``flash_sale``): its own rate, per token or user, else per IP."""

    def rate_for(self, request, view) -> str | None:
        scope = getattr(view, "throttle_scope", None)
        return api_settings.DEFAULT_THROTTLE_RATES.get(scope) if scope else None

    def scope_name(self, view) -> str:
        return f"scope:{view.throttle_scope}"

    def ident(self, request, view) -> str | None:
        return _token_or_user(request) or f"ip:{self.get_ident(request)}"

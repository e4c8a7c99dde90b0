"""Login brute-force protection (django-axes): after ``LOGIN_FAILURE_LIMIT`` wrong passwords for one
username from one IP address, that pair is locked out for ``LOGIN_COOLOFF_MINUTES``, even with the
right password. Covers every ``authenticate(request, ...)``: the login page, the admin login and the
API token endpoint. A successful login resets the count.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username+IP before the password is checked.

    ``authenticate()`` without a request (a management command, ``Client.login`` in tests) has no IP
    and no attacker behind it: it is let through to the next backend instead of raising, as axes does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else 0


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client sees: a page (or API error) saying why and for how long; never a 500."""
    minutes = cooloff_minutes()
    message = _(
        "Too many failed sign-in attempts for this user from your network. "
        "Sign-in is locked for %(minutes)s minutes; try again later or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": message, "extra": {"locked_out": True, "cooloff_minutes": minutes}}, status=status
        )
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=status,
    )

"""Security headers on every response: a strict Content-Security-Policy and a Permissions-Policy.

A small middleware rather than a dependency: the policy is one fixed string, and the only
exceptions are the API documentation pages, third-party code we do not template: ReDoc is started by an
inline script (drf-spectacular's template) and starts a worker from a blob, and both ReDoc and Swagger UI
insert <style> elements. settings.CSP_RELAXED lists them; tests/e2e/test_flash_sale.py sees Chromium report
no violation on them or on our own pages.
Cross-Origin-Opener-Policy comes from Django's SecurityMiddleware (SECURE_CROSS_ORIGIN_OPENER_POLICY).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CSP = _policy(CSP_DIRECTIVES)


def _relaxed_policies() -> list[tuple[str, str]]:
    """(path prefix, policy) for settings.CSP_RELAXED: the strict directives with that path's overrides."""
    return [
        (prefix, _policy({**CSP_DIRECTIVES, **overrides}))
        for prefix, overrides in getattr(settings, "CSP_RELAXED", {}).items()
    ]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.relaxed = _relaxed_policies()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = next((relaxed for prefix, relaxed in self.relaxed if request.path.startswith(prefix)), CSP)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

"""Security headers on every response: a strict Content-Security-Policy and a Permissions-Policy.

A small middleware rather than a dependency: the policy is one fixed string, and the only
exception is the ReDoc page (drf-spectacular's template starts ReDoc with an inline script).
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
# Only for paths in settings.CSP_INLINE_SCRIPT_PATHS (third-party pages we do not template).
CSP_INLINE_SCRIPTS = _policy({**CSP_DIRECTIVES, "script-src": "'self' 'unsafe-inline'"})


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        relaxed = any(request.path.startswith(path) for path in getattr(settings, "CSP_INLINE_SCRIPT_PATHS", ()))
        response.headers.setdefault("Content-Security-Policy", CSP_INLINE_SCRIPTS if relaxed else CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

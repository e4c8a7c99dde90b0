"""One error shape for the whole API: ``{"message": str, "extra": dict}``."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from erp.audit import validation_error_to_application_error
from erp.errors import ApplicationError


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def _first_message(detail: Any) -> str:
    while isinstance(detail, list | dict):
        if not detail:
            return ""
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def _validation_message(fields: dict[str, Any]) -> str:
    parts = []
    for name, detail in fields.items():
        message = _first_message(detail)
        parts.append(message if name in {"non_field_errors", "detail"} else f"{name}: {message}")
    return "Invalid input: " + "; ".join(parts) if parts else "Invalid input."


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = validation_error_to_application_error(exc, what="input")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(
            {"message": exc.message, "extra": exc.extra},
            status=status.HTTP_400_BAD_REQUEST,
        )

    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django log it and answer 500

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        body = {"message": _validation_message(fields), "extra": {"fields": fields}}
    elif isinstance(exc, exceptions.ParseError):
        body = {"message": f"Malformed request body: {exc.detail}", "extra": {}}
    else:
        extra: dict[str, Any] = {}
        if getattr(exc, "wait", None):
            extra["retry_after_seconds"] = int(exc.wait)
        body = {"message": _first_message(exc.detail), "extra": extra}

    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def error_response(error: ApplicationError, code: int) -> Response:
    """A refusal answered with a status other than 400 (409 sold out, 422 ...), in the one error shape."""
    return Response({"message": error.message, "extra": error.extra}, status=code)

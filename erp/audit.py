"""Saving master data with validation and an audit trail.

django-simple-history writes a history row on every save; the acting user and
the reason recorded with it come from the service that made the change.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from erp.errors import ApplicationError


def validation_error_to_application_error(error: ValidationError, *, what: str) -> ApplicationError:
    if hasattr(error, "error_dict"):
        fields = {
            ("non_field_errors" if name == "__all__" else name): [str(m) for e in errors for m in e.messages]
            for name, errors in error.error_dict.items()
        }
    else:
        fields = {"non_field_errors": [str(m) for m in error.messages]}
    summary = "; ".join(
        (messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}") for name, messages in fields.items()
    )
    return ApplicationError(f"Invalid {what}: {summary}", {"fields": fields})


def validate_instance(instance: models.Model) -> None:
    """Check ``instance`` against its field rules and constraints; refuse with field-named errors."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise validation_error_to_application_error(error, what=str(instance._meta.verbose_name)) from error


def user_or_none(acting_user: Any) -> Any:
    """The user to record for a write: ``acting_user`` when it is a signed-in user, else None (system, demo)."""
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def audited_save(instance: models.Model, *, acting_user: Any, reason: str = "") -> models.Model:
    """Validate ``instance``, then save it with a history row naming ``acting_user`` and ``reason``."""
    what = str(instance._meta.verbose_name)
    validate_instance(instance)
    instance._history_user = user_or_none(acting_user)
    instance._change_reason = reason or None
    try:
        # A savepoint keeps the caller's transaction usable if a concurrent writer won the race.
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ApplicationError(
            f"This {what} conflicts with one saved at the same time; reload and try again.",
            {"detail": str(error).splitlines()[0]},
        ) from error
    return instance


_NOISE_FIELDS = ["created_at", "updated_at"]


def audit_trail(instance: models.Model, *, limit: int = 50) -> list[dict[str, Any]]:
    """Who changed ``instance``, when, why and what: newest first."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    trail = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=_NOISE_FIELDS)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
        trail.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "action": newer.get_history_type_display(),
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return trail

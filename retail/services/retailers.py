"""Retailers and their users: create, update and status changes (audited), invitations with a
set-password link, and deactivation.

An invited user has no usable password until they follow the link, which carries Django's
password-reset token (valid for ``PASSWORD_RESET_TIMEOUT``, void once the password is set).
The email is sent by a task enqueued on commit, so a refused or rolled-back onboarding sends nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from erp import roles
from erp.audit import audited_save, user_or_none
from erp.errors import ApplicationError
from erp.models import SKU_PATTERN
from retail.models import Retailer, RetailerStatus, RetailerTier, RetailerUser
from retail.services.prepayments import _text, prepayment_account_ensure

RETAILER_EDITABLE_FIELDS = {
    "legal_name",
    "region",
    "tier",
    "contact_name",
    "contact_email",
    "contact_phone",
    "payment_terms",
    "note",
}
_MAX_LENGTHS = {
    "legal_name": 200,
    "region": 64,
    "contact_name": 200,
    "contact_phone": 40,
    "payment_terms": 200,
    "note": 2000,
}
_REQUIRED = {"legal_name", "region", "payment_terms"}


def retailer_code_check(value: Any) -> str:
    """A retailer code as stored: trimmed, upper case, letters, digits, '.', '_' or '-'."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not code:
        raise ApplicationError("The code is required.", {"fields": {"code": ["Required."]}})
    if len(code) > 32 or not code.isascii() or not re.match(SKU_PATTERN, code):
        raise ApplicationError(
            f"The code '{value}' is not valid: use at most 32 upper-case letters, digits, '.', '_' or '-'.",
            {"fields": {"code": ["Use A-Z, 0-9, '.', '_' or '-' (at most 32)."]}},
        )
    return code


def retailer_tier_check(value: Any) -> int:
    try:
        tier = int(value)
    except (TypeError, ValueError):
        tier = None
    if tier not in RetailerTier.values or isinstance(value, bool):
        raise ApplicationError(f"Unknown tier '{value}': use 1, 2 or 3.", {"fields": {"tier": ["Use 1, 2 or 3."]}})
    return tier


def retailer_status_check(value: Any) -> str:
    if value not in RetailerStatus.values:
        raise ApplicationError(
            f"Unknown retailer status '{value}'.",
            {"fields": {"status": [f"Use one of: {', '.join(RetailerStatus.values)}."]}},
        )
    return value


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "tier":
            clean[name] = retailer_tier_check(value)
        elif name == "contact_email":
            clean[name] = email_check(value, field="contact_email") if (value or "").strip() else ""
        elif name in _MAX_LENGTHS:
            clean[name] = _text(value, field=name, max_length=_MAX_LENGTHS[name], required=name in _REQUIRED)
        else:
            clean[name] = value
    return clean


@transaction.atomic
def retailer_create(
    *,
    acting_user: Any,
    code: str,
    legal_name: str,
    region: str,
    tier: int = RetailerTier.STANDARD,
    status: str = RetailerStatus.ACTIVE,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    payment_terms: str = "100% prepayment",
    note: str = "",
    reason: str = "",
) -> Retailer:
    """A new retailer with its (empty) prepayment account; history names ``acting_user``."""
    code = retailer_code_check(code)
    status = retailer_status_check(status)
    fields = _clean_fields(
        {
            "legal_name": legal_name,
            "region": region,
            "tier": tier,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "payment_terms": payment_terms,
            "note": note,
        }
    )
    if Retailer.objects.filter(code=code).exists():
        raise ApplicationError(
            f"Retailer {code} already exists.",
            {"fields": {"code": [f"A retailer with the code {code} already exists."]}},
        )
    retailer = Retailer(code=code, status=status, **fields)
    retailer = audited_save(retailer, acting_user=acting_user, reason=(reason.strip() or "created")[:100])
    prepayment_account_ensure(retailer=retailer)
    return retailer


@transaction.atomic
def retailer_update(*, acting_user: Any, retailer: Retailer, reason: str = "", **changes: Any) -> Retailer:
    """Change a retailer's master data. The code never changes; the status has its own service."""
    if "code" in changes and str(changes["code"]).strip().upper() != retailer.code:
        raise ApplicationError(
            "The code is the retailer's permanent key and cannot be changed.",
            {"fields": {"code": ["The code cannot be changed."]}},
        )
    changes.pop("code", None)
    if "status" in changes:
        raise ApplicationError(
            "Change the status with its own action, which records who changed it and why.",
            {"fields": {"status": ["Use the status change."]}},
        )
    unknown = sorted(set(changes) - RETAILER_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            f"Retailer field(s) cannot be changed here: {', '.join(unknown)}.",
            {"fields": {name: ["This field cannot be changed."] for name in unknown}},
        )
    changes = _clean_fields(changes)
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if all(getattr(retailer, name) == value for name, value in changes.items()):
        return retailer  # nothing changed: no write, no history row
    for name, value in changes.items():
        setattr(retailer, name, value)
    return audited_save(retailer, acting_user=acting_user, reason=(reason.strip() or "updated")[:100])


@transaction.atomic
def retailer_set_status(*, acting_user: Any, retailer: Retailer, status: str, reason: str = "") -> Retailer:
    """Make a retailer active, put it on hold or close it, recording who did it and why.

    A retailer on hold or closed keeps its users and ledger; the reason is required for either.
    """
    status = retailer_status_check(status)
    reason = _text(reason, field="reason", max_length=200)
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if retailer.status == status:
        raise ApplicationError(
            f"{retailer.code} is already {retailer.get_status_display().lower()}.",
            {"fields": {"status": ["This is the current status."]}},
        )
    if status != RetailerStatus.ACTIVE and not reason:
        raise ApplicationError(
            "Say why the retailer is put on hold or closed.", {"fields": {"reason": ["A reason is required."]}}
        )
    previous = retailer.status
    retailer.status = status
    audit_reason = f"status {previous} -> {status}" + (f": {reason}" if reason else "")
    return audited_save(retailer, acting_user=acting_user, reason=audit_reason[:100])


def email_check(value: Any, *, field: str = "email") -> str:
    email = value.strip().lower() if isinstance(value, str) else ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise ApplicationError(
            f"'{value}' is not a valid email address.", {"fields": {field: [f"'{value}' is not a valid email."]}}
        ) from error
    return email


def retailer_users_check_new(emails: list[str]) -> None:
    """Refuse emails that already belong to a user (one query for the whole list)."""
    taken = set(get_user_model().objects.filter(username__in=emails).values_list("username", flat=True)) | {
        e.lower() for e in get_user_model().objects.filter(email__in=emails).values_list("email", flat=True)
    }
    clash = sorted(set(emails) & taken)
    if clash:
        raise ApplicationError(
            f"A user with the email {clash[0]} already exists.",
            {"fields": {"email": [f"{clash[0]} already has a user."]}, "emails": clash},
        )


def retailer_users_create(
    *, acting_user: Any, retailer_users: list[tuple[Retailer, str, str, bool]]
) -> list[RetailerUser]:
    """Create invited users in bulk: ``(retailer, email, name, is_admin)`` each; emails already checked.

    Users get no usable password; their invitations are sent after commit.
    """
    User = get_user_model()
    users = []
    for _retailer, email, name, _is_admin in retailer_users:
        user = User(username=email, email=email, first_name=name[:150], is_staff=False, is_active=True)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    # bulk_create sets pks on PostgreSQL and SQLite 3.35+; read them back by username to be sure.
    by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    group = Group.objects.get(name=roles.RETAILER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=by_name[u.username], group_id=group.pk) for u in users]
    )
    now = timezone.now()
    links = RetailerUser.objects.bulk_create(
        [
            RetailerUser(
                user_id=by_name[email],
                retailer=retailer,
                is_admin=is_admin,
                invited_at=now,
                invited_by=user_or_none(acting_user),
            )
            for retailer, email, _name, is_admin in retailer_users
        ]
    )
    from retail.tasks import retailer_invitations_send_task

    user_ids = [by_name[email] for _r, email, _n, _a in retailer_users]
    transaction.on_commit(lambda: retailer_invitations_send_task.delay(user_ids))
    return links


@transaction.atomic
def retailer_user_invite(
    *, acting_user: Any, retailer: Retailer, email: str, name: str = "", is_admin: bool = False
) -> RetailerUser:
    """Invite one person to act for ``retailer``: a user with the retailer role and a set-password email."""
    if retailer.status == RetailerStatus.CLOSED:
        raise ApplicationError(
            f"{retailer.code} is closed; it cannot get new users.", {"fields": {"retailer": ["Closed."]}}
        )
    email = email_check(email)
    name = _text(name, field="name", max_length=150)
    retailer_users_check_new([email])
    return retailer_users_create(acting_user=acting_user, retailer_users=[(retailer, email, name, is_admin)])[0]


@transaction.atomic
def retailer_user_deactivate(*, acting_user: Any, link: RetailerUser) -> RetailerUser:
    """Stop a retailer user signing in; their tokens stop working with them."""
    if link.user_id == getattr(acting_user, "pk", None):
        raise ApplicationError("You cannot deactivate yourself.", {"fields": {"user": ["Yourself."]}})
    user = link.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return link

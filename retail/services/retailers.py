"""Retailer users: invitations with a set-password link, and deactivation.

An invited user has no usable password until they follow the link, which carries Django's
password-reset token (valid for ``PASSWORD_RESET_TIMEOUT``, void once the password is set).
The email is sent by a task enqueued on commit, so a refused or rolled-back onboarding sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from erp import roles
from erp.audit import user_or_none
from erp.errors import ApplicationError
from retail.models import Retailer, RetailerStatus, RetailerUser
from retail.services.prepayments import _text


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

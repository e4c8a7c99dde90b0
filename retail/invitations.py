"""Invitation emails: a set-password link for each new retailer user."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.TEMPO_BASE_URL}{reverse('portal:welcome', args=[uid, token])}"


def invitations_send(*, user_ids: list[int]) -> int:
    """Send each not-yet-activated user their link over one mail connection; returns how many were sent."""
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .select_related("retailer_link__retailer")
        .order_by("pk")
    )
    messages = []
    for user in users:
        if user.has_usable_password():
            continue  # already set a password: the invitation has been used
        retailer = user.retailer_link.retailer
        body = (
            f"Hello {user.first_name or user.email},\n\n"
            f"You have been invited to the Tempo retailer portal for {retailer.legal_name} ({retailer.code}).\n"
            f"Set your password here: {invitation_link(user)}\n\n"
            "The link works once and expires in "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days. Your user name is your email address.\n"
        )
        messages.append(EmailMessage("Your Tempo retailer portal account", body, to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)

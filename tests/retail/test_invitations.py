"""Inviting a retailer user: one email with a set-password link that signs them into the portal once."""

import re

import pytest
from django.core import mail

from erp.errors import ApplicationError
from retail import services
from retail.models import RetailerUser
from tests.retail.factories import RetailerFactory

pytestmark = pytest.mark.django_db


def test_invitation_link_sets_the_password_and_opens_the_portal(client, django_capture_on_commit_callbacks):
    retailer = RetailerFactory(code="R-INV")
    with django_capture_on_commit_callbacks(execute=True):
        link = services.retailer_user_invite(
            acting_user=None, retailer=retailer, email=" Mei@Example.com ", name="Mei", is_admin=True
        )
    assert link.user.username == "mei@example.com" and not link.user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mei@example.com"]
    url = re.search(r"https?://[^/]+(/portal/welcome/\S+)", mail.outbox[0].body).group(1)
    page = client.get(url, follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "A-long-pass-2026!", "new_password2": "A-long-pass-2026!"}
    )
    assert response.status_code == 302 and response.url == "/portal/"
    assert client.get("/portal/").status_code == 200
    client.logout()
    assert client.get(url, follow=True).context["validlink"] is False  # used once


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b"])
def test_bad_emails_are_refused_and_nothing_is_sent(email):
    with pytest.raises(ApplicationError):
        services.retailer_user_invite(acting_user=None, retailer=RetailerFactory(), email=email)
    assert not RetailerUser.objects.exists() and not mail.outbox


def test_an_email_that_already_has_a_user_is_refused():
    retailer = RetailerFactory()
    services.retailer_user_invite(acting_user=None, retailer=retailer, email="a@example.com")
    with pytest.raises(ApplicationError, match="already exists"):
        services.retailer_user_invite(acting_user=None, retailer=RetailerFactory(), email="A@example.com")
    assert RetailerUser.objects.count() == 1

"""Login brute force: five wrong passwords for one username from one IP lock it out, even with the
right password, on the login page, the admin login and the API token endpoint, and only for that username from that
IP; a successful login resets the count."""

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from tests.erp.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
TOKEN = "/api/v1/auth/token/"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(api_client, username, password, ip="10.0.0.1"):
    return api_client.post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_login_page_even_for_the_right_password(client, settings):
    user = UserFactory(roles=["sales"])
    for attempt in range(1, 5):
        response = _login(client, user.username, "wrong")
        assert response.status_code == 200, attempt  # the form again, with its error
        assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content
    fifth = _login(client, user.username, "wrong")
    assert fifth.status_code == 429
    assert b"Sign-in temporarily locked" in fifth.content
    assert b"15 minutes" in fifth.content

    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another IP is not locked: the lockout is per username and address.
    other = _login(client, user.username, PASSWORD, ip="10.0.0.2")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_login_resets_the_count(client):
    user = UserFactory(roles=["sales"])
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_unknown_usernames_are_throttled_too(client):
    for _ in range(5):
        _login(client, "nobody-here", "guess")
    assert _login(client, "nobody-here", "guess").status_code == 429


def test_the_api_token_endpoint_locks_out_with_an_error_body(api_client):
    user = UserFactory(roles=["sales"])
    for _ in range(4):
        response = _token(api_client, user.username, "wrong")
        assert response.status_code == 400
    fifth = _token(api_client, user.username, "wrong")
    assert fifth.status_code == 429
    body = fifth.json()
    assert "locked" in body["message"] and body["extra"]["locked_out"] is True
    right = _token(api_client, user.username, PASSWORD)
    assert right.status_code == 429
    assert "token" not in right.json()
    # The lockout is shared with the login page: same username, same address.
    from django.test import Client

    assert _login(Client(), user.username, PASSWORD).status_code == 429


def test_the_api_token_endpoint_works_and_resets_after_success(api_client):
    user = UserFactory(roles=["sales"])
    for _ in range(4):
        _token(api_client, user.username, "wrong")
    assert _token(api_client, user.username, PASSWORD).status_code == 200
    for _ in range(4):
        assert _token(api_client, user.username, "wrong").status_code == 400
    assert "token" in _token(api_client, user.username, PASSWORD).json()


def test_cooloff_and_limit_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(roles=["sales"])
    assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, "wrong").status_code == 429


def test_the_lock_expires_after_the_cooloff(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    user = UserFactory(roles=["sales"])
    for _ in range(5):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_authenticate_without_a_request_and_test_logins_still_work(client):
    user = UserFactory(roles=["sales"])
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


# --- the admin login, and what a lockout does not reach -----------------------------------------------------------

ADMIN_LOGIN = "/admin/login/"


def _admin_login(client, username, password, ip="10.0.0.1"):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def test_the_admin_login_locks_out_even_for_the_right_password(client, settings):
    user = UserFactory(roles=["admin"], is_superuser=True)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        assert _admin_login(client, user.username, "wrong").status_code == 200, attempt  # the form again
    last = _admin_login(client, user.username, "wrong")
    assert last.status_code == 429
    assert b"Sign-in temporarily locked" in last.content and b"15 minutes" in last.content

    locked = _admin_login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert b"Sign-in temporarily locked" in locked.content
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still signed out: sent to the admin login


def test_a_successful_admin_login_resets_the_count(client, settings):
    user = UserFactory(roles=["admin"], is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, user.username, "wrong")
    assert _admin_login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _admin_login(client, user.username, "wrong").status_code == 200
    assert _admin_login(client, user.username, PASSWORD).status_code == 302


def _signed_in(entry: str, response, client) -> bool:
    if entry == "api":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302 and "_auth_user_id" in client.session


_ENTRIES = {"login": _login, "admin": _admin_login, "api": _token}


@pytest.mark.parametrize("entry", sorted(_ENTRIES))
def test_a_lockout_holds_one_username_from_one_address_only(entry, settings):
    """The locked pair is refused with a clear answer (never a 500); another user from the same address and the same
    user from another address still sign in."""
    from django.test import Client
    from rest_framework.test import APIClient

    fresh = APIClient if entry == "api" else Client
    sign_in = _ENTRIES[entry]
    locked, other = UserFactory(roles=["admin"], is_superuser=True), UserFactory(roles=["admin"], is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(fresh(), locked.username, "wrong", "10.0.0.1")

    client = fresh()
    refused = sign_in(client, locked.username, PASSWORD, "10.0.0.1")
    assert refused.status_code == 429
    if entry == "api":
        body = refused.json()
        assert set(body) == {"message", "extra"} and "locked" in body["message"]
        assert body["extra"] == {"locked_out": True, "cooloff_minutes": 15}
    else:
        assert b"Sign-in temporarily locked" in refused.content
        assert "_auth_user_id" not in client.session

    client = fresh()
    assert _signed_in(entry, sign_in(client, other.username, PASSWORD, "10.0.0.1"), client)
    client = fresh()
    assert _signed_in(entry, sign_in(client, locked.username, PASSWORD, "10.0.0.2"), client)
    # ...and neither of those lifted the lock on the pair.
    assert sign_in(fresh(), locked.username, PASSWORD, "10.0.0.1").status_code == 429

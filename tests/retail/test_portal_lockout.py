"""Login brute force: five wrong passwords for one username from one IP lock it out, even with the
right password, on the login page and on the API token endpoint; a successful login resets the count."""

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

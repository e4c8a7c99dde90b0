"""erp/api/token_cache.py: an app process trusts a token it has just checked for API_AUTH_CACHE_SECONDS."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from knox.models import AuthToken

from erp import recent, roles
from erp.api import token_cache
from erp.models import ApiToken
from erp.services import api_token_create, api_token_revoke
from tests.erp.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/flash-sales/"


@pytest.fixture(autouse=True)
def cache_for_a_minute(settings):
    settings.API_AUTH_CACHE_SECONDS = 60
    token_cache.token_cache_forget()
    yield
    token_cache.token_cache_forget()


@pytest.fixture
def shop(api_client):
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get(name=roles.SHOP))
    record, token = api_token_create(acting_user=None, user=user, label="cache")
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client, record


def _later(monkeypatch, seconds: float):
    real = recent.time.monotonic
    monkeypatch.setattr(recent.time, "monotonic", lambda: real() + seconds)


def test_a_token_checked_a_moment_ago_costs_no_query(shop, django_assert_num_queries):
    client, _ = shop
    with django_assert_num_queries(2):  # the token with its permissions, the page
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(1):  # the page only
        assert client.get(LIST).status_code == 200


def test_off_at_zero_seconds(shop, settings, django_assert_num_queries):
    settings.API_AUTH_CACHE_SECONDS = 0
    client, _ = shop
    client.get(LIST)
    with django_assert_num_queries(2):
        assert client.get(LIST).status_code == 200


def test_revoking_in_this_process_counts_at_once(shop, django_capture_on_commit_callbacks):
    client, record = shop
    assert client.get(LIST).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        api_token_revoke(acting_user=None, api_token=record)
    assert client.get(LIST).status_code == 401


def test_a_revocation_elsewhere_counts_once_the_seconds_are_up(shop, monkeypatch):
    """Another process deleted the token (here: the row, behind this process's back)."""
    client, record = shop
    assert client.get(LIST).status_code == 200
    AuthToken.objects.filter(digest=record.token_id).delete()
    assert client.get(LIST).status_code == 200  # still trusted: the price of the cache
    _later(monkeypatch, 61)
    assert client.get(LIST).status_code == 401


def test_an_expired_token_is_refused_at_once_even_when_trusted(shop):
    client, record = shop
    assert client.get(LIST).status_code == 200
    for _, (_, cached_token) in token_cache._recent._kept.values():
        cached_token.expiry = timezone.now() - timedelta(seconds=1)  # as time passing would
    AuthToken.objects.filter(digest=record.token_id).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get(LIST).status_code == 401
    assert not AuthToken.objects.filter(digest=record.token_id).exists()


def test_a_wrong_token_is_never_trusted(shop):
    client, _ = shop
    assert client.get(LIST).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert client.get(LIST).status_code == 401


def test_each_request_gets_its_own_user_object(shop):
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get(name=roles.SHOP))
    api_token_create(acting_user=None, user=user)
    digest = AuthToken.objects.get(user=user).digest
    token_cache.token_cache_put(digest, user, object())
    first, _ = token_cache.token_cache_get(digest)
    first.first_name = "changed by one request"
    second, _ = token_cache.token_cache_get(digest)
    assert second.first_name != "changed by one request" and second.pk == user.pk


def test_the_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(token_cache._recent, "most", 3)
    for n in range(7):
        token_cache.token_cache_put(f"d{n}", UserFactory.build(), object())
    assert len(token_cache._recent) <= 3
    assert token_cache.token_cache_get("d6") is not None

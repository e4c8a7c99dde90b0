"""Per-token, per-IP and scoped throttles: 429 with Retry-After and the API's error shape, never a 500."""

import pytest
from django.core.cache import cache
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from erp import roles
from erp.api.throttles import parse_rate
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory

pytestmark = pytest.mark.django_db

RATES = {"user_burst": "3/min", "user_sustained": "100/day", "anon": "2/min", "ip": "50/min", "flash_sale": "5/min"}


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    cache.clear()
    return RATES


def _sales(api_client):
    return token_client(api_client, UserFactory(roles=[roles.SALES]))


def test_a_token_is_throttled_after_its_limit_with_retry_after(api_client, rates):
    client = _sales(api_client)
    for _ in range(3):
        assert client.get("/api/v1/items/").status_code == 200
    response = client.get("/api/v1/items/")
    body = assert_error_shape(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["extra"]["retry_after_seconds"] == int(response["Retry-After"])


def test_each_token_has_its_own_bucket(rates):
    from rest_framework.test import APIClient

    first, second = _sales(APIClient()), _sales(APIClient())
    for _ in range(3):
        assert first.get("/api/v1/items/").status_code == 200
    assert first.get("/api/v1/items/").status_code == 429
    assert second.get("/api/v1/items/").status_code == 200


def test_anonymous_requests_are_throttled_per_ip(api_client, rates):
    # the token endpoint is the one anonymous callers reach (others answer 401 before throttling)
    url = "/api/v1/auth/token/"
    for _ in range(2):
        assert api_client.post(url, {}, REMOTE_ADDR="10.0.0.1").status_code == 400
    response = api_client.post(url, {}, REMOTE_ADDR="10.0.0.1")
    assert_error_shape(response, 429)
    assert response["Retry-After"]
    # another address is a different bucket; a forged X-Forwarded-For does not make a new one
    assert api_client.post(url, {}, REMOTE_ADDR="10.0.0.2").status_code == 400
    assert api_client.post(url, {}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429


def test_one_ip_is_capped_across_tokens(settings, rates):
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**RATES, "user_burst": "100/min", "ip": "4/min"},
    }
    clients = [_sales(APIClient()) for _ in range(2)]
    statuses = [clients[n % 2].get("/api/v1/items/", REMOTE_ADDR="10.0.0.9").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


class _FlashView(APIView):
    permission_classes: list = []
    authentication_classes: list = []
    throttle_scope = "flash_sale"

    def get(self, request):
        return Response({"ok": True})


def test_a_view_with_throttle_scope_uses_that_rate_instead_of_the_user_and_ip_rates(rates):
    view = _FlashView.as_view()
    factory = APIRequestFactory()
    statuses = [view(factory.get("/flash", REMOTE_ADDR="10.1.1.1")).status_code for _ in range(6)]
    # anon's 2/min does not apply: the scope's 5/min does
    assert statuses == [200] * 5 + [429]


def test_a_broken_cache_lets_requests_through_rather_than_500(api_client, rates, monkeypatch):
    import erp.api.throttles as throttles

    def boom(key, ttl):
        raise ConnectionError("redis down")

    monkeypatch.setattr(throttles, "_hit", boom)
    client = _sales(api_client)
    for _ in range(5):
        assert client.get("/api/v1/items/").status_code == 200


def test_rates_parse_and_empty_means_no_limit():
    assert parse_rate("120/min") == (120, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate(None) is None
    assert parse_rate("") is None

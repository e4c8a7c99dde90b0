"""Helpers for API tests: a client holding a real token, and the error shape every failure must have."""

from django.utils import timezone

from erp.models import ApiToken
from erp.services import api_token_create


def token_client(api_client, user):
    record, token = api_token_create(acting_user=user, user=user, label="test")
    # As if an earlier request had just used it: authentication records a use at most once a minute
    # (erp.services.api_token_touch), so the query counts asserted with this client are those of the
    # steady state. The one UPDATE of a token's first use is counted in tests/erp/test_token_pages.py.
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert body["message"]
    return body

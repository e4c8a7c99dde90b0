"""Helpers for API tests: a client holding a real token, and the error shape every failure must have."""

from erp.services import api_token_create


def token_client(api_client, user):
    _record, token = api_token_create(acting_user=user, user=user, label="test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert body["message"]
    return body

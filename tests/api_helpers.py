"""Helpers for API tests: a client holding a real token, and the error shape every failure must have."""

from knox.models import AuthToken


def token_client(api_client, user):
    _instance, token = AuthToken.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert body["message"]
    return body

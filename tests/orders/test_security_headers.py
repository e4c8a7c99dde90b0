"""Every kind of response carries the CSP, Permissions-Policy and Cross-Origin-Opener-Policy headers."""

import pytest
from django.contrib.auth import get_user_model

from erp import roles
from erp.security import CSP
from tests.api_helpers import token_client
from tests.erp.factories import UserFactory
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def _assert_headers(response, csp=EXPECTED_CSP):
    assert response["Content-Security-Policy"] == csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_is_the_agreed_one():
    assert CSP == EXPECTED_CSP


def test_a_staff_page(client):
    client.force_login(UserFactory(roles=[roles.SALES]))
    response = client.get("/items/")
    assert response.status_code == 200
    _assert_headers(response)


def test_the_portal(client):
    client.force_login(retailer_user_for(RetailerFactory()))
    response = client.get("/portal/")
    assert response.status_code in {200, 302}
    _assert_headers(response)


def test_the_api(api_client):
    response = token_client(api_client, UserFactory(roles=[roles.SALES])).get("/api/v1/items/")
    assert response.status_code == 200
    _assert_headers(response)


def test_the_admin(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "x-Passw0rd!"))
    response = client.get("/admin/")
    assert response.status_code == 200
    _assert_headers(response)


def test_api_docs_need_no_inline_script_only_inline_styles(client):
    # Swagger UI inserts <style> elements (tests/e2e/test_flash_sale.py saw Chromium block them).
    client.force_login(UserFactory(roles=[roles.SALES]))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    _assert_headers(response, csp=EXPECTED_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
    assert "<script>" not in response.content.decode()
    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_an_error_page_too(client):
    _assert_headers(client.get("/no-such-page/"))

import os

import pytest
from rest_framework.test import APIClient

from erp import roles
from tests.erp.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("TEMPO_REQUIRE_SERVICES", "") not in {"", "0", "false"}


def skip_or_fail(reason: str) -> None:
    """Without a real service locally we skip; CI sets TEMPO_REQUIRE_SERVICES so a missing one fails."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (TEMPO_REQUIRE_SERVICES is set, so this cannot be skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run inline in tests unless a test starts a real worker itself."""
    from erp.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads made by a test land in its own temporary folder, never in ./media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _user_with_role(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


@pytest.fixture
def make_user(db):
    return _user_with_role


@pytest.fixture
def procurement_user(db):
    return _user_with_role(roles.PROCUREMENT)


@pytest.fixture
def planning_user(db):
    return _user_with_role(roles.PLANNING)


@pytest.fixture
def sales_user(db):
    return _user_with_role(roles.SALES)


@pytest.fixture
def finance_user(db):
    return _user_with_role(roles.FINANCE)


@pytest.fixture
def logistics_user(db):
    return _user_with_role(roles.LOGISTICS)


@pytest.fixture
def store_ops_user(db):
    return _user_with_role(roles.STORE_OPS)


@pytest.fixture
def admin_user(db):
    return _user_with_role(roles.ADMIN, is_superuser=True)


@pytest.fixture
def retailer_user(db):
    return _user_with_role(roles.RETAILER, is_staff=False)

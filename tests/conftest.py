import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from erp import roles
from tests.erp.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("TEMPO_REQUIRE_SERVICES", "") not in {"", "0", "false"}


def skip_or_fail(reason: str) -> None:
    """Without a real service locally we skip; CI sets TEMPO_REQUIRE_SERVICES so a missing one fails."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (TEMPO_REQUIRE_SERVICES is set, so this cannot be skipped)")
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Tests on the seeded demo company run after every other database test, which expects an empty database.

    This runs before pytest-django's own (stable) reordering, which then puts the transactional tests after
    all of them: a transactional test empties the database, which the demo's open transaction must not see.
    """
    items.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))


_open_demo: list = []  # the rollback of the demo's transaction while it is open


@pytest.fixture(scope="session")
def _demo_database(django_db_setup, django_db_blocker):
    """Seed the demo once for all the tests that ask for ``demo``, inside a transaction that is rolled back
    right after the last of them (see ``pytest_runtest_teardown``), which leaves the database as it was.

    Seeding takes seconds; each demo test runs in a savepoint of this transaction, so it sees the demo as
    ``seed_demo`` left it and its own changes are undone.
    """
    out = StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

        def rollback() -> None:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

        _open_demo.append(rollback)
        try:
            call_command("seed_demo", stdout=out)
            # On PostgreSQL the seed leaves every foreign-key check deferred to the commit that never comes.
            # Each demo test's teardown checks constraints (Django's TestCase does) inside its savepoint, and
            # the savepoint's rollback queues the seed's checks again: ~1.5 s per test. Checked here once,
            # they are done with for the whole session.
            connection.check_constraints()
        except BaseException:
            _demo_rollback()
            raise
    yield out.getvalue()
    _demo_rollback()


def _demo_rollback() -> None:
    while _open_demo:
        _open_demo.pop()()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last demo test, roll the demo back before the transactional tests (which commit) run."""
    yield
    if "demo" in getattr(item, "fixturenames", ()) and "demo" not in getattr(nextitem, "fixturenames", ()):
        _demo_rollback()


@pytest.fixture
def demo(_demo_database, db) -> str:
    """The seeded demo company (see ``_demo_database``); returns what ``seed_demo`` printed."""
    return _demo_database


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run inline in tests unless a test starts a real worker itself."""
    from erp.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters (and anything else cached) never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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

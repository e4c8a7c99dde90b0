"""Browser tests: Debian's headless Chromium driven by Playwright against pytest-django's ``live_server``.

Playwright never downloads a browser here; the system Chromium at ``CHROMIUM`` is launched
directly. Without it the tests skip locally and fail in CI (``TEMPO_REQUIRE_SERVICES``).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="package")
def browser():
    """One Chromium for every test in tests/e2e.

    Package scope, not session: Playwright's sync API keeps its asyncio loop marked as running on
    this thread for as long as it is started, and Django then refuses ORM calls with
    SynchronousOnlyOperation. Closing the browser when pytest leaves this package stops the loop
    before the rest of the suite runs, so DJANGO_ALLOW_ASYNC_UNSAFE never outlives the e2e tests
    (left set, it also fails ``manage.py check --deploy`` in subprocesses, with async.E001).
    """
    if not CHROMIUM.exists():
        skip_or_fail(
            f"{CHROMIUM} is missing; install Debian's chromium "
            "(apt-get install --no-install-recommends chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    # The tests only touch the database between browser steps, never while Playwright's loop
    # is actually doing work, so lifting Django's guard is safe here and only here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, no storage) per test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where screenshots go; kept for people to look at, never compared."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

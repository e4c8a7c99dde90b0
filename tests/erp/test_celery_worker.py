"""A real task through a real Celery worker on a real broker (Redis in CI)."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from kombu import Connection

from erp.celery import app
from erp.tasks import worker_check
from tests.conftest import skip_or_fail
from tests.erp.factories import ItemFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        skip_or_fail("CELERY_BROKER_URL is not set, so there is no real broker for a worker")
    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as error:
        skip_or_fail(f"the broker at {url} does not answer: {error}")
    if not app.conf.result_backend:
        skip_or_fail("no result backend configured (set CELERY_RESULT_BACKEND or use a redis:// broker)")
    app.conf.task_always_eager = False
    return url


def test_a_task_runs_on_a_real_worker_against_the_database(real_broker):
    ItemFactory(sku="CP-WORKER-CHECK")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = worker_check.delay("CP-WORKER-CHECK")
        payload = result.get(timeout=30)
    assert result.successful()
    assert payload["item_exists"] is True
    assert payload["items"] == 1

"""Schemathesis over every operation of the OpenAPI schema that ``/api/schema/`` serves.

Each operation is one test: up to ``EXAMPLES`` generated requests (valid and invalid bodies, queries and
path parameters) sent through the real WSGI application as a staff superuser with a real token, on the
seeded demo company. Every answer must be no 5xx, have a documented status and content type, and match
the documented body and headers. Requests with path parameters are sent a second time with the key of an
object that exists (the first one of that resource in the demo), so detail and action views are fuzzed on
real objects too, not only answered with 404.

Bounded and deterministic so that it can run in every CI run on SQLite and PostgreSQL: derandomized
hypothesis, a fixed number of examples, no coverage or stateful phases, no example database.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from erp.services import api_token_create
from erp.weeks import IsoWeek
from erp.wsgi import application
from tests.erp.factories import UserFactory

EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# The schema drf-spectacular serves at /api/schema/ (same generator, public as served), built in-process:
# collection has no database access, and the endpoint would only wrap this dict in JSON.
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {
            # Coverage enumerates every boundary of every parameter (thousands of requests per operation):
            # far past a CI budget. Stateful links are not declared in the schema.
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "generation": {"database": "none"},
    }
)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=CONFIG)
schema.app = application


def _first_key(path: str, name: str) -> Any:
    """The value of path parameter ``name`` of ``path`` that names an existing object, or None."""
    if name == "week":
        return IsoWeek.current().key
    if name == "dataset":
        return "items"
    if name == "sale":
        from orders.models import FlashSale

        return FlashSale.objects.values_list("code", flat=True).order_by("pk").first()
    if path.startswith("/api/v1/flash-sales/") and name == "number":
        from orders.models import FlashSaleOrder

        return FlashSaleOrder.objects.values_list("number", flat=True).order_by("pk").first()
    if path.startswith("/api/v1/items/{sku}/cost/"):
        from erp.models import Item

        return Item.objects.filter(kind="product").values_list("sku", flat=True).order_by("pk").first()
    # Any other path: the model and lookup field of the DRF view the path resolves to.
    for placeholder in ("0", "AAA"):  # ids are numbers, currency codes three letters
        try:
            view = resolve(re.sub(r"\{\w+\}", placeholder, path)).func.cls
            break
        except Resolver404:
            continue
    else:
        return None
    queryset = getattr(view, "queryset", None)
    serializer_meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = queryset.model if queryset is not None else getattr(serializer_meta, "model", None)
    if model is None:
        return None
    # A store's code is its location's (StoreViewSet.get_object looks it up there).
    field = "location__code" if path.startswith("/api/v1/stores/") else getattr(view, "lookup_field", "pk")
    return model._default_manager.values_list(field, flat=True).order_by("pk").first()


@pytest.fixture
def fuzz_token(demo, _unthrottled_wsgi) -> str:
    """A staff superuser's token on the demo company, and a WSGI stack that keeps the test's transaction."""
    # No password: hashing one costs ~0.6 s, once per operation; the token is all the test uses.
    user = UserFactory(username="fuzzer", is_superuser=True, is_staff=True, password=None)
    _, token = api_token_create(acting_user=user, user=user, label="schemathesis")
    return token


@pytest.fixture
def _unthrottled_wsgi(settings) -> Iterator[None]:
    # ~20 requests per operation and one token for all: the per-token rates would answer 429 part way
    # through and make the outcome depend on timing. Throttling has its own tests (test_throttles.py).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
    }
    # The real WSGI handler closes the database connection at the end of each request, which would end
    # the test's transaction; Django's own test client disconnects these receivers for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _call(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # The demo and token fixtures are set up once per operation on purpose: examples share them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_operation(case: schemathesis.Case, fuzz_token: str) -> None:
    _call(case, fuzz_token)
    if case.path_parameters:
        real = {name: _first_key(case.operation.path, name) for name in case.path_parameters}
        if all(value is not None for value in real.values()):
            case.path_parameters = {name: str(value) for name, value in real.items()}
            _call(case, fuzz_token)

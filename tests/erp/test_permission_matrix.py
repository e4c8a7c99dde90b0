"""Who may call what on the REST API: every list route under /api/v1/ x every kind of caller -> the status it gets.

The tables below are the decision, written by hand: a new endpoint fails ``test_every_api_list_route_is_in_the_matrix``
until someone adds its row and so decides who may use it. Each cell is one request with that kind's real token
(anonymous: none), so a failure names the kind and the endpoint, e.g. ``[store_ops-GET items/]``.

How to read a cell: 2xx = allowed; 401 = no credentials; 403 = the token's scope or the user's permissions refuse it;
404 = allowed through, but the object is not the caller's (or does not exist); 400/405/415 = allowed through, the
request itself is refused (empty body, wrong method or content type). Routes that only take POST are probed with an
empty JSON body, which writes nothing for most of them and is rolled back with the test for the others.

The users, their tokens and the few objects the paths name are built once for the module (in a transaction rolled
back at the end); each case runs in its own savepoint, so a write in one case is never seen by the next.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from rest_framework.test import APIClient

from erp import roles
from erp.services import api_token_create
from erp.weeks import IsoWeek, business_date
from logistics.models import Location
from procurement.services.purchasing import supplier_user_link
from retail.services.stores import pos_user_link
from tests.api_helpers import assert_error_shape
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.logistics.factories import FactoryFactory, give_stock
from tests.logistics.factories_production import factory_user
from tests.orders.factories import ForecastVersionFactory
from tests.orders.flash_setup import live_sale
from tests.procurement.factories import BomLineFactory, SupplierFactory, make_order
from tests.retail.factories import RetailerFactory, make_store, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db

# The kinds of caller, in the tables' column order. Every staff role of erp/roles.py has a column (admin is the role's
# group alone); "superuser" has is_superuser and no group; the last five are the integration and portal kinds, made the
# way tests/orders/test_token_scopes.py makes them.
KINDS = (
    "anon",
    "procurement",
    "planning",
    "sales",
    "logistics",
    "store_ops",
    "finance",
    "admin",
    "superuser",
    "retailer",
    "supplier",
    "factory",
    "shop",
    "pos",
)
assert set(roles.STAFF_ROLES) <= set(KINDS)

# fmt: off
# GET of every list route (POST with an empty JSON body where the route takes only POST).
# {sale}, {sku} and {week} are filled from the module's world; a line tests the route its path resolves to.
#
# request                                     | ano pro pla sal log ops fin adm su  ret sup fac sho pos
READS = """
POST auth/token/                              | 400 400 400 400 400 400 400 400 400 400 400 400 400 400
POST auth/token/revoke/                       | 401 204 204 204 204 204 204 204 204 204 204 204 204 204
POST auth/token/revoke-all/                   | 401 204 204 204 204 204 204 204 204 204 204 204 204 204
GET  excel/                                   | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  excel/runs/                              | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  excel/items/template/                    | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  excel/items/export/                      | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
POST excel/items/import/                      | 401 415 403 403 403 403 403 415 415 403 403 403 403 403
GET  items/                                   | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  prices/                                  | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  currencies/                              | 401 200 200 200 403 403 200 200 200 403 403 403 403 403
GET  fx-rates/                                | 401 200 200 200 403 403 200 200 200 403 403 403 403 403
GET  supplier/requirements/                   | 401 403 403 403 403 403 403 403 403 403 200 403 403 403
GET  suppliers/                               | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  component-profiles/                      | 401 200 200 403 403 403 403 200 200 403 403 403 403 403
GET  supplier-offers/                         | 401 200 200 403 403 403 200 200 200 403 403 403 403 403
GET  bom-lines/                               | 401 200 200 403 403 403 200 200 200 403 403 403 403 403
GET  purchase-orders/                         | 401 200 200 403 200 403 200 200 200 403 200 403 403 403
GET  items/{sku}/cost/                        | 401 200 200 403 403 403 200 200 200 403 403 403 403 403
GET  reports/cost-outliers/                   | 401 200 200 403 403 403 200 200 200 403 403 403 403 403
GET  factory/schedule/                        | 401 403 403 403 403 403 403 403 403 403 403 200 403 403
POST factory/actuals/                         | 401 403 403 403 403 403 403 403 403 403 403 400 403 403
GET  factory/order-sheets/                    | 401 403 403 403 403 403 403 403 403 403 403 200 403 403
GET  factory/order-sheets/999999/xlsx/        | 401 403 403 403 403 403 403 403 403 403 403 404 403 403
GET  mrp/run/                                 | 401 200 200 403 200 403 200 200 200 403 403 403 403 403
GET  reports/turnover/                        | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  mrp/shortages/                           | 401 200 200 403 200 403 200 200 200 403 403 403 403 403
GET  mrp/suggestions/                         | 401 200 200 403 200 403 200 200 200 403 403 403 403 403
GET  factories/                               | 401 200 200 200 200 403 200 200 200 403 403 200 403 403
GET  factory-capacities/                      | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  schedule-versions/                       | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  schedule-lines/                          | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  locations/                               | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  stock-levels/                            | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  stock-moves/                             | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  stock-counts/                            | 401 200 200 200 200 403 200 200 200 403 403 403 403 403
GET  shipments/                               | 401 200 200 200 200 200 200 200 200 403 403 200 403 403
GET  retailers/                               | 401 403 200 200 200 200 200 200 200 200 403 403 403 403
GET  prepayment-entries/                      | 401 403 403 200 403 403 200 200 200 200 403 403 403 403
GET  retailer-orders/                         | 401 403 200 200 200 403 200 200 200 200 403 403 403 403
GET  allocations/                             | 401 403 200 200 200 403 200 200 200 200 403 403 403 403
GET  stores/                                  | 401 403 200 200 200 200 200 200 200 200 403 403 403 200
GET  store-sell-through/                      | 401 403 200 200 200 200 200 200 200 200 403 403 403 200
GET  replenishment/                           | 401 403 200 200 200 200 200 200 200 403 403 403 403 403
POST replenishment/accept/                    | 401 403 403 403 400 400 403 400 400 403 403 403 403 403
GET  forecasts/                               | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  plan/                                    | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  meetings/{week}/workbook/                | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  dispatch/waiting/                        | 401 403 200 200 200 200 200 200 200 403 403 403 403 403
GET  meetings/{week}/                         | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
POST meetings/{week}/cells/                   | 401 403 400 403 403 403 403 400 400 403 403 403 403 403
GET  meetings/{week}/decisions/               | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
POST meetings/{week}/lock/                    | 401 403 400 403 403 403 403 400 400 403 403 403 403 403
POST meetings/{week}/unlock/                  | 401 403 400 403 403 403 403 400 400 403 403 403 403 403
GET  flash-sales/                             | 401 403 200 200 200 403 200 200 200 403 403 403 200 403
GET  flash-sales/{sale}/                      | 401 403 200 200 200 403 200 200 200 403 403 403 200 403
POST flash-sales/{sale}/end/                  | 401 403 403 200 403 403 403 200 200 403 403 403 403 403
GET  flash-sales/{sale}/live/                 | 401 403 200 200 200 403 200 200 200 403 403 403 200 403
GET  flash-sales/{sale}/orders/               | 401 403 200 200 200 403 200 200 200 403 403 403 200 403
POST flash-sales/{sale}/orders/NO/pay/        | 401 403 403 404 403 403 403 404 404 403 403 403 404 403
POST flash-sales/{sale}/orders/NO/cancel/     | 401 403 403 404 403 403 403 404 404 403 403 403 404 403
GET  forecast-versions/                       | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  demand-signals/                          | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  sales-actuals/                           | 401 200 200 200 200 200 200 200 200 403 403 403 403 403
GET  consumer-orders/                         | 401 200 200 200 200 200 200 200 200 403 403 403 200 403
GET  dispatch-runs/                           | 401 403 200 200 200 200 200 200 200 403 403 403 403 403
"""

# One representative write per app, and each integration kind's own write, with a body that succeeds for whoever
# may make it (bodies in _write_bodies). {po} and {sale} come from the world.
#
# request                                     | ano pro pla sal log ops fin adm su  ret sup fac sho pos
WRITES = """
POST items/                                   | 401 201 403 403 403 403 403 201 201 403 403 403 403 403
POST suppliers/                               | 401 201 403 403 403 403 403 201 201 403 403 403 403 403
POST purchase-orders/{po}/confirm/            | 401 200 403 403 403 403 403 200 200 403 200 403 403 403
POST locations/                               | 401 403 403 403 201 403 403 201 201 403 403 403 403 403
POST factory/actuals/                         | 401 403 403 403 403 403 403 403 403 403 403 200 403 403
POST retailer-orders/                         | 401 403 403 201 403 403 403 201 201 201 403 403 403 403
POST store-sell-through/                      | 401 403 403 403 201 201 403 201 201 400 403 403 403 201
POST flash-sales/{sale}/orders/               | 401 403 403 201 403 403 403 201 201 403 403 403 201 403
"""
# fmt: on
# Cells worth a word: a retailer's token posting sell-through for one of Tempo's own stores gets 400 "unknown store",
# exactly as for a code that does not exist; the retailer's order is for its own retailer; sales holds
# orders.add_flashsaleorder, so a staff token can take a flash-sale order as the shop does.


# Placeholders the paths use; resolving a path with these names the route it requests.
_SAMPLE = {"sale": "FS-2026-001", "sku": "TP-1", "week": "2026-W48", "po": "1"}


def _rows(table: str) -> list[tuple[str, str, str, dict[str, int]]]:
    """(route name, method, path, {kind: status}) per line; the route name is what the path resolves to."""
    rows = []
    for line in table.strip().splitlines():
        request, cells = (part.strip() for part in line.split("|"))
        method, path = request.split()
        statuses = [int(cell) for cell in cells.split()]
        assert len(statuses) == len(KINDS), f"{path}: {len(statuses)} cells for {len(KINDS)} kinds"
        name = resolve("/api/v1/" + path.format(**_SAMPLE)).url_name
        rows.append((name, method, path, dict(zip(KINDS, statuses, strict=True))))
    return rows


READ_ROWS = _rows(READS)
WRITE_ROWS = _rows(WRITES)


def _cases(rows):
    return [
        pytest.param(kind, name, method, path, statuses[kind], id=f"{kind}-{method} {path}")
        for name, method, path, statuses in rows
        for kind in KINDS
    ]


# --- the world: one user and token per kind, and what the paths name -------------------------------------------------


class World:
    def __init__(self) -> None:
        users = {role: UserFactory(roles=[role]) for role in roles.STAFF_ROLES}
        users["superuser"] = UserFactory(is_superuser=True)
        self.retailer = RetailerFactory()
        users["retailer"] = retailer_user_for(self.retailer)
        self.supplier = SupplierFactory()
        users["supplier"] = UserFactory(is_staff=False)
        supplier_user_link(acting_user=None, user=users["supplier"], supplier=self.supplier)
        self.factory = FactoryFactory()
        users["factory"] = factory_user(self.factory)
        users["shop"] = UserFactory(is_staff=False)
        users["shop"].groups.add(Group.objects.get(name=roles.SHOP))
        users["pos"] = UserFactory(is_staff=False)
        pos_user_link(acting_user=None, user=users["pos"])  # every own store
        self.tokens = {kind: api_token_create(acting_user=user, user=user)[1] for kind, user in users.items()}
        self.tokens["anon"] = None

        self.week = IsoWeek.current().key
        ForecastVersionFactory(is_current=True)  # GET forecasts/ reads the current version
        parent = ProductFactory()
        BomLineFactory(parent=parent)  # so the cost roll-up has something to roll up
        self.sku = parent.sku
        self.sale = live_sale(quantity=10).code
        part = ItemFactory()
        self.po = make_order(self.supplier, lines=[(part, 1000, Decimal("1.00"))], status="sent").pk
        # A product with a retailer price today, stocked in one of Tempo's own stores, for orders and sell-through.
        self.product = priced_product()
        self.store = make_store("ST-MATRIX")
        give_stock(item=self.product, location=Location.objects.get(code="ST-MATRIX"), qty=50)
        self.factory_product = ProductFactory()
        self.factory.capacities.create(item=self.factory_product, weekly_capacity=1000)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back after the module's last test (as tests/conftest.py's demo)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = World()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _client(world: World, kind: str) -> APIClient:
    client = APIClient()
    if world.tokens[kind]:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[kind]}")
    return client


def _url(world: World, path: str) -> str:
    return "/api/v1/" + path.format(sale=world.sale, sku=world.sku, week=world.week, po=world.po)


def _check(response, expected: int, kind: str, request: str) -> None:
    where = f"{kind} {request}"
    if expected >= 400:
        body = assert_error_shape(response, expected)
        assert body["message"], where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]!r}"


@pytest.mark.parametrize(("kind", "name", "method", "path", "expected"), _cases(READ_ROWS))
def test_who_may_read(world, kind, name, method, path, expected):
    response = getattr(_client(world, kind), method.lower())(_url(world, path), {} if method == "POST" else None)
    _check(response, expected, kind, f"{method} {path}")


def _write_bodies(world: World, kind: str) -> dict:
    yesterday = (business_date() - timedelta(days=1)).isoformat()
    return {
        "api-item-list": {"sku": "CP-MATRIX", "name": "Matrix part", "kind": "component"},
        "api-supplier-list": {"code": "SUP-MATRIX", "name": "Matrix supplier", "country": "CN"},
        "api-purchase-order-confirm": {"lines": [{"line": 1, "promised_date": "2026-12-31"}]},
        "api-location-list": {"code": "WH-MATRIX", "name": "Matrix warehouse", "kind": "warehouse", "region": "East"},
        "api-factory-actuals": {"sku": world.factory_product.sku, "date": yesterday, "quantity": 10},
        "api-retailer-order-list": {
            "retailer": world.retailer.code,
            "reference": f"MATRIX-{kind}",
            "lines": [{"sku": world.product.sku, "quantity": 1, "requested_week": (IsoWeek.current() + 1).key}],
        },
        "api-store-sell-through-list": {
            "rows": [{"store": "ST-MATRIX", "sku": world.product.sku, "date": yesterday, "units_sold": 1}]
        },
        "api-flash-sale-orders": {"customer_ref": f"matrix-{kind}"},
    }


@pytest.mark.parametrize(("kind", "name", "method", "path", "expected"), _cases(WRITE_ROWS))
def test_who_may_write(world, kind, name, method, path, expected):
    headers = {"HTTP_IDEMPOTENCY_KEY": f"matrix-{kind}"} if name == "api-flash-sale-orders" else {}
    body = _write_bodies(world, kind)[name]
    response = _client(world, kind).post(_url(world, path), body, format="json", **headers)
    _check(response, expected, kind, f"{method} {path}")


# --- completeness: no endpoint without a row --------------------------------------------------------------------------


def _api_list_routes() -> dict[str, str]:
    """Route name -> pattern of every list route under api/v1/: the routers' ``-list`` routes and every plain ``path()``
    (which includes the parameterised ones such as ``meetings/<week>/``). Router detail and action routes hang under
    their list route; the ``.json``-style format-suffix duplicates are left out."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not route.startswith("api/v1/") or "(?P<format>" in route:
                    continue
                if isinstance(pattern.pattern, RoutePattern) or (pattern.name or "").endswith("-list"):
                    found[pattern.name or route] = route

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_list_route_is_in_the_matrix():
    routes = _api_list_routes()
    names = [name for name, *_ in READ_ROWS]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"routes with more than one row in READS: {twice}"
    in_table = set(names)
    missing = sorted(f"{name} ({route})" for name, route in routes.items() if name not in in_table)
    assert not missing, "API routes with no row in READS (decide who may use them): " + ", ".join(missing)
    stale = sorted(in_table - set(routes))
    assert not stale, f"READS rows for routes that no longer exist: {stale}"

"""Exact query counts of the schedule and factory pages, the same for small and larger data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp import roles
from tests.erp.factories import PASSWORD, ProductFactory, UserFactory
from tests.logistics.factories_production import WEEK, FactoryCapacityFactory, FactoryFactory, make_draft, make_locked

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("size", [2, 6])
def test_page_query_counts_do_not_grow_with_the_data(client, size):
    planner = UserFactory(roles=[roles.PLANNING])
    factories = [FactoryFactory() for _ in range(size)]
    products = [ProductFactory() for _ in range(size)]
    for fac in factories:
        for item in products:
            FactoryCapacityFactory(factory=fac, item=item, weekly_capacity=1000)
    cells = [(fac, item, WEEK + n, 100) for fac in factories for item in products for n in range(size)]
    make_locked(cells, user=planner)
    make_draft(user=planner)
    assert client.login(username=planner.username, password=PASSWORD)
    counts = [
        _count(client, url)
        for url in (
            "/logistics/factories/",
            "/logistics/schedule/",
            "/logistics/schedule/1/",
            "/logistics/schedule/2/diff/",
        )
    ]
    # Each page: session, user, permissions (+ nav), then its own reads: no query per row or cell.
    assert counts == [7, 7, 7, 9]

"""The flash-sale intake when another transaction holds the sale's counter rows (PostgreSQL: a second real connection
holds them with SELECT ... FOR UPDATE).

How "busy" comes about (orders/services/flash.py, ``_take_unit``): there is no lock timeout. A request first takes a
unit from the counter row its Idempotency-Key hashes to; only when that row is empty does it look for another row
with units, skipping rows other transactions hold (FOR UPDATE SKIP LOCKED). When every row left with units is held,
it retries a fixed number of times and then answers 429 with ``extra.code`` ``busy``. A request whose own row still
has units waits for the holder instead, however long that takes.
"""

import threading
import zlib
from itertools import count

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from rest_framework.test import APIClient

from erp import roles
from orders.models import FlashSaleCounter, FlashSaleCustomer, FlashSaleOrder
from tests.api_helpers import assert_error_shape, token_client
from tests.concurrency import needs_postgres
from tests.erp.factories import UserFactory
from tests.orders.flash_setup import live_sale

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _shop_client():
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get(name=roles.SHOP))
    return token_client(APIClient(), user)


def _keys_for_shard(shard: int, shards: int):
    """Idempotency keys whose preferred counter row is ``shard`` (the service hashes them with crc32)."""
    return (key for key in (f"key-{n}" for n in count()) if zlib.crc32(key.encode()) % shards == shard)


class _Holder:
    """A second, real connection that locks every counter row of a sale until ``release()``."""

    def __init__(self, sale) -> None:
        settings = connection.settings_dict
        params = {
            "dbname": settings["NAME"],
            "user": settings["USER"],
            "password": settings["PASSWORD"],
            "host": settings["HOST"],
            "port": settings["PORT"],
        }
        self.conn = psycopg.connect(**{name: value for name, value in params.items() if value})
        table = FlashSaleCounter._meta.db_table
        rows = self.conn.execute(f'SELECT id FROM "{table}" WHERE sale_id = %s FOR UPDATE', [sale.pk]).fetchall()
        assert len(rows) == sale.counter_shards

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


def _post(client, sale, customer, key):
    return client.post(
        f"/api/v1/flash-sales/{sale.code}/orders/", {"customer_ref": customer}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def _remaining(sale) -> list[int]:
    return list(FlashSaleCounter.objects.filter(sale=sale).order_by("shard").values_list("remaining", flat=True))


def test_every_unit_left_held_by_another_transaction_is_a_429_busy_that_writes_nothing():
    needs_postgres()
    client = _shop_client()
    sale = live_sale(quantity=2, shards=2)  # one unit on each counter row
    keys = _keys_for_shard(0, 2)
    first, key = next(keys), next(keys)
    assert _post(client, sale, "alice", first).status_code == 201  # row 0 is now empty; row 1 holds the last unit
    assert _remaining(sale) == [0, 1]

    holder = _Holder(sale)
    try:
        response = _post(client, sale, "bob", key)
        body = assert_error_shape(response, 429)
        assert body["extra"]["code"] == "busy"
        assert body["extra"]["retry_after_seconds"] == 1 and response["Retry-After"] == "1"
        assert sale.code in body["message"]
        # Nothing written: no order, bob's allowance untouched, the last unit still on its row, the key unused.
        assert FlashSaleOrder.objects.filter(sale=sale).count() == 1
        assert not FlashSaleOrder.objects.filter(sale=sale, idempotency_key=key).exists()
        assert not FlashSaleCustomer.objects.filter(sale=sale, customer_ref="bob").exists()
        assert _remaining(sale) == [0, 1]
    finally:
        holder.release()

    retry = _post(client, sale, "bob", key)
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry  # a new order: the refused request had not used the key up
    assert FlashSaleOrder.objects.get(sale=sale, idempotency_key=key).customer_ref == "bob"
    assert _remaining(sale) == [0, 0]


def test_a_request_whose_own_counter_row_is_held_waits_for_it_rather_than_answering_busy():
    """What a held row does when it still has units: no lock timeout, so the request waits, then succeeds."""
    needs_postgres()
    client = _shop_client()
    sale = live_sale(quantity=5, shards=1)
    answers: list = []

    def post() -> None:
        try:
            answers.append(_post(client, sale, "carol", "carol-1"))
        finally:
            connections.close_all()  # this thread's own Django connection

    holder = _Holder(sale)
    worker = threading.Thread(target=post)
    try:
        worker.start()
        worker.join(timeout=2)
        assert worker.is_alive(), f"answered while the row was held: {answers}"
        assert not FlashSaleOrder.objects.filter(sale=sale).exists()
    finally:
        holder.release()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert answers[0].status_code == 201, answers[0].content
    assert FlashSaleOrder.objects.get(sale=sale).customer_ref == "carol"
    assert _remaining(sale) == [4]

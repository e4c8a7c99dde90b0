"""Issues racing each other on PostgreSQL: the database lets exactly as many through as the stock covers."""

import pytest
from django.db.models import Sum

from erp.errors import ApplicationError
from logistics import services
from logistics.models import StockLevel, StockMove
from logistics.services import StockMoveInput
from tests.concurrency import needs_postgres, race
from tests.erp.factories import ItemFactory
from tests.logistics.factories import LocationFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _ledger(item, location) -> int:
    ins = StockMove.objects.filter(item=item, to_location=location).aggregate(s=Sum("qty"))["s"] or 0
    outs = StockMove.objects.filter(item=item, from_location=location).aggregate(s=Sum("qty"))["s"] or 0
    return ins - outs


def test_many_parallel_issues_against_a_level_that_covers_only_some():
    needs_postgres()
    item, wh = ItemFactory(), LocationFactory()
    services.stock_move_post(acting_user=None, item=item, qty=70, to_location=wh, reason="opening")

    def issue(_index):
        return services.stock_move_post(acting_user=None, item=item, qty=10, from_location=wh, reason="issue")

    results = race(16, issue)
    wins = [r for r in results if isinstance(r, StockMove)]
    refusals = [r for r in results if isinstance(r, ApplicationError)]
    assert len(wins) == 7 and len(refusals) == 9, results
    assert all("asked" in r.message for r in refusals)
    level = StockLevel.objects.get(item=item, location=wh)
    assert level.on_hand == 0 == _ledger(item, wh)


def test_parallel_receipts_into_a_new_level_and_crossing_transfers_lose_nothing():
    needs_postgres()
    item, other = ItemFactory(), ItemFactory()
    a, b = LocationFactory(), LocationFactory()
    services.stock_moves_post(
        acting_user=None,
        moves=[
            StockMoveInput(item=item, qty=100, reason="opening", to_location=a),
            StockMoveInput(item=other, qty=100, reason="opening", to_location=b),
        ],
    )

    def work(index):
        # Batches touching the same two levels in opposite orders: locking in (item, location) order avoids deadlocks.
        if index % 2:
            moves = [
                StockMoveInput(item=item, qty=3, reason="transfer", from_location=a, to_location=b),
                StockMoveInput(item=other, qty=2, reason="transfer", from_location=b, to_location=a),
            ]
        else:
            moves = [
                StockMoveInput(item=other, qty=2, reason="transfer", from_location=b, to_location=a),
                StockMoveInput(item=item, qty=3, reason="transfer", from_location=a, to_location=b),
            ]
        return services.stock_moves_post(acting_user=None, moves=moves)

    results = race(12, work)
    assert all(isinstance(r, list) for r in results), results
    for it in (item, other):
        for loc in (a, b):
            assert StockLevel.objects.get(item=it, location=loc).on_hand == _ledger(it, loc)
    assert StockLevel.objects.get(item=item, location=b).on_hand == 36

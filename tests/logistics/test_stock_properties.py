"""Property: whatever sequence of moves is tried, every level equals the moves in minus out and is never negative."""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.errors import ApplicationError
from logistics import services
from logistics.models import StockLevel, StockMove
from tests.erp.factories import ItemFactory
from tests.logistics.factories import LocationFactory

pytestmark = pytest.mark.django_db

locations = st.one_of(st.none(), st.integers(0, 2))
moves = st.lists(
    st.tuples(st.integers(0, 1), st.integers(1, 30), locations, locations, st.booleans()), min_size=1, max_size=25
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves)
def test_levels_are_the_ledger_sum_and_never_negative(db, steps):
    with transaction.atomic():
        items = [ItemFactory(), ItemFactory()]
        places = [LocationFactory(), LocationFactory(), LocationFactory()]
        expected: dict[tuple[int, int], int] = {}
        for item_index, qty, source, target, reserve in steps:
            item = items[item_index]
            source_loc = places[source] if source is not None else None
            target_loc = places[target] if target is not None else None
            key_out = (item.pk, source_loc.pk) if source_loc else None
            would_fail = (
                (source_loc is None and target_loc is None)
                or (source_loc is not None and source_loc == target_loc)
                or (key_out is not None and expected.get(key_out, 0) - _reserved(item, source_loc) < qty)
            )
            try:
                services.stock_move_post(
                    acting_user=None,
                    item=item,
                    qty=qty,
                    from_location=source_loc,
                    to_location=target_loc,
                    reason="transfer",
                )
            except ApplicationError:
                assert would_fail
                continue
            assert not would_fail
            if key_out:
                expected[key_out] -= qty
            if target_loc is not None:
                key_in = (item.pk, target_loc.pk)
                expected[key_in] = expected.get(key_in, 0) + qty
                if reserve:
                    services.stock_reserve(acting_user=None, item=item, location=target_loc, qty=1)
        for level in StockLevel.objects.all():
            ins = StockMove.objects.filter(item=level.item_id, to_location=level.location_id).aggregate(s=Sum("qty"))
            outs = StockMove.objects.filter(item=level.item_id, from_location=level.location_id).aggregate(s=Sum("qty"))
            assert level.on_hand == (ins["s"] or 0) - (outs["s"] or 0)
            assert level.on_hand == expected.get((level.item_id, level.location_id), 0)
            assert 0 <= level.reserved <= level.on_hand
        transaction.set_rollback(True)


def _reserved(item, location) -> int:
    return StockLevel.objects.filter(item=item, location=location).values_list("reserved", flat=True).first() or 0

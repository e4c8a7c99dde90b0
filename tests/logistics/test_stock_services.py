from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from erp.errors import ApplicationError
from logistics import selectors, services
from logistics.models import LocationKind, StockCount, StockLevel, StockMove
from logistics.services import StockMoveInput
from tests.erp.factories import ItemFactory, ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db


def level(item, location) -> StockLevel | None:
    return StockLevel.objects.filter(item=item, location=location).first()


def test_receipt_creates_the_level_and_records_the_move(logistics_user):
    item, wh = ItemFactory(), LocationFactory()
    move = services.stock_move_post(
        acting_user=logistics_user, item=item, qty=40, to_location=wh, reason="receipt", reference="PO-2026-00001"
    )
    assert move.pk and move.created_by == logistics_user and move.reference == "PO-2026-00001"
    assert level(item, wh).on_hand == 40
    services.stock_move_post(acting_user=logistics_user, item=item, qty=2, to_location=wh, reason="receipt")
    assert level(item, wh).on_hand == 42
    assert StockLevel.objects.count() == 1


def test_transfer_moves_between_levels():
    item, a = give_stock(qty=10)
    b = LocationFactory()
    services.stock_move_post(acting_user=None, item=item, qty=4, from_location=a, to_location=b, reason="transfer")
    assert (level(item, a).on_hand, level(item, b).on_hand) == (6, 4)


def test_issue_that_would_go_negative_is_refused_and_writes_nothing():
    item, wh = give_stock(qty=5)
    with pytest.raises(ApplicationError) as error:
        services.stock_move_post(acting_user=None, item=item, qty=6, from_location=wh, reason="issue")
    assert error.value.message == f"Not enough {item.sku} at {wh.code}: 5 available, 6 asked."
    assert error.value.extra["available"] == 5 and error.value.extra["asked"] == 6
    assert level(item, wh).on_hand == 5 and StockMove.objects.count() == 1


def test_issue_from_a_location_with_no_level_is_refused():
    item, wh = ItemFactory(), LocationFactory()
    with pytest.raises(ApplicationError, match="0 available, 1 asked"):
        services.stock_move_post(acting_user=None, item=item, qty=1, from_location=wh, reason="issue")
    assert not StockLevel.objects.exists() and not StockMove.objects.exists()


def test_reserved_stock_cannot_be_issued():
    item, wh = give_stock(qty=10)
    services.stock_reserve(acting_user=None, item=item, location=wh, qty=7)
    with pytest.raises(ApplicationError, match=r"3 available \(10 on hand, 7 reserved\), 4 asked"):
        services.stock_move_post(acting_user=None, item=item, qty=4, from_location=wh, reason="issue")
    services.stock_move_post(acting_user=None, item=item, qty=3, from_location=wh, reason="issue")
    assert (level(item, wh).on_hand, level(item, wh).reserved) == (7, 7)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"qty": 0}, "whole number above zero, not 0"),
        ({"qty": -3}, "whole number above zero, not -3"),
        ({"qty": 1.5}, "whole number above zero, not 1.5"),
        ({"qty": "4"}, "whole number above zero"),
        ({"qty": True}, "whole number above zero"),
        ({"qty": 10**12}, "whole number above zero"),
        ({"reason": "gift"}, "unknown reason 'gift'"),
        ({"to_location": None}, "needs a location to come from, to go to, or both"),
        ({"reference": "x" * 201}, "longer than 200 characters"),
        ({"reference": "a\u202eb"}, "invisible character"),
    ],
)
def test_bad_moves_are_refused_with_a_clear_message(changes, message):
    item, wh = ItemFactory(), LocationFactory()
    kwargs = {"acting_user": None, "item": item, "qty": 1, "to_location": wh, "reason": "receipt", **changes}
    with pytest.raises(ApplicationError, match=message):
        services.stock_move_post(**kwargs)
    assert not StockMove.objects.exists() and not StockLevel.objects.exists()


def test_move_to_the_same_location_and_to_an_inactive_location_are_refused():
    item, wh = give_stock(qty=3)
    with pytest.raises(ApplicationError, match="same location"):
        services.stock_move_post(
            acting_user=None, item=item, qty=1, from_location=wh, to_location=wh, reason="transfer"
        )
    closed = LocationFactory(is_active=False)
    with pytest.raises(ApplicationError, match="inactive"):
        services.stock_move_post(
            acting_user=None, item=item, qty=1, from_location=wh, to_location=closed, reason="transfer"
        )
    assert StockMove.objects.count() == 1


def test_batch_is_all_or_nothing():
    item, wh = give_stock(qty=5)
    other = ItemFactory()
    moves = [
        StockMoveInput(item=other, qty=9, reason="receipt", to_location=wh),
        StockMoveInput(item=item, qty=6, reason="issue", from_location=wh),
    ]
    with pytest.raises(ApplicationError, match="5 available, 6 asked"):
        services.stock_moves_post(acting_user=None, moves=moves)
    assert level(other, wh) is None and level(item, wh).on_hand == 5 and StockMove.objects.count() == 1
    with pytest.raises(ApplicationError, match="no moves"):
        services.stock_moves_post(acting_user=None, moves=[])
    with pytest.raises(ApplicationError, match="Move 2: "):
        services.stock_moves_post(
            acting_user=None, moves=[moves[0], StockMoveInput(item=item, qty=0, reason="issue", from_location=wh)]
        )


def test_batch_nets_moves_of_the_same_level():
    item, wh = give_stock(qty=5)
    other = LocationFactory()
    posted = services.stock_moves_post(
        acting_user=None,
        moves=[
            StockMoveInput(item=item, qty=5, reason="transfer", from_location=wh, to_location=other),
            StockMoveInput(item=item, qty=2, reason="transfer", from_location=other, to_location=wh),
        ],
    )
    assert len(posted) == 2
    assert (level(item, wh).on_hand, level(item, other).on_hand) == (2, 3)


def test_reserve_and_release_are_conditional():
    item, wh = give_stock(qty=10)
    services.stock_reserve(acting_user=None, item=item, location=wh, qty=10)
    with pytest.raises(ApplicationError, match="0 available"):
        services.stock_reserve(acting_user=None, item=item, location=wh, qty=1)
    with pytest.raises(ApplicationError, match=r"Only 10 .* cannot release 11"):
        services.stock_release(acting_user=None, item=item, location=wh, qty=11)
    released = services.stock_release(acting_user=None, item=item, location=wh, qty=4)
    assert (released.on_hand, released.reserved, released.available) == (10, 6, 4)
    with pytest.raises(ApplicationError, match="above zero"):
        services.stock_reserve(acting_user=None, item=item, location=wh, qty=-1)
    with pytest.raises(ApplicationError, match="Only 0"):
        services.stock_release(acting_user=None, item=item, location=LocationFactory(), qty=1)


def test_database_refuses_a_negative_level_or_an_over_reservation():
    item, wh = give_stock(qty=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(item=item, location=wh).update(on_hand=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(item=item, location=wh).update(reserved=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.create(item=item, qty=1, reason="issue", moved_at=datetime.now(UTC))


def test_count_posts_adjustments_for_the_differences(logistics_user):
    wh = LocationFactory()
    more, less, same, new = ItemFactory(), ItemFactory(), ItemFactory(), ItemFactory()
    give_stock(more, wh, 10)
    give_stock(less, wh, 10)
    give_stock(same, wh, 10)
    count = services.stock_count_create(
        acting_user=logistics_user, location=wh, lines=[(more, 12), (less, 7), (same, 10), (new, 1)]
    )
    assert count.status == StockCount.Status.DRAFT
    services.stock_count_post(acting_user=logistics_user, count=count)
    count.refresh_from_db()
    assert count.status == StockCount.Status.POSTED and count.posted_at
    assert [level(i, wh).on_hand for i in (more, less, same, new)] == [12, 7, 10, 1]
    assert {line.item_id: line.expected for line in count.lines.all()} == {
        more.pk: 10,
        less.pk: 10,
        same.pk: 10,
        new.pk: 0,
    }
    adjustments = StockMove.objects.filter(reason="count")
    assert adjustments.count() == 3 and all(m.reference == f"count {count.pk}" for m in adjustments)
    with pytest.raises(ApplicationError, match="already posted"):
        services.stock_count_post(acting_user=logistics_user, count=count)


def test_count_below_the_reserved_quantity_is_refused_and_stays_a_draft():
    item, wh = give_stock(qty=10)
    services.stock_reserve(acting_user=None, item=item, location=wh, qty=8)
    count = services.stock_count_create(acting_user=None, location=wh, lines=[(item, 5)])
    with pytest.raises(ApplicationError, match="counted below the 8 reserved"):
        services.stock_count_post(acting_user=None, count=count)
    count.refresh_from_db()
    assert count.status == StockCount.Status.DRAFT and level(item, wh).on_hand == 10


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one counted item"),
        ([("item", -1)], "zero or more, not -1"),
        ([("item", 2.5)], "zero or more, not 2.5"),
        ([("item", 1), ("item", 2)], "counted twice"),
        ([(None, 1)], "name the counted item"),
    ],
)
def test_bad_counts_are_refused(lines, message):
    item, wh = ItemFactory(), LocationFactory()
    lines = [(item if thing == "item" else thing, qty) for thing, qty in lines]
    with pytest.raises(ApplicationError, match=message):
        services.stock_count_create(acting_user=None, location=wh, lines=lines)
    assert not StockCount.objects.exists()


def test_count_of_an_inactive_location_is_refused():
    with pytest.raises(ApplicationError, match="inactive"):
        services.stock_count_create(
            acting_user=None, location=LocationFactory(is_active=False), lines=[(ItemFactory(), 1)]
        )


def test_on_hand_and_available_by_kind(django_assert_num_queries):
    phone, screen = ProductFactory(), ItemFactory()
    wh1, wh2, store = LocationFactory(), LocationFactory(), FactoryStoreFactory()
    give_stock(phone, wh1, 10)
    give_stock(phone, wh2, 5)
    give_stock(phone, store, 100)
    give_stock(screen, store, 7)
    services.stock_reserve(acting_user=None, item=phone, location=wh1, qty=4)
    with django_assert_num_queries(1):
        assert selectors.stock_on_hand() == {phone.pk: 115, screen.pk: 7}
    with django_assert_num_queries(1):
        assert selectors.stock_on_hand(kinds=[LocationKind.WAREHOUSE]) == {phone.pk: 15}
    with django_assert_num_queries(1):
        assert selectors.stock_available() == {phone.pk: 11}
    with django_assert_num_queries(1):
        assert selectors.stock_available(item_ids=[screen.pk], kinds=("factory_store", "warehouse")) == {screen.pk: 7}
    assert selectors.stock_on_hand(item_ids=[]) == {}
    with pytest.raises(ApplicationError, match="Unknown location kind"):
        selectors.stock_on_hand(kinds=["moon"])
    assert [lv.location for lv in selectors.stock_by_location(phone)] == sorted([wh1, wh2, store], key=lambda x: x.code)


def test_ledger_sums_match_levels():
    item, a = give_stock(qty=50)
    b = LocationFactory()
    services.stock_move_post(acting_user=None, item=item, qty=20, from_location=a, to_location=b, reason="transfer")
    services.stock_move_post(acting_user=None, item=item, qty=5, from_location=b, reason="issue")
    for location in (a, b):
        ins = StockMove.objects.filter(item=item, to_location=location).aggregate(s=Sum("qty"))["s"] or 0
        outs = StockMove.objects.filter(item=item, from_location=location).aggregate(s=Sum("qty"))["s"] or 0
        assert level(item, location).on_hand == ins - outs

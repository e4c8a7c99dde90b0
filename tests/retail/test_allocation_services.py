from decimal import Decimal

import pytest

from erp.errors import ApplicationError
from erp.models import ItemLifecycle
from logistics.models import StockLevel
from logistics.services import stock_reserve
from retail import selectors, services
from retail.models import (
    AllocationRun,
    NoticeKind,
    OrderLineReservation,
    PrepaymentAccount,
    PrepaymentEntry,
    RetailerNotice,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerTier,
)
from tests.erp.factories import ItemFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.allocation_setup import launch
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product

pytestmark = pytest.mark.django_db


def _preview(item, quantity, method="pro_rata", use_tiers=False, user=None):
    return services.allocation_run_preview(
        acting_user=user, item=item, quantity=quantity, method=method, use_tiers=use_tiers
    )


def _shares(run):
    return {line.retailer.code: (line.requested, line.allocated) for line in run.lines.select_related("retailer")}


def test_preview_records_the_run_and_changes_nothing_else(sales_user):
    scene = launch()
    run = _preview(scene.product, 50, user=sales_user)
    assert run.status == "preview" and run.created_by == sales_user
    assert (run.quantity, run.requested_total, run.allocated_total) == (50, 100, 50)
    # 50 of 100 pro rata: 15, 25, 10
    assert _shares(run) == {"R-001": (30, 15), "R-002": (50, 25), "R-003": (20, 10)}
    assert {line.weight for line in run.lines.all()} == {Decimal(30), Decimal(50), Decimal(20)}
    assert not OrderLineReservation.objects.exists()
    assert RetailerOrderLine.objects.filter(allocated_quantity__isnull=False).count() == 0
    assert set(RetailerOrder.objects.values_list("status", flat=True)) == {"confirmed"}


def test_tiers_and_fcfs():
    scene = launch()
    run = _preview(scene.product, 50, method="fcfs", use_tiers=True)
    assert _shares(run) == {"R-001": (30, 30), "R-002": (50, 20), "R-003": (20, 0)}
    run = _preview(scene.product, 50, method="pro_rata", use_tiers=True)
    assert _shares(run) == {"R-001": (30, 30), "R-002": (50, 20), "R-003": (20, 0)}
    run = _preview(scene.product, 50, method="fcfs")
    # confirmation order is creation order here
    assert _shares(run) == {"R-001": (30, 30), "R-002": (50, 20), "R-003": (20, 0)}


def test_by_prepayment_weight_is_the_hold_plus_a_share_of_the_free_balance():
    scene = launch(requests=((2, 10), (2, 10)), stock=(10,))
    rich, poor = scene.retailers
    deposit(rich, 9000)  # rich has 1,000 + 9,000 free; poor 1,000
    # rich's second order for the same product takes 10 x 100 of its free balance into a hold
    make_order(rich, [(scene.product, 10)], confirm=True)
    run = _preview(scene.product, 10, method="by_prepayment")
    weights = {(line.retailer.code, line.order_line_id): line.weight for line in run.lines.select_related("retailer")}
    rich_weights = sorted(w for (code, _), w in weights.items() if code == rich.code)
    # rich: free 9,000 shared 10:10 -> 4,500 each, plus its 1,000 hold on each line
    assert rich_weights == [Decimal("5500.00"), Decimal("5500.00")]
    assert [w for (code, _), w in weights.items() if code == poor.code] == [Decimal("2000.00")]
    allocated = {}
    for line in run.lines.select_related("retailer"):
        allocated[line.retailer.code] = allocated.get(line.retailer.code, 0) + line.allocated
    # 10 units by 5,500 : 5,500 : 2,000 -> 4.23, 4.23, 1.54 -> floors 4, 4, 1 and the remainder to the largest part
    # 10 x 2,000 / 13,000 = 1.54 has the largest fractional part, so poor gets the unit left over
    assert allocated == {rich.code: 8, poor.code: 2}


def _reservations() -> list[tuple[str, str, int]]:
    return sorted(
        (r.line.order.retailer.code, r.location.code, r.quantity)
        for r in OrderLineReservation.objects.select_related("line__order__retailer", "location")
    )


def test_apply_reserves_in_the_retailers_region_first_then_the_others_by_code():
    product = priced_product(retailer_price="100.00")
    for code, region in (("WH-A", "East"), ("WH-B", "South"), ("WH-C", "North")):
        give_stock(product, LocationFactory(code=code, region=region), 30)
    orders = []
    for code, region, quantity in (("R-001", "South", 20), ("R-002", "East", 40), ("R-003", "North", 20)):
        retailer = RetailerFactory(code=code, region=region)
        deposit(retailer, quantity * 100)
        orders.append(make_order(retailer, [(product, quantity)], confirm=True))
    services.allocation_run_execute(
        acting_user=None, item=product, quantity=80, method="fcfs", use_tiers=False, apply=True
    )
    # Each takes its own region's stock first; the East's 10 over go to the others by code, after every
    # line has taken what its own region has (so the North keeps its 20 for the North's retailer).
    assert _reservations() == [
        ("R-001", "WH-B", 20),
        ("R-002", "WH-A", 30),
        ("R-002", "WH-B", 10),
        ("R-003", "WH-C", 20),
    ]


def test_apply_reserves_settles_releases_notifies(sales_user):
    scene = launch()
    accounts_before = {a.retailer_id: (a.balance_cents, a.held_cents) for a in PrepaymentAccount.objects.all()}
    run = _preview(scene.product, 55, method="pro_rata", user=sales_user)
    shares = _shares(run)
    assert shares == {"R-001": (30, 17), "R-002": (50, 27), "R-003": (20, 11)}
    run = services.allocation_run_apply(acting_user=sales_user, run=run)
    assert run.status == "applied" and run.applied_by == sales_user and run.applied_at

    # stock: 40 in WH-A then 15 in WH-B, lines in confirmation order
    levels = {lvl.location.code: (lvl.on_hand, lvl.reserved) for lvl in StockLevel.objects.select_related("location")}
    assert levels == {"WH-A": (40, 40), "WH-B": (30, 15)}
    # every retailer is in the East, like both warehouses: by code
    assert _reservations() == [
        ("R-001", "WH-A", 17),
        ("R-002", "WH-A", 23),
        ("R-002", "WH-B", 4),
        ("R-003", "WH-B", 11),
    ]

    # holds: the unallocated part released to the cent; balances unchanged
    for order in RetailerOrder.objects.select_related("retailer__prepayment_account"):
        requested, allocated = shares[order.retailer.code]
        assert order.status == RetailerOrderStatus.ALLOCATED and order.allocated_at
        assert order.held_cents == allocated * 100 * 100
        account = order.retailer.prepayment_account
        balance, held = accounts_before[order.retailer_id]
        assert account.balance_cents == balance
        assert account.held_cents == held - (requested - allocated) * 100 * 100
        entry = PrepaymentEntry.objects.get(order=order, kind="release")
        assert entry.amount_cents == (requested - allocated) * 10000
        assert entry.held_after_cents == account.held_cents and entry.balance_after_cents == account.balance_cents
        assert order.lines.get().allocated_quantity == allocated
        assert order.history.first().history_change_reason == f"allocated by run {run.pk}"

    notices = {n.retailer.code: n for n in RetailerNotice.objects.select_related("retailer")}
    assert set(notices) == {"R-001", "R-002", "R-003"}
    notice = notices["R-002"]
    assert notice.kind == NoticeKind.ALLOCATION and notice.url == f"/portal/orders/{scene.orders[1].number}/"
    assert scene.product.sku in notice.message and "27 of the 50" in notice.message


def test_an_order_with_an_unsettled_line_stays_confirmed():
    scene = launch(requests=((2, 10),), stock=(10,))
    other = RetailerFactory(code="R-900")
    deposit(other, 100_000)
    from tests.retail.factories import priced_product

    accessory = priced_product(retailer_price="10.00")
    order = make_order(other, [(scene.product, 4), (accessory, 5)], confirm=True)
    run = services.allocation_run_execute(
        acting_user=None, item=scene.product, quantity=7, method="pro_rata", use_tiers=False, apply=True
    )
    order.refresh_from_db()
    assert run.status == "applied"
    assert order.status == "confirmed" and order.allocated_at is None
    line = order.lines.get(item=scene.product)
    assert line.allocated_quantity == 2  # 7 of 14: 5 and 2
    assert order.held_cents == 2 * 10000 + 5 * 1000


def test_zero_allocation_releases_the_whole_line(sales_user):
    scene = launch(requests=((1, 5), (3, 5)), stock=(5,))
    run = services.allocation_run_execute(
        acting_user=sales_user, item=scene.product, quantity=5, method="fcfs", use_tiers=True, apply=True
    )
    assert _shares(run) == {"R-001": (5, 5), "R-002": (5, 0)}
    second = RetailerOrder.objects.get(retailer=scene.retailers[1])
    assert second.status == "allocated" and second.held_cents == 0
    assert not OrderLineReservation.objects.filter(line__order=second).exists()
    assert "0 of the 5" in RetailerNotice.objects.get(retailer=scene.retailers[1]).message


def test_applied_twice_is_refused():
    scene = launch()
    run = services.allocation_run_execute(
        acting_user=None, item=scene.product, quantity=10, method="fcfs", use_tiers=False, apply=True
    )
    with pytest.raises(ApplicationError, match="already applied"):
        services.allocation_run_apply(acting_user=None, run=run)
    assert StockLevel.objects.filter(reserved__gt=0).count() == 1


@pytest.mark.parametrize("change", ["cancel", "settle", "new_order", "stock"])
def test_a_stale_preview_is_refused_and_nothing_is_written(change):
    scene = launch()
    run = _preview(scene.product, 60)
    if change == "cancel":
        services.retailer_order_cancel(acting_user=None, order=scene.orders[1])
        expected = "cancelled since the preview"
    elif change == "settle":
        services.allocation_run_execute(
            acting_user=None, item=scene.product, quantity=5, method="fcfs", use_tiers=False, apply=True
        )
        expected = "since the preview"
    elif change == "new_order":
        late = RetailerFactory(code="R-LATE")
        deposit(late, 10_000)
        make_order(late, [(scene.product, 3)], confirm=True)
        expected = "after the preview"
    else:
        stock_reserve(acting_user=None, item=scene.product, location=scene.warehouses[0], qty=35)
        expected = "only 35 of"
    reserved = sorted(StockLevel.objects.values_list("reserved", flat=True))
    entries = PrepaymentEntry.objects.count()
    with pytest.raises(ApplicationError, match=expected) as error:
        services.allocation_run_apply(acting_user=None, run=run)
    assert error.value.extra["code"] == "stale"
    run.refresh_from_db()
    assert run.status == "preview"
    assert sorted(StockLevel.objects.values_list("reserved", flat=True)) == reserved
    assert PrepaymentEntry.objects.count() == entries


def test_bad_input_is_refused_with_clear_messages():
    scene = launch()
    for quantity in (0, -3, 2.5, True, "10"):
        with pytest.raises(ApplicationError, match="whole number"):
            _preview(scene.product, quantity)
    with pytest.raises(ApplicationError, match=r"only 70 of .* available .*cannot allocate 71") as error:
        _preview(scene.product, 71)
    assert error.value.extra["available"] == 70
    with pytest.raises(ApplicationError, match="Unknown method"):
        _preview(scene.product, 5, method="lottery")
    with pytest.raises(ApplicationError, match="not a product"):
        _preview(ItemFactory(kind="component"), 5)
    scene.product.lifecycle_status = ItemLifecycle.OBSOLETE
    scene.product.save()
    with pytest.raises(ApplicationError, match="discontinued"):
        _preview(scene.product, 5)
    assert not AllocationRun.objects.exists()


def test_no_waiting_orders_is_refused():
    scene = launch(requests=((RetailerTier.KEY, 5),))
    services.retailer_order_cancel(acting_user=None, order=scene.orders[0])
    with pytest.raises(ApplicationError, match="No confirmed order of an active retailer is waiting"):
        _preview(scene.product, 5)


def test_a_retailer_on_hold_keeps_its_order_but_gets_no_share_until_active_again():
    scene = launch()
    services.retailer_set_status(acting_user=None, retailer=scene.retailers[1], status="on_hold", reason="credit")
    run = _preview(scene.product, 50)
    assert _shares(run) == {"R-001": (30, 30), "R-003": (20, 20)}
    assert RetailerOrder.objects.get(pk=scene.orders[1].pk).status == RetailerOrderStatus.CONFIRMED
    waiting = {row["item__sku"]: row["requested"] for row in selectors.allocation_waiting_demand()}
    assert waiting == {scene.product.sku: 50}
    services.retailer_set_status(acting_user=None, retailer=scene.retailers[1], status="active", reason="paid")
    assert _shares(_preview(scene.product, 50)) == {"R-001": (30, 15), "R-002": (50, 25), "R-003": (20, 10)}


def test_enough_stock_serves_everybody_and_stock_in_other_locations_does_not_count():
    scene = launch(stock=(100, 20))
    from tests.logistics.factories import FactoryStoreFactory

    give_stock(scene.product, FactoryStoreFactory(), 500)  # a factory store is not a warehouse
    with pytest.raises(ApplicationError, match="only 120 of"):
        _preview(scene.product, 121)
    run = services.allocation_run_execute(
        acting_user=None, item=scene.product, quantity=120, method="by_prepayment", use_tiers=True, apply=True
    )
    assert run.allocated_total == 100
    assert all(line.allocated == line.requested for line in run.lines.all())
    assert not PrepaymentEntry.objects.filter(kind="release").exists()

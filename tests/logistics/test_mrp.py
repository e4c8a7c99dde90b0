from decimal import Decimal

import pytest

from erp import roles
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek
from logistics.models import LocationKind, MrpPlannedOrder, MrpRun
from logistics.selectors.mrp import mrp_latest_run
from logistics.services.mrp import mrp_planned_orders_to_purchase_orders, mrp_run_execute, mrp_run_request
from procurement.models import PurchaseOrder, Supplier
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.logistics.factories_production import FactoryCapacityFactory, FactoryFactory, make_locked
from tests.procurement.factories import (
    AssemblyFactory,
    BomLineFactory,
    SupplierFactory,
    SupplierOfferFactory,
    make_order,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def plant():
    """A phone: a built board (no offer) holding one 13-week screen, plus 12 screws; 2,000 built in week +2."""
    this_week = IsoWeek.current()
    phone, board = ProductFactory(sku="PH-MRP", batch_multiple=1), AssemblyFactory(sku="AS-BOARD")
    screen, screw = ItemFactory(sku="CP-SCREEN"), ItemFactory(sku="CP-SCREW")
    BomLineFactory(parent=phone, child=board)
    BomLineFactory(parent=board, child=screen)
    BomLineFactory(parent=phone, child=screw, qty_per=D(12))
    screen_supplier, screw_supplier = SupplierFactory(code="SUP-SCREEN"), SupplierFactory(code="SUP-SCREW")
    SupplierOfferFactory(
        supplier=screen_supplier, item=screen, moq=1000, order_multiple=500, lead_time_days=91, breaks=[(1, "250")]
    )
    SupplierOfferFactory(supplier=screw_supplier, item=screw, lead_time_days=14, breaks=[(1, "0.01")])
    factory = FactoryFactory(code="FAC-T")
    FactoryCapacityFactory(factory=factory, item=phone, weekly_capacity=5000)
    make_locked([(factory, phone, this_week + 2, 2000)])
    store = LocationFactory(code="FS-MRP", kind=LocationKind.FACTORY_STORE, factory=factory)
    give_stock(screen, store, 500)
    give_stock(screw, LocationFactory(code="WH-MRP", kind=LocationKind.WAREHOUSE), 100000)
    give_stock(screen, LocationFactory(code="ST-MRP", kind=LocationKind.STORE), 999)  # a store's stock is not netted
    return {"phone": phone, "screen": screen, "screw": screw, "screen_supplier": screen_supplier, "week": this_week}


def run_mrp():
    run = mrp_run_request(reason="test")
    return mrp_run_execute(run_id=run.pk)


def test_the_long_lead_screen_is_short_and_the_screws_are_covered(plant):
    run = run_mrp()
    assert run.status == MrpRun.Status.DONE and run.part_count == 2 and run.shortage_count == 1
    screen = run.parts.get(item=plant["screen"])
    assert screen.gross[:4] == [0, 0, 2000, 0] and screen.on_hand == 500
    assert screen.projected[2] == 0 and screen.planned[2] == 1500  # 1,500 short: 3 x 500, above the MOQ
    order = screen.planned_orders.get()
    assert (order.quantity, order.weeks_late) == (1500, 11)  # needed in week +2, 13 weeks of lead time
    assert order.release_week == (plant["week"] + 2 - 13).monday
    assert screen.products == ["PH-MRP"] and screen.supplier.code == "SUP-SCREEN"
    screws = run.parts.get(item=plant["screw"])
    assert screws.gross[2] == 24000 and not screws.planned_orders.exists()


def test_open_purchase_orders_are_netted(plant):
    make_order(plant["screen_supplier"], lines=[(plant["screen"], 1000, D("250"))], status="sent")
    run = run_mrp()
    screen = run.parts.get(item=plant["screen"])
    assert sum(screen.scheduled) == 1000
    assert screen.planned_orders.get().quantity == 500 * 2  # 2,000 - 500 on hand - 1,000 on order, up to the MOQ


def test_runs_are_deduplicated_and_idempotent(plant):
    first, second = mrp_run_request(reason="a"), mrp_run_request(reason="b")
    assert first.pk == second.pk
    done = mrp_run_execute(run_id=first.pk)
    assert mrp_run_execute(run_id=first.pk).finished_at == done.finished_at
    assert MrpPlannedOrder.objects.filter(run=done).count() == 1
    assert mrp_run_request(reason="c").pk != first.pk  # a new request after the run queues a new one


def test_planned_orders_become_one_draft_per_supplier_once(plant):
    run = run_mrp()
    order = MrpPlannedOrder.objects.get(run=run)
    buyer = UserFactory(roles=[roles.PROCUREMENT])
    created = mrp_planned_orders_to_purchase_orders(acting_user=buyer, planned_order_ids=[order.pk])
    assert len(created) == 1 and created[0].status == PurchaseOrder.Status.DRAFT
    line = created[0].lines.get()
    assert (line.item_id, line.quantity, created[0].supplier.code) == (plant["screen"].pk, 1500, "SUP-SCREEN")
    with pytest.raises(ApplicationError, match="already on purchase order"):
        mrp_planned_orders_to_purchase_orders(acting_user=buyer, planned_order_ids=[order.pk])


def test_blocked_suppliers_are_never_chosen(plant):
    Supplier.objects.filter(code="SUP-SCREEN").update(status=Supplier.Status.BLOCKED, status_reason="quality")
    run = run_mrp()
    screen = run.parts.get(item=plant["screen"])
    assert screen.supplier is None  # nobody else offers it: the shortage says so
    order = screen.planned_orders.get()
    with pytest.raises(ApplicationError, match="no supplier offers it"):
        mrp_planned_orders_to_purchase_orders(acting_user=None, planned_order_ids=[order.pk])


def test_api_pages_and_supplier_requirements(
    plant, api_client, client, planning_user, django_capture_on_commit_callbacks
):
    planner = token_client(api_client, planning_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post("/api/v1/mrp/run/")
    assert response.status_code == 202
    assert mrp_latest_run() is not None  # eager Celery ran it on commit
    shortages = planner.get("/api/v1/mrp/shortages/").json()
    assert [(row["sku"], row["quantity"], row["weeks_late"], row["supplier"]) for row in shortages["results"]] == [
        ("CP-SCREEN", 1500, 11, "SUP-SCREEN")
    ]
    assert planner.get("/api/v1/mrp/suggestions/").json()["count"] == 1
    client.force_login(planning_user)
    page = client.get("/logistics/mrp/")
    assert page.status_code == 200 and b"CP-SCREEN" in page.content
    part = client.get("/logistics/mrp/parts/CP-SCREEN/")
    assert part.status_code == 200 and b"1500" in part.content
    assert client.get("/logistics/mrp/parts/NOPE/").status_code == 404
    sales = UserFactory(roles=[roles.SALES])
    assert_error_shape(token_client(api_client, sales).get("/api/v1/mrp/shortages/"), 403)
    from procurement.selectors import supplier_requirements

    rows = supplier_requirements(supplier_id=plant["screen_supplier"].pk)
    assert rows == [{"sku": "CP-SCREEN", "week": (plant["week"] + 2).key, "quantity": 1500}]


def test_a_purchase_order_change_queues_a_run(plant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_order(plant["screen_supplier"], lines=[(plant["screen"], 1000, D("250"))], status="sent")
    run = mrp_latest_run()  # the run queued by the schedule lock, joined and now computed with the order
    assert sum(run.parts.get(item=plant["screen"]).scheduled) == 1000


def test_locking_a_schedule_queues_a_run(plant, django_capture_on_commit_callbacks):
    factory = FactoryFactory(code="FAC-T2")
    FactoryCapacityFactory(factory=factory, item=plant["phone"], weekly_capacity=5000)
    with django_capture_on_commit_callbacks(execute=True):
        make_locked([(factory, plant["phone"], plant["week"] + 3, 1000)])
    run = mrp_latest_run()
    assert run.reason.startswith("schedule version") and run.parts.get(item=plant["screen"]).gross[3] == 1000


def test_a_stock_move_queues_a_run_that_nets_it(plant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        give_stock(plant["screen"], LocationFactory(code="WH-MORE", kind=LocationKind.WAREHOUSE), 1500)
    screen = mrp_latest_run().parts.get(item=plant["screen"])
    assert screen.on_hand == 2000 and not screen.planned_orders.exists()


def test_shortage_and_suggestion_lists_read_in_fixed_queries(
    plant, api_client, planning_user, django_assert_num_queries
):
    run_mrp()
    planner = token_client(api_client, planning_user)
    # token (user joined), permissions, latest run, count, page (part, item, supplier, order joined)
    with django_assert_num_queries(4):
        one = planner.get("/api/v1/mrp/suggestions/").json()
    give_stock(plant["screw"], LocationFactory(kind=LocationKind.FACTORY_STORE, factory=FactoryFactory()), 1)
    BomLineFactory(parent=plant["phone"], child=ItemFactory(sku="CP-GLUE"), qty_per=D(1))
    SupplierOfferFactory(item=Item.objects.get(sku="CP-GLUE"), lead_time_days=200, breaks=[(1, "1")])
    run_mrp()
    with django_assert_num_queries(4):
        two = planner.get("/api/v1/mrp/suggestions/").json()
    assert two["count"] > one["count"]

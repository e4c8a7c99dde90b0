"""Locking a meeting: each factory gets its weekly order sheet, and MRP's shortages become draft purchase orders."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from erp.errors import ApplicationError
from logistics.models import FactoryOrderSheet, MrpRun
from logistics.services import factory_order_sheets_issue
from orders.models import MeetingWeek
from orders.services.meeting import meeting_cell_set, meeting_lock, meeting_open, meeting_unlock
from orders.services.meeting_outputs import meeting_lock_outputs_make
from procurement.models import PurchaseOrder
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory
from tests.logistics.factories_production import factory_user
from tests.orders.meeting_setup import meeting_world
from tests.procurement.factories import BomLineFactory, SupplierFactory, SupplierOfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One phone (two factories), whose screen takes 13 weeks to buy and whose screw nobody offers."""
    world = meeting_world()
    phone = world.phones[0]
    screen, screw = ItemFactory(sku="CP-LOCK-SCREEN"), ItemFactory(sku="CP-LOCK-SCREW")
    BomLineFactory(parent=phone, child=screen)
    BomLineFactory(parent=phone, child=screw, qty_per=Decimal(4))
    world.supplier = SupplierFactory(code="SUP-LOCK")
    SupplierOfferFactory(
        supplier=world.supplier, item=screen, moq=1, order_multiple=1, lead_time_days=91, breaks=[(1, "120")]
    )
    world.screen, world.screw = screen, screw
    return world


def _lock(world, planning_user, capture, *, raise_week0: bool = True) -> MeetingWeek:
    """Open the meeting, raise this week's build from 800 to 1,200 (once), lock it with callbacks run."""
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    if raise_week0:
        meeting_cell_set(
            acting_user=planning_user,
            meeting=meeting,
            item=world.phones[0],
            plan_week=world.week,
            quantity=1200,
            expected=800,
        )
    with capture(execute=True):
        meeting_lock(acting_user=planning_user, meeting=meeting, reason="weekly order meeting")
    return MeetingWeek.objects.get(pk=meeting.pk)


def test_locking_issues_one_sheet_per_factory_for_the_week(world, planning_user, django_capture_on_commit_callbacks):
    meeting = _lock(world, planning_user, django_capture_on_commit_callbacks)
    sheets = {s.factory.code: s for s in FactoryOrderSheet.objects.select_related("factory", "version")}
    codes = [f.code for f in world.factories]
    assert set(sheets) == set(codes)
    # 1,200 split by capacity (1,000 : 500) in whole batches of 100.
    assert [(sheets[c].lines, sheets[c].units) for c in codes] == [(1, 800), (1, 400)]
    assert all(s.version == meeting.schedule and s.week == meeting.week for s in sheets.values())
    assert all(s.issued_by == planning_user and s.first_downloaded_at is None for s in sheets.values())


def test_shortages_become_one_draft_order_and_unorderable_parts_are_named(
    world, planning_user, django_capture_on_commit_callbacks
):
    meeting = _lock(world, planning_user, django_capture_on_commit_callbacks)
    assert meeting.outputs_at is not None and meeting.mrp_run.status == MrpRun.Status.DONE
    (order,) = meeting.draft_purchase_orders.all()
    assert (order.supplier, order.status) == (world.supplier, PurchaseOrder.Status.DRAFT)
    (line,) = order.lines.all()
    # 1,200 built this week, 800 in each of the next two: one screen each, none in stock.
    assert (line.item, line.quantity) == (world.screen, 1200 + 800 + 800)
    assert "CP-LOCK-SCREW: no supplier offers it" in meeting.outputs_note

    again = meeting_lock_outputs_make(meeting_id=meeting.pk)
    assert again.outputs_at == meeting.outputs_at
    assert PurchaseOrder.objects.count() == 1


def test_unlock_and_lock_again_does_not_order_the_same_parts_twice(
    world, planning_user, django_capture_on_commit_callbacks
):
    meeting = _lock(world, planning_user, django_capture_on_commit_callbacks)
    first_version = meeting.schedule
    meeting_unlock(acting_user=planning_user, meeting=meeting, reason="late retailer order")
    meeting = _lock(world, planning_user, django_capture_on_commit_callbacks, raise_week0=False)
    assert meeting.schedule != first_version
    assert PurchaseOrder.objects.count() == 1 and meeting.draft_purchase_orders.count() == 1
    assert FactoryOrderSheet.objects.filter(version=meeting.schedule).count() == 2  # fresh sheets for the new plan
    assert FactoryOrderSheet.objects.count() == 4


def test_only_a_locked_version_is_sent(world, planning_user):
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    with pytest.raises(ApplicationError, match="draft"):
        factory_order_sheets_issue(acting_user=planning_user, version=meeting.schedule, week=world.week)
    assert not FactoryOrderSheet.objects.exists()


def test_a_refused_lock_issues_nothing(world, planning_user):
    meeting = meeting_open(acting_user=planning_user, week=world.week)
    with pytest.raises(ApplicationError, match="reason"):
        meeting_lock(acting_user=planning_user, meeting=meeting, reason="  ")
    assert not FactoryOrderSheet.objects.exists() and not PurchaseOrder.objects.exists()


def test_the_page_and_the_api_show_what_the_lock_sent(
    world, planning_user, client, api_client, django_capture_on_commit_callbacks
):
    meeting = _lock(world, planning_user, django_capture_on_commit_callbacks)
    order = meeting.draft_purchase_orders.get()
    client.force_login(planning_user)
    page = client.get(f"/meeting/{world.week.key}/").text
    assert order.number in page and "no supplier offers it" in page
    for factory in world.factories:
        assert f"/factories/{factory.code}/order-sheet/{world.week.key}/?version={meeting.schedule.number}" in page
    body = token_client(api_client, planning_user).get(f"/api/v1/meetings/{world.week.key}/").json()
    assert body["draft_purchase_orders"] == [order.number] and body["outputs_pending"] is False
    assert sorted((s["factory"], s["units"]) for s in body["order_sheets"]) == sorted(
        [(world.factories[0].code, 800), (world.factories[1].code, 400)]
    )


def test_a_factory_fetches_only_its_own_sheets(world, planning_user, api_client, django_capture_on_commit_callbacks):
    _lock(world, planning_user, django_capture_on_commit_callbacks)
    mine, theirs = (FactoryOrderSheet.objects.get(factory=f) for f in world.factories)
    client = token_client(api_client, factory_user(world.factories[0]))
    listed = client.get("/api/v1/factory/order-sheets/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert (listed["results"][0]["week"], listed["results"][0]["units"]) == (world.week.key, 800)
    response = client.get(f"/api/v1/factory/order-sheets/{mine.pk}/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["date", "day", world.phones[0].sku]
    assert rows[-1] == ["total", None, 800] and sum(r[2] for r in rows[1:-1]) == 800
    mine.refresh_from_db()
    assert mine.first_downloaded_at is not None
    assert_error_shape(client.get(f"/api/v1/factory/order-sheets/{theirs.pk}/xlsx/"), 404)
    assert_error_shape(client.get("/api/v1/factory/order-sheets/999999/xlsx/"), 404)
    theirs.refresh_from_db()
    assert theirs.first_downloaded_at is None
    staff = token_client(api_client, planning_user)
    assert_error_shape(staff.get("/api/v1/factory/order-sheets/"), 403)

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from procurement import services
from procurement.models import PurchaseOrder, Receipt
from procurement.services import ReceiptInput
from tests.erp.factories import ItemFactory, UserFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db

LIST = "/procurement/purchase-orders/"


@pytest.fixture
def screw():
    return ItemFactory(sku="CP-SCREW-M14")


@pytest.fixture
def supplier(screw):
    supplier = SupplierFactory(code="SUP-A")
    make_offer(supplier, screw)
    return supplier


def test_pages_check_permissions(client, sales_user, retailer_user, planning_user, supplier, screw):
    order = make_order(supplier, lines=[(screw, 1000)])
    detail = f"{LIST}{order.number}/"
    pages = [LIST, detail, f"{LIST}new/", "/procurement/scorecards/", "/procurement/suppliers/SUP-A/scorecard/"]
    assert client.get(LIST).status_code == 302  # to the login page
    client.force_login(sales_user)
    for page in pages:
        assert client.get(page).status_code == 403, page
    client.force_login(retailer_user)
    assert client.get(LIST).status_code == 403
    supplier_bot = UserFactory(is_staff=False)
    services.supplier_user_link(acting_user=None, user=supplier_bot, supplier=supplier)
    client.force_login(supplier_bot)
    assert client.get(detail).status_code == 403
    client.force_login(planning_user)  # reads, but changes nothing
    page = client.get(detail)
    assert page.status_code == 200 and "line_form" not in page.context and "send_form" not in page.context
    assert client.get(f"{LIST}new/").status_code == 403
    for action in ("lines", "lines/remove", "send", "confirm", "receive", "cancel"):
        assert client.post(f"{detail}{action}/", {"line": 1, "reason": "x"}).status_code == 403, action
    order.refresh_from_db()
    assert order.status == "draft" and order.lines.count() == 1


def test_list_filters_sorting_and_query_count(client, procurement_user, supplier, screw, django_assert_num_queries):
    make_order(supplier, lines=[(screw, 1000)], order_date=date(2026, 3, 1))
    sent = make_order(supplier, lines=[(screw, 5000)], status="sent")
    other = SupplierFactory(code="SUP-B")
    for _ in range(5):
        make_order(other, lines=[(ItemFactory(), 10, Decimal("1"))])
    client.force_login(procurement_user)
    page = client.get(LIST)
    assert page.status_code == 200 and page.context["paginator"].count == 7
    assert b"/excel/purchase-order-lines/export/" in page.content
    assert [o.number for o in client.get(f"{LIST}?status=sent").context["object_list"]] == [sent.number]
    rows = client.get(f"{LIST}?supplier=SUP-A&sort=-total").context["object_list"]
    assert [(o.number, o.line_count, o.total) for o in rows] == [
        (sent.number, 1, Decimal("7500")),
        ("PO-2026-00001", 1, Decimal("2000")),
    ]
    assert client.get(f"{LIST}?ordered_after=not-a-date").status_code == 200
    # session, user, groups (staff check), permissions, count, page (joined and annotated)
    with django_assert_num_queries(6):
        client.get(f"{LIST}?q=SUP-B")


def test_create_add_lines_send_confirm_receive_on_pages(client, procurement_user, supplier, screw):
    client.force_login(procurement_user)
    response = client.post(f"{LIST}new/", {"supplier": "SUP-A", "order_date": "2026-06-01", "note": "wk 27"})
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    detail = f"{LIST}{order.number}/"
    assert response["Location"] == detail
    # A quantity off the order multiple: the refusal names MOQ and multiple, nothing written.
    response = client.post(f"{detail}lines/", {"sku": "cp-screw-m14", "quantity": "1200"})
    assert response.status_code == 400 and "in multiples of 500" in response.content.decode()
    assert response.context["line_form"].errors
    response = client.post(f"{detail}lines/", {"sku": "CP-NOPE", "quantity": "1000"})
    assert "Unknown SKU" in response.content.decode()
    assert client.post(f"{detail}lines/", {"sku": "cp-screw-m14", "quantity": "1000"}).status_code == 302
    glue = ItemFactory(sku="CP-GLUE")
    client.post(f"{detail}lines/", {"sku": "CP-GLUE", "quantity": "3", "unit_price": "2.5"})
    client.post(f"{detail}lines/remove/", {"line": 2})
    assert list(order.lines.values_list("item", flat=True)) == [screw.pk] and glue.pk
    assert client.post(f"{detail}send/").status_code == 302
    page = client.get(detail)
    assert "confirm_form" in page.context and "send_form" not in page.context
    assert client.post(f"{detail}confirm/", {}).status_code == 400
    assert client.post(f"{detail}confirm/", {"promised_1": "2026-07-01"}).status_code == 302
    response = client.post(f"{detail}receive/", {"received_on": "2026-07-02", "received_1": "1200"})
    assert response.status_code == 400 and "more than the open 1000" in response.content.decode()
    response = client.post(f"{detail}receive/", {"received_on": "2026-07-02", "received_1": "600", "rejected_1": "20"})
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert (receipt.received_qty, receipt.accepted_qty, receipt.rejected_qty) == (600, 580, 20)
    page = client.get(detail)
    content = page.content.decode()
    assert "Partially received" in content and "late" in content
    assert [entry["reason"] for entry in page.context["trail"]][:3] == ["partially received", "confirmed", "sent"]
    assert "cancel_form" not in page.context


def test_cancel_on_the_page_needs_a_reason(client, procurement_user, supplier, screw):
    order = make_order(supplier, lines=[(screw, 1000)], status="sent")
    client.force_login(procurement_user)
    detail = f"{LIST}{order.number}/"
    assert client.post(f"{detail}cancel/", {"reason": ""}).status_code == 400
    assert client.post(f"{detail}cancel/", {"reason": "demand dropped"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "demand dropped")


def test_logistics_receives_only(client, logistics_user, supplier, screw):
    order = make_order(supplier, lines=[(screw, 1000)], status="confirmed")
    client.force_login(logistics_user)
    page = client.get(f"{LIST}{order.number}/")
    assert "receive_form" in page.context and "cancel_form" not in page.context
    assert client.post(f"{LIST}{order.number}/cancel/", {"reason": "x"}).status_code == 403


def test_scorecard_and_ranking_pages(client, procurement_user, supplier, screw, django_assert_max_num_queries):
    order = make_order(supplier, lines=[(screw, 1000)], status="confirmed", promised=date(2026, 7, 1))
    services.purchase_order_receive(
        acting_user=None, order=order, receipts=[ReceiptInput(1, 1000, 950, 50, date(2026, 7, 3))]
    )
    for _ in range(3):
        SupplierFactory()
    client.force_login(procurement_user)
    page = client.get("/procurement/suppliers/SUP-A/scorecard/?date=2026-07-10&window=180")
    assert page.status_code == 200
    card = page.context["card"]
    assert (card.on_time_rate, card.quality_rate, card.score) == (Decimal("0"), Decimal("0.95"), Decimal("0.58"))
    assert order.number in page.content.decode()
    assert client.get("/procurement/suppliers/sup-a/scorecard/?window=0").status_code == 200  # bad window: defaults
    assert client.get("/procurement/suppliers/SUP-NOPE/scorecard/").status_code == 404
    ranking = client.get("/procurement/scorecards/?date=2026-07-10")
    assert ranking.status_code == 200
    codes = [c.supplier.code for c in ranking.context["object_list"]]
    assert codes[0] == "SUP-A" and len(codes) == 4
    by_quality = client.get("/procurement/scorecards/?date=2026-07-10&sort=-quality_rate&q=sup-a")
    assert [c.supplier.code for c in by_quality.context["object_list"]] == ["SUP-A"]
    export = client.get("/procurement/scorecards/?date=2026-07-10&format=xlsx")
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("supplier", "name", "status", "score")
    assert rows[1][0] == "SUP-A" and rows[1][3] == pytest.approx(0.58) and len(rows) == 5
    assert b"/procurement/suppliers/SUP-A/scorecard/" in client.get("/procurement/suppliers/SUP-A/").content
    dashboard = client.get("/dashboard/").content
    assert b"/procurement/purchase-orders/" in dashboard and b"/procurement/scorecards/" in dashboard

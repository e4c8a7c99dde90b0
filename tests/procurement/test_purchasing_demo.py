from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from procurement.models import PurchaseOrder, Receipt, SupplierUser
from procurement.selectors import supplier_ranking

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_purchase_orders_and_supplier_user(demo, api_client):
    output = demo
    assert "16 purchase orders, 1 supplier API user" in output
    assert "supplier      supplier API" in output  # printed with the other demo logins
    statuses = Counter(PurchaseOrder.objects.values_list("status", flat=True))
    assert set(statuses) == {"draft", "sent", "confirmed", "partially_received", "received", "cancelled"}
    assert 14 <= sum(statuses.values()) <= 16
    late = [r for r in Receipt.objects.select_related("line") if r.received_on > r.line.promised_date]
    assert late and Receipt.objects.filter(rejected_qty__gt=0).exists()
    scores = [card.score for card in supplier_ranking() if card.score is not None]
    assert len(scores) >= 6 and max(scores) - min(scores) > 0.4
    screw_x = next(card for card in supplier_ranking() if card.supplier.code == "SUP-SCREW-X")
    assert screw_x.price_index > 4  # the 5x screw

    link = SupplierUser.objects.select_related("user", "supplier").get()
    assert (link.user.username, link.supplier.code, link.user.is_staff) == ("supplier", "SUP-030", False)
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "supplier", "password": "tempo-demo-2026"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    rows = api_client.get("/api/v1/purchase-orders/").json()["results"]
    assert [row["supplier"] for row in rows] == ["SUP-030"] and rows[0]["status"] == "sent"

    counts = (PurchaseOrder.objects.count(), Receipt.objects.count(), SupplierUser.objects.count())
    again = _seed()
    assert "purchase orders" not in again
    assert (PurchaseOrder.objects.count(), Receipt.objects.count(), SupplierUser.objects.count()) == counts

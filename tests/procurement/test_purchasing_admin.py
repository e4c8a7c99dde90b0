import pytest

from procurement.models import SupplierUser
from tests.erp.factories import ItemFactory, UserFactory
from tests.procurement.factories import SupplierFactory, make_offer, make_order

pytestmark = pytest.mark.django_db


def test_orders_and_receipts_are_read_only_in_the_admin(admin_client):
    supplier, item = SupplierFactory(), ItemFactory()
    make_offer(supplier, item)
    order = make_order(supplier, lines=[(item, 1000)])
    assert admin_client.get("/admin/procurement/purchaseorder/").status_code == 200
    page = admin_client.get(f"/admin/procurement/purchaseorder/{order.pk}/change/")
    assert page.status_code == 200 and item.sku in page.content.decode()
    assert admin_client.get(f"/admin/procurement/purchaseorder/{order.pk}/history/").status_code == 200
    assert admin_client.get("/admin/procurement/purchaseorder/add/").status_code == 403
    assert admin_client.post(f"/admin/procurement/purchaseorder/{order.pk}/change/", {"note": "x"}).status_code == 403
    assert admin_client.get("/admin/procurement/receipt/").status_code == 200
    assert admin_client.get("/admin/procurement/receipt/add/").status_code == 403


def test_supplier_users_are_linked_through_the_service(admin_client):
    supplier = SupplierFactory()
    staff, bot = UserFactory(roles=["procurement"]), UserFactory(is_staff=False)
    response = admin_client.post("/admin/procurement/supplieruser/add/", {"user": staff.pk, "supplier": supplier.pk})
    assert response.status_code == 200 and not SupplierUser.objects.exists()
    assert "Use a user with no role and no staff access." in response.content.decode()
    response = admin_client.post("/admin/procurement/supplieruser/add/", {"user": bot.pk, "supplier": supplier.pk})
    assert response.status_code == 302
    assert SupplierUser.objects.get().user == bot
    assert admin_client.get("/admin/procurement/supplieruser/").status_code == 200

import pytest
from django.urls import reverse

from procurement import services
from procurement.models import Supplier, SupplierStatusChange
from tests.procurement.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def test_access(client, retailer_user, logistics_user):
    SupplierFactory(code="SUP-A")
    assert client.get("/procurement/suppliers/").url.startswith("/login/")
    client.force_login(retailer_user)
    for url in ["/procurement/suppliers/", "/procurement/suppliers/SUP-A/", "/procurement/suppliers/new/"]:
        assert client.get(url).status_code == 403, url
    client.force_login(logistics_user)
    assert client.get("/procurement/suppliers/").status_code == 200
    assert client.get("/procurement/suppliers/new/").status_code == 403
    assert client.get("/procurement/suppliers/SUP-A/edit/").status_code == 403
    assert client.post("/procurement/suppliers/SUP-A/status/", {"status": "on_hold", "reason": "x"}).status_code == 403
    page = client.get("/procurement/suppliers/SUP-A/")
    assert page.status_code == 200 and "status_form" not in page.context


def test_nav_shows_suppliers(client, procurement_user):
    client.force_login(procurement_user)
    assert reverse("supplier-list") in client.get("/dashboard/").content.decode()


def test_list_search_filter_sort_paginate(client, procurement_user):
    SupplierFactory(code="SUP-SCREW-X", name="Screw maker")
    SupplierFactory(code="SUP-JP", name="Kyoto", country="JP", currency_id="JPY")
    SupplierFactory(code="SUP-BAD", status="on_hold", status_reason="audit")
    SupplierFactory.create_batch(57)
    client.force_login(procurement_user)

    page = client.get("/procurement/suppliers/")
    assert page.context["paginator"].count == 60 and len(page.context["object_list"]) == 50
    assert b"Export xlsx" in page.content and b"/excel/suppliers/export/" in page.content
    assert [s.code for s in client.get("/procurement/suppliers/?q=screw").context["object_list"]] == ["SUP-SCREW-X"]
    assert [s.code for s in client.get("/procurement/suppliers/?status=on_hold").context["object_list"]] == ["SUP-BAD"]
    assert [s.code for s in client.get("/procurement/suppliers/?country=jp").context["object_list"]] == ["SUP-JP"]
    assert [s.code for s in client.get("/procurement/suppliers/?currency=JPY").context["object_list"]] == ["SUP-JP"]
    ordered = [s.code for s in client.get("/procurement/suppliers/?sort=-code").context["object_list"]]
    assert ordered == sorted(ordered, reverse=True)
    assert client.get("/procurement/suppliers/?sort=not_a_field").status_code == 200
    assert len(client.get("/procurement/suppliers/?page=2").context["object_list"]) == 10
    assert client.get("/procurement/suppliers/?page=99").status_code == 404
    assert b"No supplier matches these filters." in client.get("/procurement/suppliers/?q=nothing-like-it").content


def test_list_query_count_does_not_grow_with_rows(client, procurement_user, django_assert_num_queries):
    SupplierFactory.create_batch(5)
    client.force_login(procurement_user)
    client.get("/procurement/suppliers/")  # warm up caches that are not per request
    # session, user, roles, permissions, count, page with currencies
    with django_assert_num_queries(6):
        few = client.get("/procurement/suppliers/")
    SupplierFactory.create_batch(40)
    with django_assert_num_queries(6):
        many = client.get("/procurement/suppliers/")
    assert len(few.context["object_list"]) == 5 and len(many.context["object_list"]) == 45


def test_detail_shows_status_history_and_audit_trail(client, procurement_user):
    supplier = SupplierFactory(code="SUP-BAT", name="Battery Co")
    services.supplier_set_status(
        acting_user=procurement_user, supplier=supplier, status="blocked", reason="Battery swelling found"
    )
    client.force_login(procurement_user)
    page = client.get("/procurement/suppliers/SUP-BAT/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Battery swelling found" in html
    assert list(page.context["status_history"]) == list(SupplierStatusChange.objects.all())
    assert procurement_user.username in html
    assert page.context["trail"] and "status_form" in page.context
    assert client.get("/procurement/suppliers/NOPE/").status_code == 404


def test_create_and_edit_forms(client, procurement_user):
    client.force_login(procurement_user)
    assert client.get("/procurement/suppliers/new/").status_code == 200
    response = client.post(
        "/procurement/suppliers/new/",
        {"code": "sup-new", "name": "New", "country": "CN", "currency": "CNY", "payment_terms": "net30"},
    )
    assert response.status_code == 302 and response.url == "/procurement/suppliers/SUP-NEW/"
    again = client.post(
        "/procurement/suppliers/new/",
        {"code": "SUP-NEW", "name": "Dup", "country": "CN", "currency": "CNY", "payment_terms": "net30"},
    )
    assert again.status_code == 200 and again.context["form"].errors["code"]
    bad = client.post(
        "/procurement/suppliers/new/",
        {"code": "SUP-2", "name": "X", "country": "c1", "currency": "CNY", "payment_terms": "net30"},
    )
    assert "country" in bad.context["form"].errors
    assert not Supplier.objects.filter(code="SUP-2").exists()

    edit = client.get("/procurement/suppliers/SUP-NEW/edit/")
    assert edit.status_code == 200 and edit.context["form"].initial["name"] == "New"
    response = client.post(
        "/procurement/suppliers/SUP-NEW/edit/",
        {"name": "Renamed", "country": "TW", "currency": "TWD", "payment_terms": "net60", "reason": "moved"},
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert (supplier.name, supplier.country, supplier.currency_id) == ("Renamed", "TW", "TWD")
    assert supplier.history.latest().history_change_reason == "moved"
    assert client.get("/procurement/suppliers/NOPE/edit/").status_code == 404


def test_status_form(client, procurement_user):
    SupplierFactory(code="SUP-S")
    client.force_login(procurement_user)
    missing_reason = client.post("/procurement/suppliers/SUP-S/status/", {"status": "blocked", "reason": ""})
    assert missing_reason.status_code == 200
    assert missing_reason.context["status_form"].errors["reason"]
    response = client.post("/procurement/suppliers/SUP-S/status/", {"status": "on_hold", "reason": "audit"})
    assert response.status_code == 302
    assert Supplier.objects.get().status == "on_hold"
    assert client.get("/procurement/suppliers/SUP-S/status/").status_code == 405


def test_blocking_without_the_permission_is_a_form_error(client, procurement_user):
    from django.contrib.auth.models import Permission

    SupplierFactory(code="SUP-S")
    procurement_user.user_permissions.clear()
    group = procurement_user.groups.get()
    group.permissions.remove(Permission.objects.get(codename="block_supplier"))
    client.force_login(procurement_user)
    response = client.post("/procurement/suppliers/SUP-S/status/", {"status": "blocked", "reason": "bad"})
    assert response.status_code == 200
    assert "Only procurement can block" in str(response.context["status_form"].errors["status"])
    assert Supplier.objects.get().status == "active"


def test_admin_saves_suppliers_through_the_service(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/procurement/supplier/add/").status_code == 200
    data = {
        "code": "SUP-ADM",
        "name": "Admin made",
        "country": "CN",
        "currency": "CNY",
        "payment_terms": "net60",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    response = client.post("/admin/procurement/supplier/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    supplier = Supplier.objects.get(code="SUP-ADM")
    assert supplier.history.get().history_user == admin_user
    assert client.get(f"/admin/procurement/supplier/{supplier.pk}/change/").status_code == 200
    assert client.get("/admin/procurement/supplierstatuschange/").status_code == 200
    assert client.get("/admin/procurement/componentprofile/add/").status_code == 200

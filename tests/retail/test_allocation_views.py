import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from erp import roles
from retail import services
from retail.models import AllocationRun, OrderLineReservation
from tests.erp.factories import UserFactory
from tests.retail.allocation_setup import launch
from tests.retail.factories import RetailerFactory, deposit, make_order, retailer_user_for

pytestmark = pytest.mark.django_db


def _preview(product, quantity=50, method="pro_rata", tiers=False):
    return services.allocation_run_preview(
        acting_user=None, item=product, quantity=quantity, method=method, use_tiers=tiers
    )


def _xlsx_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_new_run_form_shows_stock_and_waiting_demand_then_previews(client, sales_user):
    scene = launch()
    client.force_login(sales_user)
    page = client.get(reverse("allocation-run-create"))
    assert page.status_code == 200
    assert f"{scene.product.sku} {scene.product.name} — 70 available, 100 waiting" in page.text
    assert "Waiting for stock" in page.text
    response = client.post(
        reverse("allocation-run-create"),
        {"item": scene.product.sku, "quantity": 55, "method": "pro_rata", "use_tiers": ""},
    )
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("allocation-run-detail", args=[run.pk])
    detail = client.get(response.url)
    assert "Apply" in detail.text and "Re-run" in detail.text and "R-002" in detail.text
    assert f"?item={scene.product.sku}&amp;quantity=55&amp;method=pro_rata&amp;tiers=0" in detail.text
    rerun = client.get(reverse("allocation-run-create"), {"item": scene.product.sku, "quantity": "55"})
    assert 'value="55"' in rerun.text


def test_form_errors_are_shown_and_nothing_is_written(client, sales_user):
    scene = launch()
    client.force_login(sales_user)
    response = client.post(
        reverse("allocation-run-create"), {"item": scene.product.sku, "quantity": 71, "method": "fcfs"}
    )
    assert response.status_code == 200 and "only 70 of" in response.text
    response = client.post(reverse("allocation-run-create"), {"item": scene.product.sku, "quantity": 0})
    assert response.status_code == 200 and "has-error" in response.text
    assert not AllocationRun.objects.exists()


def test_apply_button_and_stale_message(client, sales_user):
    scene = launch()
    run = _preview(scene.product)
    client.force_login(sales_user)
    response = client.post(reverse("allocation-run-apply", args=[run.pk]), follow=True)
    assert "applied" in response.text and "50 units reserved" in response.text
    assert OrderLineReservation.objects.count() == 3
    response = client.post(reverse("allocation-run-apply", args=[run.pk]), follow=True)
    assert "already applied" in response.text
    detail = client.get(reverse("allocation-run-detail", args=[run.pk]))
    assert 'action="/retail/allocations/' not in detail.text  # no Apply button on an applied run


def test_stale_preview_is_refused_on_the_page(client, sales_user):
    scene = launch()
    run = _preview(scene.product)
    services.retailer_order_cancel(acting_user=None, order=scene.orders[0])
    client.force_login(sales_user)
    response = client.post(reverse("allocation-run-apply", args=[run.pk]), follow=True)
    assert "cancelled since the preview; run the preview again" in response.text
    run.refresh_from_db()
    assert run.status == "preview"


def test_permissions(client, make_user):
    scene = launch()
    run = _preview(scene.product)
    urls = [
        reverse("allocation-run-list"),
        reverse("allocation-run-detail", args=[run.pk]),
        reverse("allocation-run-create"),
    ]
    planner = make_user(roles.PLANNING)
    client.force_login(planner)
    assert all(client.get(url).status_code == 200 for url in urls)
    assert "Apply</button>" not in client.get(urls[1]).text
    assert client.post(reverse("allocation-run-apply", args=[run.pk])).status_code == 403
    for role in (roles.LOGISTICS, roles.FINANCE):
        client.force_login(make_user(role))
        assert client.get(urls[0]).status_code == 200 and client.get(urls[1]).status_code == 200
        assert client.get(urls[2]).status_code == 403
    client.force_login(make_user(roles.PROCUREMENT))
    assert client.get(urls[0]).status_code == 403
    retailer_user = retailer_user_for(scene.retailers[0])
    client.force_login(retailer_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("allocation-run-apply", args=[run.pk])).status_code == 403
    assert client.get(f"/admin/retail/allocationrun/{run.pk}/change/").status_code in (302, 403)
    run.refresh_from_db()
    assert run.status == "preview"


def test_list_filters_sort_export_and_empty_state(client, sales_user):
    client.force_login(sales_user)
    empty = client.get(reverse("allocation-run-list"))
    assert "No allocation runs yet" in empty.text
    scene = launch()
    first = _preview(scene.product, 20, "fcfs", True)
    second = services.allocation_run_execute(
        acting_user=sales_user, item=scene.product, quantity=30, method="pro_rata", use_tiers=False, apply=True
    )
    page = client.get(reverse("allocation-run-list"), {"status": "applied"})
    assert f"#{second.pk}<" in page.text and f"#{first.pk}<" not in page.text
    page = client.get(reverse("allocation-run-list"), {"method": "fcfs", "sort": "quantity"})
    assert f"#{first.pk}<" in page.text and f"#{second.pk}<" not in page.text
    assert "No allocation run matches" in client.get(reverse("allocation-run-list"), {"q": "nothing"}).text
    rows = _xlsx_rows(client.get(reverse("allocation-run-list"), {"format": "xlsx", "sort": "created_at"}))
    assert rows[0][:5] == ["run", "sku", "product", "method", "tiers"]
    assert sorted(row[0] for row in rows[1:]) == [first.pk, second.pk]
    applied = next(row for row in rows[1:] if row[0] == second.pk)
    assert applied[5:10] == [30, 100, 30, pytest.approx(0.3), "applied"]


def test_run_export_has_every_line(client, sales_user):
    scene = launch()
    run = _preview(scene.product, 55, "by_prepayment", True)
    client.force_login(sales_user)
    rows = _xlsx_rows(client.get(reverse("allocation-run-detail", args=[run.pk]), {"format": "xlsx"}))
    assert rows[0] == [
        "run",
        "sku",
        "retailer",
        "retailer_name",
        "tier",
        "order",
        "requested_week",
        "confirmed_at",
        "requested",
        "weight",
        "allocated",
        "fill_rate",
    ]
    by_retailer = {row[2]: row for row in rows[1:]}
    assert set(by_retailer) == {"R-001", "R-002", "R-003"}
    assert by_retailer["R-001"][8:11] == [30, pytest.approx(4000.0), 30]  # hold 3,000 + free 1,000
    assert sum(row[10] for row in rows[1:]) == 55


def test_query_counts_do_not_grow_with_rows(client, sales_user, django_assert_num_queries):
    scene = launch()
    run = _preview(scene.product, 10)
    client.force_login(sales_user)
    pages = [
        reverse("allocation-run-list"),
        reverse("allocation-run-detail", args=[run.pk]),
        reverse("allocation-run-create"),
    ]
    counts = {}
    for url in pages:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts[url] = len(context)
    for n in range(5):
        retailer = RetailerFactory(code=f"R-M{n}")
        deposit(retailer, 10_000)
        make_order(retailer, [(scene.product, 3)], confirm=True)
    run = _preview(scene.product, 20)
    _preview(scene.product, 30, "fcfs")
    pages[1] = reverse("allocation-run-detail", args=[run.pk])  # a run with more lines
    for url, count in zip(pages, counts.values(), strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_nav_entry_for_sales(client, sales_user):
    client.force_login(sales_user)
    assert reverse("allocation-run-list") in client.get(reverse("dashboard")).text


def test_staff_without_role_is_refused(client):
    client.force_login(UserFactory(roles=[roles.STORE_OPS]))
    assert client.get(reverse("allocation-run-list")).status_code == 403

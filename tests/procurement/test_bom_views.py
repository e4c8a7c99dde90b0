from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procurement.models import BomLine
from tests.erp.factories import ItemFactory, PriceFactory, ProductFactory
from tests.procurement.factories import (
    AssemblyFactory,
    BomLineFactory,
    ComponentProfileFactory,
    SupplierFactory,
    SupplierOfferFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
ON = "2026-11-02"


@pytest.fixture
def phone():
    phone, board, chip, label = (
        ProductFactory(sku="PH-1"),
        AssemblyFactory(sku="AS-B"),
        ItemFactory(sku="CHIP"),
        ItemFactory(sku="LABEL"),
    )
    BomLineFactory(parent=phone, child=board, qty_per=D(1), scrap_pct=D(10))
    BomLineFactory(parent=board, child=chip, qty_per=D(2))
    BomLineFactory(parent=phone, child=label)
    SupplierOfferFactory(supplier=SupplierFactory(code="S-CHIP"), item=chip, breaks=[(1, "3")])
    PriceFactory(item=phone, list_price=D("10"), retailer_price=D("6.5"))
    return phone


@pytest.fixture
def planner_client(client, planning_user):
    client.force_login(planning_user)
    return client


def test_bom_pages_show_the_tree_and_list(planner_client, phone):
    listing = planner_client.get(reverse("bom-list"))
    assert listing.status_code == 200
    assert b"PH-1" in listing.content and b"AS-B" in listing.content
    detail = planner_client.get(reverse("bom-detail", args=["ph-1"]), {"date": ON})
    assert detail.status_code == 200
    assert [(line.row.sku, line.depth) for line in detail.context["exploded"]] == [
        ("AS-B", 1),
        ("CHIP", 2),
        ("LABEL", 1),
    ]
    assert b'data-depth="2"' in detail.content
    assert planner_client.get(reverse("bom-detail", args=["NOPE"])).status_code == 404


def test_bad_date_is_a_form_error_not_a_500(planner_client, phone):
    response = planner_client.get(reverse("bom-detail", args=["PH-1"]), {"date": "2026-02-30"})
    assert response.status_code == 200
    assert response.context["params"].errors["date"]
    assert "exploded" not in response.context


def test_add_line_form_refuses_a_cycle_as_a_form_error(planner_client, phone):
    url = reverse("bom-line-create", args=["AS-B"])
    response = planner_client.post(url, {"child": "PH-1", "qty_per": "1", "scrap_pct": "0", "valid_from": ON})
    assert response.status_code == 200
    assert "Must be a component or an assembly." in response.context["form"].errors["child"]
    BomLineFactory(parent=AssemblyFactory(sku="AS-C"), child=phone.bom_lines.get(child__sku="AS-B").child)
    response = planner_client.post(url, {"child": "AS-C", "qty_per": "1", "scrap_pct": "0", "valid_from": ON})
    assert response.context["form"].errors["child"] == ["Would loop: AS-B -> AS-C -> AS-B."]
    chip = ItemFactory(sku="CHIP-2")
    response = planner_client.post(url, {"child": "chip-2", "qty_per": "3", "scrap_pct": "1.5", "valid_from": ON})
    assert response.status_code == 302
    assert BomLine.objects.get(child=chip).qty_per == D(3)
    unknown = planner_client.post(url, {"child": "NOPE", "qty_per": "1", "scrap_pct": "0", "valid_from": ON})
    assert "child" in unknown.context["form"].errors


def test_cost_rollup_page_flags_and_exports(planner_client, phone):
    url = reverse("cost-rollup", args=["PH-1"])
    response = planner_client.get(url, {"date": ON, "lot": "5000"})
    assert response.status_code == 200
    rollup = response.context["rollup"]
    assert rollup.unit_cost == D("6.6") and rollup.flagged
    assert "Cost at or above price" in response.content.decode()
    assert "LABEL" in " ".join(rollup.warnings)
    export = planner_client.get(url, {"date": ON, "lot": "5000", "format": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("level", "parent_sku", "sku")
    assert [row[2] for row in rows[1:4]] == ["AS-B", "CHIP", "LABEL"]
    assert rows[-3][1] == "unit_cost" and rows[-3][-1] == pytest.approx(6.6)


def test_cost_pages_show_errors_not_500(planner_client, phone):
    response = planner_client.get(reverse("cost-rollup", args=["CHIP"]), {"date": ON})
    assert response.status_code == 200 and "no BOM lines" in response.context["error"]
    response = planner_client.get(reverse("cost-rollup", args=["PH-1"]), {"date": ON, "lot": "0"})
    assert response.context["params"].errors["lot"] and response.context["rollup"] is None


def test_cost_overview_lists_flagged_first_in_fixed_queries(planner_client, phone):
    fine = ProductFactory(sku="PH-0")
    BomLineFactory(parent=fine, child=ItemFactory())
    PriceFactory(item=fine)
    response = planner_client.get(reverse("cost-overview"), {"date": ON})
    assert [r.item.sku for r in response.context["rollups"]] == ["PH-1", "PH-0"]

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            planner_client.get(reverse("cost-overview"), {"date": ON})
        return len(queries)

    before = count()
    for product in [ProductFactory() for _ in range(5)]:
        BomLineFactory(parent=product, child=ItemFactory())
    assert count() == before


def test_outlier_page_and_export(client, procurement_user):
    screw = ComponentProfileFactory(item=ItemFactory(sku="SCREW")).item
    for price in ("0.06", "0.012", "0.011", "0.013"):
        SupplierOfferFactory(item=screw, breaks=[(1, price)])
    client.force_login(procurement_user)
    response = client.get(reverse("cost-outlier-list"), {"date": ON})
    assert [o.sku for o in response.context["object_list"]] == ["SCREW"]
    assert "5.00×" in response.content.decode()
    export = client.get(reverse("cost-outlier-list"), {"date": ON, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][0] == "SCREW" and rows[1][11] == pytest.approx(5)


def test_component_list(client, procurement_user, django_assert_num_queries):
    for _ in range(3):
        SupplierOfferFactory(item=ComponentProfileFactory().item)
    client.force_login(procurement_user)
    # session, user, groups, permissions, count, page (item joined, offers counted)
    with django_assert_num_queries(6):
        response = client.get(reverse("component-list"), {"sort": "-offer_count"})
    assert [p.offer_count for p in response.context["object_list"]] == [1, 1, 1]
    for _ in range(10):
        SupplierOfferFactory(item=ComponentProfileFactory().item)
    with django_assert_num_queries(6):
        assert len(client.get(reverse("component-list")).context["object_list"]) == 13


def test_bom_list_query_count_does_not_grow(planner_client, phone, django_assert_num_queries):
    with django_assert_num_queries(6):
        assert len(planner_client.get(reverse("bom-list")).context["object_list"]) == 2
    for _ in range(10):
        BomLineFactory()
    with django_assert_num_queries(6):
        assert len(planner_client.get(reverse("bom-list")).context["object_list"]) == 12


@pytest.mark.parametrize("name", ["bom-list", "cost-overview", "cost-outlier-list", "component-list"])
def test_pages_need_permissions(client, sales_user, name):
    client.force_login(sales_user)
    assert client.get(reverse(name)).status_code == 403


def test_detail_pages_need_permissions(client, sales_user, retailer_user, phone):
    client.force_login(sales_user)
    for name in ("bom-detail", "cost-rollup", "bom-line-create"):
        assert client.get(reverse(name, args=["PH-1"])).status_code == 403
    client.force_login(retailer_user)
    assert client.get(reverse("cost-rollup", args=["PH-1"])).status_code == 403

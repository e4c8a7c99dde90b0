from decimal import Decimal

import pytest

from procurement.models import BomLine
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ItemFactory, PriceFactory, ProductFactory
from tests.procurement.factories import AssemblyFactory, BomLineFactory, SupplierFactory, SupplierOfferFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def planner(api_client, planning_user):
    return token_client(api_client, planning_user)


def test_create_update_delete_a_line(planner):
    phone, screw = ProductFactory(sku="PH-1"), ItemFactory(sku="SCREW")
    body = {"parent": "ph-1", "child": "SCREW", "qty_per": "12", "scrap_pct": "0.5", "valid_from": "2026-01-01"}
    created = planner.post("/api/v1/bom-lines/", body, format="json")
    assert created.status_code == 201, created.content
    line = created.json()
    assert (line["parent"], line["child"], line["qty_per"], line["scrap_pct"]) == ("PH-1", "SCREW", "12.0000", "0.50")
    changed = planner.patch(f"/api/v1/bom-lines/{line['id']}/", {"qty_per": "10", "parent": "PH-1"}, format="json")
    assert changed.json()["qty_per"] == "10.0000"
    assert_error_shape(planner.patch(f"/api/v1/bom-lines/{line['id']}/", {"child": "PH-1"}, format="json"), 400)
    assert planner.delete(f"/api/v1/bom-lines/{line['id']}/").status_code == 204
    assert not BomLine.objects.filter(parent=phone).exists()
    assert screw.used_in.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"qty_per": "0"}, "qty_per"),
        ({"qty_per": "-1"}, "qty_per"),
        ({"scrap_pct": "100"}, "scrap_pct"),
        ({"child": "NOPE"}, "sku"),
        ({"valid_from": "yesterday"}, "valid_from"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(planner, body, field):
    ProductFactory(sku="PH-1"), ItemFactory(sku="SCREW")
    base = {"parent": "PH-1", "child": "SCREW", "qty_per": "1", "valid_from": "2026-01-01"}
    error = assert_error_shape(planner.post("/api/v1/bom-lines/", {**base, **body}, format="json"), 400)
    assert field in error["extra"]["fields"], error
    assert not BomLine.objects.exists()


def test_a_cycle_is_a_400_with_the_path(planner):
    a, b = AssemblyFactory(sku="AS-A"), AssemblyFactory(sku="AS-B")
    BomLineFactory(parent=a, child=b)
    body = {"parent": "AS-B", "child": "AS-A", "qty_per": "1", "valid_from": "2026-01-01"}
    error = assert_error_shape(planner.post("/api/v1/bom-lines/", body, format="json"), 400)
    assert error["extra"]["cycle"] == ["AS-B", "AS-A", "AS-B"]


def test_permissions(api_client, sales_user, procurement_user):
    line = BomLineFactory()
    assert token_client(api_client, sales_user).get("/api/v1/bom-lines/").status_code == 403
    reader = token_client(api_client, procurement_user)
    assert reader.get(f"/api/v1/bom-lines/{line.pk}/").status_code == 200
    assert reader.delete(f"/api/v1/bom-lines/{line.pk}/").status_code == 403
    assert reader.get(f"/api/v1/items/{line.parent.sku}/cost/").status_code == 200
    assert token_client(api_client, sales_user).get(f"/api/v1/items/{line.parent.sku}/cost/").status_code == 403
    assert token_client(api_client, sales_user).get("/api/v1/reports/cost-outliers/").status_code == 403


def test_list_query_count_does_not_grow(planner, django_assert_num_queries):
    BomLineFactory.create_batch(30)
    # token (user joined), permissions, count, page (parent and child joined)
    with django_assert_num_queries(3):
        response = planner.get("/api/v1/bom-lines/?page_size=25")
    assert len(response.json()["results"]) == 25


@pytest.fixture
def phone():
    phone, board, chip = ProductFactory(sku="PH-1"), AssemblyFactory(sku="AS-B"), ItemFactory(sku="CHIP")
    BomLineFactory(parent=phone, child=board, qty_per=D(1), scrap_pct=D(10))
    BomLineFactory(parent=board, child=chip, qty_per=D(2))
    SupplierOfferFactory(supplier=SupplierFactory(code="S-CHIP"), item=chip, breaks=[(1, "3.5"), (20000, "3")])
    PriceFactory(item=phone, list_price=D("10"), retailer_price=D("6.5"))
    return phone


def test_cost_endpoint_returns_the_documented_fields_as_strings(planner, phone):
    response = planner.get("/api/v1/items/ph-1/cost/?lot=10000&date=2026-11-02")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "CNY" and body["lot"] == 10000 and body["date"] == "2026-11-02"
    assert body["unit_cost"] == "6.6000"  # 1.1 x (2 chips x 3.00 at 20,000 pieces)
    assert (body["material_cost"], body["conversion_cost"], body["logistics_cost"]) == ("6.6000", "0.0000", "0.0000")
    assert (body["list_price"], body["retailer_price"]) == ("10.0000", "6.5000")
    assert body["margin_list"] == "0.3400" and body["margin_retailer"] == "-0.0154"
    assert body["flagged"] is True
    assert [(line["sku"], line["level"], line["parent_sku"], line["source"]) for line in body["lines"]] == [
        ("AS-B", 1, "PH-1", "rollup"),
        ("CHIP", 2, "AS-B", "offer"),
    ]
    chip = body["lines"][1]
    assert (chip["qty_per"], chip["scrap_pct"], chip["unit_cost"], chip["extended_cost"], chip["supplier"]) == (
        "2.0000",
        "0.00",
        "3.000000",
        "6.600000",
        "S-CHIP",
    )
    assert chip["buy_qty"] == 20000 and chip["offer_id"] is not None


def test_cost_endpoint_errors(planner, phone):
    assert assert_error_shape(planner.get("/api/v1/items/NOPE/cost/"), 400)["extra"]["fields"]["sku"]
    assert "lot" in assert_error_shape(planner.get("/api/v1/items/PH-1/cost/?lot=0"), 400)["extra"]["fields"]
    assert "date" in assert_error_shape(planner.get("/api/v1/items/PH-1/cost/?date=2026-13-01"), 400)["extra"]["fields"]
    no_bom = assert_error_shape(planner.get("/api/v1/items/CHIP/cost/?date=2026-11-02"), 400)
    assert "no BOM lines" in no_bom["message"]


def test_cost_endpoint_query_count_is_fixed(planner, phone, django_assert_num_queries):
    # token (user joined), permissions, item, structure, FX, offers, breaks, cost rates, price
    with django_assert_num_queries(8):
        assert planner.get("/api/v1/items/PH-1/cost/?date=2026-11-02").status_code == 200


def test_outlier_report(api_client, procurement_user):
    screw = ItemFactory(sku="SCREW")
    for price in ("0.06", "0.012", "0.011", "0.013"):
        SupplierOfferFactory(item=screw, breaks=[(1, price)])
    client = token_client(api_client, procurement_user)
    body = client.get("/api/v1/reports/cost-outliers/?date=2026-11-02").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["sku"], row["unit_price_cny"], row["median_of_others"], row["ratio"], row["excess_spend"]) == (
        "SCREW",
        "0.060000",
        "0.012000",
        "5.00",
        "0.00",
    )
    assert "qty" in assert_error_shape(client.get("/api/v1/reports/cost-outliers/?qty=-5"), 400)["extra"]["fields"]

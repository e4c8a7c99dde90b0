from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from openpyxl import Workbook

from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from erp.models import Currency
from procurement import selectors, services
from procurement.models import PriceBreak, SupplierOffer
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import SupplierFactory

pytestmark = pytest.mark.django_db

JAN, JUN = date(2026, 1, 1), date(2026, 6, 1)
BREAKS = [(1, Decimal("0.012")), (10000, Decimal("0.0105")), (100000, Decimal("0.0098"))]


def make_offer(supplier=None, item=None, **overrides):
    fields = {
        "acting_user": None,
        "supplier": supplier or SupplierFactory(),
        "item": item or ItemFactory(),
        "currency": Currency.objects.get(code="CNY"),
        "moq": 10000,
        "order_multiple": 5000,
        "lead_time_days": 14,
        "valid_from": JAN,
        "breaks": BREAKS,
    }
    fields.update(overrides)
    return services.supplier_offer_create(**fields)


def refusal(field, **overrides):
    with pytest.raises(ApplicationError) as caught:
        make_offer(**overrides)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value


# --- models -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"moq": 0},
        {"order_multiple": 0},
        {"moq": 7, "order_multiple": 5},
        {"lead_time_days": 400},
        {"valid_to": date(2025, 12, 31)},
    ],
)
def test_offer_constraints_hold_in_the_database(values):
    base = {
        "supplier": SupplierFactory(),
        "item": ItemFactory(),
        "currency_id": "CNY",
        "moq": 10,
        "order_multiple": 5,
        "valid_from": JAN,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierOffer.objects.create(**{**base, **values})


def test_break_constraints_and_unique_start():
    offer = make_offer()
    for values in ({"min_qty": 0, "unit_price": 1}, {"min_qty": 5, "unit_price": 0}, {"min_qty": 1, "unit_price": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PriceBreak.objects.create(offer=offer, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierOffer.objects.create(
            supplier=offer.supplier, item=offer.item, currency_id="CNY", valid_from=JAN, moq=1, order_multiple=1
        )


# --- services and selectors ---------------------------------------------------------------


def test_create_with_breaks_history_and_unit_price():
    offer = make_offer()
    assert [(b.min_qty, b.unit_price) for b in offer.breaks.all()] == BREAKS
    assert offer.history.count() == 1
    assert selectors.offer_unit_price(offer, 1) == Decimal("0.012")
    assert selectors.offer_unit_price(offer, 9999) == Decimal("0.012")
    assert selectors.offer_unit_price(offer, 10000) == Decimal("0.0105")
    assert selectors.offer_unit_price(offer, 5_000_000) == Decimal("0.0098")
    later = make_offer(
        item=ItemFactory(), breaks=[(100, Decimal("2")), (1000, Decimal("1.5"))], moq=1000, order_multiple=100
    )
    assert selectors.offer_unit_price(later, 10) == Decimal("2")  # below the first break: the first break


def test_offers_valid_on():
    old = make_offer(valid_to=date(2026, 5, 31))
    new = make_offer(supplier=old.supplier, item=old.item, valid_from=JUN)
    assert list(selectors.offers_valid_on(date(2026, 3, 1))) == [old]
    assert list(selectors.offers_valid_on(date(2027, 1, 1))) == [new]
    assert list(selectors.offers_valid_on(date(2025, 1, 1))) == []


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("moq", {"moq": 7000}),
        ("moq", {"moq": 0}),
        ("order_multiple", {"order_multiple": 0, "moq": 1}),
        ("breaks", {"breaks": []}),
        ("breaks", {"breaks": [(1, Decimal("1")), (1, Decimal("0.9"))]}),
        ("breaks", {"breaks": [(100, Decimal("1")), (10, Decimal("0.9"))]}),
        ("breaks", {"breaks": [(1, Decimal("0"))]}),
        ("breaks", {"breaks": [(1, Decimal("-1"))]}),
        ("breaks", {"breaks": [(0, Decimal("1"))]}),
        ("breaks", {"breaks": [(20000, Decimal("1"))]}),  # first break above the MOQ
        ("lead_time_days", {"lead_time_days": 366}),
        ("valid_to", {"valid_to": date(2025, 1, 1)}),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(field, overrides):
    refusal(field, **overrides)
    assert not SupplierOffer.objects.exists() and not PriceBreak.objects.exists()


def test_refuses_products_blocked_suppliers_and_overlaps():
    refusal("sku", item=ProductFactory())
    blocked = SupplierFactory(code="SUP-BAT-Z", status="blocked", status_reason="Battery swelling in inspection")
    error = refusal("supplier", supplier=blocked)
    assert error.message == "SUP-BAT-Z is blocked: Battery swelling in inspection"
    offer = make_offer(valid_to=date(2026, 6, 30))
    error = refusal("valid_from", supplier=offer.supplier, item=offer.item, valid_from=JUN)
    assert "2026-01-01 to 2026-06-30" in error.message
    make_offer(supplier=offer.supplier, item=offer.item, valid_from=date(2026, 7, 1))  # adjacent: fine
    make_offer(item=offer.item, valid_from=JUN)  # another supplier: fine
    assert SupplierOffer.objects.count() == 3


def test_update_terms_and_breaks():
    offer = make_offer()
    same = services.supplier_offer_update(acting_user=None, offer=offer, moq=10000, breaks=BREAKS)
    assert same.history.count() == 1  # nothing changed: no history row
    offer = services.supplier_offer_update(
        acting_user=None, offer=offer, lead_time_days=20, breaks=[(1, Decimal("0.02")), (5000, Decimal("0.015"))]
    )
    assert offer.lead_time_days == 20 and offer.history.count() == 2
    assert [b.min_qty for b in offer.breaks.all()] == [1, 5000]
    with pytest.raises(ApplicationError) as caught:
        services.supplier_offer_update(acting_user=None, offer=offer, moq=12000)
    assert "moq" in caught.value.field_errors
    with pytest.raises(ApplicationError) as caught:
        services.supplier_offer_update(acting_user=None, offer=offer, breaks=[(5, Decimal("1")), (2, Decimal("1"))])
    assert "breaks" in caught.value.field_errors
    with pytest.raises(ApplicationError) as caught:
        services.supplier_offer_update(acting_user=None, offer=offer, item=ItemFactory())
    assert "item" in caught.value.field_errors
    offer.refresh_from_db()
    assert offer.moq == 10000 and offer.breaks.count() == 2


# --- API ----------------------------------------------------------------------------------


def offer_payload(**overrides):
    payload = {
        "supplier": "sup-a",
        "sku": "cp-screw-m14",
        "currency": "cny",
        "moq": 10000,
        "order_multiple": 5000,
        "lead_time_days": 14,
        "valid_from": "2026-01-01",
        "breaks": [{"min_qty": 1, "unit_price": "0.012"}, {"min_qty": 10000, "unit_price": "0.0105"}],
    }
    return {**payload, **overrides}


def test_api_access(api_client, sales_user, planning_user):
    assert_error_shape(api_client.get("/api/v1/supplier-offers/"), 401)
    offer = make_offer()
    sales = token_client(api_client, sales_user)
    assert_error_shape(sales.get("/api/v1/supplier-offers/"), 403)
    api_client.credentials()
    planning = token_client(api_client, planning_user)
    assert planning.get(f"/api/v1/supplier-offers/{offer.pk}/").status_code == 200
    assert_error_shape(planning.post("/api/v1/supplier-offers/", offer_payload(), format="json"), 403)
    assert_error_shape(planning.patch(f"/api/v1/supplier-offers/{offer.pk}/", {"moq": 5000}, format="json"), 403)
    assert_error_shape(planning.get("/api/v1/supplier-offers/999999/"), 404)


def test_api_create_patch_and_errors(api_client, procurement_user):
    SupplierFactory(code="SUP-A")
    ItemFactory(sku="CP-SCREW-M14")
    client = token_client(api_client, procurement_user)
    response = client.post("/api/v1/supplier-offers/", offer_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["supplier"], body["sku"], body["currency"]) == ("SUP-A", "CP-SCREW-M14", "CNY")
    assert body["breaks"] == [
        {"min_qty": 1, "unit_price": "0.012000"},
        {"min_qty": 10000, "unit_price": "0.010500"},
    ]
    url = f"/api/v1/supplier-offers/{body['id']}/"
    response = client.patch(
        url, {"lead_time_days": 21, "breaks": [{"min_qty": 1, "unit_price": "0.02"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["lead_time_days"] == 21 and len(response.json()["breaks"]) == 1

    bad = assert_error_shape(client.post("/api/v1/supplier-offers/", offer_payload(moq=7000), format="json"), 400)
    assert "moq" in bad["extra"]["fields"]
    backwards = [{"min_qty": 100, "unit_price": "1"}, {"min_qty": 10, "unit_price": "1"}]
    body = assert_error_shape(
        client.post(
            "/api/v1/supplier-offers/", offer_payload(valid_from="2027-01-01", breaks=backwards), format="json"
        ),
        400,
    )
    assert "breaks" in body["extra"]["fields"]
    body = assert_error_shape(
        client.post("/api/v1/supplier-offers/", offer_payload(supplier="NOPE"), format="json"), 400
    )
    assert "supplier" in body["extra"]["fields"]
    body = assert_error_shape(client.post("/api/v1/supplier-offers/", offer_payload(sku="NOPE"), format="json"), 400)
    assert "sku" in body["extra"]["fields"]
    zero = [{"min_qty": 1, "unit_price": "0"}]
    assert_error_shape(client.post("/api/v1/supplier-offers/", offer_payload(breaks=zero), format="json"), 400)
    overlap = assert_error_shape(client.post("/api/v1/supplier-offers/", offer_payload(), format="json"), 400)
    assert "valid_from" in overlap["extra"]["fields"]
    body = assert_error_shape(client.patch(url, {"sku": "CP-OTHER"}, format="json"), 400)
    assert "sku" in body["extra"]["fields"]
    assert SupplierOffer.objects.count() == 1


def test_api_filters_and_query_count(api_client, procurement_user, django_assert_num_queries):
    a, b = SupplierFactory(code="SUP-A"), SupplierFactory(code="SUP-B")
    screw = ItemFactory(sku="CP-SCREW-M14")
    make_offer(supplier=a, item=screw, valid_to=date(2026, 5, 31))
    make_offer(supplier=a, item=screw, valid_from=JUN)
    make_offer(supplier=b, item=screw, currency=Currency.objects.get(code="USD"))
    for _ in range(20):
        make_offer()
    client = token_client(api_client, procurement_user)

    def ids(query):
        return [
            (row["supplier"], row["valid_from"])
            for row in client.get(f"/api/v1/supplier-offers/{query}").json()["results"]
        ]

    assert ids("?supplier=sup-a") == [("SUP-A", "2026-01-01"), ("SUP-A", "2026-06-01")]
    assert ids("?sku=CP-SCREW-M14&valid_on=2026-07-01") == [("SUP-A", "2026-06-01"), ("SUP-B", "2026-01-01")]
    assert ids("?currency=usd") == [("SUP-B", "2026-01-01")]
    # token (user joined), permissions, count, page (joined), breaks (prefetched)
    with django_assert_num_queries(4):
        response = client.get("/api/v1/supplier-offers/?page_size=20")
    assert len(response.json()["results"]) == 20


# --- pages --------------------------------------------------------------------------------


def test_offer_page_and_supplier_detail(client, procurement_user, sales_user):
    supplier = SupplierFactory(code="SUP-SCREW-X")
    make_offer(supplier=supplier, item=ItemFactory(sku="CP-SCREW-M14"))
    make_offer(item=ItemFactory(sku="CP-OLED-667"))
    client.force_login(sales_user)
    assert client.get("/procurement/offers/").status_code == 403
    assert "offers" not in client.get("/procurement/suppliers/SUP-SCREW-X/").context
    client.force_login(procurement_user)
    page = client.get("/procurement/offers/")
    assert page.status_code == 200 and page.context["paginator"].count == 2
    assert b"/excel/supplier-offers/export/" in page.content and b"10000+ @ 0.0105" in page.content
    assert [o.item.sku for o in client.get("/procurement/offers/?q=screw").context["object_list"]] == ["CP-SCREW-M14"]
    assert [o.item.sku for o in client.get("/procurement/offers/?sort=-item__sku").context["object_list"]] == [
        "CP-SCREW-M14",
        "CP-OLED-667",
    ]
    assert client.get("/procurement/offers/?valid_on=not-a-date").status_code == 200
    detail = client.get("/procurement/suppliers/SUP-SCREW-X/")
    assert [o.item.sku for o in detail.context["offers"]] == ["CP-SCREW-M14"]
    assert b"/procurement/offers/" in client.get("/dashboard/").content


def test_admin_refuses_bad_offer_with_form_errors(admin_client):
    supplier, item = SupplierFactory(), ItemFactory()
    data = {
        "supplier": supplier.pk,
        "item": item.pk,
        "currency": "CNY",
        "moq": 7,
        "order_multiple": 5,
        "lead_time_days": 3,
        "valid_from": "2026-01-01",
        "note": "",
        "breaks-TOTAL_FORMS": 2,
        "breaks-INITIAL_FORMS": 0,
        "breaks-0-min_qty": 1,
        "breaks-0-unit_price": "1.5",
        "breaks-1-min_qty": "",
        "breaks-1-unit_price": "",
    }
    response = admin_client.post("/admin/procurement/supplieroffer/add/", data)
    assert response.status_code == 200 and not SupplierOffer.objects.exists()
    data["moq"] = 10
    response = admin_client.post("/admin/procurement/supplieroffer/add/", data)
    assert response.status_code == 302, response.content
    offer = SupplierOffer.objects.get()
    assert [(b.min_qty, b.unit_price) for b in offer.breaks.all()] == [(1, Decimal("1.5"))]
    assert offer.history.count() == 1


# --- Excel --------------------------------------------------------------------------------

HEADER = ["supplier", "sku", "currency", "moq", "order_multiple", "lead_time_days", "valid_from", "valid_to"]
HEADER += ["qty1", "price1", "qty2", "price2", "note"]


def run(tmp_path, rows, user=None):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "supplier-offers"
    for row in rows:
        worksheet.append(list(row))
    path = tmp_path / "offers.xlsx"
    workbook.save(path)
    return run_import(
        dataset_get("supplier-offers"), str(path), file_name="offers.xlsx", acting_user=user, dry_run=False
    )


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


def test_excel_round_trip(client, tmp_path, procurement_user):
    supplier = SupplierFactory(code="SUP-A")
    make_offer(supplier=supplier, item=ItemFactory(sku="CP-SCREW-M14"))
    client.force_login(procurement_user)
    export = client.get("/excel/supplier-offers/export/?format=xlsx")
    assert export.status_code == 200
    rows = [row for row in sheet_values(body_bytes(export), "supplier-offers") if any(c is not None for c in row)]
    assert rows[0][:3] == ("supplier", "sku", "currency")
    assert rows[1][:2] == ("SUP-A", "CP-SCREW-M14")
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)

    ItemFactory(sku="CP-OLED-667")
    rows = [
        HEADER,
        [
            "SUP-A",
            "CP-SCREW-M14",
            "CNY",
            10000,
            5000,
            14,
            date(2026, 1, 1),
            date(2026, 5, 31),
            1,
            "0.02",
            None,
            None,
            "",
        ],
        ["SUP-A", "CP-SCREW-M14", "USD", 5000, 5000, 10, date(2026, 6, 1), None, 1, "0.003", 5000, "0.0025", "new"],
        ["sup-a", "cp-oled-667", "usd", 100, 50, 90, date(2026, 1, 1), None, 1, "38.5", 1000, "36", ""],
    ]
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.updated) == (2, 1)
    first = SupplierOffer.objects.get(item__sku="CP-SCREW-M14", valid_from=JAN)
    assert first.valid_to == date(2026, 5, 31) and [(b.min_qty, b.unit_price) for b in first.breaks.all()] == [
        (1, Decimal("0.02"))
    ]
    oled = SupplierOffer.objects.get(item__sku="CP-OLED-667")
    assert [b.min_qty for b in oled.breaks.all()] == [1, 1000] and oled.history.count() == 1
    assert selectors.offer_unit_price(oled, 2000) == Decimal("36")


def test_excel_bad_rows_write_nothing(tmp_path, procurement_user):
    SupplierFactory(code="SUP-A")
    SupplierFactory(code="SUP-BAT-Z", status="blocked", status_reason="Battery swelling")
    ItemFactory(sku="CP-SCREW-M14")
    ProductFactory(sku="TP-X1")
    rows = [
        HEADER,
        ["SUP-A", "CP-SCREW-M14", "CNY", 7000, 5000, 14, JAN, None, 1, "0.01", None, None, ""],
        ["SUP-A", "CP-SCREW-M14", "CNY", 10000, 5000, 14, date(2026, 2, 1), None, 100, "0.01", 10, "0.009", ""],
        ["SUP-BAT-Z", "CP-SCREW-M14", "CNY", 10, 5, 14, JAN, None, 1, "0.01", None, None, ""],
        ["SUP-NOPE", "CP-SCREW-M14", "CNY", 10, 5, 14, JAN, None, 1, "0.01", None, None, ""],
        ["SUP-A", "CP-NOPE", "CNY", 10, 5, 14, JAN, None, 1, "0.01", None, None, ""],
        ["SUP-A", "TP-X1", "CNY", 10, 5, 14, JAN, None, 1, "0.01", None, None, ""],
        ["SUP-A", "CP-SCREW-M14", "CNY", 10, 5, 14, date(2026, 3, 1), None, 1, "0", None, None, ""],
        ["SUP-A", "CP-SCREW-M14", "CNY", 10, 5, 14, date(2026, 4, 1), None, None, None, None, None, ""],
        ["SUP-A", "CP-SCREW-M14", "CNY", -10, 5, 14, date(2026, 5, 1), None, 1, "1", None, None, ""],
    ]
    outcome = run(tmp_path, rows, procurement_user)
    text = "\n".join(messages(outcome))
    assert not outcome.written and not SupplierOffer.objects.exists()
    assert "not a multiple of the order multiple" in text
    assert "above the previous break" in text
    assert "SUP-BAT-Z is blocked: Battery swelling" in text
    assert "no supplier has the code 'SUP-NOPE'" in text
    assert "no item has the SKU 'CP-NOPE'" in text
    assert "TP-X1 is a product" in text
    assert "at least one price break" in text
    assert {error["row"] for error in outcome.errors} >= {2, 3, 4, 5, 6, 7, 8, 9, 10}


def test_excel_overlaps_in_file_and_with_stored(tmp_path, procurement_user):
    supplier = SupplierFactory(code="SUP-A")
    make_offer(supplier=supplier, item=ItemFactory(sku="CP-SCREW-M14"))  # open-ended from JAN
    rows = [
        HEADER,
        ["SUP-A", "CP-SCREW-M14", "CNY", 10, 5, 14, JUN, None, 1, "0.01", None, None, ""],
    ]
    outcome = run(tmp_path, rows, procurement_user)
    assert not outcome.ok and "overlaps a stored offer of SUP-A CP-SCREW-M14" in "\n".join(messages(outcome))
    # Ending the stored offer in the same file makes room, whatever the row order.
    rows.append(["SUP-A", "CP-SCREW-M14", "CNY", 10000, 5000, 14, JAN, date(2026, 5, 31), None, None, None, None, ""])
    outcome = run(tmp_path, rows, procurement_user)
    assert outcome.ok, messages(outcome)
    assert SupplierOffer.objects.count() == 2
    assert SupplierOffer.objects.get(valid_from=JAN).breaks.count() == 3  # no break columns filled: kept

"""Store uploads in the portal: dry run with row/cell errors, all-or-nothing apply, templates, services."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from erp.errors import ApplicationError
from erp.weeks import business_date
from logistics.models import StockCount, StockLevel
from retail.models import StoreSellThrough
from retail.selectors import retailer_scope
from retail.services.sell_through import (
    SellThroughInput,
    StoreCountInput,
    store_sell_through_record,
    store_stock_counts_record,
)
from tests.erp.excel_helpers import xlsx_upload
from tests.retail.portal_world import build_world

pytestmark = pytest.mark.django_db

STOCK = ["store", "sku", "counted"]
SALES = ["store", "sku", "date", "units_sold"]


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def a_client(client, world):
    client.force_login(world[1].admin)
    return client


def _check(client, kind, rows, name="upload.xlsx"):
    return client.post(reverse("portal:store-upload", args=[kind]), {"file": xlsx_upload(rows, name=name)})


def _apply(client, kind, token):
    return client.post(reverse("portal:store-upload", args=[kind]), {"token": token})


def test_stock_count_upload_dry_run_then_apply(a_client, world):
    product, a, _b = world
    code = a.store.location.code
    response = _check(a_client, "stock", [STOCK, [code, product.sku, 12]])
    assert response.status_code == 200
    check = response.context["check"]
    assert check.ok and not check.errors and response.context["token"]
    assert not StockLevel.objects.filter(location=a.store.location).exists()  # a dry run writes nothing
    applied = _apply(a_client, "stock", response.context["token"])
    assert applied.status_code == 302 and applied.url == reverse("portal:stores")
    level = StockLevel.objects.get(location=a.store.location, item=product)
    assert level.on_hand == 12
    assert StockCount.objects.get(location=a.store.location).status == "posted"
    # The token is single use.
    again = _apply(a_client, "stock", response.context["token"])
    assert again.status_code == 302
    assert StockLevel.objects.get(location=a.store.location, item=product).on_hand == 12
    stores = a_client.get(reverse("portal:stores"))
    assert stores.context["stores"][0].on_hand == 12
    detail = a_client.get(reverse("portal:store-detail", args=[code]))
    assert [level.on_hand for level in detail.context["levels"]] == [12]


def test_another_retailers_store_reads_exactly_like_an_unknown_one(a_client, world):
    product, _a, b = world
    other = _check(a_client, "stock", [STOCK, [b.store.location.code, product.sku, 3]])
    unknown = _check(a_client, "stock", [STOCK, ["ST-NOWHERE", product.sku, 3]])
    [(row_o, col_o, msg_o)] = other.context["check"].errors
    [(row_u, col_u, msg_u)] = unknown.context["check"].errors
    assert (row_o, col_o) == (row_u, col_u) == (2, "store")
    assert msg_o.replace(b.store.location.code, "X") == msg_u.replace("ST-NOWHERE", "X")
    assert "unknown store" in msg_o
    assert not other.context["token"]
    assert not StockLevel.objects.filter(location=b.store.location).exists()


def test_errors_are_listed_per_row_and_cell_and_nothing_is_written(a_client, world):
    product, a, _b = world
    code = a.store.location.code
    tomorrow = business_date() + timedelta(days=1)
    rows = [
        SALES,
        [code, product.sku, business_date(), 4],  # good
        [code, "NO-SUCH-SKU", business_date(), 1],
        [code, product.sku, business_date() - timedelta(days=1), -3],
        [code, product.sku, tomorrow, 1],
        [code, product.sku, "not a date", 1],
        ["", product.sku, business_date(), 1],
        [code, product.sku, business_date(), 5],  # duplicate of row 2
    ]
    response = _check(a_client, "sell-through", rows)
    errors = response.context["check"].errors
    by_row = {(row, column) for row, column, _message in errors}
    assert by_row == {(3, "sku"), (4, "units_sold"), (5, "date"), (6, "date"), (7, "store"), (8, "sku")}
    messages = {(row, column): message for row, column, message in errors}
    assert "unknown product 'NO-SUCH-SKU'" in messages[(3, "sku")]
    assert "below the minimum of 0" in messages[(4, "units_sold")]
    assert "in the future" in messages[(5, "date")]
    assert "also on row 2" in messages[(8, "sku")]
    html = response.content.decode()
    assert "nothing was written" in html and "unknown product" in html
    assert not StoreSellThrough.objects.exists()


def test_sell_through_upload_upserts(a_client, world):
    product, a, _b = world
    code = a.store.location.code
    day = business_date() - timedelta(days=2)
    first = _check(a_client, "sell-through", [SALES, [code, product.sku, day, 7]])
    assert _apply(a_client, "sell-through", first.context["token"]).status_code == 302
    second = _check(
        a_client, "sell-through", [SALES, [code, product.sku, day, 9], [code, product.sku, day - timedelta(days=1), 2]]
    )
    assert _apply(a_client, "sell-through", second.context["token"]).status_code == 302
    rows = {row.date: (row.quantity, row.source, row.reported_by) for row in StoreSellThrough.objects.all()}
    assert rows == {day: (9, "portal", a.admin), day - timedelta(days=1): (2, "portal", a.admin)}
    assert a_client.get(reverse("portal:stores")).context["stores"][0].sold_recently == 11


def test_bad_files_are_refused_with_a_message(a_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_excel = a_client.post(
        reverse("portal:store-upload", args=["stock"]), {"file": SimpleUploadedFile("x.xlsx", b"hello")}
    )
    assert "not an Excel workbook" in not_excel.content.decode()
    csv = a_client.post(reverse("portal:store-upload", args=["stock"]), {"file": SimpleUploadedFile("x.csv", b"a,b")})
    assert "is not an .xlsx workbook" in csv.content.decode()
    missing = _check(a_client, "stock", [["store", "sku"], ["X", "Y"]])
    assert "the column &#x27;counted&#x27; is missing" in missing.content.decode()
    empty = _check(a_client, "stock", [STOCK])
    assert "no data rows" in empty.content.decode()
    assert a_client.get(reverse("portal:store-upload", args=["nope"])).status_code == 404


def test_upload_size_limit(a_client, world, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1000
    product, a, _b = world
    rows = [STOCK] + [[a.store.location.code, product.sku, n] for n in range(300)]
    response = _check(a_client, "stock", rows)
    assert "larger than" in response.content.decode() or "limit" in response.content.decode()
    assert not response.context.get("token")


def test_apply_rechecks_and_a_forged_token_does_nothing(a_client, world, client):
    product, a, b = world
    response = _check(a_client, "stock", [STOCK, [a.store.location.code, product.sku, 5]])
    token = response.context["token"]
    # B cannot use A's token: it lives in A's session only.
    client.force_login(b.admin)
    assert _apply(client, "stock", token).status_code == 302
    assert not StockLevel.objects.filter(location=a.store.location).exists()
    assert _apply(a_client, "stock", "forged").status_code == 302
    assert not StockLevel.objects.exists()


def test_templates_download(a_client, world):
    _product, a, _b = world
    import io

    from openpyxl import load_workbook

    for kind, header in (("stock", STOCK), ("sell-through", SALES)):
        response = a_client.get(reverse("portal:store-upload-template", args=[kind]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == header
        assert rows[1][0] == a.store.location.code


def test_services_refuse_foreign_stores_and_bad_values_all_or_nothing(world):
    product, a, b = world
    mine = retailer_scope(a.retailer)
    own, foreign = a.store.location.code, b.store.location.code
    with pytest.raises(ApplicationError, match="Row 2: unknown store"):
        store_stock_counts_record(
            acting_user=a.admin,
            scope=mine,
            counts=[StoreCountInput(own, product, 4), StoreCountInput(foreign, product, 4)],
        )
    assert not StockLevel.objects.exists() and not StockCount.objects.exists()
    with pytest.raises(ApplicationError, match="in the future"):
        store_sell_through_record(
            acting_user=a.admin,
            scope=mine,
            rows=[SellThroughInput(own, product, business_date() + timedelta(days=1), 1)],
        )
    with pytest.raises(ApplicationError, match="whole number"):
        store_sell_through_record(
            acting_user=a.admin,
            scope=mine,
            rows=[SellThroughInput(own, product, date(2026, 1, 5), -1)],
        )
    with pytest.raises(ApplicationError, match="no sell-through rows"):
        store_sell_through_record(acting_user=a.admin, scope=mine, rows=[])
    assert not StoreSellThrough.objects.exists()
    assert (
        store_sell_through_record(
            acting_user=a.admin,
            scope=mine,
            rows=[SellThroughInput(own, product, date(2026, 1, 5), 3)],
        ).created
        == 1
    )
    assert StoreSellThrough.history.count() == 1

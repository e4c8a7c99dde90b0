"""The Excel engine over the API: datasets, templates, exports, imports and import runs."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from erp import roles
from erp.models import FxRate, ImportRun, Item, Price
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.excel_helpers import (
    ITEM_COLUMNS,
    VALID_ITEM_ROWS,
    XLSX,
    body_bytes,
    open_xlsx,
    sheet_values,
    xlsx_bytes,
    xlsx_upload,
)
from tests.erp.factories import ItemFactory, PriceFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]


def _import(client, rows, *, dataset="items", dry_run=True, name="items.xlsx", **extra):
    data = {"file": xlsx_upload(rows, name=name), **extra}
    if dry_run is not None:
        data["dry_run"] = "true" if dry_run else "false"
    return client.post(f"/api/v1/excel/{dataset}/import/", data, format="multipart")


# --- datasets -------------------------------------------------------------------------


def test_dataset_list_shows_only_what_the_user_can_view(api_client):
    store_ops = UserFactory(roles=[roles.STORE_OPS])
    body = token_client(api_client, store_ops).get("/api/v1/excel/").json()
    assert [row["name"] for row in body] == [
        "demand-signals",
        "items",
        "prices",
        "retailers",
        "sales-actuals",
        "shipment-lines",
        "store-sell-through",
        "store-stock-counts",
        "stores",
    ]
    items = body[1]
    assert items["key"] == ["sku"]
    assert [column["name"] for column in items["columns"]] == ITEM_COLUMNS
    assert items["columns"][0] == {"name": "sku", "required": True, "format": items["columns"][0]["format"]}
    assert items["columns"][2]["format"] == "one of: product, assembly, component"
    assert [row["name"] for row in body if row["can_import"]] == ["store-sell-through", "store-stock-counts"]


PLANNING_DATASETS = {"demand-signals", "factory-capacity", "production-schedule", "sales-actuals"}
STOCK_DATASETS = {"locations", "shipment-lines", "stock-counts", "stock-opening"}
STORE_DATASETS = {"stores", "store-sell-through", "store-stock-counts"}


# The role x dataset matrix: what each role sees, and what it may import.
@pytest.mark.parametrize(
    ("user_fixture", "visible", "importable"),
    [
        (
            "procurement_user",
            {"bom-lines", "component-profiles", "cost-rates", "fx-rates", "items", "prices"}
            | {"purchase-order-lines", "supplier-offers", "suppliers"}
            | PLANNING_DATASETS
            | STOCK_DATASETS,
            ["component-profiles", "items", "purchase-order-lines", "supplier-offers", "suppliers"],
        ),
        (
            "sales_user",
            {"fx-rates", "items", "prices", "suppliers"}
            | PLANNING_DATASETS
            | STOCK_DATASETS
            | STORE_DATASETS
            | {"prepayment-deposits", "retailers"},
            ["prices", "retailers", "sales-actuals"],
        ),
        (
            "finance_user",
            {"bom-lines", "cost-rates", "fx-rates", "items", "prices", "purchase-order-lines", "supplier-offers"}
            | {"suppliers"}
            | PLANNING_DATASETS
            | STOCK_DATASETS
            | STORE_DATASETS
            | {"prepayment-deposits", "retailers"},
            ["fx-rates", "prepayment-deposits"],
        ),
        (
            "logistics_user",
            {"items", "prices", "purchase-order-lines", "suppliers"}
            | PLANNING_DATASETS
            | STOCK_DATASETS
            | STORE_DATASETS
            | {"retailers"},
            [
                *("locations", "shipment-lines", "stock-counts", "stock-opening"),
                *("store-sell-through", "store-stock-counts", "stores"),
            ],
        ),
    ],
)
def test_dataset_list_says_which_the_user_can_import(api_client, request, user_fixture, visible, importable):
    body = token_client(api_client, request.getfixturevalue(user_fixture)).get("/api/v1/excel/").json()
    assert {row["name"] for row in body} == visible
    assert [row["name"] for row in body if row["can_import"]] == importable


def test_dataset_list_is_empty_for_retailers_and_401_for_anonymous(api_client, retailer_user):
    assert_error_shape(api_client.get("/api/v1/excel/"), 401)
    assert token_client(api_client, retailer_user).get("/api/v1/excel/").json() == []


# --- templates ------------------------------------------------------------------------


def test_template_is_a_workbook_with_header_dropdowns_example_and_guide(api_client, logistics_user):
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/template/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert "tempo-items-template.xlsx" in response["Content-Disposition"]
    workbook = open_xlsx(body_bytes(response))
    assert workbook.sheetnames == ["items", "example", "columns"]
    sheet = workbook["items"]
    assert [cell.value for cell in sheet[1]] == ITEM_COLUMNS
    assert sheet.max_row == 1  # nothing to delete before filling it in
    assert "Required." in sheet["A1"].comment.text

    kind_letter = "ABCDEFGH"[ITEM_COLUMNS.index("kind")]
    kind_rules = [
        rule
        for rule in sheet.data_validations.dataValidation
        if any(str(cell_range).startswith(f"{kind_letter}2:") for cell_range in rule.sqref.ranges)
    ]
    assert len(kind_rules) == 1
    assert kind_rules[0].type == "list"
    assert kind_rules[0].formula1 == '"product,assembly,component"'

    example = list(workbook["example"].iter_rows(values_only=True))
    assert list(example[0]) == ITEM_COLUMNS
    assert example[1][0] == "CP-SCREW-M2"
    guide = list(workbook["columns"].iter_rows(values_only=True))
    assert guide[0][:2] == ("column", "required")
    assert [row[0] for row in guide[1 : len(ITEM_COLUMNS) + 1]] == ITEM_COLUMNS


def test_the_template_filled_in_imports_cleanly(api_client, procurement_user):
    """The example row pasted into the template's first sheet is a valid upload."""
    client = token_client(api_client, procurement_user)
    template = open_xlsx(body_bytes(client.get("/api/v1/excel/items/template/")))
    example_row = next(template["example"].iter_rows(min_row=2, values_only=True))
    template["items"].append(list(example_row))
    buffer = io.BytesIO()
    template.save(buffer)
    response = client.post(
        "/api/v1/excel/items/import/",
        {"file": SimpleUploadedFile("filled.xlsx", buffer.getvalue()), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["create"] == 1


def test_template_of_a_dataset_the_user_cannot_view_is_403(api_client, logistics_user, retailer_user):
    assert_error_shape(token_client(api_client, logistics_user).get("/api/v1/excel/fx-rates/template/"), 403)
    assert_error_shape(token_client(api_client, retailer_user).get("/api/v1/excel/items/template/"), 403)


@pytest.mark.parametrize("suffix", ["template/", "export/", "import/"])
def test_unknown_dataset_is_404(api_client, procurement_user, suffix):
    client = token_client(api_client, procurement_user)
    if suffix == "import/":
        response = _import(client, VALID_ITEM_ROWS, dataset="widgets")
    else:
        response = client.get(f"/api/v1/excel/widgets/{suffix}")
    assert_error_shape(response, 404)


def test_unknown_dataset_answers_in_the_error_shape_naming_the_known_ones(api_client, procurement_user):
    response = token_client(api_client, procurement_user).get("/api/v1/excel/widgets/template/")
    assert response.status_code in {400, 404}
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert "widgets" in body["message"]


# --- exports --------------------------------------------------------------------------


def _three_items():
    ProductFactory(sku="TP-X1", name="Phone X1")
    ProductFactory(sku="TP-X2", name="Phone X2")
    ItemFactory(sku="CP-SCREW", name="Screw")


def test_export_defaults_to_xlsx_filtered_like_the_list(api_client, logistics_user):
    _three_items()
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/?kind=product")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="tempo-items-')
    rows = sheet_values(body_bytes(response), "items")
    assert list(rows[0]) == ITEM_COLUMNS
    assert [(row[0], row[2]) for row in rows[1:]] == [("TP-X1", "product"), ("TP-X2", "product")]


def test_export_with_format_xlsx_returns_only_products(api_client, logistics_user):
    _three_items()
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/?kind=product&format=xlsx")
    assert response.status_code == 200, response.content
    rows = sheet_values(body_bytes(response), "items")
    assert [row[0] for row in rows[1:]] == ["TP-X1", "TP-X2"]


def test_export_as_csv_has_a_bom_and_the_header(api_client, logistics_user):
    _three_items()
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/?format=csv")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = body_bytes(response).decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(ITEM_COLUMNS) + "\r\n")
    assert [row[0] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))][1:] == ["CP-SCREW", "TP-X1", "TP-X2"]


def test_export_with_an_unknown_format_is_400(api_client, logistics_user):
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/?format=pdf")
    body = assert_error_shape(response, 400)
    assert "format" in body["extra"]["fields"]


def test_export_with_a_bad_filter_is_400_naming_the_field(api_client, logistics_user):
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/?kind=service")
    body = assert_error_shape(response, 400)
    assert "kind" in body["message"]
    assert "kind" in body["extra"]["fields"]


def test_export_permissions(api_client, logistics_user, retailer_user):
    assert token_client(api_client, logistics_user).get("/api/v1/excel/items/export/").status_code == 200
    assert_error_shape(token_client(api_client, logistics_user).get("/api/v1/excel/fx-rates/export/"), 403)
    assert_error_shape(token_client(api_client, retailer_user).get("/api/v1/excel/items/export/"), 403)
    api_client.credentials()
    assert_error_shape(api_client.get("/api/v1/excel/items/export/"), 401)


def test_export_understands_the_api_lists_search_parameter(api_client, logistics_user):
    _three_items()
    client = token_client(api_client, logistics_user)
    assert [r["sku"] for r in client.get("/api/v1/items/?search=screw").json()["results"]] == ["CP-SCREW"]
    rows = sheet_values(body_bytes(client.get("/api/v1/excel/items/export/?search=screw")), "items")
    assert [row[0] for row in rows[1:]] == ["CP-SCREW"]


def test_export_quotes_text_that_a_spreadsheet_would_run_as_a_formula(api_client, logistics_user):
    for index, name in enumerate(FORMULAS):
        ItemFactory(sku=f"CP-F{index}", name=name)
    response = token_client(api_client, logistics_user).get("/api/v1/excel/items/export/")
    sheet = open_xlsx(body_bytes(response))["items"]
    names = {}
    for row in sheet.iter_rows(min_row=2):
        cell = row[ITEM_COLUMNS.index("name")]
        assert cell.data_type == "s", (cell.value, cell.data_type)
        names[row[0].value] = cell.value
    assert names == {f"CP-F{index}": "'" + name for index, name in enumerate(FORMULAS)}
    assert names["CP-F0"].startswith("'=")


def test_csv_export_quotes_formulas(logistics_user, client):
    """Formula-like text is escaped in CSV exports too (here through the staff page's CSV link)."""
    for index, name in enumerate(FORMULAS):
        ItemFactory(sku=f"CP-F{index}", name=name)
    client.force_login(logistics_user)
    response = client.get("/excel/items/export/?format=csv")
    rows = list(csv.reader(io.StringIO(body_bytes(response).decode("utf-8").lstrip("\ufeff"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names == {f"CP-F{index}": "'" + name for index, name in enumerate(FORMULAS)}
    assert names["CP-F0"].startswith("'=")


def test_an_export_imports_back_unchanged_with_the_formula_quotes_removed(api_client, procurement_user):
    for index, name in enumerate(FORMULAS):
        ItemFactory(sku=f"CP-F{index}", name=name, description="line one\nline two")
    ProductFactory(sku="TP-X1", family="Phones")
    client = token_client(api_client, procurement_user)
    exported = body_bytes(client.get("/api/v1/excel/items/export/"))
    response = client.post(
        "/api/v1/excel/items/import/",
        {"file": SimpleUploadedFile("export.xlsx", exported), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"rows": 5, "create": 0, "update": 0, "unchanged": 5, "errors": 0}
    assert sorted(Item.objects.filter(sku__startswith="CP-F").values_list("name", flat=True)) == sorted(FORMULAS)


# --- imports --------------------------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(api_client, procurement_user):
    response = _import(token_client(api_client, procurement_user), VALID_ITEM_ROWS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["counts"] == {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert body["errors"] == []
    assert body["run"]["status"] == "succeeded"
    assert body["run"]["created_by"] == procurement_user.username
    assert not Item.objects.exists()
    run = ImportRun.objects.get()
    assert run.dry_run is True
    assert run.created_by == procurement_user
    assert (run.dataset, run.file_name, run.total_rows, run.created_count) == ("items", "items.xlsx", 3, 3)
    assert body["run"]["id"] == run.pk


def test_dry_run_is_the_default_when_the_field_is_left_out(api_client, procurement_user):
    response = _import(token_client(api_client, procurement_user), VALID_ITEM_ROWS, dry_run=None)
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True
    assert not Item.objects.exists()


def test_import_creates_and_updates_with_history_by_the_uploader(api_client, procurement_user):
    ItemFactory(sku="CP-GLUE", name="Old glue")
    ItemFactory(sku="CP-SCREW-M2", name="M2 screw")
    client = token_client(api_client, procurement_user)
    rows = [*VALID_ITEM_ROWS]
    rows[1] = ["CP-SCREW-M2", "M2 screw", "component"]  # unchanged
    response = _import(client, rows, dry_run=False)
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"rows": 3, "create": 1, "update": 1, "unchanged": 1, "errors": 0}
    assert response.json()["dry_run"] is False
    assert Item.objects.get(sku="CP-GLUE").name == "Glue"
    created = Item.objects.get(sku="TP-X1")
    assert created.kind == "product" and created.unit == "pcs" and created.batch_multiple == 1

    created_history = created.history.get()
    assert created_history.history_type == "+"
    assert created_history.history_user == procurement_user
    assert created_history.history_change_reason == "excel import: items"
    update = Item.objects.get(sku="CP-GLUE").history.order_by("-history_id").first()
    assert update.history_type == "~" and update.history_user == procurement_user
    assert Item.objects.get(sku="CP-SCREW-M2").history.count() == 1  # the unchanged row is not written
    assert ImportRun.objects.get().dry_run is False


def test_a_file_with_errors_is_400_with_every_error_at_its_sheet_row(api_client, procurement_user):
    rows = [
        ["sku", "name", "kind"],
        ["CP-OK", "Fine", "component"],
        ["CP-BAD-KIND", "Bad kind", "service"],
        ["bad sku", "", "product"],
        ["CP-OK", "Repeated", "component"],
    ]
    response = _import(token_client(api_client, procurement_user), rows, dry_run=False)
    body = assert_error_shape(response, 400)
    assert "nothing was written" in body["message"]
    errors = body["extra"]["errors"]
    assert all(set(error) == {"row", "column", "message"} for error in errors)
    assert {(error["row"], error["column"]) for error in errors} == {
        (3, "kind"),
        (4, "sku"),
        (4, "name"),
        (5, "sku"),
    }
    by_place = {(error["row"], error["column"]): error["message"] for error in errors}
    assert "'service' is not one of: product, assembly, component" in by_place[(3, "kind")]
    assert by_place[(4, "name")] == "is required"
    assert "row 2" in by_place[(5, "sku")]
    assert body["extra"]["counts"] == {"rows": 4, "create": 1, "update": 0, "unchanged": 0, "errors": 4}
    assert body["extra"]["run"] == ImportRun.objects.get().pk
    assert not Item.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_header_problems_are_row_1_errors(api_client, procurement_user):
    rows = [["sku", "name", "colour"], ["CP-1", "One", "red"]]
    body = assert_error_shape(_import(token_client(api_client, procurement_user), rows), 400)
    places = {(error["row"], error["column"]) for error in body["extra"]["errors"]}
    assert places == {(1, "colour"), (1, "kind")}


def test_a_file_that_is_not_a_workbook_is_400(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    response = client.post(
        "/api/v1/excel/items/import/",
        {"file": SimpleUploadedFile("items.csv", b"sku,name,kind\nCP-1,One,component\n"), "dry_run": "true"},
        format="multipart",
    )
    body = assert_error_shape(response, 400)
    assert "not an .xlsx workbook" in body["extra"]["errors"][0]["message"]
    response = client.post(
        "/api/v1/excel/items/import/",
        {"file": SimpleUploadedFile("items.xlsx", b"not a zip at all"), "dry_run": "true"},
        format="multipart",
    )
    assert "not an Excel workbook" in assert_error_shape(response, 400)["extra"]["errors"][0]["message"]


def test_missing_file_is_400_naming_file(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    response = client.post("/api/v1/excel/items/import/", {"dry_run": "true"}, format="multipart")
    body = assert_error_shape(response, 400)
    assert "file" in body["extra"]["fields"]
    assert not ImportRun.objects.exists()


def test_unknown_form_field_is_400(api_client, procurement_user):
    response = _import(token_client(api_client, procurement_user), VALID_ITEM_ROWS, mode="fast")
    body = assert_error_shape(response, 400)
    assert "mode" in body["extra"]["fields"]
    assert not ImportRun.objects.exists()


def test_bad_dry_run_value_is_400(api_client, procurement_user):
    client = token_client(api_client, procurement_user)
    response = client.post(
        "/api/v1/excel/items/import/",
        {"file": xlsx_upload(VALID_ITEM_ROWS), "dry_run": "perhaps"},
        format="multipart",
    )
    assert "dry_run" in assert_error_shape(response, 400)["extra"]["fields"]
    assert not Item.objects.exists()


def test_import_permissions(api_client, procurement_user, retailer_user, logistics_user):
    price_rows = [["sku", "valid_from", "list_price", "retailer_price"], ["TP-X1", "2026-01-01", 10, 9]]
    assert_error_shape(_import(token_client(api_client, procurement_user), price_rows, dataset="prices"), 403)
    assert_error_shape(_import(token_client(api_client, logistics_user), VALID_ITEM_ROWS), 403)
    assert_error_shape(_import(token_client(api_client, retailer_user), VALID_ITEM_ROWS), 403)
    api_client.credentials()
    assert_error_shape(_import(api_client, VALID_ITEM_ROWS), 401)
    assert not ImportRun.objects.exists()


def test_large_files_are_imported_in_the_background(
    api_client, procurement_user, settings, django_capture_on_commit_callbacks
):
    settings.EXCEL_BACKGROUND_BYTES = 1
    client = token_client(api_client, procurement_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _import(client, VALID_ITEM_ROWS, dry_run=False)
        assert response.status_code == 202, response.content
        queued = response.json()
        assert queued["status"] == "queued"
        assert not Item.objects.exists()
    assert len(callbacks) == 1
    status_url = queued["status_url"]
    assert status_url == f"/api/v1/excel/runs/{queued['id']}/"

    run = client.get(status_url).json()
    assert run["status"] == "succeeded"
    assert run["total_rows"] == run["progress_rows"] == 3
    assert (run["created_count"], run["updated_count"], run["error_count"]) == (3, 0, 0)
    assert run["finished_at"] and run["started_at"]
    assert Item.objects.count() == 3
    assert Item.objects.get(sku="TP-X1").history.get().history_user == procurement_user


def test_background_import_with_errors_fails_and_writes_nothing(
    api_client, procurement_user, settings, django_capture_on_commit_callbacks
):
    settings.EXCEL_BACKGROUND_BYTES = 1
    client = token_client(api_client, procurement_user)
    rows = [*VALID_ITEM_ROWS, ["CP-X", "X", "gadget"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = _import(client, rows, dry_run=False)
    assert response.status_code == 202
    run = client.get(response.json()["status_url"]).json()
    assert run["status"] == "failed"
    assert run["errors"] == [{"row": 5, "column": "kind", "message": run["errors"][0]["message"]}]
    assert not Item.objects.exists()


# --- import runs ----------------------------------------------------------------------


def _run(user, **kwargs):
    defaults = {"dataset": "items", "file_name": "items.xlsx", "status": ImportRun.Status.SUCCEEDED}
    return ImportRun.objects.create(created_by=user, **{**defaults, **kwargs})


def test_runs_list_shows_only_ones_own_runs(api_client, procurement_user, make_user):
    other = make_user("procurement")
    mine = [_run(procurement_user), _run(procurement_user, dataset="prices", status="failed")]
    theirs = _run(other)
    client = token_client(api_client, procurement_user)
    body = client.get("/api/v1/excel/runs/").json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [mine[1].pk, mine[0].pk]  # newest first
    assert_error_shape(client.get(f"/api/v1/excel/runs/{theirs.pk}/"), 404)
    assert client.get(f"/api/v1/excel/runs/{mine[0].pk}/").json()["created_by"] == procurement_user.username
    filtered = client.get("/api/v1/excel/runs/?status=failed").json()
    assert [row["id"] for row in filtered["results"]] == [mine[1].pk]


def test_admins_see_every_run(api_client, admin_user, procurement_user):
    runs = [_run(procurement_user), _run(None)]
    client = token_client(api_client, admin_user)
    assert {row["id"] for row in client.get("/api/v1/excel/runs/").json()["results"]} == {r.pk for r in runs}
    assert client.get(f"/api/v1/excel/runs/{runs[1].pk}/").json()["created_by"] is None


def test_runs_list_anonymous_is_401(api_client):
    assert_error_shape(api_client.get("/api/v1/excel/runs/"), 401)


@pytest.mark.parametrize("count", [2, 8])
def test_runs_list_query_count(api_client, admin_user, procurement_user, make_user, django_assert_num_queries, count):
    users = [procurement_user, make_user("sales"), admin_user]
    for index in range(count):
        _run(users[index % 3], errors=[{"row": 2, "column": "kind", "message": "bad"}], error_count=1)
    client = token_client(api_client, admin_user)
    # token lookup, user, count, page (the uploader joined in); a superuser needs no permission queries
    with django_assert_num_queries(3):
        response = client.get("/api/v1/excel/runs/")
    assert response.json()["count"] == count


def test_runs_list_query_count_for_a_user_seeing_own_runs(api_client, procurement_user, django_assert_num_queries):
    for _ in range(6):
        _run(procurement_user)
    client = token_client(api_client, procurement_user)
    # token (user joined), permissions, count, page
    with django_assert_num_queries(3):
        response = client.get("/api/v1/excel/runs/")
    assert response.json()["count"] == 6


def test_run_status_of_a_run_in_progress_reports_rows_from_the_cache(api_client, procurement_user):
    run = _run(procurement_user, status=ImportRun.Status.RUNNING)
    cache.set(f"excel-import-progress:{run.pk}", 1234)
    try:
        body = token_client(api_client, procurement_user).get(f"/api/v1/excel/runs/{run.pk}/").json()
    finally:
        cache.delete(f"excel-import-progress:{run.pk}")
    assert body["status"] == "running"
    assert body["progress_rows"] == 1234


def test_xlsx_bytes_helper_round_trips():
    assert sheet_values(xlsx_bytes([["a", 1], ["b", 2]], sheet="s"), "s") == [("a", 1), ("b", 2)]


# --- other datasets and limits --------------------------------------------------------


def test_a_file_over_the_upload_limit_is_400_naming_file(api_client, procurement_user, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 100
    body = assert_error_shape(_import(token_client(api_client, procurement_user), VALID_ITEM_ROWS), 400)
    assert body["extra"]["fields"] == {"file": ["File too large."]}
    assert not ImportRun.objects.exists()


def test_prices_import_checks_references_and_overlaps_across_rows(api_client, sales_user):
    ProductFactory(sku="TP-X1")
    ItemFactory(sku="CP-SCREW")
    rows = [
        ["sku", "valid_from", "valid_to", "list_price", "retailer_price"],
        ["tp-x1", date(2026, 1, 1), date(2026, 6, 30), 2999, "2699.00"],
        ["TP-X1", "2026-06-01", None, 2899.5, 2599],
        ["CP-SCREW", "2026-01-01", None, 1, 1],
        ["TP-NOPE", "2026-01-01", None, 1, 1],
        ["TP-X1", "2027-01-01", None, 10, 11],
    ]
    body = assert_error_shape(_import(token_client(api_client, sales_user), rows, dataset="prices"), 400)
    by_place = {(error["row"], error["column"]): error["message"] for error in body["extra"]["errors"]}
    assert set(by_place) == {(3, "valid_from"), (4, "sku"), (5, "sku"), (6, "retailer_price")}
    assert by_place[(3, "valid_from")] == "overlaps row 2 of TP-X1 (2026-01-01 to 2026-06-30)"
    assert by_place[(4, "sku")] == "CP-SCREW is a component; only products have list prices"
    assert by_place[(5, "sku")] == "no item has the SKU 'TP-NOPE'"
    assert not Price.objects.exists()


def test_prices_export_imports_back_unchanged(api_client, sales_user):
    PriceFactory(item=ProductFactory(sku="TP-X1"), valid_to=date(2026, 6, 30), note="launch")
    PriceFactory(item=Item.objects.get(sku="TP-X1"), valid_from=date(2026, 7, 1), list_price=Decimal("2899.50"))
    client = token_client(api_client, sales_user)
    exported = body_bytes(client.get("/api/v1/excel/prices/export/"))
    rows = sheet_values(exported, "prices")
    assert rows[1][:5] == ("TP-X1", datetime(2026, 1, 1), datetime(2026, 6, 30), 2999, 2699)
    response = client.post(
        "/api/v1/excel/prices/import/",
        {"file": SimpleUploadedFile("prices.xlsx", exported), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"rows": 2, "create": 0, "update": 0, "unchanged": 2, "errors": 0}


def test_fx_rates_import_and_round_trip(api_client, finance_user):
    client = token_client(api_client, finance_user)
    rows = [
        ["currency", "date", "rate", "source"],
        ["usd", "2026-11-02", "7.12345678", "PBOC"],
        ["EUR", date(2026, 11, 2), 7.7, None],
        ["CNY", "2026-11-02", 1, None],
        ["XXX", "2026-11-02", 1, None],
    ]
    body = assert_error_shape(_import(client, rows, dataset="fx-rates", dry_run=False), 400)
    assert {(e["row"], e["column"]) for e in body["extra"]["errors"]} == {(4, "currency"), (5, "currency")}
    assert not FxRate.objects.exists()

    response = _import(client, rows[:3], dataset="fx-rates", dry_run=False)
    assert response.status_code == 200, response.content
    assert FxRate.objects.get(currency="USD").rate == Decimal("7.12345678")
    assert FxRate.objects.get(currency="EUR").source == ""

    exported = body_bytes(client.get("/api/v1/excel/fx-rates/export/"))
    response = client.post(
        "/api/v1/excel/fx-rates/import/",
        {"file": SimpleUploadedFile("fx.xlsx", exported), "dry_run": "true"},
        format="multipart",
    )
    assert response.json()["counts"]["unchanged"] == 2, response.content

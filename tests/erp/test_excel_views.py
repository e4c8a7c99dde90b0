"""The Excel engine's staff pages: the hub, uploads, import runs, commits and annotated copies."""

import re

import pytest
from django.core.cache import cache
from django.utils.http import content_disposition_header

from erp import roles
from erp.models import ImportRun, Item
from tests.erp.excel_helpers import (
    ITEM_COLUMNS,
    VALID_ITEM_ROWS,
    XLSX,
    body_bytes,
    open_xlsx,
    sheet_values,
    xlsx_upload,
)
from tests.erp.factories import ItemFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

BAD_ITEM_ROWS = [
    ["sku", "name", "kind"],
    ["CP-OK", "Fine", "component"],
    ["CP-BAD", "Bad kind", "service"],
    ["CP-NONAME", "", "component"],
]


def _upload(client, rows, *, dataset="items", dry_run=True, name="items.xlsx"):
    data = {"dataset": dataset, "file": xlsx_upload(rows, name=name)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/excel/", data)


def _run_from(response) -> ImportRun:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/excel/runs/(\d+)/", response.url)
    assert match, response.url
    return ImportRun.objects.get(pk=int(match.group(1)))


# --- the hub --------------------------------------------------------------------------


def test_hub_lists_viewable_datasets_with_template_and_export_links(client):
    from django.contrib.auth.models import Group

    # Store ops without its store reporting permissions reads datasets and imports none.
    store_ops = Group.objects.get(name=roles.STORE_OPS)
    store_ops.permissions.remove(
        *store_ops.permissions.filter(codename__in=["count_store", "add_storesellthrough", "change_storesellthrough"])
    )
    client.force_login(UserFactory(roles=[roles.STORE_OPS]))
    response = client.get("/excel/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["items", "prices"]:
        assert f'href="/excel/{name}/template/"' in html
        assert f'href="/excel/{name}/export/?format=xlsx"' in html
        assert f'href="/excel/{name}/export/?format=csv"' in html
    assert "/excel/fx-rates/" not in html
    assert response.context["form"].fields["dataset"].choices == []
    assert "no dataset can be imported with your roles" in html
    assert 'enctype="multipart/form-data"' not in html


@pytest.mark.parametrize(
    ("user_fixture", "importable"),
    [
        ("procurement_user", ["component-profiles", "items", "purchase-order-lines", "supplier-offers", "suppliers"]),
        ("sales_user", ["prices", "retailers", "sales-actuals"]),
        ("finance_user", ["fx-rates", "prepayment-deposits"]),
        ("store_ops_user", ["store-sell-through", "store-stock-counts"]),
    ],
)
def test_upload_form_offers_only_importable_datasets(client, request, user_fixture, importable):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/excel/")
    assert [name for name, _title in response.context["form"].fields["dataset"].choices] == importable
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_hub_preselects_the_dataset_from_the_query(client, procurement_user):
    client.force_login(procurement_user)
    assert client.get("/excel/?dataset=items").context["form"].initial["dataset"] == "items"


def test_sales_cannot_upload_items_through_the_form(client, sales_user):
    client.force_login(sales_user)
    response = _upload(client, VALID_ITEM_ROWS)
    assert response.status_code == 200
    assert "dataset" in response.context["form"].errors
    assert not ImportRun.objects.exists() and not Item.objects.exists()


def test_hub_access(client, retailer_user):
    response = client.get("/excel/")
    assert response.status_code == 302 and response.url == "/login/?next=/excel/"
    client.force_login(retailer_user)
    assert client.get("/excel/").status_code == 403
    assert client.get("/excel/items/template/").status_code == 403
    assert client.get("/excel/items/export/").status_code == 403
    assert client.get("/excel/runs/").status_code == 403


def test_template_and_export_downloads(client, logistics_user):
    ProductFactory(sku="TP-X1")
    client.force_login(logistics_user)
    template = client.get("/excel/items/template/")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    assert open_xlsx(body_bytes(template)).sheetnames == ["items", "example", "columns"]
    export = client.get("/excel/items/export/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert body_bytes(export).decode("utf-8").startswith("\ufeff" + ",".join(ITEM_COLUMNS))
    assert client.get("/excel/fx-rates/template/").status_code == 403
    assert client.get("/excel/widgets/template/").status_code == 404
    assert client.get("/excel/widgets/export/").status_code == 404


def test_export_with_a_bad_format_or_filter_goes_back_to_the_hub_with_a_message(client, logistics_user):
    client.force_login(logistics_user)
    response = client.get("/excel/items/export/?format=pdf", follow=True)
    assert response.redirect_chain == [("/excel/", 302)]
    assert "Unknown export format &#x27;pdf&#x27;" in response.content.decode()
    response = client.get("/excel/items/export/?kind=service", follow=True)
    assert response.redirect_chain == [("/excel/", 302)]
    assert "Invalid filter: kind" in response.content.decode()


def test_item_list_export_link_keeps_the_filters(client, logistics_user):
    ProductFactory(sku="TP-X1")
    ProductFactory(sku="TP-X2")
    ItemFactory(sku="CP-SCREW")
    client.force_login(logistics_user)
    html = client.get("/items/?kind=product").content.decode()
    hrefs = re.findall(r'href="(/excel/items/export/[^"]*)"', html)
    assert hrefs, html
    assert all("/excel/items/export/?kind=product" in href for href in hrefs)
    xlsx_href = next(href for href in hrefs if "format=xlsx" in href).replace("&amp;", "&")
    response = client.get(xlsx_href)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert [row[0] for row in sheet_values(body_bytes(response), "items")[1:]] == ["TP-X1", "TP-X2"]
    assert "?dataset=items" not in html  # logistics may not import: no Import button


def test_item_list_shows_the_import_button_to_procurement(client, procurement_user):
    client.force_login(procurement_user)
    assert 'href="/excel/?dataset=items"' in client.get("/items/").content.decode()


# --- upload, dry run, commit ----------------------------------------------------------


def test_dry_run_upload_then_commit(client, procurement_user):
    client.force_login(procurement_user)
    dry = _run_from(_upload(client, VALID_ITEM_ROWS))
    assert dry.dry_run and dry.status == ImportRun.Status.SUCCEEDED
    assert dry.created_by == procurement_user
    assert not Item.objects.exists()

    page = client.get(f"/excel/runs/{dry.pk}/")
    html = page.content.decode()
    assert page.context["can_commit"] is True
    assert "Dry run: nothing is written" in html
    assert "<strong>3</strong> / <strong>0</strong> / 0" in html
    assert "Import this file for real" in html
    assert f'action="/excel/runs/{dry.pk}/commit/"' in html

    committed = _run_from(client.post(f"/excel/runs/{dry.pk}/commit/"))
    assert committed.pk != dry.pk
    assert not committed.dry_run and committed.status == ImportRun.Status.SUCCEEDED
    assert committed.created_by == procurement_user
    assert committed.created_count == 3
    assert sorted(Item.objects.values_list("sku", flat=True)) == ["CP-GLUE", "CP-SCREW-M2", "TP-X1"]
    assert Item.objects.get(sku="TP-X1").history.get().history_user == procurement_user

    html = client.get(f"/excel/runs/{committed.pk}/").content.decode()
    assert "Import this file for real" not in html
    assert "Created / updated / unchanged" in html


def test_upload_without_dry_run_writes_at_once(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS, dry_run=False))
    assert not run.dry_run and Item.objects.count() == 3


def test_a_run_with_errors_cannot_be_committed(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, BAD_ITEM_ROWS))
    assert run.status == ImportRun.Status.FAILED
    assert "Import this file for real" not in client.get(f"/excel/runs/{run.pk}/").content.decode()
    response = client.post(f"/excel/runs/{run.pk}/commit/", follow=True)
    assert response.redirect_chain == [(f"/excel/runs/{run.pk}/", 302)]
    assert "Only a dry run that finished without errors can be committed." in response.content.decode()
    assert ImportRun.objects.count() == 1 and not Item.objects.exists()


def test_a_real_import_cannot_be_committed_again(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS, dry_run=False))
    response = client.post(f"/excel/runs/{run.pk}/commit/", follow=True)
    assert "Only a dry run" in response.content.decode()
    assert ImportRun.objects.count() == 1


def test_commit_needs_post_and_the_import_permission(client, procurement_user, admin_user, logistics_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS))
    assert client.get(f"/excel/runs/{run.pk}/commit/").status_code == 405
    client.force_login(logistics_user)
    assert client.post(f"/excel/runs/{run.pk}/commit/").status_code == 404  # not their run
    client.force_login(admin_user)
    committed = _run_from(client.post(f"/excel/runs/{run.pk}/commit/"))
    assert committed.created_by == admin_user and Item.objects.count() == 3


def test_an_upload_that_is_not_xlsx_fails_with_a_plain_message(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS, name="items.xls"))
    assert run.status == ImportRun.Status.FAILED
    html = client.get(f"/excel/runs/{run.pk}/").content.decode()
    assert "is not an .xlsx workbook" in html


# --- errors and the annotated copy ----------------------------------------------------


def test_run_page_lists_errors_and_offers_an_annotated_copy(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, BAD_ITEM_ROWS))
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "kind"), (4, "name")]
    html = client.get(f"/excel/runs/{run.pk}/").content.decode()
    assert "2 errors" in html
    assert '<td class="num">3</td><td><code>kind</code></td>' in html
    assert "&#x27;service&#x27; is not one of: product, assembly, component" in html
    assert '<td class="num">4</td><td><code>name</code></td><td>is required</td>' in html
    assert f'href="/excel/runs/{run.pk}/annotated/"' in html

    response = client.get(f"/excel/runs/{run.pk}/annotated/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="items-errors.xlsx"'
    workbook = open_xlsx(response.content)
    assert workbook.sheetnames == ["items", "tempo errors"]
    sheet = workbook["items"]
    bad = sheet["C3"]
    assert bad.value == "service"
    assert bad.fill.fill_type == "solid" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "is not one of: product, assembly, component" in bad.comment.text
    assert "is required" in sheet["B4"].comment.text
    assert sheet["B4"].fill.fgColor.rgb.endswith("FFC7CE")
    for good in ["A2", "B2", "C2", "A3", "B3"]:
        assert sheet[good].fill.fill_type is None and sheet[good].comment is None, good
    listing = list(workbook["tempo errors"].iter_rows(values_only=True))
    assert listing[0] == ("row", "column", "message")
    assert [(row[0], row[1]) for row in listing[1:]] == [(3, "kind"), (4, "name")]


def test_no_annotated_copy_for_a_clean_run(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS))
    assert client.get(f"/excel/runs/{run.pk}/annotated/").status_code == 404


def test_htmx_gets_only_the_status_partial(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS))
    response = client.get(f"/excel/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<body" not in html
    assert html.lstrip().startswith('<div id="run-status"')
    assert "hx-get" not in html  # finished: no more polling
    assert "Import this file for real" in html


def test_a_running_import_polls_and_shows_progress(client, procurement_user):
    run = ImportRun.objects.create(
        dataset="items", file_name="big.xlsx", created_by=procurement_user, status=ImportRun.Status.RUNNING
    )
    cache.set(f"excel-import-progress:{run.pk}", 4000)
    try:
        client.force_login(procurement_user)
        html = client.get(f"/excel/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    finally:
        cache.delete(f"excel-import-progress:{run.pk}")
    assert f'hx-get="/excel/runs/{run.pk}/"' in html and 'hx-trigger="every 1s"' in html
    assert "4000 rows checked so far" in html


def test_other_users_runs_are_not_found(client, procurement_user, make_user, admin_user):
    other = make_user("procurement")
    client.force_login(other)
    run = _run_from(_upload(client, BAD_ITEM_ROWS))
    client.force_login(procurement_user)
    for suffix in ["", "annotated/"]:
        assert client.get(f"/excel/runs/{run.pk}/{suffix}").status_code == 404
    assert client.post(f"/excel/runs/{run.pk}/commit/").status_code == 404
    client.force_login(admin_user)
    assert client.get(f"/excel/runs/{run.pk}/").status_code == 200
    assert client.get(f"/excel/runs/{run.pk}/annotated/").status_code == 200


def test_run_pages_need_login(client):
    run = ImportRun.objects.create(dataset="items", file_name="x.xlsx")
    for url in [f"/excel/runs/{run.pk}/", "/excel/runs/", f"/excel/runs/{run.pk}/annotated/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/?next="), url


# --- the runs list --------------------------------------------------------------------


def _run(user, **kwargs):
    defaults = {"dataset": "items", "file_name": "items.xlsx", "status": ImportRun.Status.SUCCEEDED}
    return ImportRun.objects.create(created_by=user, **{**defaults, **kwargs})


def _listed(response) -> list[int]:
    return [run.pk for run in response.context["object_list"]]


def test_runs_list_filters_and_sorts_own_runs(client, procurement_user, make_user):
    other = make_user("procurement")
    ok = _run(procurement_user, total_rows=5)
    failed = _run(procurement_user, status="failed", error_count=2, total_rows=9)
    prices = _run(procurement_user, dataset="prices", status="failed", total_rows=1)
    _run(other, status="failed")
    client.force_login(procurement_user)

    assert _listed(client.get("/excel/runs/")) == [prices.pk, failed.pk, ok.pk]
    assert _listed(client.get("/excel/runs/?dataset=items&status=failed")) == [failed.pk]
    assert _listed(client.get("/excel/runs/?status=succeeded")) == [ok.pk]
    assert _listed(client.get("/excel/runs/?sort=total_rows")) == [prices.pk, ok.pk, failed.pk]
    assert _listed(client.get("/excel/runs/?sort=-total_rows")) == [failed.pk, ok.pk, prices.pk]
    assert _listed(client.get("/excel/runs/?sort=created_at")) == [ok.pk, failed.pk, prices.pk]
    assert _listed(client.get("/excel/runs/?sort=created_by__password")) == [prices.pk, failed.pk, ok.pk]
    html = client.get("/excel/runs/?dataset=items&status=failed").content.decode()
    assert f'href="/excel/runs/{failed.pk}/"' in html
    assert f'href="/excel/runs/{ok.pk}/"' not in html


def test_runs_list_with_an_invalid_filter_shows_the_error_not_a_500(client, procurement_user):
    _run(procurement_user)
    client.force_login(procurement_user)
    response = client.get("/excel/runs/?status=exploded")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_runs_list_with_an_invalid_filter_lists_nothing(client, procurement_user):
    _run(procurement_user)
    client.force_login(procurement_user)
    assert _listed(client.get("/excel/runs/?status=exploded")) == []


def test_admin_runs_list_shows_everyone_including_the_command_line(client, admin_user, procurement_user):
    runs = [_run(procurement_user), _run(None)]
    client.force_login(admin_user)
    response = client.get("/excel/runs/")
    assert sorted(_listed(response)) == sorted(run.pk for run in runs)
    assert "command line" in response.content.decode()


@pytest.mark.parametrize("count", [3, 12])
def test_runs_list_query_count(client, procurement_user, django_assert_num_queries, count):
    for index in range(count):
        _run(procurement_user, dataset=["items", "prices"][index % 2])
    client.force_login(procurement_user)
    client.get("/excel/runs/")  # warm the session and permission caches of this client
    # session, user, groups (role check), permissions, count, page (uploader joined)
    with django_assert_num_queries(6):
        response = client.get("/excel/runs/?sort=dataset")
    assert len(response.context["object_list"]) == count


def test_hub_query_count(client, procurement_user, django_assert_num_queries):
    for _ in range(5):
        _run(procurement_user)
    client.force_login(procurement_user)
    client.get("/excel/")
    # session, user, groups (role check), permissions, recent runs (uploader joined)
    with django_assert_num_queries(5):
        response = client.get("/excel/")
    assert len(response.context["recent_runs"]) == 5


# --- limits, background runs and awkward files ----------------------------------------


def test_a_file_over_the_limit_is_a_form_error(client, procurement_user, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 100
    client.force_login(procurement_user)
    response = _upload(client, VALID_ITEM_ROWS)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["File too large."]
    assert not ImportRun.objects.exists()


def test_a_large_upload_runs_in_the_background_and_the_page_polls(
    client, procurement_user, settings, django_capture_on_commit_callbacks
):
    settings.EXCEL_BACKGROUND_BYTES = 1
    client.force_login(procurement_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = _run_from(_upload(client, VALID_ITEM_ROWS, dry_run=False))
    assert run.status == ImportRun.Status.QUEUED and len(callbacks) == 1
    html = client.get(f"/excel/runs/{run.pk}/").content.decode()
    assert f'hx-get="/excel/runs/{run.pk}/"' in html and "0 rows checked so far" in html
    callbacks[0]()  # the commit happens: the (eager) task runs
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and Item.objects.count() == 3
    html = client.get(f"/excel/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in html and 'data-status="succeeded"' in html


def test_annotated_copy_of_a_file_named_in_chinese_keeps_its_name(client, procurement_user):
    client.force_login(procurement_user)
    run = _run_from(_upload(client, BAD_ITEM_ROWS, name="物料.xlsx"))
    assert run.file_name == "物料.xlsx"
    response = client.get(f"/excel/runs/{run.pk}/annotated/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, "物料-errors.xlsx")


def test_no_annotated_copy_of_a_workbook_the_safety_checks_refused(client, procurement_user, settings):
    settings.EXCEL_MAX_UNCOMPRESSED_BYTES = 1000  # any real workbook now looks like a zip bomb
    client.force_login(procurement_user)
    run = _run_from(_upload(client, VALID_ITEM_ROWS))
    assert run.status == ImportRun.Status.FAILED
    assert run.errors[0]["row"] is None and "zip bomb" in run.errors[0]["message"]
    assert f"/excel/runs/{run.pk}/annotated/" not in client.get(f"/excel/runs/{run.pk}/").content.decode()
    assert client.get(f"/excel/runs/{run.pk}/annotated/").status_code == 404

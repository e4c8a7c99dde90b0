"""The meeting workbook pages: download, upload (dry run), apply; permissions; nothing written on bad input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from erp import roles
from erp.weeks import IsoWeek
from orders.meeting_workbook import SHEETS, CellChange
from orders.models import MeetingCellEdit
from orders.selectors.meeting import meeting_get, meeting_grid
from orders.services.meeting import meeting_changes_apply, meeting_open
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import ProductFactory, UserFactory
from tests.logistics.factories_production import (
    FactoryCapacityFactory,
    FactoryFactory,
    make_locked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def week():
    factory = FactoryFactory()
    for sku in ("TP-M1", "TP-M2"):
        FactoryCapacityFactory(factory=factory, item=ProductFactory(sku=sku, batch_multiple=100), weekly_capacity=5000)
    make_locked()
    return IsoWeek.current()


def _planned(week: IsoWeek) -> dict:
    return {(row.item.sku, cell.week): cell.planned for row in meeting_grid(week=week).rows for cell in row.cells}


def _download(client, week: IsoWeek) -> bytes:
    response = client.get(reverse("meeting-workbook", args=[week.key]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _edited(content: bytes, edits: dict) -> SimpleUploadedFile:
    workbook = load_workbook(io.BytesIO(content))
    supply = workbook["Supply"]
    columns = {cell.value: cell.column for cell in supply[1]}
    for row in supply.iter_rows(min_row=2):
        for (sku, week), value in edits.items():
            if row[0].value == sku and row[2].value == "planned":
                supply.cell(row=row[0].row, column=columns[week.key]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("meeting.xlsx", buffer.getvalue())


def _upload(client, week: IsoWeek, upload):
    return client.post(reverse("meeting-upload", args=[week.key]), {"file": upload})


def test_every_staff_role_downloads_the_workbook_retailers_may_not(client, week, planning_user, sales_user):
    for user in (planning_user, sales_user):
        client.force_login(user)
        response = client.get(reverse("meeting-workbook", args=[week.key]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert f"tempo-meeting-{week.key}.xlsx" in response["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == list(SHEETS) and workbook["Summary"]["B1"].value == week.key
    client.force_login(UserFactory(roles=[roles.RETAILER], is_staff=False))
    assert client.get(reverse("meeting-workbook", args=[week.key])).status_code == 403
    client.force_login(UserFactory(roles=[]))
    assert client.get(reverse("meeting-workbook", args=[week.key])).status_code == 403
    client.logout()
    assert client.get(reverse("meeting-workbook", args=[week.key])).status_code == 302
    assert client.get(reverse("meeting-workbook", args=["2026-W99"])).status_code in (302, 404)


def test_only_planning_uploads(client, week, sales_user, retailer_user):
    for user in (sales_user, retailer_user):
        client.force_login(user)
        assert client.get(reverse("meeting-upload", args=[week.key])).status_code == 403
        assert _upload(client, week, SimpleUploadedFile("m.xlsx", b"x")).status_code == 403


def test_the_dry_run_lists_every_change_and_writes_nothing_then_apply_writes_them(client, week, planning_user):
    client.force_login(planning_user)
    before = _planned(week)
    first, last = week, week + 11
    edits = {("TP-M1", first): before[("TP-M1", first)] + 500, ("TP-M2", last): before[("TP-M2", last)] + 300}
    response = _upload(client, week, _edited(_download(client, week), edits))
    assert response.status_code == 200
    page = response.content.decode()
    for (sku, plan_week), new in edits.items():
        assert sku in page and plan_week.key in page and f"<strong>{new}</strong>" in page
    assert response.context["changes"] == [
        (CellChange("TP-M1", first, before[("TP-M1", first)], edits[("TP-M1", first)]), _name("TP-M1", week)),
        (CellChange("TP-M2", last, before[("TP-M2", last)], edits[("TP-M2", last)]), _name("TP-M2", week)),
    ]
    assert _planned(week) == before and not MeetingCellEdit.objects.exists()

    token = response.context["apply_form"].initial["token"]
    applied = client.post(reverse("meeting-upload", args=[week.key]), {"token": token, "comment": "from Excel"})
    assert applied.status_code == 302
    after = _planned(week)
    assert {key: after[key] for key in edits} == edits
    assert {key: value for key, value in after.items() if key not in edits} == {
        key: value for key, value in before.items() if key not in edits
    }
    # The stored upload is gone once applied: the same token cannot apply twice.
    again = client.post(reverse("meeting-upload", args=[week.key]), {"token": token})
    assert again.status_code == 400 and "no longer stored" in again.content.decode()


def _name(sku: str, week: IsoWeek) -> str:
    return next(row.item.name for row in meeting_grid(week=week).rows if row.item.sku == sku)


def test_a_cell_changed_since_the_dry_run_is_refused_by_name_and_nothing_is_written(client, week, planning_user):
    client.force_login(planning_user)
    before = _planned(week)
    edits = {("TP-M1", week + 1): before[("TP-M1", week + 1)] + 500, ("TP-M2", week + 2): 700}
    response = _upload(client, week, _edited(_download(client, week), edits))
    token = response.context["apply_form"].initial["token"]
    # Somebody else saves TP-M2 in week + 2 between the dry run and the apply.
    meeting = meeting_get(week=week) or meeting_open(acting_user=planning_user, week=week)
    old = before[("TP-M2", week + 2)]
    meeting_changes_apply(acting_user=planning_user, meeting=meeting, changes=[CellChange("TP-M2", week + 2, old, 900)])
    moved = _planned(week)
    applied = client.post(reverse("meeting-upload", args=[week.key]), {"token": token})
    assert applied.status_code == 400
    assert f"TP-M2 {(week + 2).key}: the planned production was {old} at the dry run and is now 900" in (
        applied.content.decode()
    )
    assert _planned(week) == moved  # TP-M1 was not written either


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "&#x27;abc&#x27; is not a whole number"), (-100, "-100 is negative"), (150.5, "150.5 is not a whole")],
)
def test_a_bad_cell_is_a_form_error_naming_it(client, week, planning_user, value, message):
    client.force_login(planning_user)
    before = _planned(week)
    response = _upload(client, week, _edited(_download(client, week), {("TP-M1", week + 1): value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Supply!E2: {message}" in page and "apply_form" not in response.context
    assert _planned(week) == before and not MeetingCellEdit.objects.exists()


def test_another_weeks_workbook_and_renamed_sheets_are_refused(client, week, planning_user):
    client.force_login(planning_user)
    other = _download(client, week + 1)
    response = _upload(client, week, SimpleUploadedFile("m.xlsx", other))
    assert response.status_code == 400
    assert f"Summary!B1: this workbook is for the meeting of &#x27;{(week + 1).key}&#x27;" in response.content.decode()
    workbook = load_workbook(io.BytesIO(_download(client, week)))
    workbook["Supply"].title = "Plan"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, week, SimpleUploadedFile("m.xlsx", buffer.getvalue()))
    assert response.status_code == 400 and "The workbook has no sheet &#x27;Supply&#x27;" in response.content.decode()
    assert not MeetingCellEdit.objects.exists()


def test_a_tampered_or_foreign_token_is_refused(client, week, planning_user):
    client.force_login(planning_user)
    response = _upload(client, week, _edited(_download(client, week), {("TP-M1", week): 1200}))
    token = response.context["apply_form"].initial["token"]
    url = reverse("meeting-upload", args=[week.key])
    assert client.post(url, {"token": token[:-3] + "abc"}).status_code == 400
    client.force_login(UserFactory(roles=[roles.PLANNING]))
    refused = client.post(url, {"token": token})
    assert refused.status_code == 400 and "expired or is not yours" in refused.content.decode()
    assert not MeetingCellEdit.objects.exists()


def test_the_api_returns_the_workbook(api_client, week, planning_user, retailer_user):
    response = token_client(api_client, planning_user).get(f"/api/v1/meetings/{week.key}/workbook/")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Summary"]["B1"].value == week.key
    assert_error_shape(token_client(api_client, planning_user).get("/api/v1/meetings/2026-W99/workbook/"), 400)
    assert_error_shape(token_client(api_client, retailer_user).get(f"/api/v1/meetings/{week.key}/workbook/"), 403)

"""The meeting workbook: built from a MeetingGrid, read back into cell changes (orders.meeting_workbook)."""

import io
import os
import time
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek, week_range
from orders.meeting_workbook import (
    SHEETS,
    STASH_MAX_AGE,
    CellChange,
    meeting_changes_moved,
    meeting_upload_discard,
    meeting_upload_stash,
    meeting_upload_unstash,
    meeting_workbook_build,
    meeting_workbook_read,
)
from orders.selectors.meeting_types import (
    MEETING_WEEKS,
    LastWeekActuals,
    MeetingCell,
    MeetingGrid,
    MeetingRow,
    ShortageSummary,
)

WEEK = IsoWeek(2026, 49)
WEEKS = week_range(WEEK, MEETING_WEEKS)


def _row(sku: str, *, planned: int = 1000, projected_dip: bool = False, shortages=None) -> MeetingRow:
    cells = []
    for index, week in enumerate(WEEKS):
        projected = -250 if projected_dip and index == 3 else 500 + index
        cells.append(
            MeetingCell(
                week=week,
                forecast=900,
                online=100,
                retailer=700,
                demand=900,
                planned=planned + index,
                supply=planned,
                suggested=1000,
                projected=projected,
                days_of_supply=Decimal("3.9") if projected > 0 else Decimal("0"),
                capacity_shortfall=200 if index == 5 else 0,
            )
        )
    return MeetingRow(
        item=Item(sku=sku, name=f"Phone {sku}", kind=Item.Kind.PRODUCT),
        factory_codes=["SZ"],
        on_hand=3000,
        available=2800,
        capacity=5000,
        unit_cost=Decimal("1200"),
        list_price=Decimal("2000"),
        margin=Decimal("0.4"),
        last_week=LastWeekActuals(sales=800, sell_through=600, produced=1000),
        shortages=shortages or ShortageSummary(),
        cells=cells,
    )


def _grid(*, week: IsoWeek = WEEK, locked: bool = False) -> MeetingGrid:
    return MeetingGrid(
        week=week,
        weeks=week_range(week, MEETING_WEEKS),
        locked=locked,
        schedule_number=7,
        previous_schedule_number=6,
        rows=[
            _row("TP-A1", projected_dip=True, shortages=ShortageSummary(2, "CP-CHIP", "Chip", 2)),
            _row("TP-B2", planned=2000, shortages=ShortageSummary(1, "CP-GLASS", "Glass", 0)),
        ],
    )


def _decision(text="Raise W50 for the promotion", sku="TP-A1"):
    user = SimpleNamespace(get_full_name=lambda: "Li Na", get_username=lambda: "lina")
    return SimpleNamespace(
        created_at=None,
        decided_by=user,
        text=text,
        reason="Retailer orders are ahead of the forecast",
        item_id=1 if sku else None,
        item=SimpleNamespace(sku=sku),
        plan_week=WEEKS[1].monday,
    )


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def _upload(workbook_or_bytes, name="meeting.xlsx") -> SimpleUploadedFile:
    if isinstance(workbook_or_bytes, bytes):
        return SimpleUploadedFile(name, workbook_or_bytes)
    buffer = io.BytesIO()
    workbook_or_bytes.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _planned_cell(sheet, sku: str, week: IsoWeek):
    """The Supply cell of sku x week found by its keys (SKU in A, 'planned' in C, week key in row 1)."""
    columns = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == sku and row[2].value == "planned":
            return sheet.cell(row=row[0].row, column=columns[week.key])
    raise AssertionError(f"no planned row for {sku}")


def _problems(excinfo) -> list[str]:
    return [
        f"{e['sheet']}!{e['cell']}: {e['message']}" if e["cell"] else e["message"]
        for e in excinfo.value.extra["errors"]
    ]


# --- building ------------------------------------------------------------------------------


def test_the_workbook_has_the_five_sheets_frozen_and_formatted():
    workbook = _open(meeting_workbook_build(grid=_grid(), decisions=[_decision()]))
    assert workbook.sheetnames == list(SHEETS)
    summary, demand, supply, shortages, decisions = (workbook[name] for name in SHEETS)
    assert summary["A1"].value == "Meeting week" and summary["B1"].value == "2026-W49"
    assert summary["B2"].value == "open" and summary["B3"].value == 7
    assert "MeetingWeek" in workbook.defined_names
    assert [c.value for c in summary[8]][:3] == ["SKU", "Product", "Demand (12 weeks)"]
    assert summary["C9"].value == 900 * 12 and summary["E9"].value == -250 and summary["H9"].value == 0.4
    assert summary["H9"].number_format == "0.0%" and summary["C9"].number_format == "#,##0"
    assert summary.freeze_panes == "C9"
    assert demand.freeze_panes == "D2" and supply.freeze_panes == "D2"
    assert shortages.freeze_panes == "C2" and decisions.freeze_panes == "A2"
    assert [c.value for c in supply[1]] == ["sku", "product", "measure", *[w.key for w in WEEKS]]
    assert [supply.cell(row=r, column=3).value for r in range(2, 8)] == [
        "planned",
        "suggested",
        "supply",
        "projected",
        "days of supply",
        "capacity shortfall",
    ]
    assert [demand.cell(row=r, column=3).value for r in range(2, 6)] == ["forecast", "online", "retailer", "demand"]
    assert supply["D2"].number_format == "#,##0" and supply["D6"].number_format == "0.0"
    assert supply.column_dimensions["B"].width > supply.column_dimensions["D"].width
    assert decisions["C2"].value == "Raise W50 for the promotion" and decisions["B2"].value == "Li Na"
    assert decisions["E2"].value == "TP-A1" and decisions["F2"].value == "2026-W50"


def test_negative_projected_inventory_and_late_shortages_are_filled_like_the_page():
    workbook = _open(meeting_workbook_build(grid=_grid(), decisions=[]))
    supply, shortages = workbook["Supply"], workbook["Shortages"]
    negative = supply.cell(row=5, column=4 + 3)  # TP-A1 projected, fourth week: -250
    assert negative.value == -250
    assert negative.fill.fgColor.rgb == "FFFDECEA" and negative.font.color.rgb == "FFB42318"
    assert supply.cell(row=5, column=4).fill.fill_type is None
    assert shortages["C2"].fill.fgColor.rgb == "FFFDECEA"  # 2 weeks late: red
    assert shortages["C3"].fill.fgColor.rgb == "FFFFF4E0"  # on time: orange
    assert shortages["D2"].value == "CP-CHIP" and shortages["F2"].value == 2


def test_only_the_planned_cells_are_editable():
    supply = _open(meeting_workbook_build(grid=_grid(), decisions=[]))["Supply"]
    assert supply.protection.sheet
    for row in supply.iter_rows(min_row=1):
        for cell in row:
            editable = cell.row > 1 and cell.column >= 4 and row[2].value == "planned"
            assert cell.protection.locked is not editable, cell.coordinate
    workbook = _open(meeting_workbook_build(grid=_grid(), decisions=[]))
    assert all(workbook[name].protection.sheet for name in SHEETS)


def test_a_locked_week_has_no_editable_cell():
    supply = _open(meeting_workbook_build(grid=_grid(locked=True), decisions=[]))["Supply"]
    assert all(cell.protection.locked for row in supply.iter_rows() for cell in row)


def test_text_that_looks_like_a_formula_is_written_as_text():
    workbook = _open(meeting_workbook_build(grid=_grid(), decisions=[_decision(text="=HYPERLINK(1)")]))
    assert workbook["Decisions"]["C2"].value == "'=HYPERLINK(1)"
    assert workbook["Decisions"]["C2"].data_type == "s"


# --- reading back ------------------------------------------------------------------------------


def test_an_unedited_workbook_reads_back_with_no_change():
    grid = _grid()
    assert meeting_workbook_read(upload=_upload(meeting_workbook_build(grid=grid, decisions=[])), grid=grid) == []


def test_round_trip_returns_exactly_the_edited_cells():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[_decision()]))
    supply = workbook["Supply"]
    _planned_cell(supply, "TP-A1", WEEKS[1]).value = 1500
    _planned_cell(supply, "TP-B2", WEEKS[11]).value = "2500"  # typed as text: still a whole number
    _planned_cell(supply, "TP-B2", WEEKS[2]).value = 2002  # unchanged: the grid has 2000 + 2
    _planned_cell(supply, "TP-B2", WEEKS[3]).value = None  # blank: left as it is
    changes = meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert changes == [
        CellChange(sku="TP-A1", week=WEEKS[1], old=1001, new=1500),
        CellChange(sku="TP-B2", week=WEEKS[11], old=2011, new=2500),
    ]


def test_a_whole_float_is_a_whole_number():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    _planned_cell(workbook["Supply"], "TP-A1", WEEKS[0]).value = 1200.0
    assert meeting_workbook_read(upload=_upload(workbook), grid=grid) == [CellChange("TP-A1", WEEKS[0], 1000, 1200)]


def test_every_bad_cell_is_named_with_its_sheet_and_cell():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    supply = workbook["Supply"]
    bad = {
        ("TP-A1", 1): ("abc", "'abc' is not a whole number"),
        ("TP-A1", 2): (-5, "-5 is negative; planned production is 0 or more"),
        ("TP-B2", 0): (12.5, "12.5 is not a whole number"),
        ("TP-B2", 4): (True, "True is not a quantity"),
    }
    expected = []
    for (sku, index), (value, message) in bad.items():
        cell = _planned_cell(supply, sku, WEEKS[index])
        cell.value = value
        expected.append(f"Supply!{cell.coordinate}: {message} ({sku}, {WEEKS[index].key}).")
    _planned_cell(supply, "TP-A1", WEEKS[5]).value = 99  # a good edit beside bad ones: not returned either
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert sorted(_problems(excinfo)) == sorted(expected)
    assert excinfo.value.message.startswith("The workbook has 4 problems; nothing was changed. First: Supply!E2: ")
    assert sorted(excinfo.value.field_errors["file"]) == sorted(expected)


def test_one_bad_cell_is_the_message():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    _planned_cell(workbook["Supply"], "TP-A1", WEEKS[1]).value = "abc"
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert excinfo.value.message == "Supply!E2: 'abc' is not a whole number (TP-A1, 2026-W50)."


def test_an_unknown_or_repeated_sku_is_refused():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    supply = workbook["Supply"]
    supply["A2"] = "TP-ZZ9"
    supply["A14"] = "TP-B2"  # the second product's capacity shortfall row ... made a planned row of TP-B2 again
    supply["C14"] = "planned"
    supply["C8"] = "planned"  # the first row of TP-B2 is row 8
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert _problems(excinfo) == [
        "Supply!A2: unknown SKU 'TP-ZZ9': no product of this meeting has it.",
        "Supply!A14: TP-B2 appears twice (also on row 8).",
    ]


def test_changed_week_columns_are_refused():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    supply = workbook["Supply"]
    supply["E1"] = "2026-W51"
    supply["P1"] = "2027-W09"
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert _problems(excinfo) == [
        "Supply!E1: expected the week 2026-W50, found '2026-W51'; the week columns must not be changed.",
        "Supply!P1: unexpected column '2027-W09'; the meeting has 12 weeks.",
    ]


def test_a_deleted_week_column_is_refused():
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    workbook["Supply"].delete_cols(5)
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert excinfo.value.message.startswith("The workbook has 11 problems; nothing was changed. First: Supply!E1: ")


def test_another_weeks_workbook_is_refused():
    other = meeting_workbook_build(grid=_grid(week=WEEK + 1), decisions=[])
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(other), grid=_grid())
    assert excinfo.value.message == (
        "Summary!B1: this workbook is for the meeting of '2026-W50', not of 2026-W49; "
        "download the workbook of 2026-W49 and edit that one."
    )


@pytest.mark.parametrize("renamed", ["Supply", "Summary", "Decisions"])
def test_a_renamed_sheet_is_refused(renamed):
    workbook = _open(meeting_workbook_build(grid=_grid(), decisions=[]))
    workbook[renamed].title = f"{renamed} (edited)"
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=_grid())
    assert excinfo.value.message.startswith(f"The workbook has no sheet '{renamed}' (it has ")
    assert f"'{renamed} (edited)'" in excinfo.value.message


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(ApplicationError, match=r"not an \.xlsx workbook"):
        meeting_workbook_read(upload=SimpleUploadedFile("plan.csv", b"sku,week\n"), grid=_grid())
    with pytest.raises(ApplicationError, match="not an Excel workbook"):
        meeting_workbook_read(upload=SimpleUploadedFile("plan.xlsx", b"not a zip"), grid=_grid())


def test_a_file_over_the_limit_is_refused(settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1000
    content = meeting_workbook_build(grid=_grid(), decisions=[])
    with pytest.raises(ApplicationError, match="the limit is 0 MB"):
        meeting_workbook_read(upload=_upload(content), grid=_grid())


def test_an_unrelated_workbook_is_refused():
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    with pytest.raises(ApplicationError, match="The workbook has no sheet 'Summary', 'Demand'"):
        meeting_workbook_read(upload=_upload(workbook), grid=_grid())


def test_a_locked_meeting_refuses_any_upload():
    grid = _grid(locked=True)
    with pytest.raises(ApplicationError, match="The meeting of 2026-W49 is locked"):
        meeting_workbook_read(upload=_upload(meeting_workbook_build(grid=grid, decisions=[])), grid=grid)


def test_reads_from_a_path(tmp_path):
    grid = _grid()
    path = tmp_path / "stored.xlsx"
    path.write_bytes(meeting_workbook_build(grid=grid, decisions=[]))
    assert meeting_workbook_read(upload=str(path), grid=grid) == []


# --- keeping the dry run's upload ----------------------------------------------------------------


def test_a_stashed_upload_comes_back_for_its_user_and_week_only(settings):
    grid = _grid()
    content = meeting_workbook_build(grid=grid, decisions=[])
    changes = [CellChange("TP-A1", WEEKS[1], 1001, 1500)]
    token = meeting_upload_stash(upload=_upload(content), user_id=5, week=WEEK, changes=changes)
    stashed = meeting_upload_unstash(token=token, user_id=5, week=WEEK)
    assert stashed.changes == changes
    assert stashed.path.startswith(str(settings.MEDIA_ROOT))
    assert meeting_workbook_read(upload=stashed.path, grid=grid) == []
    for user_id, week in ((6, WEEK), (5, WEEK + 1)):
        with pytest.raises(ApplicationError, match="expired or is not yours"):
            meeting_upload_unstash(token=token, user_id=user_id, week=week)
    with pytest.raises(ApplicationError, match="expired or is not yours"):
        meeting_upload_unstash(token=token[:-2] + "xx", user_id=5, week=WEEK)
    meeting_upload_discard(token=token)
    with pytest.raises(ApplicationError, match="no longer stored"):
        meeting_upload_unstash(token=token, user_id=5, week=WEEK)


def test_a_cell_that_moved_since_the_dry_run_is_named():
    grid = _grid()
    stashed = [
        CellChange("TP-A1", WEEKS[1], 1001, 1500),  # still 1001
        CellChange("TP-B2", WEEKS[0], 1999, 2500),  # the grid now has 2000
        CellChange("TP-GONE", WEEKS[0], 10, 20),
    ]
    assert meeting_changes_moved(stashed=stashed, grid=grid) == [
        "TP-B2 2026-W49: the planned production was 1999 at the dry run and is now 2000; "
        "upload the workbook again to see the current values.",
        "TP-GONE 2026-W49: the planned production was 10 at the dry run and is no longer in the meeting; "
        "upload the workbook again to see the current values.",
    ]


def test_a_planned_cell_changed_since_last_weeks_plan_carries_the_old_value():
    grid = _grid()
    row = grid.rows[0]
    row.cells[2] = replace(row.cells[2], previous_planned=800)
    row.cells[3] = replace(row.cells[3], previous_planned=row.cells[3].planned)  # unchanged: no note
    supply = _open(meeting_workbook_build(grid=grid, decisions=[]))["Supply"]
    assert supply["F2"].comment.text == "Last week's locked plan: 800"
    assert supply["G2"].comment is None and supply["D2"].comment is None


def test_a_workbook_built_in_chinese_reads_back_the_same():
    grid = _grid()
    with translation.override("zh-hans"):
        content = meeting_workbook_build(grid=grid, decisions=[_decision()])
    workbook = _open(content)
    assert workbook.sheetnames == list(SHEETS)  # sheet names and keys are never translated
    _planned_cell(workbook["Supply"], "TP-B2", WEEKS[0]).value = 4000
    assert meeting_workbook_read(upload=_upload(workbook), grid=grid) == [CellChange("TP-B2", WEEKS[0], 2000, 4000)]


def test_stashed_uploads_older_than_a_day_are_removed_by_the_next_stash(settings):
    content = meeting_workbook_build(grid=_grid(), decisions=[])
    old = meeting_upload_stash(upload=_upload(content), user_id=5, week=WEEK, changes=[])
    path = meeting_upload_unstash(token=old, user_id=5, week=WEEK).path
    stale = time.time() - STASH_MAX_AGE - 60
    os.utime(path, (stale, stale))
    fresh = meeting_upload_stash(upload=_upload(content), user_id=5, week=WEEK, changes=[])
    assert not os.path.exists(path)
    assert os.path.exists(meeting_upload_unstash(token=fresh, user_id=5, week=WEEK).path)


def test_cells_keep_their_names_when_the_first_columns_are_emptied():
    """calamine starts rows at the first used column: the reader still names A2, not the next column."""
    grid = _grid()
    workbook = _open(meeting_workbook_build(grid=grid, decisions=[]))
    supply = workbook["Supply"]
    for row in supply.iter_rows(min_col=1, max_col=2):
        for cell in row:
            cell.value = None
    with pytest.raises(ApplicationError) as excinfo:
        meeting_workbook_read(upload=_upload(workbook), grid=grid)
    assert _problems(excinfo) == [
        "Supply!A2: the SKU of this planned production row is missing.",
        "Supply!A8: the SKU of this planned production row is missing.",
    ]

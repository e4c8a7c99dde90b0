"""The weekly order meeting as one workbook, and an edited copy read back as cell changes.

``meeting_workbook_build`` writes a ``MeetingGrid`` (the same structure the page and the API show) into
five sheets: Summary, Demand, Supply, Shortages, Decisions. Every sheet is protected; the only unlocked
cells are the planned production cells of the Supply sheet (filled yellow). The upload identifies each
of those cells by its key, never by position: the SKU in column A, the measure ``planned`` in column C
and the ISO week key (``2026-W49``) in the header row. Summary!B1 (also the defined name
``MeetingWeek``) holds the meeting's week, so a workbook of another week is refused.

``meeting_workbook_read`` runs the upload through the Excel engine's safety checks
(``erp.excel.reader``: size limit ``EXCEL_MAX_UPLOAD_BYTES``, zip and XML checks) before any parser
reads it, then checks everything and reports every problem at once, each naming its sheet and cell
(``Supply!E7: 'abc' is not a whole number``). A blank planned cell leaves the value as it is. It
returns only the cells whose value differs from the grid, with ``old`` the grid's value; writing them
is ``orders.services.meeting.meeting_changes_apply`` (all or nothing, each change checked against
``old`` so that a cell changed underneath since the download is refused, not overwritten).
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from erp.errors import ApplicationError
from erp.excel.columns import CellError, escape_formula
from erp.excel.reader import WorkbookError, check_workbook, iter_sheet_rows, workbook_sheet_names
from erp.excel.xlsx_stream import column_letters
from erp.weeks import IsoWeek
from orders.importers.forecasts import _cell_quantity
from orders.selectors.meeting_types import MeetingGrid
from orders.services.meeting import CellChange

SHEETS = ("Summary", "Demand", "Supply", "Shortages", "Decisions")
WEEK_CELL = "B1"  # Summary!B1: the meeting's week key
WEEK_NAME = "MeetingWeek"
PLANNED = "planned"  # the measure key of the editable rows on the Supply sheet
FIRST_WEEK_COLUMN = 3  # D: columns A-C are sku, product, measure
DEMAND_MEASURES = (("forecast", "forecast"), ("online", "online"), ("retailer", "retailer"), ("demand", "demand"))
SUPPLY_MEASURES = (
    (PLANNED, "planned"),
    ("suggested", "suggested"),
    ("supply", "supply"),
    ("projected", "projected"),
    ("days of supply", "days_of_supply"),
    ("capacity shortfall", "capacity_shortfall"),
)

# The page's colours (erp/static/erp/tempo.css): --bad #b42318 on #fdecea, --warn #b26a00 on #fff4e0.
BAD = {"bg_color": "#FDECEA", "font_color": "#B42318"}
WARN = {"bg_color": "#FFF4E0", "font_color": "#B26A00"}
HEADER = {"bold": True, "bg_color": "#E8EEF5", "bottom": 1}  # the exports' header (erp.excel.xlsx_stream)
EDITABLE = {"bg_color": "#FFF9DB", "locked": False}
INTEGER = "#,##0"
DAYS = "0.0"
PERCENT = "0.0%"


# --- building ----------------------------------------------------------------------------------


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple, Any] = {}

    def get(self, *parts: dict[str, Any] | None, num_format: str | None = None) -> Any:
        spec: dict[str, Any] = {}
        for part in parts:
            spec.update(part or {})
        if num_format:
            spec["num_format"] = num_format
        key = tuple(sorted(spec.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(spec)
        return self._cache[key]


def _protect(sheet) -> None:
    # No password: protection keeps accidental edits off the computed cells; it is not a security boundary.
    sheet.protect("", {"format_columns": True, "autofilter": True, "sort": True})


def _text(sheet, row: int, col: int, value: Any, cell_format: Any = None) -> None:
    if value is None or value == "":
        return
    sheet.write_string(row, col, escape_formula(str(value)), cell_format)


def _number(sheet, row: int, col: int, value: int | Decimal | float | None, cell_format: Any) -> None:
    if value is None:
        return
    sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, cell_format)


def _header_row(sheet, fmt: _Formats, row: int, titles: Sequence[str], widths: Sequence[int]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True)):
        sheet.write_string(row, col, title, fmt.get(HEADER))
        sheet.set_column(col, col, width)


def _summary(workbook, fmt: _Formats, grid: MeetingGrid) -> None:
    sheet = workbook.add_worksheet("Summary")
    label = fmt.get({"bold": True})
    facts = [
        (_("Meeting week"), grid.week.key),  # B1: the key an upload is checked against
        (_("Status"), pgettext("meeting status", "locked") if grid.locked else pgettext("meeting status", "open")),
        (_("Schedule version"), grid.schedule_number),
        (_("Compared with version"), grid.previous_schedule_number),
        (_("Weeks"), f"{grid.weeks[0].key} – {grid.weeks[-1].key}" if grid.weeks else ""),
    ]
    for row, (name, value) in enumerate(facts):
        sheet.write_string(row, 0, name, label)
        if isinstance(value, int):
            sheet.write_number(row, 1, value)
        else:
            _text(sheet, row, 1, value)
    workbook.define_name(WEEK_NAME, "=Summary!$B$1")
    sheet.write_string(
        len(facts),
        0,
        _(
            "Only the yellow cells of the Supply sheet (planned production) are read back when this workbook is "
            "uploaded. Do not rename the sheets or change the SKU, measure and week columns."
        ),
    )
    top = len(facts) + 2
    titles = [
        _("SKU"),
        _("Product"),
        _("Demand (%(weeks)s weeks)") % {"weeks": len(grid.weeks)},
        _("Planned (%(weeks)s weeks)") % {"weeks": len(grid.weeks)},
        _("Min projected"),
        _("Worst days of supply"),
        _("Shortages"),
        _("Margin"),
    ]
    _header_row(sheet, fmt, top, titles, [16, 28, 16, 16, 14, 18, 11, 10])
    integer = fmt.get(num_format=INTEGER)
    for offset, row in enumerate(grid.rows, start=1):
        r = top + offset
        cells = row.cells
        days = [c.days_of_supply for c in cells if c.days_of_supply is not None]
        lowest = min((c.projected for c in cells), default=None)
        _text(sheet, r, 0, row.item.sku)
        _text(sheet, r, 1, row.item.name)
        _number(sheet, r, 2, sum(c.demand for c in cells), integer)
        _number(sheet, r, 3, sum(c.planned for c in cells), integer)
        _number(sheet, r, 4, lowest, fmt.get(BAD if lowest is not None and lowest < 0 else None, num_format=INTEGER))
        _number(sheet, r, 5, min(days) if days else None, fmt.get(num_format=DAYS))
        _number(sheet, r, 6, row.shortages.count, fmt.get(_shortage_colour(row), num_format=INTEGER))
        _number(sheet, r, 7, row.margin, fmt.get(num_format=PERCENT))
    sheet.freeze_panes(top + 1, 2)
    _protect(sheet)


def _shortage_colour(row) -> dict[str, Any] | None:
    """Late shortages in red, shortages still on time in orange: as the meeting page shows them."""
    if row.shortages.weeks_late > 0:
        return BAD
    return WARN if row.shortages.count else None


def _week_sheet(workbook, fmt: _Formats, grid: MeetingGrid, name: str, measures) -> Any:
    sheet = workbook.add_worksheet(name)
    titles = ["sku", "product", "measure", *[w.key for w in grid.weeks]]
    _header_row(sheet, fmt, 0, titles, [16, 28, 18, *[10] * len(grid.weeks)])
    sheet.freeze_panes(1, FIRST_WEEK_COLUMN)
    integer = fmt.get(num_format=INTEGER)
    r = 0
    for row in grid.rows:
        for label, attribute in measures:
            r += 1
            _text(sheet, r, 0, row.item.sku)
            _text(sheet, r, 1, row.item.name)
            sheet.write_string(r, 2, label)
            for index, cell in enumerate(row.cells):
                col = FIRST_WEEK_COLUMN + index
                value = getattr(cell, attribute)
                if attribute == PLANNED:
                    # Written even on a locked week (the upload is refused there), so the file always reads back.
                    style = fmt.get(None if grid.locked else EDITABLE, num_format=INTEGER)
                    sheet.write_number(r, col, value, style)
                    if cell.changed:
                        sheet.write_comment(
                            r, col, _("Last week's locked plan: %(old)s") % {"old": cell.previous_planned}
                        )
                elif attribute == "projected":
                    _number(sheet, r, col, value, fmt.get(BAD if value < 0 else None, num_format=INTEGER))
                elif attribute == "days_of_supply":
                    _number(sheet, r, col, value, fmt.get(num_format=DAYS))
                elif attribute == "capacity_shortfall":
                    _number(sheet, r, col, value, fmt.get(WARN if value > 0 else None, num_format=INTEGER))
                else:
                    _number(sheet, r, col, value, integer)
    _protect(sheet)
    return sheet


def _shortages(workbook, fmt: _Formats, grid: MeetingGrid) -> None:
    sheet = workbook.add_worksheet("Shortages")
    titles = [_("SKU"), _("Product"), _("Shortages"), _("Worst component"), _("Component"), _("Weeks late")]
    _header_row(sheet, fmt, 0, titles, [16, 28, 11, 18, 28, 11])
    sheet.freeze_panes(1, 2)
    for r, row in enumerate(grid.rows, start=1):
        colour = _shortage_colour(row)
        _text(sheet, r, 0, row.item.sku)
        _text(sheet, r, 1, row.item.name)
        _number(sheet, r, 2, row.shortages.count, fmt.get(colour, num_format=INTEGER))
        _text(sheet, r, 3, row.shortages.worst_sku, fmt.get(colour))
        _text(sheet, r, 4, row.shortages.worst_name)
        if row.shortages.count:
            _number(sheet, r, 5, row.shortages.weeks_late, fmt.get(colour, num_format=INTEGER))
    _protect(sheet)


def _decisions(workbook, fmt: _Formats, decisions: Sequence) -> None:
    sheet = workbook.add_worksheet("Decisions")
    _header_row(
        sheet, fmt, 0, [_("Time"), _("By"), _("Decision"), _("Why"), _("Product"), _("Week")], [17, 18, 48, 48, 16, 10]
    )
    sheet.freeze_panes(1, 0)
    when = fmt.get(num_format="yyyy-mm-dd hh:mm")
    wrap = fmt.get({"text_wrap": True, "valign": "top"})
    for r, decision in enumerate(decisions, start=1):
        if decision.created_at:
            # Excel has no time zones: the business time zone's wall clock, as the page shows it.
            sheet.write_datetime(r, 0, timezone.localtime(decision.created_at).replace(tzinfo=None), when)
        user = decision.decided_by
        _text(sheet, r, 1, (user.get_full_name() or user.get_username()) if user else "")
        _text(sheet, r, 2, decision.text, wrap)
        _text(sheet, r, 3, decision.reason, wrap)
        _text(sheet, r, 4, decision.item.sku if decision.item_id else "")
        _text(sheet, r, 5, IsoWeek.of(decision.plan_week).key if decision.plan_week else "")
    _protect(sheet)


def meeting_workbook_build(*, grid: MeetingGrid, decisions: Sequence) -> bytes:
    """The meeting as one formatted workbook (xlsx bytes): Summary, Demand, Supply, Shortages, Decisions."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _Formats(workbook)
    _summary(workbook, fmt, grid)
    _week_sheet(workbook, fmt, grid, "Demand", DEMAND_MEASURES)
    _week_sheet(workbook, fmt, grid, "Supply", SUPPLY_MEASURES)
    _shortages(workbook, fmt, grid)
    _decisions(workbook, fmt, decisions)
    workbook.close()
    return buffer.getvalue()


def meeting_workbook_filename(grid: MeetingGrid) -> str:
    return f"tempo-meeting-{grid.week.key}.xlsx"


# --- reading back ------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, sheet: str, cell: str, message: str) -> None:
        self.items.append({"sheet": sheet, "cell": cell, "message": message})

    @staticmethod
    def text(item: dict[str, str]) -> str:
        if item["sheet"] and item["cell"]:
            return f"{item['sheet']}!{item['cell']}: {item['message']}"
        return item["message"]

    def error(self) -> ApplicationError:
        texts = [self.text(item) for item in self.items]
        if len(texts) == 1:
            message = texts[0]
        else:
            message = f"The workbook has {len(texts)} problems; nothing was changed. First: {texts[0]}"
        return ApplicationError(message, {"errors": self.items, "fields": {"file": texts}})

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error()


def _refuse(message: str) -> ApplicationError:
    """A problem with the file as a whole (no cell to name)."""
    problems = _Problems()
    problems.add("", "", message)
    return problems.error()


def _key_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _spool(upload: Any, target) -> str:
    """Copy an upload (an UploadedFile or File, or a path) into ``target``; return its file name."""
    if isinstance(upload, str | os.PathLike):
        with open(upload, "rb") as source:
            while chunk := source.read(1 << 20):
                target.write(chunk)
        return os.path.basename(os.fspath(upload))
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    for chunk in chunks:
        target.write(chunk)
    return os.path.basename(getattr(upload, "name", "") or "upload.xlsx")


def meeting_workbook_read(*, upload: Any, grid: MeetingGrid) -> list[CellChange]:
    """The planned production cells of an uploaded meeting workbook that differ from ``grid``.

    Raises ``ApplicationError`` listing every problem (``extra["errors"]``: sheet, cell, message);
    the message names the first one by sheet and cell. Reads nothing from the database.
    """
    if grid.locked:
        raise _refuse(f"The meeting of {grid.week.key} is locked; its plan cannot be changed by an upload.")
    limit = settings.EXCEL_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(f"The file is {size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB.")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        file_name = _spool(upload, spool)
        spool.flush()
        try:
            check_workbook(spool.name, file_name=file_name)
            names = workbook_sheet_names(spool.name)
            missing = [name for name in SHEETS if name not in names]
            if missing:
                raise _refuse(
                    f"The workbook has no sheet {', '.join(repr(m) for m in missing)} "
                    f"(it has {', '.join(repr(n) for n in names)}); the sheets of a meeting workbook must not be "
                    "renamed or deleted. Download the workbook again."
                )
            summary = [list(row) for row in islice(iter_sheet_rows(spool.name, sheet_name="Summary", from_a1=True), 3)]
            supply = [list(row) for row in iter_sheet_rows(spool.name, sheet_name="Supply", from_a1=True)]
        except WorkbookError as error:
            raise _refuse(str(error)) from error

    problems = _Problems()
    found_week = _key_text(summary[0][1]) if summary and len(summary[0]) > 1 else ""
    if found_week != grid.week.key:
        shown = f"'{found_week}'" if found_week else "empty"
        problems.add(
            "Summary",
            WEEK_CELL,
            f"this workbook is for the meeting of {shown}, not of {grid.week.key}; "
            f"download the workbook of {grid.week.key} and edit that one.",
        )
        problems.raise_if_any()

    header = [_key_text(value) for value in supply[0]] if supply else []
    for index, week in enumerate(grid.weeks):
        col = FIRST_WEEK_COLUMN + index
        found = header[col] if col < len(header) else ""
        if found != week.key:
            problems.add(
                "Supply",
                f"{column_letters(col)}1",
                f"expected the week {week.key}, found {repr(found) if found else 'nothing'}; "
                "the week columns must not be changed.",
            )
    for col in range(FIRST_WEEK_COLUMN + len(grid.weeks), len(header)):
        if header[col]:
            problems.add(
                "Supply",
                f"{column_letters(col)}1",
                f"unexpected column {header[col]!r}; the meeting has {len(grid.weeks)} weeks.",
            )
    problems.raise_if_any()  # cells cannot be placed under changed week columns

    by_sku = {row.item.sku: row for row in grid.rows}
    seen: dict[str, int] = {}
    changes: list[CellChange] = []
    for number, values in enumerate(supply[1:], start=2):
        if len(values) <= 2 or _key_text(values[2]) != PLANNED:
            continue
        sku = _key_text(values[0]).upper()
        if not sku:
            problems.add("Supply", f"A{number}", "the SKU of this planned production row is missing.")
            continue
        if sku in seen:
            problems.add("Supply", f"A{number}", f"{sku} appears twice (also on row {seen[sku]}).")
            continue
        seen[sku] = number
        row = by_sku.get(sku)
        if row is None:
            problems.add("Supply", f"A{number}", f"unknown SKU '{sku}': no product of this meeting has it.")
            continue
        for index, cell in enumerate(row.cells):
            col = FIRST_WEEK_COLUMN + index
            raw = values[col] if col < len(values) else None
            try:
                quantity = _cell_quantity(raw, what="planned production")
            except CellError as error:
                problems.add("Supply", f"{column_letters(col)}{number}", f"{error} ({sku}, {cell.week.key}).")
                continue
            if quantity is not None and quantity != cell.planned:
                changes.append(CellChange(sku=sku, week=cell.week, old=cell.planned, new=quantity))
    problems.raise_if_any()
    return changes


# --- keeping a dry run's upload until it is applied ----------------------------------------------

STASH_DIR = "meeting-uploads"
STASH_SALT = "orders.meeting-upload"
STASH_MAX_AGE = 24 * 3600  # a dry run older than a day must be uploaded again


@dataclass(frozen=True)
class StashedUpload:
    path: str
    changes: list[CellChange]  # as the dry run listed them: ``old`` is the grid's value at the dry run


def meeting_upload_stash(*, upload: Any, user_id: int, week: IsoWeek, changes: Sequence[CellChange]) -> str:
    """Keep a clean dry run's file under MEDIA_ROOT; return a signed token naming it, its user, week and changes."""
    _purge_stale()
    upload.seek(0)
    name = default_storage.save(f"{STASH_DIR}/{uuid.uuid4().hex}.xlsx", upload)
    payload = {
        "file": name,
        "user": user_id,
        "week": week.key,
        "changes": [[c.sku, c.week.key, c.old, c.new] for c in changes],
    }
    return signing.dumps(payload, salt=STASH_SALT, compress=True)


def _purge_stale() -> None:
    """Dry runs never applied: their files go once the token could no longer be used."""
    try:
        _folders, files = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - timedelta(seconds=STASH_MAX_AGE)
    for file_name in files:
        name = f"{STASH_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except OSError:
            continue  # deleted meanwhile by another request


def meeting_upload_unstash(*, token: str, user_id: int, week: IsoWeek) -> StashedUpload:
    """The stashed dry run of ``token``, if it is this user's, for this week, signed and still stored."""
    gone = "This dry run has expired or is not yours; upload the workbook again."
    try:
        payload = signing.loads(token, salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise _refuse(gone) from error
    name = payload.get("file", "")
    if payload.get("user") != user_id or payload.get("week") != week.key or not name.startswith(f"{STASH_DIR}/"):
        raise _refuse(gone)
    if not default_storage.exists(name):
        raise _refuse("The uploaded file of this dry run is no longer stored; upload the workbook again.")
    changes = [CellChange(sku, IsoWeek.parse(key), old, new) for sku, key, old, new in payload["changes"]]
    return StashedUpload(path=default_storage.path(name), changes=changes)


def meeting_upload_discard(*, token: str) -> None:
    """Delete a stashed upload once applied (a missing file is fine)."""
    try:
        name = signing.loads(token, salt=STASH_SALT, max_age=STASH_MAX_AGE)["file"]
    except (signing.BadSignature, KeyError):
        return
    if name.startswith(f"{STASH_DIR}/"):
        default_storage.delete(name)


def meeting_changes_moved(*, stashed: Sequence[CellChange], grid: MeetingGrid) -> list[str]:
    """The dry run's changes whose cell no longer holds the value the dry run read, each named."""
    planned = {(row.item.sku, cell.week): cell.planned for row in grid.rows for cell in row.cells}
    moved = []
    for change in stashed:
        now = planned.get((change.sku, change.week))
        if now != change.old:
            shown = "is no longer in the meeting" if now is None else f"is now {now}"
            moved.append(
                f"{change.sku} {change.week.key}: the planned production was {change.old} at the dry run and {shown}; "
                "upload the workbook again to see the current values."
            )
    return moved

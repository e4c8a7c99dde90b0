"""The import pipeline: check the file, match the header, parse and check every
row, then upsert everything in one transaction, or nothing.

Rows stream through in chunks: each chunk is parsed, its references resolved
and its stored counterparts loaded in bulk, then written. If any row anywhere
has an error the writes already made are rolled back, and the run reports every
error it found (the first ``MAX_ERRORS``) with counts of what would have happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction

from erp.excel.columns import CellError, is_blank
from erp.excel.datasets import Dataset, Row, chunked
from erp.excel.reader import WorkbookError, check_workbook, iter_sheet_rows

CHUNK_ROWS = 5000
MAX_ERRORS = 1000


@dataclass
class ImportOutcome:
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def add_error(self, row: int | None, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        if not self.ok:
            return f"{self.error_count} error(s); nothing was written."
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.total_rows} rows: {self.created} {verb} created, {self.updated} {verb} updated, "
            f"{self.unchanged} unchanged."
        )


def format_error(error: dict[str, Any]) -> str:
    where = []
    if error.get("row"):
        where.append(f"row {error['row']}")
    if error.get("column"):
        where.append(f"column `{error['column']}`")
    return f"{', '.join(where)}: {error['message']}" if where else error["message"]


def run_import(
    dataset: Dataset,
    path: str,
    *,
    file_name: str,
    acting_user: Any,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    outcome = ImportOutcome(dry_run=dry_run)
    try:
        checked = check_workbook(path, file_name=file_name)
        outcome.warnings.extend(checked.warnings)
        rows = iter_sheet_rows(path, sheet_name=dataset.name)
        header = next(rows, None)
        positions = _match_header(dataset, header, outcome)
        if positions is None:
            return outcome
        with transaction.atomic():
            context: dict = {}
            _import_rows(dataset, rows, positions, outcome, acting_user, dry_run, progress, context)
            for number, column, message in dataset.finish(context):
                outcome.add_error(number, column, message)
            outcome.errors.sort(key=lambda error: error["row"] or 0)
            if outcome.total_rows == 0 and outcome.ok:
                outcome.add_error(None, None, "The sheet has a header row but no data rows.")
            outcome.written = outcome.ok and not dry_run
            if not outcome.written:
                transaction.set_rollback(True)
    except WorkbookError as error:
        outcome.add_error(None, None, str(error))
    except DatabaseError as error:
        # The database's own constraints (or a concurrent import) caught what the checks above let through;
        # the atomic block has rolled back everything this import wrote.
        outcome.add_error(None, None, f"The database refused the data: {str(error).splitlines()[0]}")
        outcome.written = False
    return outcome


def _match_header(dataset: Dataset, header: list[Any] | None, outcome: ImportOutcome) -> dict[str, int] | None:
    if header is None or all(is_blank(cell) for cell in header):
        outcome.add_error(1, None, "The sheet is empty: the first row must hold the column names.")
        return None
    expected = dataset.column_names
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = str(cell).strip().lower() if not is_blank(cell) else ""
        if not name:
            continue
        if name in positions:
            outcome.add_error(1, name, "appears twice in the header")
        elif name not in expected:
            outcome.add_error(1, name, f"is not a column of {dataset.name}; expected: {', '.join(expected)}")
        else:
            positions[name] = index
    for name in expected:
        if name not in positions and dataset.column(name).required:
            outcome.add_error(1, name, "is missing from the header")
    return positions if outcome.ok else None


def _parse(dataset: Dataset, number: int, cells: list[Any], positions: dict[str, int]) -> Row | None:
    width = len(cells)
    row = Row(number, {})
    blank = True
    for column in dataset.columns:
        index = positions.get(column.name)
        if index is None:
            continue  # a column left out of the file keeps the stored value (or the default, for new rows)
        raw = cells[index] if index < width else None
        if not is_blank(raw):
            blank = False
        try:
            row.values[column.attr] = column.parse(raw)
        except CellError as error:
            row.error(column.name, f"{error}")
    return None if blank else row


def _import_rows(dataset, rows, positions, outcome, acting_user, dry_run, progress, context) -> None:
    seen: dict[tuple, int] = {}
    number = 1
    numbered = ((number := number + 1, cells) for cells in rows)
    for chunk in chunked(numbered, CHUNK_ROWS):
        parsed = [row for n, cells in chunk if (row := _parse(dataset, n, cells, positions)) is not None]
        outcome.total_rows += len(parsed)
        for row in parsed:
            if row.ok:
                key = dataset.row_key(row)
                first = seen.setdefault(key, row.number)
                if first != row.number:
                    row.error(dataset.key[0], f"repeats the key {_show_key(key)} of row {first}")
        good = [row for row in parsed if row.ok]
        dataset.resolve(good)
        good = [row for row in good if row.ok]
        found = dataset.existing(good) if good else {}
        for row in good:
            row.existing = found.get(dataset.row_key(row))
        dataset.check(good, context)

        creates, updates, fields = [], [], set()
        for row in parsed:
            for column, message in row.errors:
                outcome.add_error(row.number, column, message)
            if not row.ok:
                continue
            if row.existing is None:
                outcome.created += 1
                creates.append(dataset.build(row))
                continue
            changed = dataset.changed_fields(row)
            if not changed:
                outcome.unchanged += 1
                continue
            outcome.updated += 1
            values = dataset.values_of(row.existing)
            values.update({attr: row.values[attr] for attr in changed})
            fields.update(changed)
            updates.append(values)
        if outcome.ok and not dry_run:
            dataset.write(creates, updates, fields, acting_user)
        if progress is not None:
            progress(outcome.total_rows)


def _show_key(key: tuple) -> str:
    return " / ".join(str(part) for part in key)

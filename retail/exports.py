"""Workbooks of retail reports shared by the staff pages and the portal (nothing here imports back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import FileResponse
from django.utils import timezone

from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.weeks import BUSINESS_TZ
from retail.selectors.prepayments import Statement

MONEY_FORMAT = "#,##0.00"

STATEMENT_COLUMNS = [
    SheetColumn("date", 18),
    SheetColumn("kind", 12),
    SheetColumn("amount", 16, MONEY_FORMAT),
    SheetColumn("balance_after", 16, MONEY_FORMAT),
    SheetColumn("held_after", 16, MONEY_FORMAT),
    SheetColumn("available_after", 16, MONEY_FORMAT),
    SheetColumn("reference", 24),
    SheetColumn("order", 16),
    SheetColumn("note", 40),
]


def statement_sheet_rows(statement: Statement) -> Iterator[list[Any]]:
    """An opening row, one row per entry (oldest first) and a closing row; amounts in CNY."""
    opening_available = statement.opening_balance - statement.opening_held
    closing_available = statement.closing_balance - statement.closing_held
    yield [
        statement.start.isoformat(),
        "opening",
        None,
        statement.opening_balance,
        statement.opening_held,
        opening_available,
        statement.retailer.code,
        None,
        statement.retailer.legal_name,
    ]
    for entry in statement.entries:
        yield [
            timezone.localtime(entry.created_at, BUSINESS_TZ).strftime("%Y-%m-%d %H:%M"),
            entry.kind,
            entry.amount,
            entry.balance_after,
            entry.held_after,
            entry.available_after,
            entry.reference,
            entry.order.number if entry.order_id else None,
            entry.note,
        ]
    yield [
        statement.end.isoformat(),
        "closing",
        None,
        statement.closing_balance,
        statement.closing_held,
        closing_available,
        statement.retailer.code,
        None,
        None,
    ]


def statement_sheet_response(statement: Statement) -> FileResponse:
    """The statement as ``tempo-statement-<code>-<start>-<end>.xlsx`` (entries must have ``order`` selected)."""
    stem = f"tempo-statement-{statement.retailer.code}-{statement.start.isoformat()}-{statement.end.isoformat()}"
    return sheet_response(stem, "Statement", STATEMENT_COLUMNS, statement_sheet_rows(statement))

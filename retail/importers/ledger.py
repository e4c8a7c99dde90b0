"""Excel dataset ``prepayment-deposits``: bank transfers received from retailers, booked in bulk.

One row is one deposit: ``retailer`` (code), ``amount`` (CNY, above zero, at most two decimals),
``reference`` (the bank transfer's, booked once per retailer) and an optional ``note``. A dry run
reports every bad row and cell; a commit books every row or none. Each row is booked through
``prepayment_deposit_record`` (one conditional UPDATE of the account and one immutable entry), so a
deposit from Excel is the same as one from the page or the API.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.columns import DecimalColumn, KeyColumn, TextColumn, escape_formula
from erp.excel.datasets import Dataset, Row, dataset_register
from retail import services
from retail.filters import PrepaymentEntryFilter
from retail.models import PrepaymentEntry, PrepaymentEntryKind, Retailer, RetailerStatus
from retail.services.prepayments import MAX_AMOUNT


class PrepaymentDepositDataset(Dataset):
    name = "prepayment-deposits"
    title = _("Prepayment deposits")
    model = PrepaymentEntry
    key = ("reference",)
    filterset_class = PrepaymentEntryFilter
    search_fields = ("reference", "account__retailer__code", "note")
    export_ordering = ("created_at", "pk")
    columns = [
        KeyColumn(
            "retailer",
            required=True,
            max_length=32,
            upper=True,
            field="retailer_id",
            refers_to="retailer",
            source="account__retailer__code",
            example="R-0001",
            note="The retailer's code.",
        ),
        DecimalColumn(
            "amount",
            required=True,
            decimal_places=2,
            max_digits=14,
            example=Decimal("500000.00"),
            width=16,
            note="CNY received, above zero, at most two decimals.",
        ),
        TextColumn(
            "reference",
            required=True,
            max_length=100,
            example="ICBC-20261125-000123",
            width=24,
            note="The bank transfer's reference; a transfer is booked once, so a reference appears once.",
        ),
        TextColumn("note", max_length=300, example="", width=30),
    ]

    @property
    def view_permission(self) -> str:
        return "retail.view_prepaymententry"

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("retail.record_deposit",)

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        codes = {row.values[column.attr] for row in rows}
        found = {retailer.code: retailer for retailer in Retailer.objects.filter(code__in=codes)}
        for row in rows:
            code = row.values[column.attr]
            retailer = found.get(code)
            if retailer is None:
                row.error(column.name, f"no retailer has the code '{code}'")
            elif retailer.status == RetailerStatus.CLOSED:
                row.error(column.name, f"{code} is closed; its account takes no deposits")
            else:
                row.values[column.attr] = retailer.pk
                row.values["_retailer"] = retailer

    def existing(self, rows: list[Row]) -> dict:
        return {}  # every row is a new entry; a reference already booked is refused in check()

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            amount = row.values["amount"]
            if amount <= 0:
                row.error("amount", f"{amount} is not a deposit: the amount must be above zero")
            elif amount > MAX_AMOUNT:
                row.error("amount", f"{amount} is above the limit of {MAX_AMOUNT:,}")
        if not rows:
            return
        booked = {
            (retailer_id, reference): created_at
            for retailer_id, reference, created_at in PrepaymentEntry.objects.filter(
                kind=PrepaymentEntryKind.DEPOSIT, reference__in={row.values["reference"] for row in rows}
            ).values_list("account__retailer_id", "reference", "created_at")
        }
        for row in rows:
            when = booked.get((row.values["retailer_id"], row.values["reference"]))
            if when is not None:
                row.error(
                    "reference",
                    f"'{row.values['reference']}' is already booked for {row.values['_retailer'].code} "
                    f"on {when:%Y-%m-%d}; a bank transfer is booked once",
                )

    def build(self, row: Row) -> dict:
        return {
            "retailer": row.values["_retailer"],
            "amount": row.values["amount"],
            "reference": row.values["reference"],
            "note": row.values.get("note") or "",
        }

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        try:
            for values in creates:
                services.prepayment_deposit_record(
                    acting_user=acting_user,
                    retailer=values["retailer"],
                    amount=values["amount"],
                    reference=values["reference"],
                    note=values["note"] or "excel import: prepayment-deposits",
                )
        except ApplicationError as error:
            raise DatabaseError(error.message) from error

    def export_queryset(self, params=None):
        return super().export_queryset(params).filter(kind=PrepaymentEntryKind.DEPOSIT)

    def export_rows(self, queryset):
        rows = queryset.values_list("account__retailer__code", "amount_cents", "reference", "note")
        for code, cents, reference, note in rows.iterator(chunk_size=2000):
            yield [
                code,
                (Decimal(cents) / 100).quantize(Decimal("0.01")),
                escape_formula(reference),
                escape_formula(note),
            ]


dataset_register(PrepaymentDepositDataset())

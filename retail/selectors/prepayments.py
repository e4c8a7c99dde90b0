"""Prepayment reads: statements for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from erp.weeks import BUSINESS_TZ
from retail.models import PrepaymentAccount, PrepaymentEntry, Retailer, from_cents


@dataclass(frozen=True)
class Statement:
    retailer: Retailer
    start: date
    end: date
    opening_balance: Decimal
    opening_held: Decimal
    closing_balance: Decimal
    closing_held: Decimal
    entries: list[PrepaymentEntry]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)


def prepayment_entries(*, retailer: Retailer | None = None) -> QuerySet[PrepaymentEntry]:
    queryset = PrepaymentEntry.objects.select_related("account__retailer", "order", "created_by")
    return queryset if retailer is None else queryset.filter(account__retailer=retailer)


def prepayment_statement(*, retailer: Retailer, start: date, end: date) -> Statement:
    """Entries booked from ``start`` to ``end`` inclusive (business days, Asia/Shanghai), oldest first,
    with the account figures before the first and after the last. Two queries."""
    account, _ = PrepaymentAccount.objects.get_or_create(retailer=retailer)
    before = (
        PrepaymentEntry.objects.filter(account=account, created_at__lt=_start_of(start))
        .order_by("-created_at", "-pk")
        .values_list("balance_after_cents", "held_after_cents")
        .first()
    ) or (0, 0)
    entries = list(
        PrepaymentEntry.objects.filter(
            account=account, created_at__gte=_start_of(start), created_at__lt=_start_of(end + timedelta(days=1))
        )
        .select_related("order", "created_by")
        .order_by("created_at", "pk")
    )
    closing = (entries[-1].balance_after_cents, entries[-1].held_after_cents) if entries else before
    return Statement(
        retailer=retailer,
        start=start,
        end=end,
        opening_balance=from_cents(before[0]),
        opening_held=from_cents(before[1]),
        closing_balance=from_cents(closing[0]),
        closing_held=from_cents(closing[1]),
        entries=entries,
    )


def statement_default_period(today: date | None = None) -> tuple[date, date]:
    """The current month to date."""
    today = today or timezone.localdate(timezone=BUSINESS_TZ)
    return today.replace(day=1), today

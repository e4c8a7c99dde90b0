"""ISO weeks in Tempo's business time zone (Asia/Shanghai). Key format: ``2026-W48``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from zoneinfo import ZoneInfo

from erp.errors import ApplicationError

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
_WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        # Year 0 matches the key's pattern but has no dates: weeks_in_year would raise ValueError (a 500).
        if not MINYEAR <= self.year <= MAXYEAR:
            raise ApplicationError(
                f"{self.year} is not a year a week can be in (from {MINYEAR} to {MAXYEAR}).",
                {"field": "week", "value": f"{self.year:04d}-W{self.week:02d}"},
            )
        if not 1 <= self.week <= weeks_in_year(self.year):
            raise ApplicationError(
                f"{self.year} has no ISO week {self.week}.",
                {"field": "week", "value": f"{self.year}-W{self.week:02d}"},
            )

    @classmethod
    def parse(cls, key: str) -> IsoWeek:
        match = _WEEK_KEY.match(key.strip()) if isinstance(key, str) else None
        if not match:
            raise ApplicationError(
                f"'{key}' is not an ISO week; use the form 2026-W48.",
                {"field": "week", "value": key},
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def current(cls, now: datetime | None = None) -> IsoWeek:
        return cls.of(business_date(now))

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def __add__(self, weeks: int) -> IsoWeek:
        try:
            return IsoWeek.of(self.monday + timedelta(weeks=weeks))
        except OverflowError as error:  # past 9999-12-31 or before 0001-01-01: a 400, not a 500
            raise ApplicationError(
                f"{self.key} {'+' if weeks >= 0 else '-'} {abs(weeks)} weeks falls outside the calendar "
                f"(years {MINYEAR} to {MAXYEAR}).",
                {"field": "week", "value": self.key},
            ) from error

    def __sub__(self, other: int | IsoWeek) -> IsoWeek | int:
        if isinstance(other, IsoWeek):
            return (self.monday - other.monday).days // 7
        return self + (-other)

    def __str__(self) -> str:
        return self.key


def weeks_in_year(year: int) -> int:
    # 28 December always falls in the last ISO week of its year.
    return date(year, 12, 28).isocalendar().week


def business_date(now: datetime | None = None) -> date:
    """Today's date in Asia/Shanghai, whatever the server's clock zone."""
    from django.utils import timezone

    moment = now or timezone.now()
    if moment.tzinfo is None:
        raise ValueError("business_date needs an aware datetime")
    return moment.astimezone(BUSINESS_TZ).date()


def week_range(start: IsoWeek, count: int) -> list[IsoWeek]:
    if count < 0:
        raise ApplicationError(
            "The number of weeks cannot be negative.",
            {"field": "weeks", "value": count},
        )
    return [start + i for i in range(count)]

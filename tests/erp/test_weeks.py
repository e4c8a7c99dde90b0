from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erp.errors import ApplicationError
from erp.weeks import IsoWeek, business_date, week_range, weeks_in_year


def test_parse_and_format_round_trip():
    week = IsoWeek.parse("2026-W48")
    assert (week.year, week.week) == (2026, 48)
    assert week.key == "2026-W48"
    assert week.monday == date(2026, 11, 23)
    assert week.sunday == date(2026, 11, 29)


@pytest.mark.parametrize("bad", ["2026-48", "2026-W5", "W48", "", "2026-W00", "2026-W54", "2025-W53", "0000-W01", None])
def test_parse_rejects_bad_keys_with_a_clear_message(bad):
    with pytest.raises(ApplicationError) as error:
        IsoWeek.parse(bad)
    assert error.value.extra["field"] == "week"


def test_year_boundaries_follow_iso_rules():
    assert IsoWeek.of(date(2026, 12, 31)).key == "2026-W53"
    assert IsoWeek.of(date(2027, 1, 3)).key == "2026-W53"
    assert IsoWeek.of(date(2027, 1, 4)).key == "2027-W01"
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2027) == 52
    assert IsoWeek.parse("2026-W53") + 1 == IsoWeek.parse("2027-W01")


def test_business_week_is_shanghai_time():
    # Sunday 17:00 UTC is already Monday 01:00 in Shanghai: a new business week.
    sunday_evening_utc = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    assert business_date(sunday_evening_utc) == date(2026, 11, 23)
    assert IsoWeek.current(sunday_evening_utc).key == "2026-W48"
    assert IsoWeek.current(datetime(2026, 11, 22, 15, 59, tzinfo=UTC)).key == "2026-W47"


def test_business_date_needs_an_aware_datetime():
    with pytest.raises(ValueError):
        business_date(datetime(2026, 11, 22, 17, 0))


def test_week_range():
    weeks = week_range(IsoWeek.parse("2026-W52"), 3)
    assert [w.key for w in weeks] == ["2026-W52", "2026-W53", "2027-W01"]
    assert week_range(IsoWeek.parse("2026-W52"), 0) == []
    with pytest.raises(ApplicationError):
        week_range(IsoWeek.parse("2026-W52"), -1)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(day=days)
def test_every_day_belongs_to_the_week_of_its_monday(day):
    week = IsoWeek.of(day)
    assert week.monday <= day <= week.sunday
    assert IsoWeek.parse(week.key) == week
    assert day in week.days()


@given(day=days, n=st.integers(min_value=-600, max_value=600))
def test_week_arithmetic_is_consistent(day, n):
    week = IsoWeek.of(day)
    later = week + n
    assert later - week == n
    assert later - n == week
    assert (later > week) == (n > 0)


@pytest.mark.parametrize("start, weeks", [("9999-W52", 1), ("9999-W50", 10), ("0001-W01", -1), ("2026-W48", 10**9)])
def test_arithmetic_off_the_calendar_is_an_application_error_naming_the_week(start, weeks):
    with pytest.raises(ApplicationError) as raised:
        IsoWeek.parse(start) + weeks
    assert raised.value.extra == {"field": "week", "value": IsoWeek.parse(start).key}
    assert "outside the calendar" in raised.value.message


def test_week_range_up_to_the_last_week_still_works():
    assert week_range(IsoWeek.parse("9999-W51"), 2)[-1] == IsoWeek.parse("9999-W52")
    with pytest.raises(ApplicationError):
        week_range(IsoWeek.parse("9999-W51"), 3)

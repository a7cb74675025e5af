from __future__ import annotations

from datetime import UTC, date, datetime

from routing.calendar import STOCKHOLM, BusinessCalendar, swedish_holiday

CAL = BusinessCalendar()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


def test_swedish_public_and_de_facto_holidays() -> None:
    assert swedish_holiday(date(2026, 6, 19)) == "Midsommarafton"
    assert swedish_holiday(date(2026, 12, 24)) == "Julafton"
    assert swedish_holiday(date(2026, 6, 6)) == "Nationaldagen"
    assert swedish_holiday(date(2026, 11, 26)) is None
    assert swedish_holiday(date(2026, 11, 29)) is None  # a Sunday is no holiday, just a weekend


def test_hours_inside_one_day() -> None:
    assert CAL.business_hours_between(local(2026, 11, 26, 9), local(2026, 11, 26, 11, 30)) == 2.5


def test_evenings_and_weekends_do_not_count() -> None:
    # Friday 16:00 to Monday 09:00 is two business hours.
    assert CAL.business_hours_between(local(2026, 11, 27, 16), local(2026, 11, 30, 9)) == 2.0


def test_add_hours_skips_christmas() -> None:
    # Wednesday 23 Dec 16:00 + 4 h: 1 h that day, then 24–26 Dec and the weekend are off,
    # so the rest falls on Monday 28 Dec, 08:00 + 3 h.
    due = CAL.add_business_hours(local(2026, 12, 23, 16), 4)
    assert due == local(2026, 12, 28, 11).astimezone(UTC)


def test_add_hours_before_opening_starts_at_eight() -> None:
    due = CAL.add_business_hours(local(2026, 11, 27, 1, 29), 4)
    assert due.astimezone(STOCKHOLM) == local(2026, 11, 27, 12)


def test_midsummer_eve_is_off() -> None:
    due = CAL.add_business_hours(local(2026, 6, 18, 16), 2)
    assert due.astimezone(STOCKHOLM) == local(2026, 6, 22, 9)  # Thu 1 h, Fri/Sat/Sun off

"""Swedish business hours: weekdays within opening hours, Europe/Stockholm,
without public holidays and the de facto holidays municipal staff have off
(midsommarafton, julafton, nyårsafton). Holidays come from the maintained
``holidays`` library, not a hand-written list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> dict[date, str]:
    return dict(
        holidays.country_holidays(
            "SE", years=year, language="sv", categories=("public", "de_facto")
        ).items()
    )


def swedish_holiday(day: date) -> str | None:
    """The Swedish name of the holiday on ``day`` (Sundays are not counted as holidays)."""
    name = _swedish_holidays(day.year).get(day)
    return None if name in (None, "Söndag") else name


@dataclass(frozen=True)
class BusinessCalendar:
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    tz: ZoneInfo = field(default=STOCKHOLM)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and swedish_holiday(day) is None

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, self.tz),
            datetime.combine(day, self.closes, self.tz),
        )

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Business hours from ``start`` to ``end`` (aware datetimes; 0 if end <= start)."""
        if end <= start:
            return 0.0
        start_l, end_l = start.astimezone(self.tz), end.astimezone(self.tz)
        total = timedelta()
        day = start_l.date()
        while day <= end_l.date():
            if self.is_business_day(day):
                lo, hi = self._window(day)
                a, b = max(lo, start_l), min(hi, end_l)
                if b > a:
                    total += b - a
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` business hours after ``start`` (UTC)."""
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(self.tz)
        for _ in range(3700):  # ten years of days: a bound, never reached in practice
            day = cursor.date()
            if self.is_business_day(day):
                lo, hi = self._window(day)
                begin = max(lo, cursor)
                if begin < hi:
                    available = hi - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(UTC)
                    remaining -= available
            cursor = datetime.combine(day + timedelta(days=1), time(0, 0), self.tz)
        raise ValueError("no business hours found within ten years")

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The same local time of day on the ``days``-th business day after ``start``'s
        day (UTC); ``start`` itself for 0."""
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_business_day(day):
                day += timedelta(days=1)
        moment = datetime.combine(day, local.timetz().replace(tzinfo=None), self.tz)
        return moment.astimezone(UTC)

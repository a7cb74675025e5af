from __future__ import annotations

from datetime import datetime

from bot.jobs import scheduled_week
from routing.calendar import STOCKHOLM


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


def test_monday_0730_stockholm_posts_last_week() -> None:
    assert scheduled_week(at(2026, 11, 30, 7, 29)) is None
    assert scheduled_week(at(2026, 11, 30, 7, 30)) == "2026-W48"
    assert scheduled_week(at(2026, 12, 3, 15, 0)) == "2026-W48"  # later that week: same week
    assert scheduled_week(at(2027, 1, 4, 8, 0)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert scheduled_week(at(2026, 11, 26, 9, 0), weekday=3, at="08:00") == "2026-W47"

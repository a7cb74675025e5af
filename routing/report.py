"""ISO weeks in Europe/Stockholm and the grouping of knowledge gaps, shared by the
leadership summary (``routing.summary``, the one computation of the weekly figures),
the dashboard, the schedule and the seed data."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz

from knowledge.masking import mask
from routing.calendar import STOCKHOLM
from routing.ports import QuestionRow

GAP_SIMILARITY = 60  # token_set_ratio on normalised questions, 0..100


_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
YEARS = range(1900, 9999)  # room for the weeks before and after, within ``date``


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """ "2026-W48" -> (Monday 00:00, next Monday 00:00), Europe/Stockholm. Anything but
    four and two ASCII digits, or a week the year does not have, is a ValueError."""
    m = _WEEK.fullmatch(week.upper())
    try:
        if m is None or int(m.group(1)) not in YEARS:
            raise ValueError(week)
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as exc:
        raise ValueError(f"not an ISO week like 2026-W48: {week[:20]!r}") from exc
    start = datetime.combine(monday, time(0, 0), STOCKHOLM)
    return start, start + timedelta(days=7)


def week_of(moment: datetime) -> str:
    y, w, _ = moment.astimezone(STOCKHOLM).isocalendar()
    return f"{y}-W{w:02d}"


def group_gaps(
    questions: Sequence[QuestionRow], normalise: Callable[[str], str], default_area: str = ""
) -> list[tuple[str, list[QuestionRow]]]:
    """Routed and not-helpful questions grouped by area and similarity (greedy, in the
    given order), largest group first. A question whose text is gone is its own group."""
    groups: list[tuple[str, str, list[QuestionRow]]] = []  # (area, key, members)
    for q in questions:
        if not (q.ticket_id is not None or q.feedback == "not_helpful"):
            continue
        key = normalise(mask(q.text or "")) or f"#{q.id}"  # "[personnummer]" groups as one
        area = q.area_id or default_area
        for g_area, g_key, members in groups:
            if g_area == area and fuzz.token_set_ratio(key, g_key) >= GAP_SIMILARITY:
                members.append(q)
                break
        else:
            groups.append((area, key, [q]))
    groups.sort(key=lambda g: (-len(g[2]), g[0], g[1]))
    return [(area, members) for area, _, members in groups]

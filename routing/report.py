"""The weekly demand summary: counts per area (and unit), never question text
for leadership. Knowledge gaps show group sizes; a representative question is
shown only to the staff of the owning area."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz

from knowledge.model import Organisation
from routing.calendar import STOCKHOLM, BusinessCalendar
from routing.ports import QuestionRow
from routing.tickets import Ticket

GAP_SIMILARITY = 60  # token_set_ratio on normalised questions, 0..100


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """ "2026-W48" -> (Monday 00:00, next Monday 00:00), Europe/Stockholm."""
    try:
        year, num = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(num), 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an ISO week like 2026-W48: {week!r}") from exc
    start = datetime.combine(monday, time(0, 0), STOCKHOLM)
    return start, start + timedelta(days=7)


def week_of(moment: datetime) -> str:
    y, w, _ = moment.astimezone(STOCKHOLM).isocalendar()
    return f"{y}-W{w:02d}"


@dataclass(frozen=True)
class AreaWeek:
    area_id: str
    name: str
    questions: int
    answered: int  # answered by the bot, not routed afterwards
    clarified: int  # left at a clarify question
    routed: int  # became tickets
    tickets: int  # tickets created this week in the area (after transfers)
    claimed: int
    resolved: int
    median_claim_hours: float | None
    median_resolve_hours: float | None
    sla_claim_met: float | None  # share 0..1 of tickets whose claim target has been decided
    sla_resolve_met: float | None
    escalated: int
    helpful: int
    not_helpful: int
    previous_average: float  # questions per week over the four weeks before
    transfers: int = 0

    @property
    def change(self) -> float | None:
        if not self.previous_average:
            return None
        return (self.questions - self.previous_average) / self.previous_average


@dataclass(frozen=True)
class Gap:
    area_id: str
    size: int
    representative: str | None  # only filled for the owning area's staff


@dataclass(frozen=True)
class WeeklyReport:
    week: str
    start: datetime
    end: datetime
    areas: tuple[AreaWeek, ...]
    units: tuple[tuple[str, int], ...]  # (unit id, questions)
    gaps: tuple[Gap, ...] = field(default=())

    @property
    def total_questions(self) -> int:
        return sum(a.questions for a in self.areas)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _share(met: int, decided: int) -> float | None:
    return met / decided if decided else None


def build_weekly(
    org: Organisation,
    calendar: BusinessCalendar,
    week: str,
    questions: Sequence[QuestionRow],
    previous: Sequence[QuestionRow],
    tickets: Sequence[Ticket],
    now: datetime,
    normalise: Callable[[str], str] = str.casefold,
    viewer_areas: Sequence[str] = (),
    gap_limit: int = 5,
) -> WeeklyReport:
    """``questions``: this week's demand log; ``previous``: the four weeks before;
    ``tickets``: tickets created this week."""
    start, end = week_bounds(week)
    by_area: dict[str, list[QuestionRow]] = defaultdict(list)
    for q in questions:
        by_area[q.area_id or org.triage.id].append(q)
    prev_counts = Counter(q.area_id or org.triage.id for q in previous)
    tickets_by_area: dict[str, list[Ticket]] = defaultdict(list)
    for tk in tickets:
        tickets_by_area[tk.area_id].append(tk)

    rows = []
    for area in org.areas:
        qs = by_area.get(area.id, [])
        tks = tickets_by_area.get(area.id, [])
        claim_h = [
            calendar.business_hours_between(t.created_at, t.claimed_at) for t in tks if t.claimed_at
        ]
        resolve_h = [
            calendar.business_hours_between(t.created_at, t.resolved_at)
            for t in tks
            if t.resolved_at
        ]
        claim_met = claim_decided = resolve_met = resolve_decided = 0
        for t in tks:
            if t.claimed_at is not None:
                claim_decided += 1
                claim_met += t.claimed_at <= t.claim_due
            elif now > t.claim_due:
                claim_decided += 1
            if t.resolved_at is not None:
                resolve_decided += 1
                resolve_met += t.resolved_at <= t.resolve_due
            elif now > t.resolve_due:
                resolve_decided += 1
        rows.append(
            AreaWeek(
                area_id=area.id,
                name=area.name,
                questions=len(qs),
                answered=sum(q.outcome == "answered" and q.ticket_id is None for q in qs),
                clarified=sum(q.outcome == "clarified" and q.ticket_id is None for q in qs),
                routed=sum(q.ticket_id is not None for q in qs),
                tickets=len(tks),
                claimed=sum(t.claimed_at is not None for t in tks),
                resolved=sum(t.resolved_at is not None for t in tks),
                median_claim_hours=_median(claim_h),
                median_resolve_hours=_median(resolve_h),
                sla_claim_met=_share(claim_met, claim_decided),
                sla_resolve_met=_share(resolve_met, resolve_decided),
                escalated=sum(t.escalated_at is not None for t in tks),
                helpful=sum(q.feedback == "helpful" for q in qs),
                not_helpful=sum(q.feedback == "not_helpful" for q in qs),
                previous_average=prev_counts.get(area.id, 0) / 4,
                transfers=sum(t.area_id != t.original_area_id for t in tks),
            )
        )
    units = Counter(q.unit_id or "-" for q in questions)
    gaps = knowledge_gaps(questions, normalise, viewer_areas, gap_limit)
    return WeeklyReport(week, start, end, tuple(rows), tuple(sorted(units.items())), gaps)


def group_gaps(
    questions: Sequence[QuestionRow], normalise: Callable[[str], str], default_area: str = ""
) -> list[tuple[str, list[QuestionRow]]]:
    """Routed and not-helpful questions grouped by area and similarity (greedy, in the
    given order), largest group first. A question whose text is gone is its own group."""
    groups: list[tuple[str, str, list[QuestionRow]]] = []  # (area, key, members)
    for q in questions:
        if not (q.ticket_id is not None or q.feedback == "not_helpful"):
            continue
        key = normalise(q.text or "") or f"#{q.id}"
        area = q.area_id or default_area
        for g_area, g_key, members in groups:
            if g_area == area and fuzz.token_set_ratio(key, g_key) >= GAP_SIMILARITY:
                members.append(q)
                break
        else:
            groups.append((area, key, [q]))
    groups.sort(key=lambda g: (-len(g[2]), g[0], g[1]))
    return [(area, members) for area, _, members in groups]


def knowledge_gaps(
    questions: Sequence[QuestionRow],
    normalise: Callable[[str], str],
    viewer_areas: Sequence[str] = (),
    limit: int = 5,
) -> tuple[Gap, ...]:
    """The largest gaps, with a representative question for the viewer's own areas only."""
    with_text = [q for q in questions if q.text]
    return tuple(
        Gap(area, len(members), members[0].text if area in viewer_areas else None)
        for area, members in group_gaps(with_text, normalise)[:limit]
    )

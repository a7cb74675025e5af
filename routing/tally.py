"""The exact numbers behind the leadership summary, per area, unit and in total for
a week and the four before it. They are never shown as they are: ``routing.summary``
masks them (``routing.disclosure``) before any view gets them."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz

from knowledge.model import Organisation
from routing.calendar import BusinessCalendar
from routing.ports import QuestionRow
from routing.report import week_bounds, week_of
from routing.tickets import Ticket

COME_BACK = timedelta(days=3)
SAME_QUESTION = 80  # token_set_ratio of normalised questions


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)


@dataclass(frozen=True)
class Tally:
    """The exact numbers for one area (or unit, or everything) in one week. They never
    reach a view: ``routing.summary.publish`` turns them into masked ``Figures``."""

    questions: int = 0
    deflected: int = 0
    routed: int = 0
    tickets: int = 0
    claimed: int = 0
    resolved: int = 0
    escalated: int = 0
    reopened: int = 0
    helpful: int = 0
    not_helpful: int = 0
    transferred: int = 0  # tickets that staff moved to another area
    from_base: int = 0  # resolved with an article of the base (svara 42 #artikel)
    ratings: tuple[int, ...] = ()  # the askers' 1-5 for the tickets, once closed
    claim_hours: tuple[float, ...] = ()
    resolve_hours: tuple[float, ...] = ()
    claim_met: int = 0
    claim_decided: int = 0  # claim targets met or missed so far
    resolve_met: int = 0
    resolve_decided: int = 0

    @property
    def direct(self) -> int:
        """Tickets that stayed in the area they were first routed to."""
        return self.tickets - self.transferred

    @property
    def rated(self) -> int:
        return len(self.ratings)


COUNTS = (
    "questions",
    "deflected",
    "routed",
    "tickets",
    "claimed",
    "resolved",
    "escalated",
    "reopened",
    "helpful",
    "not_helpful",
    "transferred",
    "direct",
    "from_base",
    "rated",
)

# Counts inside another count of the same row, as (whole, parts): the parts are
# disjoint and none is outside the whole, so "whole minus the parts" and "whole minus
# one part" are counts of people too (``routing.summary.publish`` protects them). A
# pair that is only nearly nested (a ticket may be moved, or get feedback) is listed as
# well: the difference a reader would take is protected either way.
WITHIN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("questions", ("deflected", "routed")),  # never both: a routed one is not answered
    ("questions", ("helpful", "not_helpful")),
    ("questions", ("deflected", "not_helpful")),  # marked not helpful: not answered
    ("tickets", ("direct", "transferred")),
    ("tickets", ("claimed",)),
    ("tickets", ("resolved",)),
    ("claimed", ("resolved",)),
    ("resolved", ("from_base",)),
    ("tickets", ("from_base",)),
    ("tickets", ("rated",)),
    ("tickets", ("escalated",)),
    ("tickets", ("reopened",)),
    ("tickets", ("routed",)),  # one ticket per routed question, in the area first chosen
    ("deflected", ("helpful",)),  # most of the helpful ones were answered by the bot
)


def previous_weeks(week: str, n: int = 4) -> list[str]:
    start, _ = week_bounds(week)
    return [week_of(start - timedelta(weeks=k)) for k in range(n, 0, -1)]


def deflected_ids(questions: Sequence[QuestionRow], normalise: Callable[[str], str]) -> set[int]:
    """Ids of the questions that count as answered by the bot (``DEFLECTION_RULE``)."""
    by_user: dict[str, list[QuestionRow]] = defaultdict(list)
    for q in sorted(questions, key=lambda r: (r.asked_at, r.id)):
        by_user[q.user_id].append(q)
    out: set[int] = set()
    for rows in by_user.values():
        for i, q in enumerate(rows):
            if q.outcome != "answered" or q.ticket_id is not None or q.feedback == "not_helpful":
                continue
            if q.feedback == "helpful":
                out.add(q.id)
                continue
            key = normalise(q.text or "")
            came_back = any(
                later.asked_at - q.asked_at <= COME_BACK
                and (
                    (later.article_id is not None and later.article_id == q.article_id)
                    or (
                        key
                        and later.text
                        and fuzz.token_set_ratio(key, normalise(later.text)) >= SAME_QUESTION
                    )
                )
                for later in rows[i + 1 :]
            )
            if not came_back:
                out.add(q.id)
    return out


def _targets(pairs: Iterable[tuple[datetime | None, datetime]], now: datetime) -> tuple[int, int]:
    """(met, decided) for (done at, due) pairs: a target is decided once it is done or
    overdue; one still open and not yet due counts neither way."""
    met = decided = 0
    for done, due in pairs:
        if done is not None:
            decided += 1
            met += done <= due
        elif now > due:
            decided += 1
    return met, decided


def _tally(
    questions: Iterable[QuestionRow],
    tickets: Iterable[Ticket],
    deflected: set[int],
    calendar: BusinessCalendar,
    now: datetime,
) -> Tally:
    qs = list(questions)
    tks = [t for t in tickets if t.merged_into is None]  # a duplicate is counted once
    claim_met, claim_decided = _targets(((t.claimed_at, t.claim_due) for t in tks), now)
    resolve_met, resolve_decided = _targets(((t.resolved_at, t.resolve_due) for t in tks), now)
    return Tally(
        questions=len(qs),
        deflected=sum(q.id in deflected for q in qs),
        routed=sum(q.ticket_id is not None for q in qs),
        tickets=len(tks),
        claimed=sum(t.claimed_at is not None for t in tks),
        resolved=sum(t.resolved_at is not None for t in tks),
        escalated=sum(t.escalated_at is not None for t in tks),
        reopened=sum(t.reopened > 0 for t in tks),
        helpful=sum(q.feedback == "helpful" for q in qs),
        not_helpful=sum(q.feedback == "not_helpful" for q in qs),
        transferred=sum(t.area_id != t.original_area_id for t in tks),
        from_base=sum(t.resolved_at is not None and t.answer_article is not None for t in tks),
        ratings=tuple(t.rating for t in tks if t.rating is not None),
        claim_hours=tuple(
            calendar.business_hours_between(t.created_at, t.claimed_at) for t in tks if t.claimed_at
        ),
        resolve_hours=tuple(
            calendar.business_hours_between(t.created_at, t.resolved_at)
            for t in tks
            if t.resolved_at
        ),
        claim_met=claim_met,
        claim_decided=claim_decided,
        resolve_met=resolve_met,
        resolve_decided=resolve_decided,
    )


@dataclass(frozen=True)
class Tallies:
    key: str
    name: str
    weeks: tuple[Tally, ...]  # oldest first


@dataclass(frozen=True)
class Counted:
    """The exact numbers of the five weeks, before masking."""

    weeks: tuple[str, ...]
    areas: tuple[Tallies, ...]
    units: tuple[Tallies, ...]
    total: Tallies


Period = tuple[str, datetime, datetime]  # label, start (inclusive), end (exclusive)


def count_weeks(
    org: Organisation,
    calendar: BusinessCalendar,
    week: str,
    questions: Sequence[QuestionRow],
    tickets: Sequence[Ticket],
    now: datetime,
    normalise: Callable[[str], str] = str.casefold,
) -> Counted:
    """The exact numbers per area, unit and in total for ``week`` and the four before
    (see ``build_summary`` for the arguments). Never shown as they are."""
    weeks = [*previous_weeks(week), week]
    periods = [(w, *week_bounds(w)) for w in weeks]
    return count_periods(org, calendar, periods, questions, tickets, now, normalise)


def count_periods(
    org: Organisation,
    calendar: BusinessCalendar,
    periods: Sequence[Period],
    questions: Sequence[QuestionRow],
    tickets: Sequence[Ticket],
    now: datetime,
    normalise: Callable[[str], str] = str.casefold,
) -> Counted:
    """The exact numbers per area, unit and in total for each period (weeks, months, a
    year; they may overlap): questions asked and tickets created in it."""
    deflected = deflected_ids(questions, normalise)

    def in_period(i: int, at: datetime) -> bool:
        return periods[i][1] <= at < periods[i][2]

    def row(
        key: str, name: str, q_pred: Callable[[QuestionRow], bool], t_pred: Callable[[Ticket], bool]
    ) -> Tallies:
        tallies = []
        for i in range(len(periods)):
            qs = [q for q in questions if in_period(i, q.asked_at) and q_pred(q)]
            tks = [t for t in tickets if in_period(i, t.created_at) and t_pred(t)]
            tallies.append(_tally(qs, tks, deflected, calendar, now))
        return Tallies(key, name, tuple(tallies))

    triage = org.triage.id

    def area_row(area_id: str, name: str) -> Tallies:
        def q_in(q: QuestionRow) -> bool:
            return (q.area_id or triage) == area_id

        def t_in(t: Ticket) -> bool:
            return t.area_id == area_id

        return row(area_id, name, q_in, t_in)

    def unit_row(unit_id: str, name: str) -> Tallies:
        def q_in(q: QuestionRow) -> bool:
            return q.unit_id == unit_id

        def t_in(t: Ticket) -> bool:
            return t.unit_id == unit_id

        return row(unit_id, name, q_in, t_in)

    unit_names = {u.id: u.name for u in org.units}
    return Counted(
        tuple(p[0] for p in periods),
        tuple(area_row(a.id, a.name) for a in org.areas),
        tuple(unit_row(u.id, u.name) for u in org.units)
        + (
            row(
                "-",
                "Okänd förvaltning",
                lambda q: q.unit_id not in unit_names,
                lambda t: t.unit_id not in unit_names,
            ),
        ),
        row("total", "Totalt", lambda q: True, lambda t: True),
    )

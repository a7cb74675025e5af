"""Leadership's weekly demand summary: ONE computation, rendered as chat text,
chart, web page, CSV and XLSX.

For the week and the four weeks before it, per area and per unit:
questions, deflection (see ``DEFLECTION_RULE``), tickets opened / claimed /
resolved, transferred to another area, median and p90 business hours to claim
and resolve, SLA met (claim and resolve targets together and each on its own),
escalations, reopened, helpful / not helpful, and knowledge gaps (group sizes
and areas only). Counts under five are shown as "<5" in every leadership view,
so nobody can be singled out; no free text and no names ever appear (the one
exception, an example question per knowledge gap, is filled only for the owning
area's own staff, see ``build_summary``'s ``viewer_areas``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from knowledge.model import Article, Organisation
from routing.calendar import BusinessCalendar
from routing.ports import QuestionRow
from routing.report import group_gaps, week_bounds, week_of
from routing.tickets import Ticket

SMALL = 5
COME_BACK = timedelta(days=3)
SAME_QUESTION = 80  # token_set_ratio of normalised questions
NOT_HELPFUL_FLAG = 3  # articles marked not helpful at least this often in the five weeks
DEFLECTION_RULE = (
    "”Besvarad av boten” betyder att frågan fick ett svar ur kunskapsbanken och att "
    "frågeställaren antingen markerade svaret som till hjälp, eller inte kom tillbaka med "
    "samma fråga eller markerade svaret som inte till hjälp inom 3 dagar. "
    "Frågor som blev ärenden räknas som vidareskickade, "
    "aldrig som besvarade."
)


def masked(n: int | None) -> str:
    """A count as leadership sees it: under five is "<5"."""
    if n is None:
        return "–"
    return "<5" if 0 < n < SMALL else str(n)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)


@dataclass(frozen=True)
class Figures:
    """The numbers for one area (or unit, or everything) in one week."""

    questions: int = 0
    deflected: int = 0
    routed: int = 0
    tickets: int = 0
    claimed: int = 0
    resolved: int = 0
    median_claim: float | None = None
    p90_claim: float | None = None
    median_resolve: float | None = None
    p90_resolve: float | None = None
    sla_met: float | None = None  # share of decided claim and resolve targets met
    sla_claim_met: float | None = None  # share of decided claim targets met
    sla_resolve_met: float | None = None  # share of decided resolve targets met
    escalated: int = 0
    reopened: int = 0
    helpful: int = 0
    not_helpful: int = 0
    transferred: int = 0  # tickets that staff moved to another area

    @property
    def deflection(self) -> float | None:
        return self.deflected / self.questions if self.questions else None


@dataclass(frozen=True)
class Row:
    key: str  # area or unit id, or "total"
    name: str
    weeks: tuple[Figures, ...]  # oldest first; the last is the reported week

    @property
    def current(self) -> Figures:
        return self.weeks[-1]

    @property
    def previous_average(self) -> float:
        before = self.weeks[:-1]
        return sum(f.questions for f in before) / len(before) if before else 0.0

    @property
    def change(self) -> float | None:
        """Questions this week against the average of the weeks before (0.25 = +25 %);
        None when there were none before."""
        prev = self.previous_average
        return (self.current.questions - prev) / prev if prev else None


@dataclass(frozen=True)
class GapGroup:
    area_id: str
    area_name: str
    size: int
    # One question of the group, only for the owning area's own staff (``viewer_areas``
    # of ``build_summary``); always None in what leadership sees.
    example: str | None = None


@dataclass(frozen=True)
class ArticleFlag:
    article_id: str
    title: str
    area_id: str
    reason: str  # "review_due" or "not_helpful"
    detail: str


@dataclass(frozen=True)
class Summary:
    week: str
    weeks: tuple[str, ...]  # the five weeks, oldest first
    areas: tuple[Row, ...]
    units: tuple[Row, ...]
    total: Row
    gaps: tuple[GapGroup, ...]
    flags: tuple[ArticleFlag, ...]
    rule: str = DEFLECTION_RULE


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


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(
    questions: Iterable[QuestionRow],
    tickets: Iterable[Ticket],
    deflected: set[int],
    calendar: BusinessCalendar,
    now: datetime,
) -> Figures:
    qs = list(questions)
    tks = list(tickets)
    claim_h = [
        calendar.business_hours_between(t.created_at, t.claimed_at) for t in tks if t.claimed_at
    ]
    resolve_h = [
        calendar.business_hours_between(t.created_at, t.resolved_at) for t in tks if t.resolved_at
    ]
    claim_met, claim_decided = _targets(((t.claimed_at, t.claim_due) for t in tks), now)
    resolve_met, resolve_decided = _targets(((t.resolved_at, t.resolve_due) for t in tks), now)
    met, decided = claim_met + resolve_met, claim_decided + resolve_decided
    return Figures(
        questions=len(qs),
        deflected=sum(q.id in deflected for q in qs),
        routed=sum(q.ticket_id is not None for q in qs),
        tickets=len(tks),
        claimed=sum(t.claimed_at is not None for t in tks),
        resolved=sum(t.resolved_at is not None for t in tks),
        median_claim=percentile(claim_h, 50),
        p90_claim=percentile(claim_h, 90),
        median_resolve=percentile(resolve_h, 50),
        p90_resolve=percentile(resolve_h, 90),
        sla_met=_share(met, decided),
        sla_claim_met=_share(claim_met, claim_decided),
        sla_resolve_met=_share(resolve_met, resolve_decided),
        escalated=sum(t.escalated_at is not None for t in tks),
        reopened=sum(t.reopened > 0 for t in tks),
        helpful=sum(q.feedback == "helpful" for q in qs),
        not_helpful=sum(q.feedback == "not_helpful" for q in qs),
        transferred=sum(t.area_id != t.original_area_id for t in tks),
    )


def build_summary(
    org: Organisation,
    calendar: BusinessCalendar,
    week: str,
    questions: Sequence[QuestionRow],
    tickets: Sequence[Ticket],
    articles: Sequence[Article],
    now: datetime,
    normalise: Callable[[str], str] = str.casefold,
    review_interval: timedelta = timedelta(days=365),
    gap_limit: int = 5,
    viewer_areas: Sequence[str] = (),
) -> Summary:
    """``questions``: the demand log from the first of the five weeks until three days
    after the reported one (for the come-back rule); ``tickets``: created in the five weeks.
    ``viewer_areas``: the areas whose staff is reading; only their knowledge gaps carry an
    example question. Leave it empty for anything leadership sees."""
    weeks = [*previous_weeks(week), week]
    bounds = [week_bounds(w) for w in weeks]
    deflected = deflected_ids(questions, normalise)

    def in_week(i: int, at: datetime) -> bool:
        return bounds[i][0] <= at < bounds[i][1]

    def row(
        key: str, name: str, q_pred: Callable[[QuestionRow], bool], t_pred: Callable[[Ticket], bool]
    ) -> Row:
        figures = []
        for i in range(len(weeks)):
            qs = [q for q in questions if in_week(i, q.asked_at) and q_pred(q)]
            tks = [t for t in tickets if in_week(i, t.created_at) and t_pred(t)]
            figures.append(_figures(qs, tks, deflected, calendar, now))
        return Row(key, name, tuple(figures))

    triage = org.triage.id

    def area_row(area_id: str, name: str) -> Row:
        def q_in(q: QuestionRow) -> bool:
            return (q.area_id or triage) == area_id

        def t_in(t: Ticket) -> bool:
            return t.area_id == area_id

        return row(area_id, name, q_in, t_in)

    def unit_row(unit_id: str, name: str) -> Row:
        def q_in(q: QuestionRow) -> bool:
            return q.unit_id == unit_id

        def t_in(t: Ticket) -> bool:
            return t.unit_id == unit_id

        return row(unit_id, name, q_in, t_in)

    areas = tuple(area_row(a.id, a.name) for a in org.areas)
    unit_names = {u.id: u.name for u in org.units}
    units = tuple(unit_row(u.id, u.name) for u in org.units) + (
        row(
            "-",
            "Okänd förvaltning",
            lambda q: q.unit_id not in unit_names,
            lambda t: t.unit_id not in unit_names,
        ),
    )
    total = row("total", "Totalt", lambda q: True, lambda t: True)

    current = [q for q in questions if in_week(len(weeks) - 1, q.asked_at)]
    gaps = _gaps(current, org, normalise, gap_limit, viewer_areas)
    flags = _flags(articles, questions, bounds[0][0], now.date(), review_interval)
    return Summary(week, tuple(weeks), areas, units, total, gaps, flags)


def _gaps(
    questions: Sequence[QuestionRow],
    org: Organisation,
    normalise: Callable[[str], str],
    limit: int,
    viewer_areas: Sequence[str],
) -> tuple[GapGroup, ...]:
    names = {a.id: a.name for a in org.areas}
    groups = group_gaps(questions, normalise, org.triage.id)[:limit]
    return tuple(
        GapGroup(
            a,
            names.get(a, a),
            len(members),
            next((q.text for q in members if q.text), None) if a in viewer_areas else None,
        )
        for a, members in groups
    )


def _flags(
    articles: Sequence[Article],
    questions: Sequence[QuestionRow],
    since: datetime,
    today: date,
    review_interval: timedelta,
) -> tuple[ArticleFlag, ...]:
    out = []
    unhelpful: dict[str, int] = defaultdict(int)
    for q in questions:
        if q.article_id and q.feedback == "not_helpful" and q.asked_at >= since:
            unhelpful[q.article_id] += 1
    for a in articles:
        if a.reviewed is not None and a.reviewed + review_interval < today:
            out.append(
                ArticleFlag(a.id, a.title, a.area, "review_due", f"granskad {a.reviewed:%Y-%m-%d}")
            )
        if unhelpful.get(a.id, 0) >= NOT_HELPFUL_FLAG:
            out.append(
                ArticleFlag(
                    a.id,
                    a.title,
                    a.area,
                    "not_helpful",
                    f"{masked(unhelpful[a.id])} gånger inte till hjälp",
                )
            )
    return tuple(sorted(out, key=lambda f: (f.reason, f.area_id, f.article_id)))

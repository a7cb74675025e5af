"""Leadership's weekly demand summary: ONE computation, rendered as chat text,
chart, web page, CSV and XLSX.

For the week and the four weeks before it, per area and per unit:
questions, deflection (see ``DEFLECTION_RULE``), tickets opened / claimed /
resolved (and of those, resolved with an article of the base), transferred to
another area, median and p90 business hours to claim and resolve, SLA met (claim
and resolve targets together and each on its own), escalations, reopened,
helpful / not helpful, and knowledge gaps (group sizes and areas only).

The exact numbers (``Tally``) never reach a view: ``publish`` masks them once
(``routing.disclosure``: "<5", no share, trend or time from fewer than five, and
no total that gives a small part away), so every view shows the same and none can
leak. No free text and no names ever appear (the one exception, an example question
per knowledge gap, is filled only for the owning area's own staff, see
``build_summary``'s ``viewer_areas``, masked for personal data by ``knowledge.masking``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from knowledge.masking import known_names, mask
from knowledge.model import Article, Organisation
from routing.calendar import BusinessCalendar
from routing.disclosure import (
    NONE,
    SMALL,
    Count,
    Group,
    count,
    parts_of,
    protect,
    quantile,
    rate,
    share,
)
from routing.ports import QuestionRow
from routing.report import group_gaps, week_bounds
from routing.tally import COUNTS, WITHIN, Counted, Tallies, Tally, count_weeks, percentile
from routing.tickets import Ticket

NOT_HELPFUL_FLAG = 3  # articles marked not helpful at least this often in the five weeks
DEFLECTION_RULE = (
    "”Besvarad av boten” betyder att frågan fick ett svar ur kunskapsbanken och att "
    "frågeställaren antingen markerade svaret som till hjälp, eller inte kom tillbaka med "
    "samma fråga eller markerade svaret som inte till hjälp inom 3 dagar. "
    "Frågor som blev ärenden räknas som vidareskickade, "
    "aldrig som besvarade."
)


@dataclass(frozen=True)
class Figures:
    """One area (or unit, or everything) in one week, as leadership may see it: every
    count a ``Count`` ("<5" under five, ".." hidden to protect another), and every
    share and time None where it would come from fewer than five."""

    questions: Count = NONE
    deflected: Count = NONE
    routed: Count = NONE
    tickets: Count = NONE
    claimed: Count = NONE
    resolved: Count = NONE
    escalated: Count = NONE
    reopened: Count = NONE
    helpful: Count = NONE
    not_helpful: Count = NONE
    transferred: Count = NONE
    direct: Count = NONE
    from_base: Count = NONE  # resolved with an article of the base, not new knowledge
    rated: Count = NONE  # closed tickets their asker rated
    deflection: float | None = None  # share of the questions answered by the bot
    median_claim: float | None = None  # business hours to claim
    p90_claim: float | None = None
    median_resolve: float | None = None
    p90_resolve: float | None = None
    sla_met: float | None = None  # share of decided claim and resolve targets met
    sla_claim_met: float | None = None  # share of decided claim targets met
    sla_resolve_met: float | None = None  # share of decided resolve targets met
    # the askers' mean rating, 1-5: per area from five ratings or more; in the total only
    # when no area's mean is hidden (else total and areas would tell the hidden ones)
    satisfaction: float | None = None


@dataclass(frozen=True)
class Row:
    key: str  # area or unit id, or "total"
    name: str
    weeks: tuple[Figures, ...]  # oldest first; the last is the reported week
    # Questions this week against the average of the weeks before (0.25 = +25 %); None
    # when there were none before or any of the five weeks is hidden.
    change: float | None = None

    @property
    def current(self) -> Figures:
        return self.weeks[-1]


@dataclass(frozen=True)
class GapGroup:
    area_id: str
    area_name: str
    size: Count
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


Key = tuple[str, str, int, str]  # level, row key, week index, count name


def publish(
    counted: Counted, sums: Sequence[tuple[int, Sequence[int]]] = ()
) -> tuple[tuple[Row, ...], tuple[Row, ...], Row]:
    """The areas, units and total as leadership may see them (``routing.disclosure``):
    per week and count, the areas and the units each add up to the total, and within a
    row each count of ``WITHIN`` is a whole of its parts and of a rest that is never
    shown (questions = answered by the bot + the rest), and so of each part and the rest
    of it, so that no count under five can be had by subtraction. ``sums``: periods
    that are the sum of others, as (whole, parts) indices (a year of its twelve months),
    protected the same way in every row."""
    levels = {"area": counted.areas, "unit": counted.units, "total": (counted.total,)}
    values: dict[Key, int] = {
        (level, r.key, i, name): getattr(t, name)
        for level, rows in levels.items()
        for r in rows
        for i, t in enumerate(r.weeks)
        for name in COUNTS
    }
    groups: list[Group[Key]] = []
    unshown: set[Key] = set()

    def within(level: str, key: str, i: int, whole: str, parts: tuple[str, ...]) -> None:
        w, ps = (level, key, i, whole), [(level, key, i, p) for p in parts]
        rest = values[w] - sum(values[p] for p in ps)
        if rest < 0 and len(ps) == 1:  # only nearly nested: the reader's difference
            w, ps, rest = ps[0], [w], -rest  # is the other way round
        r = (level, key, i, f"{w[3]}-{'-'.join(p[3] for p in ps)}")
        if rest < 0 or r in values:
            return  # not nested after all (each pair is there on its own), or done
        values[r] = rest
        unshown.add(r)
        groups.append(Group(w, [*ps, r]))

    for i in range(len(counted.weeks)):
        for name in COUNTS:
            total = ("total", "total", i, name)
            groups.append(Group(total, [("area", r.key, i, name) for r in counted.areas]))
            groups.append(Group(total, [("unit", r.key, i, name) for r in counted.units]))
        for level, rows in levels.items():
            for r in rows:
                for name in COUNTS:
                    for whole_i, part_is in sums if i == 0 else ():
                        groups.append(
                            Group(
                                (level, r.key, whole_i, name),
                                [(level, r.key, j, name) for j in part_is],
                            )
                        )
                for whole, parts in WITHIN:
                    within(level, r.key, i, whole, parts)
                    for p in parts if len(parts) > 1 else ():
                        within(level, r.key, i, whole, (p,))
    shown = protect(values, groups, unshown)

    def _satisfaction(level: str, i: int, t: Tally) -> float | None:
        if level == "unit" or t.rated < SMALL:  # units: the areas' means say it already
            return None
        if level == "total" and any(0 < r.weeks[i].rated < SMALL for r in counted.areas):
            return None
        return sum(t.ratings) / t.rated

    def figures(level: str, key: str, i: int, t: Tally) -> Figures:
        def c(name: str) -> Count:
            return shown[(level, key, i, name)]

        return Figures(
            questions=c("questions"),
            deflected=c("deflected"),
            routed=c("routed"),
            tickets=c("tickets"),
            claimed=c("claimed"),
            resolved=c("resolved"),
            escalated=c("escalated"),
            reopened=c("reopened"),
            helpful=c("helpful"),
            not_helpful=c("not_helpful"),
            transferred=c("transferred"),
            direct=c("direct"),
            from_base=c("from_base"),
            rated=c("rated"),
            satisfaction=_satisfaction(level, i, t),
            deflection=share(c("deflected"), c("questions"), t.deflected, t.questions),
            median_claim=quantile(percentile(t.claim_hours, 50), len(t.claim_hours)),
            p90_claim=quantile(percentile(t.claim_hours, 90), len(t.claim_hours)),
            median_resolve=quantile(percentile(t.resolve_hours, 50), len(t.resolve_hours)),
            p90_resolve=quantile(percentile(t.resolve_hours, 90), len(t.resolve_hours)),
            sla_met=sla_together(t),
            sla_claim_met=rate(t.claim_met, t.claim_decided),
            sla_resolve_met=rate(t.resolve_met, t.resolve_decided),
        )

    def row(level: str, r: Tallies) -> Row:
        weeks = tuple(figures(level, r.key, i, t) for i, t in enumerate(r.weeks))
        before = sum(t.questions for t in r.weeks[:-1]) / (len(r.weeks) - 1)
        change = None
        if before and not any(f.questions.hidden for f in weeks):  # all five are shown
            change = (r.weeks[-1].questions - before) / before
        return Row(r.key, r.name, weeks, change)

    return (
        tuple(row("area", r) for r in counted.areas),
        tuple(row("unit", r) for r in counted.units),
        row("total", counted.total),
    )


def sla_together(t: Tally) -> float | None:
    """The share of claim and resolve targets met together, only where it cannot be
    taken apart: beside a shown claim share and a hidden resolve share (or the other
    way round), the total would tell the hidden one, unless that side has no target
    decided."""
    claim = rate(t.claim_met, t.claim_decided)
    resolve = rate(t.resolve_met, t.resolve_decided)
    hidden = (claim is None and t.claim_decided) or (resolve is None and t.resolve_decided)
    if hidden and (claim is not None or resolve is not None):
        return None
    return rate(t.claim_met + t.resolve_met, t.claim_decided + t.resolve_decided)


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
    names: Sequence[str] | None = None,
) -> Summary:
    """``questions``: the demand log from the first of the five weeks until three days
    after the reported one (for the come-back rule); ``tickets``: created in the five weeks.
    ``viewer_areas``: the areas whose staff is reading; only their knowledge gaps carry an
    example question. Leave it empty for anything leadership sees. ``names``: the names
    masked in the examples (``routing.names.names_to_mask``); None: the organisation's."""
    counted = count_weeks(org, calendar, week, questions, tickets, now, normalise)
    areas, units, total = publish(counted)
    start, end = week_bounds(week)
    first, _ = week_bounds(counted.weeks[0])
    current = [q for q in questions if start <= q.asked_at < end]
    people = known_names(org) if names is None else names
    gaps = _gaps(current, org, normalise, gap_limit, viewer_areas, people)
    flags = _flags(articles, questions, first, now.date(), review_interval)
    return Summary(week, counted.weeks, areas, units, total, gaps, flags)


def _gaps(
    questions: Sequence[QuestionRow],
    org: Organisation,
    normalise: Callable[[str], str],
    limit: int,
    viewer_areas: Sequence[str],
    people: Sequence[str],
) -> tuple[GapGroup, ...]:
    names = {a.id: a.name for a in org.areas}
    groups = group_gaps(questions, normalise, org.triage.id)[:limit]
    # An area's groups add up to at most its routed and not-helpful questions, which
    # the summary shows: protected as parts of that, so that no small group is the
    # area's figures minus its other groups.
    sizes: dict[int, Count] = {}
    for area in {a for a, _ in groups}:
        mine = [i for i, (a, _) in enumerate(groups) if a == area]
        asked = [q for q in questions if (q.area_id or org.triage.id) == area]
        whole = sum(q.ticket_id is not None for q in asked) + sum(
            q.feedback == "not_helpful" for q in asked
        )
        for i, shown in zip(mine, parts_of(whole, [len(groups[i][1]) for i in mine]), strict=True):
            sizes[i] = shown
    return tuple(
        GapGroup(
            a,
            names.get(a, a),
            sizes[i],
            # the example outside the ticket: masked for personal data (issue 15)
            next((mask(q.text, people) for q in members if q.text), None)
            if a in viewer_areas
            else None,
        )
        for i, (a, members) in enumerate(groups)
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
                    f"{count(unhelpful[a.id])} gånger inte till hjälp",
                )
            )
    return tuple(sorted(out, key=lambda f: (f.reason, f.area_id, f.article_id)))

"""A support area's yearly analysis (issue 14): ONE computation, rendered as text,
page, XLSX and DOCX, which the area lead brings to the yearly dialogue with the people
the area serves.

For one area and one calendar year (Europe/Stockholm): demand per month and per unit,
the share answered by the bot and routed, claim and resolve times against the area's
commitments, satisfaction (ticket ratings and the yearly survey), the articles used,
the knowledge-gap groups with what is new or growing since the year before, the
articles past review or often not helpful, and the year before beside it.

The exact numbers never reach a view. The months, the year and the year before are
masked together (``routing.summary.publish``, with the year as the sum of its months),
so no count under five can be had by subtracting one figure of the page from another;
every other count goes through ``routing.disclosure.count`` and every share, mean and
time needs five or more behind it. Leadership's version has no free text; the lead's
version adds one example question per gap group and the survey's comments, both masked
for personal data by the caller, and the comments only from five answers or more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from knowledge.model import Area, Article, Commitments, Organisation
from routing.calendar import STOCKHOLM, BusinessCalendar
from routing.disclosure import SMALL, Count, Group, count, parts_of, protect, rate
from routing.ports import QuestionRow, SurveyAnswer
from routing.report import group_gaps
from routing.summary import DEFLECTION_RULE, ArticleFlag, Figures, publish
from routing.tally import COME_BACK, Period, count_periods
from routing.tickets import Ticket

MONTHS_SV = (
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
)  # fmt: skip
# An article marked not helpful at least this often in the year, and at least as often
# as helpful, is flagged (a busy article gets some "no" from people who asked another thing).
NOT_HELPFUL_YEAR = 5
TOP_ARTICLES = 10
TOP_GAPS = 10
MAX_COMMENTS = 30


def year_bounds(year: int) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, 1, 1), time(0), STOCKHOLM)
    return start, datetime.combine(date(year + 1, 1, 1), time(0), STOCKHOLM)


def month_periods(year: int) -> list[Period]:
    out: list[Period] = []
    for m in range(1, 13):
        start = datetime.combine(date(year, m, 1), time(0), STOCKHOLM)
        nxt = date(year + (m == 12), m % 12 + 1, 1)
        out.append((MONTHS_SV[m - 1], start, datetime.combine(nxt, time(0), STOCKHOLM)))
    return out


@dataclass(frozen=True)
class IntroFigures:
    """The new managers' path, as counts (masked)."""

    enrolled: Count
    finished: Count
    halfway: Count  # done at least half of the path's articles
    path_length: int


@dataclass(frozen=True)
class SurveyFigures:
    asked: Count
    answered: Count
    supported: float | None  # mean 1-5, from five answers or more
    findable: float | None
    comments: tuple[str, ...] = ()  # the lead's version only, from five answers or more


@dataclass(frozen=True)
class UnitYear:
    unit_id: str
    name: str
    months: tuple[Figures, ...]
    year: Figures


@dataclass(frozen=True)
class ArticleUse:
    article_id: str
    title: str
    answered: Count  # questions answered with it this year
    previous: Count  # and the year before


@dataclass(frozen=True)
class YearGap:
    size: Count  # routed or not-helpful questions of the group this year
    previous: Count  # the year before
    status: str  # "new" (none the year before), "growing", or ""
    closest: str | None  # the title of the nearest article of the base, if any
    example: str | None = None  # one question of the group: the lead's version only


@dataclass(frozen=True)
class Commitment:
    """One promise of the area and how the year went: ``met`` is None when the figure
    may not be shown (fewer than five behind it) or there was no promise."""

    key: str  # claim, resolve, answered_share, satisfaction
    target: float  # hours, a share 0..1 or a mean rating 1-5
    actual: float | None  # the median hours, the share or the mean
    met: bool | None
    within: float | None = None  # claim and resolve: the share of tickets within target


@dataclass(frozen=True)
class Yearly:
    area: Area
    year: int
    lead_version: bool
    months: tuple[Figures, ...]  # January to December
    total: Figures  # the year
    previous: Figures  # the year before
    change: float | None  # questions against the year before (0.25 = +25 %)
    units: tuple[UnitYear, ...]
    articles: tuple[ArticleUse, ...]
    gaps: tuple[YearGap, ...]
    flags: tuple[ArticleFlag, ...]
    commitments: tuple[Commitment, ...]
    survey: SurveyFigures
    previous_survey: SurveyFigures
    intro: IntroFigures | None = None
    rule: str = DEFLECTION_RULE

    @property
    def month_labels(self) -> tuple[str, ...]:
        return MONTHS_SV


def _survey(answers: Sequence[SurveyAnswer], asked: int, lead: bool) -> SurveyFigures:
    n = len(answers)
    sup = [a.supported for a in answers if a.supported is not None]
    find = [a.findable for a in answers if a.findable is not None]
    comments: tuple[str, ...] = ()
    if lead and n >= SMALL:
        said = Counter(a.improve for a in answers if a.improve)  # each once, the most said
        comments = tuple(c for c, _ in sorted(said.items(), key=lambda cn: (-cn[1], cn[0])))
        comments = comments[:MAX_COMMENTS]
    return SurveyFigures(
        asked=count(asked),
        answered=count(n) if asked - n == 0 or asked - n >= SMALL else Count(None),
        supported=sum(sup) / len(sup) if len(sup) >= SMALL else None,
        findable=sum(find) / len(find) if len(find) >= SMALL else None,
        comments=comments,
    )


def _within(
    tickets: Sequence[Ticket],
    hours: float,
    done: Callable[[Ticket], datetime | None],
    calendar: BusinessCalendar,
    now: datetime,
) -> float | None:
    """Share of the tickets done within ``hours`` business hours, of those decided."""
    met = decided = 0
    for t in tickets:
        due = calendar.add_business_hours(t.created_at, hours)
        at = done(t)
        if at is not None:
            decided += 1
            met += at <= due
        elif now > due:
            decided += 1
    return rate(met, decided)


def _commitments(
    c: Commitments | None,
    tickets: Sequence[Ticket],
    total: Figures,
    calendar: BusinessCalendar,
    now: datetime,
) -> tuple[Commitment, ...]:
    if c is None:
        return ()
    out = []
    if c.claim_hours is not None:
        share = _within(tickets, c.claim_hours, lambda t: t.claimed_at, calendar, now)
        m = total.median_claim
        out.append(Commitment("claim", c.claim_hours, m, _at_most(m, c.claim_hours), share))
    if c.resolve_hours is not None:
        share = _within(tickets, c.resolve_hours, lambda t: t.resolved_at, calendar, now)
        m = total.median_resolve
        out.append(Commitment("resolve", c.resolve_hours, m, _at_most(m, c.resolve_hours), share))
    shares = [x.within for x in out]
    if any(s is None for s in [*shares, total.sla_claim_met, total.sla_resolve_met]):
        # "SLA uppfyllt" of the year is claim and resolve together: beside it, the
        # share of one would give the other's away (and its misses, under five)
        out = [replace(x, within=None) for x in out]
    if c.answered_share is not None:
        a = total.deflection
        out.append(Commitment("answered_share", c.answered_share, a, _met(a, c.answered_share)))
    if c.satisfaction is not None:
        s = total.satisfaction
        out.append(Commitment("satisfaction", c.satisfaction, s, _met(s, c.satisfaction)))
    return tuple(out)


def _met(actual: float | None, target: float) -> bool | None:
    return None if actual is None else actual >= target


def _at_most(actual: float | None, target: float) -> bool | None:
    return None if actual is None else actual <= target


def _articles(
    area: Area,
    articles: Sequence[Article],
    this: Sequence[QuestionRow],
    before: Sequence[QuestionRow],
) -> tuple[ArticleUse, ...]:
    titles = {a.id: a.title for a in articles if a.area == area.id}
    used = Counter(q.article_id for q in this if q.outcome == "answered" and q.article_id)
    was = Counter(q.article_id for q in before if q.outcome == "answered" and q.article_id)
    top = [(aid, n) for aid, n in used.most_common() if aid in titles][:TOP_ARTICLES]
    return tuple(ArticleUse(aid, titles[aid], count(n), count(was[aid])) for aid, n in top)


def _gaps(
    area: Area,
    this: Sequence[QuestionRow],
    before: Sequence[QuestionRow],
    normalise: Callable[[str], str],
    closest: Callable[[str], str | None],
    lead: bool,
) -> tuple[YearGap, ...]:
    """The year's gap groups, largest first. Every routed or not-helpful question is in
    one group, so the groups add up to "Vidareskickade" plus "inte till hjälp" of the
    year (and the year before's column to the year before's): they are protected as
    parts of that whole, as the months are of the year, so that no group of one to
    four can be had by subtracting the others from the figures above."""
    this_ids = {q.id for q in this}
    groups = group_gaps([*this, *before], normalise, area.id)
    found = []
    for _, members in groups:
        now_n = sum(q.id in this_ids for q in members)
        if not now_n:
            continue  # a need of last year only: not this year's
        was_n = len(members) - now_n
        status = "new" if was_n == 0 else "growing" if now_n > was_n and now_n >= SMALL else ""
        text = next((q.text for q in members if q.id in this_ids and q.text), None)
        found.append((now_n, was_n, status, text))
    found.sort(key=lambda g: (g[2] != "new", -count(g[0]).order))
    found = found[:TOP_GAPS]
    now_shown = parts_of(_gap_whole(this), [g[0] for g in found])
    was_shown = parts_of(_gap_whole(before), [g[1] for g in found])
    out = [
        YearGap(
            now_shown[i],
            was_shown[i],
            # "ökar" beside a hidden size says it is above last year's: not for a hidden one
            "" if status == "growing" and now_shown[i].hidden else status,
            closest(text) if text else None,
            text if lead else None,
        )
        for i, (_, _, status, text) in enumerate(found)
    ]
    out.sort(key=lambda g: (g.status != "new", -g.size.order))
    return tuple(out)


def _gap_whole(questions: Sequence[QuestionRow]) -> int:
    """What the reader knows the gap groups add up to at most: the routed and the
    not-helpful questions, as the year's figures show them."""
    return sum(q.ticket_id is not None for q in questions) + sum(
        q.feedback == "not_helpful" for q in questions
    )


def _flags(
    area: Area,
    articles: Sequence[Article],
    this: Sequence[QuestionRow],
    today: date,
    review_interval: timedelta,
) -> tuple[ArticleFlag, ...]:
    unhelpful = Counter(q.article_id for q in this if q.feedback == "not_helpful" and q.article_id)
    helpful = Counter(q.article_id for q in this if q.feedback == "helpful" and q.article_id)
    out = []
    for a in articles:
        if a.area != area.id:
            continue
        if a.reviewed is not None and a.reviewed + review_interval < today:
            out.append(ArticleFlag(a.id, a.title, a.area, "review_due", f"{a.reviewed:%Y-%m-%d}"))
        if unhelpful[a.id] >= max(NOT_HELPFUL_YEAR, helpful[a.id]):
            out.append(ArticleFlag(a.id, a.title, a.area, "not_helpful", str(unhelpful[a.id])))
    return tuple(sorted(out, key=lambda f: (f.reason, f.article_id)))


def build_yearly(
    org: Organisation,
    area_id: str,
    year: int,
    calendar: BusinessCalendar,
    questions: Sequence[QuestionRow],
    tickets: Sequence[Ticket],
    articles: Sequence[Article],
    now: datetime,
    *,
    normalise: Callable[[str], str] = str.casefold,
    closest: Callable[[str], str | None] = lambda text: None,
    survey: Sequence[SurveyAnswer] = (),
    survey_asked: int = 0,
    previous_survey: Sequence[SurveyAnswer] = (),
    previous_asked: int = 0,
    intro: IntroFigures | None = None,
    lead_version: bool = False,
    review_interval: timedelta = timedelta(days=365),
) -> Yearly:
    """``questions``: the demand log from the start of the year before until three days
    after this one (for the come-back rule); ``tickets``: created in the two years.
    Everything outside ``area_id`` is left out here. ``closest``: the title of the
    article nearest a question (the matcher), to name a gap group without free text."""
    area = org.area(area_id)
    if area is None:
        raise ValueError(f"unknown area: {area_id}")
    triage = org.triage.id
    qs = [q for q in questions if (q.area_id or triage) == area_id]
    tks = [t for t in tickets if t.area_id == area_id]
    start, end = year_bounds(year)
    before_start, _ = year_bounds(year - 1)
    periods = [*month_periods(year), (str(year), start, end), (str(year - 1), before_start, start)]
    only = replace(org, areas=(area,), triage_area=area.id)
    counted = count_periods(only, calendar, periods, qs, tks, now, normalise)
    _, units, total = publish(counted, sums=[(12, tuple(range(12)))])
    this_year = total.weeks[12]
    previous = total.weeks[13]
    now_n, was_n = this_year.questions.shown, previous.questions.shown
    change = now_n / was_n - 1 if now_n is not None and was_n is not None and was_n else None
    in_year = [q for q in qs if start <= q.asked_at < end]
    before = [q for q in qs if before_start <= q.asked_at < start]
    year_tickets = [t for t in tks if start <= t.created_at < end and t.merged_into is None]
    names = {u.id: u.name for u in org.units}
    return Yearly(
        area=area,
        year=year,
        lead_version=lead_version,
        months=total.weeks[:12],
        total=this_year,
        previous=previous,
        change=change,
        units=tuple(
            UnitYear(r.key, names.get(r.key, r.name), r.weeks[:12], r.weeks[12])
            for r in units
            if not r.weeks[12].questions.zero or not r.weeks[12].tickets.zero
        ),
        articles=_articles(area, articles, in_year, before),
        gaps=_gaps(area, in_year, before, normalise, closest, lead_version),
        flags=_flags(area, articles, in_year, now.date(), review_interval),
        commitments=_commitments(
            area.commitments, year_tickets, this_year, calendar, min(now, end + COME_BACK)
        ),
        survey=_survey(survey, survey_asked, lead_version),
        previous_survey=_survey(previous_survey, previous_asked, False),
        intro=intro,
    )


def intro_figures(enrolled: int, finished: int, done: Sequence[int], length: int) -> IntroFigures:
    """The path's exact numbers as they may be shown: finished is within halfway, and
    halfway within enrolled, so each rest (enrolled but not halfway, say) is protected
    like the counts themselves: "7 on the path, 5 halfway" would tell that 2 are not."""
    half = sum(d * 2 >= length for d in done) if length else 0
    values = {"enrolled": enrolled, "halfway": half, "finished": finished}
    groups, unshown = [], set()
    for whole, part in (("enrolled", "halfway"), ("halfway", "finished"), ("enrolled", "finished")):
        rest = f"{whole}-{part}"
        values[rest] = max(0, values[whole] - values[part])
        unshown.add(rest)
        groups.append(Group(whole, [part, rest]))
    shown = protect(values, groups, unshown)
    return IntroFigures(shown["enrolled"], shown["finished"], shown["halfway"], length)

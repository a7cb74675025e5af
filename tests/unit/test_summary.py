"""The leadership summary's numbers against hand-computed expectations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from knowledge.base import KnowledgeBase
from knowledge.model import Article
from routing.calendar import BusinessCalendar
from routing.disclosure import count
from routing.ports import QuestionRow
from routing.summary import build_summary
from routing.tally import count_weeks, deflected_ids, percentile
from tests.unit.test_report import ticket

MON = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # week 48


def q(
    i: int,
    user: str,
    at: datetime,
    outcome: str = "answered",
    article: str | None = "hr-sjuklon",
    feedback: str | None = None,
    ticket_id: int | None = None,
    text: str = "sjuklön dag ett",
    area: str = "hr",
    unit: str = "bou",
) -> QuestionRow:
    return QuestionRow(
        at,
        "matrix",
        user,
        unit,
        area,
        outcome,
        article,
        ticket_id,
        0.6,
        text,
        id=i,
        feedback=feedback,
    )


def test_masking_and_percentiles() -> None:
    assert [str(count(n)) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([4.0], 90) == 4.0 and percentile([], 50) is None


def test_deflection_rule() -> None:
    rows = [
        q(1, "@a", MON, feedback="helpful"),  # deflected: marked helpful
        q(2, "@b", MON),  # deflected: never came back
        q(3, "@c", MON),  # NOT: came back with the same article within 3 days
        q(4, "@c", MON + timedelta(days=2)),  # deflected: did not come back after this one
        q(5, "@d", MON, feedback="not_helpful"),  # NOT: 👎
        q(6, "@e", MON, ticket_id=9),  # NOT: became a ticket
        q(7, "@f", MON),  # deflected: came back only after 4 days
        q(8, "@f", MON + timedelta(days=4)),  # deflected
        q(9, "@g", MON, outcome="routed", article=None, ticket_id=10),  # NOT: routed
        q(10, "@h", MON, text="hur bokar jag poolbil", article="service-bilbokning"),
        q(
            11,
            "@h",
            MON + timedelta(hours=1),
            text="hur bokar jag poolbil?",
            article=None,
            outcome="clarified",
        ),  # same question again (text): 10 is NOT deflected
    ]
    assert deflected_ids(rows, str.casefold) == {1, 2, 4, 7, 8}


def test_summary_numbers(example_kb: KnowledgeBase) -> None:
    questions = [
        q(1, "@a", MON, feedback="helpful"),
        q(2, "@b", MON),
        q(3, "@c", MON, feedback="not_helpful"),
        q(4, "@d", MON, outcome="routed", article=None, ticket_id=11, text="cykelförmån"),
        q(5, "@e", MON, outcome="routed", article=None, ticket_id=12, text="cykelförmån regler"),
        q(6, "@f", MON, area="it", article="it-glomt-losenord", unit="soc"),
        q(7, "@g", MON - timedelta(weeks=1)),  # the week before
    ]
    t11 = ticket(11, "hr", MON, 2, 10)
    t12 = replace(ticket(12, "hr", MON, 6, None), original_area_id="kansli")  # moved to HR
    stale = Article("hr-gammal", "hr", "Gammal artikel", ("?",), "svar", reviewed=date(2024, 1, 1))
    org, cal, now = example_kb.organisation, BusinessCalendar(), MON + timedelta(days=1)
    counted = count_weeks(org, cal, "2026-W48", questions, [t11, t12], now)
    hr = next(r for r in counted.areas if r.key == "hr")
    cur = hr.weeks[-1]
    assert (cur.questions, cur.deflected, cur.routed) == (5, 2, 2)
    assert (cur.tickets, cur.claimed, cur.resolved) == (2, 2, 1)
    assert cur.claim_hours == (2.0, 6.0) and cur.resolve_hours == (10.0,)
    assert (cur.claim_met, cur.claim_decided) == (1, 2)  # 2 h of 4 met, 6 h missed
    assert (cur.resolve_met, cur.resolve_decided) == (1, 1)  # the open one is not yet due
    assert cur.transferred == 1 and cur.direct == 1
    assert (cur.helpful, cur.not_helpful) == (1, 1)
    assert [t.questions for t in hr.weeks] == [0, 0, 0, 1, 5]
    assert counted.total.weeks[-1].questions == 6
    bou = next(r for r in counted.units if r.key == "bou")
    assert bou.weeks[-1].questions == 5
    assert counted.weeks == ("2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48")

    # what leadership sees of the same: only what five or more make up
    summary = build_summary(org, cal, "2026-W48", questions, [t11, t12], [stale], now=now)
    shown = next(r for r in summary.areas if r.key == "hr")
    f = shown.current
    assert str(f.questions) == "5" and str(f.deflected) == "<5" and str(f.tickets) == "<5"
    assert f.deflection is None  # 2 of 5: the share would tell the 2
    assert (f.median_claim, f.p90_claim, f.median_resolve) == (None, None, None)  # 2 tickets
    assert (f.sla_met, f.sla_claim_met, f.sla_resolve_met) == (None, None, None)
    assert shown.change is None  # week 47's one question is hidden: no trend either
    assert [str(w.questions) for w in shown.weeks] == ["0", "0", "0", "<5", "5"]
    # total 6 beside HR 5 and IT "<5" would tell IT's 1: one more figure is hidden
    it = next(r for r in summary.areas if r.key == "it")
    assert str(it.current.questions) == "<5"
    # (hiding HR's 5 would not do: a ".." is at least 5, so IT would still be 1)
    assert str(summary.total.current.questions) == ".."
    assert [(g.area_id, str(g.size)) for g in summary.gaps] == [("hr", "<5"), ("hr", "<5")]
    assert all(g.example is None for g in summary.gaps)  # leadership: no question text
    assert [(f.article_id, f.reason) for f in summary.flags] == [("hr-gammal", "review_due")]
    assert summary.weeks == counted.weeks


def test_shares_times_and_trends_need_five(example_kb: KnowledgeBase) -> None:
    """Ten HR questions a week, of which some answered by the bot, and six tickets."""
    org, cal = example_kb.organisation, BusinessCalendar()
    questions, tickets, i = [], [], 0
    for week in range(5):
        for n in range(10):
            i += 1
            at = MON - timedelta(weeks=4 - week) + timedelta(minutes=n)
            deflect = n < 5  # 7 of 10 would tell that 3 were not: see tests/hostile
            questions.append(q(i, f"@u{i}", at, feedback="helpful" if deflect else "not_helpful"))
    tickets = [ticket(100 + k, "hr", MON, 1 + k, 8 + k) for k in range(6)]
    summary = build_summary(org, cal, "2026-W48", questions, tickets, [], now=MON)
    hr = next(r for r in summary.areas if r.key == "hr")
    f = hr.current
    assert str(f.questions) == "10" and str(f.deflected) == "5" and f.deflection == 0.5
    assert hr.change == 0.0  # ten against ten a week
    assert (f.median_claim, f.p90_claim) == (3.0, 6.0)  # six claimed: shown
    assert f.sla_claim_met is None  # 4 of 6 met: the 4 and the 2 missed are both small
    three = [replace(t, created_at=MON) for t in tickets[:3]]
    few = build_summary(org, cal, "2026-W48", questions, three, [], now=MON)
    assert next(r for r in few.areas if r.key == "hr").current.median_claim is None


def test_gap_examples_only_for_the_viewers_own_areas(example_kb: KnowledgeBase) -> None:
    questions = [
        q(1, "@a", MON, outcome="routed", article=None, ticket_id=11, text="cykelförmån"),
        q(2, "@b", MON, area="it", outcome="routed", article=None, ticket_id=12, text="vpn"),
    ]

    def gaps(viewer: tuple[str, ...]) -> list[tuple[str, str | None]]:
        summary = build_summary(
            example_kb.organisation,
            BusinessCalendar(),
            "2026-W48",
            questions,
            [],
            [],
            now=MON + timedelta(days=1),
            viewer_areas=viewer,
        )
        return [(g.area_id, g.example) for g in summary.gaps]

    assert gaps(()) == [("hr", None), ("it", None)]
    assert gaps(("hr",)) == [("hr", "cykelförmån"), ("it", None)]


def test_tickets_resolved_from_the_base_are_counted_apart_and_masked(
    example_kb: KnowledgeBase,
) -> None:
    """Six HR tickets resolved, five of them with an article of the base (svara N #id).
    Counted exactly, shown masked: never a figure from which the one resolved with new
    knowledge (6 − 5) follows, and "<5" for four."""
    org, cal, now = example_kb.organisation, BusinessCalendar(), MON + timedelta(days=1)
    tickets = [
        replace(ticket(20 + i, "hr", MON, 1, 3), answer_article="hr-sjuklon" if i < 5 else None)
        for i in range(6)
    ]
    counted = count_weeks(org, cal, "2026-W48", [], tickets, now)
    hr = next(r for r in counted.areas if r.key == "hr").weeks[-1]
    assert (hr.resolved, hr.from_base) == (6, 5)
    shown = next(
        r
        for r in build_summary(org, cal, "2026-W48", [], tickets, [], now=now).areas
        if r.key == "hr"
    )
    # 6 resolved beside 5 from the base would tell the 1 resolved otherwise: hidden
    assert (str(shown.current.resolved), str(shown.current.from_base)) == ("6", "..")
    fewer = tickets[1:]  # four from the base, one not
    shown = next(
        r
        for r in build_summary(org, cal, "2026-W48", [], fewer, [], now=now).areas
        if r.key == "hr"
    )
    assert str(shown.current.from_base) == "<5"


def test_satisfaction_per_area_from_five_ratings_and_never_derivable(
    example_kb: KnowledgeBase,
) -> None:
    """HR: five ratings (4 4 4 4 5); IT: one (1). Leadership sees HR's mean; IT's
    single rating is hidden, and so is the total's mean, since total and HR together
    would tell IT's one rating."""
    org, cal, now = example_kb.organisation, BusinessCalendar(), MON + timedelta(days=1)
    hr = [replace(ticket(30 + i, "hr", MON, 1, 3), rating=r) for i, r in enumerate((4, 4, 4, 4, 5))]
    it = [replace(ticket(40, "it", MON, 1, 3), rating=1)]
    summary = build_summary(org, cal, "2026-W48", [], [*hr, *it], [], now=now)
    rows = {r.key: r.current for r in summary.areas}
    assert rows["hr"].satisfaction == pytest.approx(4.2) and str(rows["hr"].rated) == "5"
    assert rows["it"].satisfaction is None and str(rows["it"].rated) == "<5"
    assert summary.total.current.satisfaction is None
    assert all(u.current.satisfaction is None for u in summary.units)
    # without IT's one rating the total may show its mean: nothing small to derive
    alone = build_summary(org, cal, "2026-W48", [], hr, [], now=now)
    assert alone.total.current.satisfaction == pytest.approx(4.2)

"""The leadership summary's numbers against hand-computed expectations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from knowledge.base import KnowledgeBase
from knowledge.model import Article
from routing.calendar import BusinessCalendar
from routing.ports import QuestionRow
from routing.summary import build_summary, deflected_ids, masked, percentile
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
    assert [masked(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
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
    summary = build_summary(
        example_kb.organisation,
        BusinessCalendar(),
        "2026-W48",
        questions,
        [t11, t12],
        [stale],
        now=MON + timedelta(days=1),
    )
    hr = next(r for r in summary.areas if r.key == "hr")
    cur = hr.current
    assert (cur.questions, cur.deflected, cur.routed) == (5, 2, 2)
    assert cur.deflection == 0.4
    assert (cur.tickets, cur.claimed, cur.resolved) == (2, 2, 1)
    assert (cur.median_claim, cur.p90_claim) == (2.0, 6.0)  # nearest rank of [2, 6]
    assert cur.sla_met == 2 / 3  # claims: met, missed; resolve: met; the open one not yet due
    assert (cur.sla_claim_met, cur.sla_resolve_met) == (0.5, 1.0)  # 2 h of 4 met, 6 h missed
    assert cur.median_resolve == 10.0 and cur.transferred == 1
    assert (cur.helpful, cur.not_helpful) == (1, 1)
    assert [f.questions for f in hr.weeks] == [0, 0, 0, 1, 5]
    assert hr.previous_average == 0.25 and hr.change == 19.0  # 5 against 1/4 a week
    assert summary.total.current.questions == 6
    bou = next(r for r in summary.units if r.key == "bou")
    assert bou.current.questions == 5
    assert [(g.area_id, g.size) for g in summary.gaps] == [("hr", 2), ("hr", 1)]
    assert all(g.example is None for g in summary.gaps)  # leadership: no question text
    assert [(f.article_id, f.reason) for f in summary.flags] == [("hr-gammal", "review_due")]
    assert summary.weeks == ("2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48")


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

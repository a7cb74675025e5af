"""Weekly summary numbers against hand-computed expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from knowledge.base import KnowledgeBase
from routing.calendar import BusinessCalendar
from routing.ports import QuestionRow
from routing.report import build_weekly, week_bounds, week_of
from routing.tickets import Status, Ticket

MON = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Stockholm, week 48


def q(
    i: int,
    area: str,
    outcome: str,
    at: datetime,
    ticket: int | None = None,
    feedback: str | None = None,
    text: str = "",
) -> QuestionRow:
    return QuestionRow(
        at,
        "test",
        f"@u{i}",
        "bou",
        area,
        outcome,
        None,
        ticket,
        0.5,
        text or f"fråga {i}",
        id=i,
        feedback=feedback,
    )


def ticket(
    i: int, area: str, created: datetime, claimed_h: float | None, resolved_h: float | None
) -> Ticket:
    cal = BusinessCalendar()
    return Ticket(
        id=i,
        area_id=area,
        original_area_id=area,
        status=Status.RESOLVED,
        asker_id="@u",
        channel="test",
        conversation_id="dm",
        address="",
        language="sv",
        unit_id="bou",
        question="x",
        article_id=None,
        question_id=None,
        claimed_by="@s",
        created_at=created,
        claimed_at=None if claimed_h is None else cal.add_business_hours(created, claimed_h),
        resolved_at=None if resolved_h is None else cal.add_business_hours(created, resolved_h),
        closed_at=None,
        claim_due=cal.add_business_hours(created, 4),
        resolve_due=cal.add_business_hours(created, 16),
        escalated_at=None,
        route_confidence=1.0,
        route_reason="articles",
        reopened=0,
        version=1,
    )


def test_week_bounds_are_stockholm_mondays() -> None:
    start, end = week_bounds("2026-W48")
    assert start.isoformat() == "2026-11-23T00:00:00+01:00" and end - start == timedelta(days=7)
    assert week_of(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == "2026-W48"  # 00:30 Monday local


def test_area_numbers(example_kb: KnowledgeBase) -> None:
    questions = [
        q(1, "hr", "answered", MON, feedback="helpful"),
        q(2, "hr", "answered", MON, feedback="not_helpful", ticket=11, text="regler cykelförmån?"),
        q(3, "hr", "routed", MON, ticket=12, text="cykelförmån regler"),
        q(4, "hr", "clarified", MON),
        q(5, "it", "answered", MON),
    ]
    previous = [q(10 + i, "hr", "answered", MON - timedelta(days=7 + i)) for i in range(8)]
    tickets = [ticket(11, "hr", MON, 2, 10), ticket(12, "hr", MON, 6, None)]
    now = MON + timedelta(days=1)
    report = build_weekly(
        example_kb.organisation, BusinessCalendar(), "2026-W48", questions, previous, tickets, now
    )
    hr = next(a for a in report.areas if a.area_id == "hr")
    assert (hr.questions, hr.answered, hr.clarified, hr.routed) == (4, 1, 1, 2)
    assert (hr.tickets, hr.claimed, hr.resolved) == (2, 2, 1)
    assert hr.median_claim_hours == 4.0  # median of 2 and 6 business hours
    assert hr.median_resolve_hours == 10.0
    assert hr.sla_claim_met == 0.5  # 2 h met the 4 h target, 6 h did not
    assert hr.sla_resolve_met == 1.0  # the open one is not yet due (16 h) one day later
    assert (hr.helpful, hr.not_helpful) == (1, 1)
    assert hr.previous_average == 2.0 and hr.change == 1.0  # 4 against 8/4 a week
    assert report.total_questions == 5
    assert [g.size for g in report.gaps] == [2] and report.gaps[0].representative is None

"""A deterministic, realistic demand log: a few hundred questions over six weeks,
their tickets claimed and resolved on business-hour timings, and feedback."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from adapters.sql.store import SqlStore
from knowledge.base import KnowledgeBase
from routing.calendar import BusinessCalendar
from routing.ports import NewTicket, QuestionEntry, SurveyAnswer, Tx
from routing.report import week_bounds
from routing.tickets import Status

AREA_WEIGHTS = {
    "hr": 30,
    "it": 25,
    "ekonomi": 15,
    "kansli": 10,
    "service": 8,
    "sakerhet": 5,
    "digital": 4,
    "kommunikation": 2,
    "styrning": 1,
}


# What the last year brings that the year before did not: a need the base lacks.
NEW_NEEDS = {
    "hr": "AI-verktyg i rekryteringen",
    "it": "nya inloggningen med e-legitimation",
    "ekonomi": "nya modulen för e-handel",
}


def seed(
    store: SqlStore,
    kb: KnowledgeBase,
    last_week: str,
    weeks: int = 6,
    per_week: int = 60,
    seed_value: int = 48,
) -> int:
    rng = random.Random(seed_value)
    cal = BusinessCalendar()
    areas = list(AREA_WEIGHTS)
    weights = list(AREA_WEIGHTS.values())
    units = [u.id for u in kb.organisation.units]
    by_area: dict[str, list[str]] = {}
    for a in kb.articles:
        by_area.setdefault(a.area, []).append(a.id)
    start_last, _ = week_bounds(last_week)
    count = 0
    with store.transaction() as tx:
        for k in range(weeks - 1, -1, -1):
            monday = start_last - timedelta(weeks=k)
            for n in range(per_week + rng.randint(-8, 8) + min(weeks - k, 6) * 3):
                at = (
                    monday + timedelta(days=rng.randint(0, 4), hours=8 + rng.random() * 8)
                ).astimezone(UTC)
                area = rng.choices(areas, weights)[0]
                user = f"@chef{rng.randint(1, 40)}:exempelkommun.se"
                unit = rng.choice(units)
                roll = rng.random()
                if roll < 0.62:
                    article = rng.choice(by_area[area])
                    feedback = rng.choice(["helpful", "helpful", None, None, "not_helpful"])
                    qid = tx.questions.log(
                        QuestionEntry(
                            at,
                            "matrix",
                            user,
                            unit,
                            area,
                            "answered",
                            article,
                            None,
                            0.7,
                            f"fråga om {article} {n}",
                        )
                    )
                    if feedback:
                        tx.questions.set_feedback(qid, feedback, at + timedelta(minutes=2))
                elif roll < 0.7:
                    tx.questions.log(
                        QuestionEntry(
                            at,
                            "matrix",
                            user,
                            unit,
                            area,
                            "clarified",
                            None,
                            None,
                            0.4,
                            f"oklar fråga {n}",
                        )
                    )
                else:
                    qid = tx.questions.log(
                        QuestionEntry(
                            at,
                            "matrix",
                            user,
                            unit,
                            area,
                            "routed",
                            None,
                            None,
                            0.2,
                            f"hur gör vi med {NEW_NEEDS[area]} {n % 3}"
                            if weeks > 6  # long seeds only: the short ones stay as they were
                            and area in NEW_NEEDS
                            and at.year == start_last.year
                            and rng.random() < 0.3
                            else f"saknas i basen om {area} {n % 4}",
                        )
                    )
                    sla = kb.organisation.area(area).sla  # type: ignore[union-attr]
                    ticket = tx.tickets.create(
                        NewTicket(
                            area,
                            user,
                            "matrix",
                            "!dm",
                            "",
                            "sv",
                            unit,
                            "x",
                            None,
                            qid,
                            at,
                            cal.add_business_hours(at, sla.claim_hours),
                            cal.add_business_hours(at, sla.resolve_hours),
                            0.6,
                            "articles",
                        )
                    )
                    tx.questions.link_ticket(qid, ticket.id, area)
                    claim_h = rng.choice([0.5, 1, 2, 3, 5, 9])
                    claimed = cal.add_business_hours(at, claim_h)
                    resolved = cal.add_business_hours(at, claim_h + rng.choice([1, 4, 8, 20]))
                    changes: dict[str, object] = {
                        "status": Status.CLAIMED,
                        "claimed_by": "@staff",
                        "claimed_at": claimed,
                    }
                    if rng.random() < 0.85:
                        changes.update(status=Status.RESOLVED, resolved_at=resolved)
                        if weeks > 6 and rng.random() < 0.5:  # the askers' 1-5, in long seeds
                            changes.update(rating=rng.choice([2, 3, 4, 4, 5, 5]))
                    if rng.random() < 0.05:
                        changes.update(reopened=1)
                    if claim_h >= 5 and rng.random() < 0.5:
                        changes.update(escalated_at=cal.add_business_hours(at, sla.claim_hours))
                    tx.tickets.update(ticket, **changes)
                count += 1
        if weeks > 6:
            _surveys(tx, rng, units, start_last.year)
            _new_managers(tx, rng, kb, start_last)
    return count


def _new_managers(tx: Tx, rng: random.Random, kb: KnowledgeBase, last: datetime) -> None:
    """Nine new managers on the introduction path, started 1 to 16 weeks before the last
    week, each having ticked off most of what their weeks have shown them."""
    path = sorted(
        (a for a in kb.articles if a.intro),
        key=lambda a: (a.intro.week, a.intro.order),  # type: ignore[union-attr]
    )
    for n in range(9):
        user = f"@ny.chef{n}:exempelkommun.se"
        weeks_in = rng.randint(1, 16)
        start = (last - timedelta(weeks=weeks_in)).date()
        tx.intro.enrol(user, start, "file", last)
        for a in path:
            if a.intro and a.intro.week <= weeks_in and rng.random() < 0.8:
                tx.intro.mark_done(user, a.id, last)


COMMENTS = (
    "Svara snabbare när det gäller rehabilitering",
    "Fler mallar för anställningsavtal",
    "Tydligare vem man ska ringa",
    "Bra stöd, fortsätt så",
    "Svårt att hitta rätt blankett på intranätet",
    "Ring mig på [telefon] om det behövs",  # as the bot stored it: masked
)


def _surveys(tx: Tx, rng: random.Random, units: list[str], year: int) -> None:
    """The yearly question as if asked in November of both years: per area some sent,
    most answered (without who they are)."""
    for area in AREA_WEIGHTS:
        for y in (year - 1, year):
            asked = 4 + AREA_WEIGHTS[area] // 2 + rng.randint(0, 6)
            for n in range(asked):
                user = f"@chef{n}:exempelkommun.se"
                tx.surveys.queue(user, area, y)
                tx.surveys.mark_sent(user, area, y, datetime(y, 11, 2, 8, tzinfo=UTC))
                if rng.random() < 0.7:
                    answer = SurveyAnswer(
                        area,
                        rng.choice(units),
                        y,
                        rng.choice([2, 3, 4, 4, 5, 5]),
                        rng.choice([2, 3, 3, 4, 4, 5]),
                        rng.choice(COMMENTS) if rng.random() < 0.4 else None,
                    )
                    tx.surveys.finish(user, area, y, answer)


if __name__ == "__main__":  # python -m tests.seed demo.db 2026-W47 [WEEKS]
    import sys
    from pathlib import Path

    from bot.settings import EXAMPLE_DIR
    from knowledge.base import load_knowledge_base
    from tests.conftest import sqlite_store

    target, week = Path(sys.argv[1]), sys.argv[2]
    weeks = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    kb = load_knowledge_base(
        EXAMPLE_DIR / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
    )
    print(f"{seed(sqlite_store(target), kb, week, weeks)} questions seeded into {target}")

"""Retention follows the records plan: each area keeps what people wrote for its own
days (``retention_days`` in the organisation file), the global days are the default,
`retention plan` forecasts it without writing, and the audit entry says per area."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.jobs import RetentionRefused, apply_retention, retention_plan
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from knowledge.loader import OrganisationError, load_organisation
from routing.ports import NewTicket, QuestionEntry
from routing.tickets import Status, TicketEvent

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DECISION = "KS 2026-05-12 § 45"
EXAMPLE_ORG = Path(__file__).resolve().parents[2] / "knowledge/example/organisation.yaml"


def _kb(kb: KnowledgeBase, **days: int) -> KnowledgeBase:
    org = kb.organisation
    areas = tuple(replace(a, retention_days=days.get(a.id)) for a in org.areas)
    return replace(kb, organisation=replace(org, areas=areas))


def _question(store: SqlStore, area: str | None, age: int, text: str) -> None:
    with store.transaction() as tx:
        tx.questions.log(
            QuestionEntry(NOW - timedelta(days=age), "test", "@u", None, area, "routed", text=text)
        )


def _closed_ticket(store: SqlStore, area: str, age: int, text: str) -> int:
    at = NOW - timedelta(days=age)
    with store.transaction() as tx:
        ticket = tx.tickets.create(
            NewTicket(
                area, "@u", "test", "dm:@u", "", "sv", None, text, None, None, at, at, at, 1.0, "t"
            )
        )
        tx.tickets.add_event(
            TicketEvent(ticket.id, at, "@staff", "note", f"{text} note", False, area)
        )
        tx.tickets.update(ticket, status=Status.CLOSED, closed_at=at)
    return ticket.id


def _texts(store: SqlStore) -> set[str]:
    with store.engine.connect() as conn:
        found = set(conn.execute(select(tables.questions.c.text)).scalars())
        found |= set(conn.execute(select(tables.tickets.c.question)).scalars())
        found |= set(conn.execute(select(tables.ticket_events.c.text)).scalars())
        found |= set(conn.execute(select(tables.survey_answers.c.improve)).scalars())
        found |= set(conn.execute(select(tables.suggestions.c.text)).scalars())
    return {t for t in found if t}


def _world(store: SqlStore) -> None:
    """HR keeps 730 days, IT 30, the rest (and rows without an area) 90."""
    _question(store, "hr", 100, "HR-100")  # older than the default, younger than HR's
    _question(store, "hr", 800, "HR-800")
    _question(store, "it", 40, "IT-40")  # younger than the default, older than IT's
    _question(store, "it", 10, "IT-10")
    _question(store, "ekonomi", 100, "EK-100")
    _question(store, None, 100, "NONE-100")  # never routed: the global days
    _question(store, None, 40, "NONE-40")
    _closed_ticket(store, "hr", 100, "HRT-100")
    _closed_ticket(store, "it", 40, "ITT-40")
    with store.engine.begin() as conn:
        answers = tables.survey_answers
        conn.execute(
            insert(answers),
            [
                {"area_id": "hr", "year": 2025, "improve": "HRS-2025"},
                {"area_id": "it", "year": 2025, "improve": "ITS-2025"},
            ],
        )
        conn.execute(
            insert(tables.suggestions),
            [
                {
                    "article_id": "a",
                    "area_id": "it",
                    "fingerprint": "f1",
                    "text": "ITG-40",
                    "source": "ticket",
                    "status": "pending",
                    "created_at": NOW - timedelta(days=40),
                },
                {
                    "article_id": "a",
                    "area_id": "hr",
                    "fingerprint": "f2",
                    "text": "HRG-100",
                    "source": "ticket",
                    "status": "pending",
                    "created_at": NOW - timedelta(days=100),
                },
            ],
        )


KEPT = {"HR-100", "HRT-100", "HRT-100 note", "HRG-100", "IT-10", "NONE-40", "HRS-2025"}


def test_each_area_is_cleared_by_its_own_days(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    service = ConversationService(_kb(example_kb, hr=730, it=30), any_store, clock=lambda: NOW)
    _world(any_store)
    result = apply_retention(service, 90, DECISION)
    assert _texts(any_store) == KEPT
    assert result.groups["hr"]["questions.text"] == 1  # HR-800 only
    assert result.groups["it"]["questions.text"] == 1  # IT-40
    assert result.groups["*"]["questions.text"] == 2  # EK-100, NONE-100
    assert result.groups["it"]["survey_answers.improve"] == 1  # 30 days: 2025 has passed
    with any_store.transaction() as tx:
        [entry] = tx.audit.for_entity("questions", "*")
    logged = json.loads(entry.new or "")
    assert logged["decision"] == DECISION
    assert logged["groups"]["hr"]["days"] == 730
    assert logged["groups"]["hr"]["cutoff"].startswith("2024-11-26")
    assert logged["groups"]["it"]["rows"]["tickets.question"] == 1
    assert logged["groups"]["*"]["days"] == 90 and logged["cutoff"].startswith("2026-08-28")
    assert logged["groups"]["*delat"]["days"] == 30  # the shortest reaches the shared tables


def test_the_other_way_round_the_global_days_are_longer(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    service = ConversationService(_kb(example_kb, hr=30), any_store, clock=lambda: NOW)
    _world(any_store)
    apply_retention(service, 365, DECISION)
    left = _texts(any_store)
    assert not any(t.startswith("HR") for t in left)  # HR's 30 days reach them all
    assert {"IT-40", "ITT-40", "ITT-40 note", "EK-100", "NONE-100", "ITG-40"} <= left


def _snapshot(store: SqlStore) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t))), key=repr)
            for t in tables.metadata.sorted_tables
        }


def test_the_plan_forecasts_per_area_and_writes_nothing(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    service = ConversationService(_kb(example_kb, hr=730, it=30), any_store, clock=lambda: NOW)
    _world(any_store)
    before = _snapshot(any_store)
    plan, dues = retention_plan(service, 90, 92, NOW)
    assert _snapshot(any_store) == before
    by = {(d.column, d.area): d for d in dues}
    assert by[("questions.text", "hr")].now == 1
    assert by[("questions.text", "it")].now == 1
    [it_soon] = by[("questions.text", "it")].upcoming  # IT-10: 30 days after it was asked
    assert it_soon == NOW + timedelta(days=20)
    assert by[("questions.text", None)].now == 1
    [none_soon] = by[("questions.text", None)].upcoming  # NONE-40 in 50 days
    assert none_soon == NOW + timedelta(days=50)
    assert ("tickets.question", "hr") not in by  # HRT-100 is within HR's 730 days
    assert by[("tickets.question", "it")].now == 1
    assert not by[("questions.text", "hr")].upcoming  # HR-100 goes in 630 days
    assert [g.name for g in plan.all] == ["hr", "it", "*", "*delat"]
    apply_retention(service, 90, DECISION)
    assert _texts(any_store) == KEPT  # what the plan said is what went


@pytest.mark.parametrize("days", [0, -1, 40000])
def test_bad_area_days_are_refused(
    example_kb: KnowledgeBase, sql_store: SqlStore, days: int
) -> None:
    service = ConversationService(_kb(example_kb, hr=days), sql_store, clock=lambda: NOW)
    _question(sql_store, "hr", 800, "HR-800")
    with pytest.raises(RetentionRefused) as refused:
        apply_retention(service, 90, DECISION)
    assert refused.value.setting == "hr.retention_days"
    with pytest.raises(RetentionRefused):
        retention_plan(service, 90)
    assert "HR-800" in _texts(sql_store)


def test_huge_global_days_are_refused(example_kb: KnowledgeBase, sql_store: SqlStore) -> None:
    service = ConversationService(example_kb, sql_store, clock=lambda: NOW)
    with pytest.raises(RetentionRefused):
        apply_retention(service, 10**9, DECISION)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "greater than or equal to 1"),
        ("-30", "greater than"),
        ("99999999", "less than"),
        ("tre", "valid integer"),
    ],
)
def test_bad_retention_days_in_the_organisation_file_name_the_line(
    tmp_path: Path, value: str, says: str
) -> None:
    source = EXAMPLE_ORG.read_text(encoding="utf-8")
    lines = source.splitlines()
    it = lines.index("  - id: it")
    lines.insert(it + 1, f"    retention_days: {value}")
    path = tmp_path / "organisation.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(OrganisationError) as err:
        load_organisation(path)
    assert f"{path}:{it + 2}: areas." in str(err.value) and "retention_days" in str(err.value)
    assert says in str(err.value)


def test_retention_days_for_an_unknown_area_names_the_line(tmp_path: Path) -> None:
    """Days belong on the area itself; a plan keyed by area ids outside it (or a typo)
    is refused at its line rather than silently ignored."""
    source = EXAMPLE_ORG.read_text(encoding="utf-8")
    path = tmp_path / "organisation.yaml"
    path.write_text(source.replace("areas:\n", "retention_days:\n  lon: 730\nareas:\n", 1))
    line = source.splitlines().index("areas:") + 1
    with pytest.raises(OrganisationError, match=rf":{line}: retention_days: Extra inputs"):
        load_organisation(path)


def test_area_days_load_from_the_file(tmp_path: Path) -> None:
    source = EXAMPLE_ORG.read_text(encoding="utf-8")
    path = tmp_path / "organisation.yaml"
    path.write_text(source.replace("  - id: hr\n", "  - id: hr\n    retention_days: 730\n", 1))
    org = load_organisation(path)
    assert org.area("hr").retention_days == 730  # type: ignore[union-attr]
    assert org.area("it").retention_days is None  # type: ignore[union-attr]

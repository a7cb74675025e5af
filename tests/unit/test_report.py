"""`stodbot report weekly` as a manager reads it, over a seeded week: the figures of
the leadership summary (the same as in the CSV), explained, masked, without text."""

from __future__ import annotations

import csv
import functools
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters import compose
from adapters.cli import commands
from adapters.cli.main import main
from knowledge.base import KnowledgeBase
from routing.calendar import BusinessCalendar
from routing.report import week_bounds, week_of
from routing.tickets import Status, Ticket
from tests.conftest import sqlite_store
from tests.seed import seed

WEEK = "2026-W47"
NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # the Monday after, 07:30 in Stockholm
HR_STAFF = "@maria.lindqvist:exempelkommun.se"
NAME = 44  # the width of the report's name column


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


@pytest.fixture
def seeded(tmp_path: Path, example_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m tests.seed demo.db 2026-W47`, with the report's clock at NOW."""
    db = tmp_path / "demo.db"
    assert seed(sqlite_store(db), example_kb, WEEK) > 300
    monkeypatch.setenv("STODBOT_DATABASE_URL", f"sqlite:///{db}")
    fixed = functools.partial(compose.conversation_service, clock=lambda: NOW)
    monkeypatch.setattr(commands, "conversation_service", fixed)


def report(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["report", "weekly", "--week", WEEK, *extra]) == 0
    return capsys.readouterr().out


def table(text: str, title: str) -> dict[str, list[str]]:
    """The rows of the table under ``title``: name -> cells (split on two spaces or more)."""
    lines = text.split(f"\n{title}\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return {line[:NAME].strip(): re.split(r"\s{2,}", line[NAME:].strip()) for line in lines}


def test_weekly_text_report_for_a_seeded_week(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys)
    assert text.startswith(
        "Efterfrågan på stöd vecka 47 2026 (2026-11-16 – 2026-11-22) – Exempelkommun\n"
        "Frågor totalt: 74 (+4 % mot snittet för de fyra veckorna innan)"
    )
    # what "Besvarade" means is written above the tables: the three-day come-back rule
    legend = text.split("\nFrågor\n", 1)[0]
    assert "inte kom tillbaka" in legend and "inom 3 dagar" in legend
    assert "aldrig som besvarade" in legend and "”<5”" in legend

    questions = table(text, "Frågor")
    # Frågor, Besvarade, Andel, Vidare, Till hjälp, Ej till hjälp, Mot 4 v
    assert questions["HR"] == ["16", "7", "44 %", "..", "<5", "<5", "-28 %"]  # 16-7-5 = 4
    assert questions["Kommunikation, näringsliv och arbetsmarknad"][:3] == ["<5", "0", "–"]
    assert questions["Totalt"] == ["74", "37", "50 %", "26", "24", "6", "+4 %"]
    tickets = table(text, "Ärenden")
    # Ärenden, Tagna, Lösta, Ta median/p90, Lös median/p90, SLA ta, SLA lös, Eskalerade
    # five claimed: their times are shown; fewer than five resolved: theirs are not
    # 5 tickets would tell the 5 routed, and 16 - 7 - 5 the 4 neither routed nor answered
    assert tickets["HR"][:5] == ["..", "5", "<5", "3,0 / 5,0 h", "–"]
    assert tickets["Totalt"][:3] == ["26", "26", ".."]  # 24 would tell 2 unresolved
    assert tickets["Kansli och registratur"][5:7] == ["–", "–"]  # fewer than five tickets
    assert "Routning: 26 av 26 ärenden hamnade direkt hos rätt område" in text
    assert "    8 frågor – Ekonomi och upphandling" in text
    assert "   <5 frågor – Intern service" in text
    for private in ("fråga om", "saknas i basen", "oklar fråga", "@chef", "@staff"):
        assert private not in text


def test_weekly_text_report_agrees_with_the_csv(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys)
    rows = list(csv.reader(io.StringIO(report(capsys, "--format", "csv")), delimiter=";"))
    header = rows[0]
    wanted = {r[2]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == WEEK}
    questions, tickets = table(text, "Frågor"), table(text, "Ärenden")
    assert set(questions) == set(tickets) == {r[2] for r in rows if r[1] in ("Område", "Totalt")}
    for name, cells in questions.items():
        c = wanted[name]
        assert cells[:6] == [
            c["Frågor"],
            c["Besvarade av boten"],
            c["Andel besvarade"],
            c["Vidareskickade"],
            c["Till hjälp"],
            c["Inte till hjälp"],
        ], name
    for name, cells in tickets.items():
        c = wanted[name]
        times = [
            "–" if c[m] == "–" else f"{c[m]} / {c[p]} h"
            for m, p in (("Median ta (h)", "P90 ta (h)"), ("Median lös (h)", "P90 lös (h)"))
        ]
        assert cells[:5] == [c["Ärenden"], c["Tagna"], c["Lösta"], *times], name
        assert cells[7] == c["Eskalerade"], name


def test_staff_see_an_example_question_for_their_own_area_only(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    gaps = report(capsys, "--as", HR_STAFF).split("Kunskapsluckor", 1)[1].splitlines()
    examples = [line for line in gaps if "t.ex." in line]
    assert examples == ["    5 frågor – HR – t.ex. ”saknas i basen om hr 3”"]
    assert "t.ex." not in report(capsys, "--as", "@anna.chef:exempelkommun.se")

"""The yearly question in the terminal (issue 14), as people would run it: a manager
asks in `stodbot chat`, the job runs in the area's survey month (the bot has no clock
to wait for in a test: the job is given the day), and the next `stodbot chat` shows the questions, which she answers by typing; the answer is stored without
her, its free text masked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.sql.store import SqlStore
from bot.service import ConversationService
from bot.survey_job import ask_surveys
from knowledge.base import KnowledgeBase
from routing.ports import SurveyAnswer
from tests.conftest import sqlite_store
from tests.e2e.terminal import run
from tests.e2e.test_terminal_proof import MANAGER
from tests.unit.test_survey import a_day_next_month, months


def test_the_survey_in_the_terminal(tmp_path: Path, example_kb: KnowledgeBase) -> None:
    db = tmp_path / "stodbot.db"
    first = run(["chat", "--as", MANAGER], db, "hur bokar jag poolbil\nja\n")
    assert "Boka en gemensam bil" in first
    when = a_day_next_month(datetime.now(UTC))
    store: SqlStore = sqlite_store(db)
    kb = months(example_kb, service=when.month)  # Intern service asks then
    assert ask_surveys(ConversationService(kb, store), when).sent == 1

    said = "mer info om laddning, ring 070-123 45 67\n"
    back = " ".join(run(["chat", "--as", MANAGER], db, f"4\n2\n{said}").split())
    assert "En gång om året frågar jag dem som fått hjälp av Intern service" in back
    assert "tre korta frågor, anonymt" in back and "inga enkäter" in back
    assert back.index("Fråga 1 av 3") < back.index("du> 4") < back.index("Fråga 2 av 3")
    assert back.index("du> 2") < back.index("Fråga 3 av 3") < back.index("Tack för dina svar")
    with store.transaction() as tx:
        answers = tx.surveys.answers("service", when.year)
    assert answers == [
        SurveyAnswer("service", "bou", when.year, 4, 2, "mer info om laddning, ring [telefon]")
    ]
    again = run(["chat", "--as", MANAGER], db, "")
    assert "Fråga 1 av 3" not in again  # asked once

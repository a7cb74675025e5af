"""The new manager's path in the terminal, as people would run it: `stodbot chat --as`
says "jag är ny chef" and gets week 1; the Monday job queues week 2's checklist, which
the terminal delivers when they come back; they mark one done and see it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.intro.path import monday
from bot.intro.weekly import send_checklists
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.calendar import STOCKHOLM
from tests.conftest import sqlite_store
from tests.e2e import terminal

NEW = "@sara.ny:exempelkommun.se"


def run(args: list[str], db: Path, stdin: str = "") -> str:
    """What the terminal printed, on one line (cards wrap where the width says)."""
    return " ".join(terminal.run(args, db, stdin).split())


def test_a_new_manager_in_the_terminal(tmp_path: Path, example_kb: KnowledgeBase) -> None:
    db = tmp_path / "stodbot.db"
    first = run(["chat", "--as", NEW], db, "jag är ny chef\n")
    assert "Välkommen som ny chef" in first and "vecka 1 av 12" in first
    assert "IT-konto och e-post för ny medarbetare" in first
    day = monday(datetime.now(STOCKHOLM).date()) + timedelta(days=9)  # next Wednesday
    later = datetime(day.year, day.month, day.day, 12, 0, tzinfo=STOCKHOLM)
    service = ConversationService(example_kb, sqlite_store(db))
    assert send_checklists(service, later) == [NEW]
    back = run(["chat", "--as", NEW], db, "klart 1\nmin introduktion\n")
    listed = back.index("vecka 2 av 12")  # delivered when they come back, before they write
    assert listed < back.index("klart 1")
    assert "IT-servicedesk – kontaktvägar och öppettider är klar" in back
    assert "1 av 33 artiklar klara" in back
    again = run(["chat", "--as", NEW], db, "hej\n")
    assert "vecka 2 av 12" not in again  # delivered once

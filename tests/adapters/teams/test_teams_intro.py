"""The new manager's path in Teams (issue 14): "jag är ny chef" in the personal chat
shows week 1, the Monday job's checklist arrives there as a card with Klart / Påminn
mig nästa vecka per article, pressing Klart marks that article done, and ``min
introduktion`` shows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.intro.weekly import send_checklists
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.adapters.teams.conftest import MANAGER, running_teams, teams_kb
from tests.adapters.teams.fake_cloud import FakeCloud, card_text
from tests.conftest import sqlite_store

DM = "a:dm-anna"
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm


async def test_the_weekly_checklist_arrives_with_buttons_and_klart_marks_it(
    cloud: FakeCloud, example_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [MONDAY]
    store = sqlite_store(tmp_path / "intro.db")
    service = ConversationService(teams_kb(example_kb), store, clock=lambda: now[0])
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.say("jag är ny chef", user=MANAGER)
        first = await teams.wait_sent(DM, "Välkommen som ny chef")
        week1: dict[str, Any] = first["attachments"][0]["content"]
        assert "vecka 1 av 12" in card_text(week1)
        assert [a["title"] for a in week1["actions"]][:2] == [
            "1. Klart",
            "1. Påminn mig nästa vecka",
        ]
        now[0] = MONDAY + timedelta(days=7)
        assert send_checklists(service, now[0]) == [MANAGER]
        assert send_checklists(service, now[0]) == []  # once
        shown = await teams.wait_sent(DM, "vecka 2 av 12")
        card: dict[str, Any] = shown["attachments"][0]["content"]
        assert "IT-servicedesk" in card_text(card) and "Mentorskap för nya chefer" in card_text(
            card
        )
        titles = [a["title"] for a in card["actions"]]
        assert titles == [
            f"{n}. {b}" for n in (1, 2, 3) for b in ("Klart", "Påminn mig nästa vecka")
        ]
        chefsintro = card["actions"][2]  # item 2's Klart
        after = await teams.press(MANAGER, DM, chefsintro["data"], reply_to=shown["id"])
        left = [a["title"] for a in after["value"]["actions"]]  # the other items' stay
        assert left == [f"{n}. {b}" for n in (1, 3) for b in ("Klart", "Påminn mig nästa vecka")]
        assert "✓ 2. Klart" in card_text(after["value"])
        await teams.wait_sent(DM, "Introduktion för nya chefer och chefshandboken</strong> är klar")
        stale = week1["actions"][0]  # week 1's Klart on item 1, pressed a week later
        await teams.press(MANAGER, DM, stale["data"], reply_to=first["id"])
        await teams.wait_sent(DM, "IT-konto och e-post för ny medarbetare</strong> är klar")
        await teams.say("min introduktion", user=MANAGER)
        overview = await teams.wait_sent(DM, "2 av 33 artiklar klara")
        text = str(overview)
        assert "✓ Introduktion för nya chefer" in text and "✓ IT-konto och e-post" in text
        assert "○ IT-servicedesk" in text

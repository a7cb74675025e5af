"""The knowledge loop in Teams (issue 13): HR answers a ticket from its channel with an
article, and the HR lead accepts the manager's wording from a card in their chat with
the bot. On a copy of the example base, since accepting writes its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.service import ConversationService
from tests.adapters.teams.conftest import HR1, HR_CHANNEL, running_teams, teams_kb
from tests.adapters.teams.fake_cloud import FakeCloud, card_text
from tests.conftest import example_copy, load_copy, sqlite_store

DM = "a:dm-anna"
LEAD_DM = "a:dm-maria"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


async def test_answer_with_an_article_then_the_lead_accepts_the_wording(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = example_copy(tmp_path)
    kb = load_copy(base)
    service = ConversationService(teams_kb(kb), sqlite_store(tmp_path / "loop.db"))
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.route(HR_QUESTION)
        await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
        await teams.staff("ta 1")
        await teams.staff("svara 1 #hr-friskvardsbidrag Se förmånsportalen.")
        answer = await teams.wait_sent(DM, "Svar på ditt ärende")
        assert "Se förmånsportalen." in str(answer)
        await teams.say("förslag", user=HR1, conversation=LEAD_DM)
        shown = await teams.wait_sent(LEAD_DM, "Förslag 1 av 1")
        card: dict[str, Any] = shown["attachments"][0]["content"]
        assert "cykelförmån via bruttolöneavdrag" in card_text(card)
        titles = [a["title"] for a in card["actions"]]
        assert titles == ["1. Godkänn", "2. Hoppa över"]
        await teams.press(HR1, LEAD_DM, card["actions"][0]["data"], reply_to=shown["id"])
        await teams.wait_sent(LEAD_DM, "Inskrivet i artikeln")
    written = next((base / "articles").rglob("friskvardsbidrag.md")).read_text(encoding="utf-8")
    assert HR_QUESTION in written


async def test_publish_a_ticket_as_a_draft_and_the_lead_publishes_it(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = example_copy(tmp_path)
    kb = load_copy(base)
    service = ConversationService(teams_kb(kb), sqlite_store(tmp_path / "draft.db"))
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.route(HR_QUESTION)
        await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
        await teams.staff("ta 1")
        await teams.staff("svara 1 Cykelförmånen kräver ett avtal om bruttolöneavdrag.")
        await teams.staff("publicera 1")
        await teams.wait_sent(HR_CHANNEL, "Nytt utkast till artikel")
        await teams.say("utkast", user=HR1, conversation=LEAD_DM)
        shown = await teams.wait_sent(LEAD_DM, "Utkast 1 av 1")
        card: dict[str, Any] = shown["attachments"][0]["content"]
        assert [a["title"] for a in card["actions"]] == ["1. Publicera", "2. Släng"]
        await teams.press(HR1, LEAD_DM, card["actions"][0]["data"], reply_to=shown["id"])
        await teams.wait_sent(LEAD_DM, "Publicerat")
    published = list((base / "articles" / "hr").glob("hr-vilka-regler*.md"))
    assert len(published) == 1
    assert "bruttolöneavdrag" in published[0].read_text(encoding="utf-8")
    assert not list((base / "drafts").rglob("*.md"))

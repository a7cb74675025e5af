"""What an HR lead gets in the HR channel without asking (issue 13): the week's
suggested wording as a card with Godkänn / Hoppa över, and the month's articles past
their review date with one button that marks them reviewed. On a copy of the example
base, since both buttons write article files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.jobs import push_suggestions, remind_reviews
from bot.service import ConversationService
from tests.adapters.teams.conftest import HR1, HR2, HR_CHANNEL, running_teams, teams_kb
from tests.adapters.teams.fake_cloud import FakeCloud, card_text
from tests.conftest import example_copy, load_copy, set_reviewed, sqlite_store

DM = "a:dm-anna"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


async def test_the_lead_accepts_the_weeks_wording_from_the_hr_channel(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = example_copy(tmp_path)
    service = ConversationService(teams_kb(load_copy(base)), sqlite_store(tmp_path / "w.db"))
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.route(HR_QUESTION)
        await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
        for text in ("ta 1", "svara 1 #hr-friskvardsbidrag"):
            await teams.say(
                text, user=HR2, conversation=HR_CHANNEL, personal=False, mention_bot=True
            )
        await teams.wait_sent(DM, "Svar på ditt ärende")
        assert push_suggestions(service, "2026-W49") == [f"teams:{HR_CHANNEL}"]
        shown = await teams.wait_sent(HR_CHANNEL, "Veckans förslag")
        card: dict[str, Any] = shown["attachments"][0]["content"]
        assert "(1 väntar)" in card_text(card)
        assert "cykelförmån via bruttolöneavdrag" in card_text(card)
        assert [a["title"] for a in card["actions"]] == ["1. Godkänn", "2. Hoppa över"]
        await teams.press(HR2, HR_CHANNEL, card["actions"][0]["data"], reply_to=shown["id"])
        await teams.wait_sent(HR_CHANNEL, "områdesansvariga")  # staff, but not the lead
        await teams.press(HR1, HR_CHANNEL, card["actions"][0]["data"], reply_to=shown["id"])
        await teams.wait_sent(HR_CHANNEL, "Inskrivet i artikeln")
    written = (base / "articles" / "hr" / "friskvardsbidrag.md").read_text(encoding="utf-8")
    assert HR_QUESTION in written


async def test_the_months_reviews_are_marked_from_the_hr_channel(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = example_copy(tmp_path)
    path = set_reviewed(base / "articles" / "hr" / "sjuklon.md", "2025-06-01")
    service = ConversationService(teams_kb(load_copy(base)), sqlite_store(tmp_path / "r.db"))
    async with running_teams(cloud, service, monkeypatch) as teams:
        assert remind_reviews(service, "2026-12") == [f"teams:{HR_CHANNEL}"]
        shown = await teams.wait_sent(HR_CHANNEL, "Dags att granska")
        card: dict[str, Any] = shown["attachments"][0]["content"]
        assert "Sjuklön" in card_text(card) and "granskad 2025-06-01" in card_text(card)
        assert [a["title"] for a in card["actions"]] == ["1. Granskade i dag"]
        await teams.press(HR2, HR_CHANNEL, card["actions"][0]["data"], reply_to=shown["id"])
        done = await teams.wait_sent(HR_CHANNEL, "Markerade som granskade i dag")
        assert "hr-sjuklon" in str(done)
    assert "reviewed: 2025-06-01" not in path.read_text(encoding="utf-8")
    assert load_copy(base).article("hr-sjuklon").reviewed is not None  # type: ignore[union-attr]


async def test_a_manager_reads_what_it_does_and_promises_in_teams(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_kb: Any
) -> None:
    """Issue 14: ``vad gör IT?`` in Teams shows the partner and the local contact, and
    the plan's address, not Markdown source."""
    service = ConversationService(teams_kb(example_kb), sqlite_store(tmp_path / "a.db"))
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.say("vad gör IT?")
        shown = await teams.wait_sent(DM, "Lokal kontakt")
        text = shown["text"]
        assert "IT-samordnare Karin Dahl" in text and "Gemensam IT-drift" in text
        assert "ett ärende tas inom 2 arbetstimmar" in text
        assert "https://intranat.exempelkommun.se/verksamhetsplan/it" in text
        assert "](" not in text  # no Markdown source shown


async def test_the_hr_lead_asks_for_the_year_in_teams(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_kb: Any
) -> None:
    """Issue 14: ``årsanalys`` in the lead's own chat gives the year in counts and the
    signed link to the lead's version; in the HR channel, where others read, no link;
    HR staff who do not lead it are refused."""
    service = ConversationService(
        teams_kb(example_kb),
        sqlite_store(tmp_path / "y.db"),
        dashboard=("https://stod.example", "s" * 40),
    )
    async with running_teams(cloud, service, monkeypatch) as teams:
        await teams.route(HR_QUESTION)
        await teams.say("årsanalys", user=HR1, conversation="a:dm-maria")
        shown = await teams.wait_sent("a:dm-maria", "Årsanalys")
        assert "Frågor: &lt;5" in shown["text"] or "Frågor: <5" in shown["text"]
        assert "https://stod.example/arsanalys/hr?year=" in shown["text"]
        assert "scope=hr" in shown["text"]
        await teams.say(
            "årsanalys", user=HR1, conversation=HR_CHANNEL, personal=False, mention_bot=True
        )
        in_channel = await teams.wait_sent(HR_CHANNEL, "Årsanalys")
        assert "https://" not in in_channel["text"] and "direkt" in in_channel["text"]
        await teams.say("årsanalys", user=HR2, conversation="a:dm-hr2")
        await teams.wait_sent("a:dm-hr2", "läser ett områdes ansvariga")

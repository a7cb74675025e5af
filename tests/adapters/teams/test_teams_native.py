"""Teams as a manager and a support worker would find it (issue 11): a pressed button
changes its card and shows no "OK" banner, ticket cards follow every change, buttons
speak the person's language."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from adapters.sql import tables
from bot.jobs import escalate_overdue
from tests.adapters.teams.conftest import HR1, HR_CHANNEL, MANAGER, Teams
from tests.adapters.teams.fake_cloud import card_text

DM = "a:dm-anna"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


def _card(activity: dict[str, Any]) -> dict[str, Any]:
    return dict(activity["attachments"][0]["content"])


async def _updated(teams: Teams, conversation: str, contains: str) -> dict[str, Any]:
    """The last in-place update of a card in ``conversation`` that says ``contains``."""
    for _ in range(100):
        found = [
            u
            for u in teams.cloud.updates
            if u["conversation"] == conversation and contains in str(u)
        ]
        if found:
            return _card(found[-1])
        await asyncio.sleep(0.05)
    raise AssertionError([str(u)[:200] for u in teams.cloud.updates])


async def test_a_pressed_button_leaves_the_card_answered_not_an_ok_banner(teams: Teams) -> None:
    await teams.say("Hur bokar jag en poolbil?")
    answer = await teams.wait_sent(DM, "Boka en gemensam bil")
    yes = next(a for a in _card(answer)["actions"] if a["title"] == "Ja, det hjälpte")
    response = await teams.press(MANAGER, DM, yes["data"], reply_to=answer["id"])
    assert response.get("value") != "OK"  # Teams shows "ⓘ OK" for that
    assert response["type"] == "application/vnd.microsoft.card.adaptive"
    used = response["value"]
    assert used["actions"] == []  # nothing left to press twice
    assert "Boka en gemensam bil (poolbil)" in card_text(used)  # the answer stays
    assert "✓ Ja, det hjälpte" in card_text(used)
    await teams.wait_sent(DM, "Skönt att det hjälpte")
    with teams.adapter.store.engine.connect() as conn:  # no text beside the sync state
        values = [v for (v,) in conn.execute(select(tables.adapter_state.c.value))]
    assert values and not any("Boka" in v for v in values)


async def test_the_old_card_says_where_a_moved_ticket_went(teams: Teams) -> None:
    await teams.route(HR_QUESTION)
    await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    await teams.say(
        "flytta 1 it gäller behörighet",
        user=HR1,
        conversation=HR_CHANNEL,
        personal=False,
        mention_bot=True,
    )
    card = await _updated(teams, HR_CHANNEL, "flyttades")
    assert "Ärende 1 flyttades från HR till IT-drift" in card_text(card).replace("**", "")
    assert card["actions"] == []  # no button acts on a ticket that is not here


async def test_the_card_says_closed_when_the_asker_closes_it(teams: Teams) -> None:
    await teams.route(HR_QUESTION)
    await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    await teams.say(
        "svara 1 Det finns ingen cykelförmån ännu.",
        user=HR1,
        conversation=HR_CHANNEL,
        personal=False,
        mention_bot=True,
    )
    await teams.wait_sent(DM, "Det finns ingen cykelförmån")
    await teams.say("ja")
    closed = await teams.wait_sent(DM, "är avslutat")
    assert (await _updated(teams, HR_CHANNEL, "avslutat"))["actions"] == []
    # the asker's card asks its question, and the buttons stand for the numbered lines
    shown = card_text(_card(closed))
    assert "Hur nöjd är du med hjälpen i ärende 1?" in shown
    assert "Inte alls nöjd" not in shown  # a button, not a line of text too
    titles = [a["title"] for a in _card(closed)["actions"]]
    assert titles[0] == "1. Inte alls nöjd" and len(titles) == 5


async def test_buttons_follow_the_persons_language(teams: Teams) -> None:
    await teams.say("language english")
    await teams.wait_sent(DM, "English")
    await teams.say("Hur bokar jag en poolbil?")
    answer = await teams.wait_sent(DM, "Boka en gemensam bil")
    titles = [a["title"] for a in _card(answer)["actions"]]
    assert "Yes, it helped" in titles and "No" in titles
    assert "Was this helpful?" in card_text(_card(answer))


async def test_the_card_says_when_a_ticket_was_escalated(teams: Teams) -> None:
    await teams.route(HR_QUESTION)
    await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    later = datetime.now(UTC) + timedelta(days=3)  # past HR's claim target
    assert escalate_overdue(teams.adapter.service, later) == [1]
    teams.adapter._wake.set()
    card = await _updated(teams, HR_CHANNEL, "Eskalerat")
    assert "Ta ärendet" in str(card["actions"])  # still waiting to be claimed


async def test_a_ticket_card_is_drawn_in_the_viewers_language(teams: Teams) -> None:
    await teams.route(HR_QUESTION)
    card = _card(await teams.wait_sent(HR_CHANNEL, "Ta ärendet"))
    assert [a["title"] for a in card["actions"]][:2] == ["Ta ärendet", "Svara"]
    await teams.say("language english", user=HR1, conversation="a:dm-hr1")
    await teams.wait_sent("a:dm-hr1", "English")
    refreshed = await teams.press(HR1, HR_CHANNEL, {"ticket": 1}, verb="refresh")
    titles = [a["title"] for a in refreshed["value"]["actions"]]
    assert titles == ["Claim", "Answer", "Internal note", "Move", "Resolve"]
    assert "Ticket 1 – HR" in card_text(refreshed["value"])

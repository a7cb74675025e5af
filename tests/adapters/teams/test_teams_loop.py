"""The knowledge loop in Teams (issue 13): HR answers a ticket from its channel with an
article, and the HR lead accepts the manager's wording from a card in their chat with
the bot. On a copy of the example base, since accepting writes its file.

And a ticket's life cycle as the asker and HR see it in Teams: HR asks the asker
(``fråga``), whose plain reply goes on the ticket, or who is reminded and then closed by
the job; a duplicate merged (``slå ihop``) whose asker gets the answer; a closed ticket
rated by button, commented, and counted in the weekly post."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.reports.post import renderer
from bot.jobs import chase_waiting, post_weekly
from bot.service import ConversationService
from routing.report import week_of
from tests.adapters.teams.conftest import (
    HR1,
    HR_CHANNEL,
    MANAGER,
    Teams,
    leadership_channel,
    running_teams,
    teams_kb,
)
from tests.adapters.teams.fake_cloud import FakeCloud, card_text
from tests.conftest import example_copy, load_copy, sqlite_store

DM = "a:dm-anna"
LEAD_DM = "a:dm-maria"
OMAR, OMAR_DM = "aad-omar", "a:dm-omar"  # a second asker, with the same question
LEADERSHIP = "19:ledning@thread.tacv2"
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


# -- a ticket's life cycle: waiting for the asker, merged, rated ---------------------------


async def test_staff_ask_the_asker_and_the_plain_reply_goes_on_the_ticket(teams: Teams) -> None:
    ticket = await teams.ticket(HR_QUESTION)
    await teams.staff(f"ta {ticket}")
    await teams.wait_updated(HR_CHANNEL, f"Ärende {ticket} – HR – handläggs av")
    await teams.staff(f"fråga {ticket} Gäller det en elcykel?")
    await teams.wait_sent(HR_CHANNEL, f"ärende <strong>{ticket}</strong> väntar på svar")
    asked = await teams.wait_sent(DM, "behöver veta mer om ärende")
    assert "Gäller det en elcykel?" in asked["text"] and "Skriv ditt svar här" in asked["text"]
    waiting = await teams.wait_updated(HR_CHANNEL, f"Ärende {ticket} – HR – väntar på")
    assert "väntar på frågeställaren" in card_text(waiting["attachments"][0]["content"])

    await teams.say("Ja, en elcykel för att pendla.")
    await teams.wait_sent(DM, f"lagt till det i ärende {ticket}, och handläggaren ser det")
    told = await teams.wait_sent(HR_CHANNEL, "Frågeställaren har kompletterat ärende")
    assert "Ja, en elcykel för att pendla." in told["text"]  # HR is told, not only the card
    back = await teams.wait_updated(HR_CHANNEL, f"Ärende {ticket} – HR – handläggs av")
    assert "handläggs av Hasse Konsult" in card_text(back["attachments"][0]["content"])
    await teams.staff(f"ärende {ticket}")
    shown = await teams.wait_sent(HR_CHANNEL, "Ja, en elcykel för att pendla.")
    assert "handläggs av" in shown["text"]


async def test_an_asker_who_never_replies_is_reminded_then_the_ticket_closes(
    teams: Teams,
) -> None:
    service = teams.adapter.service
    ticket = await teams.ticket(HR_QUESTION)
    await teams.staff(f"fråga {ticket} Gäller det en elcykel?")
    await teams.wait_sent(DM, "behöver veta mer om ärende")
    asked, days = datetime.now(UTC), service.desk.calendar.add_business_days

    chase_waiting(service, now=days(asked, 1))
    await teams.adapter.flush_outbox()
    assert not any("Påminnelse" in str(a) for a in teams.cloud.sent(DM))  # not yet
    chase_waiting(service, now=days(asked, 2))
    await teams.adapter.flush_outbox()
    reminder = await teams.wait_sent(DM, "Påminnelse: HR väntar på ditt svar")
    assert f"ärende <strong>{ticket}</strong>" in reminder["text"]
    chase_waiting(service, now=days(asked, 5))
    await teams.adapter.flush_outbox()
    closed = await teams.wait_sent(DM, "avslutat eftersom HR inte fick svar")
    assert f"Ärende <strong>{ticket}</strong>" in closed["text"]
    card = await teams.wait_updated(HR_CHANNEL, f"Ärende {ticket} – HR – avslutat")
    assert card["attachments"][0]["content"]["actions"] == []  # nothing left to press
    assert sum("Påminnelse" in str(a) for a in teams.cloud.sent(DM)) == 1


async def test_a_merged_duplicates_asker_is_told_and_gets_the_answer(teams: Teams) -> None:
    first = await teams.ticket(HR_QUESTION)
    second = await teams.ticket(HR_QUESTION, user=OMAR, conversation=OMAR_DM)
    await teams.staff(f"ta {first}")
    await teams.staff(f"slå ihop {second} {first}")
    await teams.wait_sent(
        HR_CHANNEL,
        f"Ärende <strong>{second}</strong> är ihopslaget med ärende <strong>{first}</strong>",
    )
    told = await teams.wait_sent(OMAR_DM, "hanteras tillsammans")
    assert f"ärende <strong>{first}</strong> hos HR" in told["text"]
    await teams.wait_updated(HR_CHANNEL, f"Ärende {second} – HR – avslutat")

    await teams.staff(f"svara {first} Cykelförmån kräver ett avtal om bruttolöneavdrag.")
    await teams.wait_sent(DM, "Cykelförmån kräver ett avtal")
    answer = await teams.wait_sent(OMAR_DM, "Cykelförmån kräver ett avtal")
    assert f"Svar på ditt ärende <strong>{second}</strong>" in str(answer)
    assert f"hanteras tillsammans med ärende {first}" in str(answer)


async def test_a_closed_ticket_is_rated_by_button_and_the_comment_reaches_hr(
    teams: Teams,
) -> None:
    ticket = await teams.ticket(HR_QUESTION)
    await teams.staff(f"ta {ticket}")
    await teams.staff(f"svara {ticket} Vi har ingen cykelförmån ännu.")
    answer = await teams.wait_sent(DM, "Vi har ingen cykelförmån ännu.")
    helped = next(
        a for a in answer["attachments"][0]["content"]["actions"] if a["title"] == "Ja, det hjälpte"
    )
    before = len(teams.cloud.sent(DM))
    await teams.press(MANAGER, DM, helped["data"], reply_to=answer["id"])

    rating = await teams.wait_sent(DM, "Hur nöjd är du")
    card = rating["attachments"][0]["content"]
    said = card_text(card)  # one message says both: closed, and how satisfied
    assert f"Tack! Ärende {ticket} är avslutat." in said
    assert f"Hur nöjd är du med hjälpen i ärende {ticket}?" in said
    assert [a["title"] for a in card["actions"]] == [
        "1. Inte alls nöjd",
        "2. Inte särskilt nöjd",
        "3. Varken eller",
        "4. Nöjd",
        "5. Mycket nöjd",
    ]
    await asyncio.sleep(0.3)
    assert len(teams.cloud.sent(DM)) == before + 1
    pressed = await teams.press(MANAGER, DM, card["actions"][3]["data"], reply_to=rating["id"])
    assert pressed["value"]["actions"] == []  # the card again, answered: ✓ 4. Nöjd
    assert card_text(pressed["value"]).endswith("✓ 4. Nöjd")
    await teams.wait_sent(DM, f"kommentar {ticket} …")
    await teams.say(f"kommentar {ticket} Snabbt, men svaret var kort.")
    await teams.wait_sent(DM, "HR ser din kommentar")

    await teams.staff(f"ärende {ticket}")
    shown = await teams.wait_sent(HR_CHANNEL, "svaret var kort")
    assert "4/5" in shown["text"]
    service = leadership_channel(teams, LEADERSHIP)
    now = datetime.now(UTC)
    post_weekly(service, week_of(now), render=renderer(service.org.municipality), now=now)
    await teams.adapter.flush_outbox()
    post = await teams.wait_sent(LEADERSHIP, "Nöjdhet:")
    assert "Nöjdhet: – (&lt;5 betyg)" in post["text"]  # one rating: counted, its mean hidden

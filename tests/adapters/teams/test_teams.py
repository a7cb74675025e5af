"""Stödbot in Teams: the real Agents SDK against a local fake of Microsoft's cloud."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from adapters.sql import tables
from tests.adapters.teams.conftest import (
    APP_ID,
    HR1,
    HR2,
    HR_CHANNEL,
    MANAGER,
    Teams,
    clarify_always,
)
from tests.adapters.teams.fake_cloud import card_text

DM = "a:dm-anna"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


async def test_ask_answer_with_feedback_buttons(teams: Teams) -> None:
    resp = await teams.say("Hur bokar jag en poolbil?")
    assert resp.status == 200
    reply = await teams.wait_sent(DM, "Boka en gemensam bil")
    assert reply["reply_to"]  # a reply to the question
    assert "text" not in reply  # one card: the answer in it, not a message and a card
    [attachment] = reply["attachments"]
    card = attachment["content"]
    first = card["body"][0]["inlines"][0]
    assert first["text"] == "Boka en gemensam bil (poolbil)" and first["weight"] == "Bolder"
    texts = card_text(card)
    assert "Du bokar dem själv i bokningssystemet" in texts  # flows: no source line break
    assert "Logga in med ditt vanliga konto" in texts and "*" not in texts
    buttons = [a["title"] for a in card["actions"]]
    assert buttons == ["1. Skada eller olycka med poolbil", "Ja, det hjälpte", "Nej"]
    assert "1. Skada eller olycka" not in texts  # the buttons show the follow-ups
    runs = [r for block in card["body"] for r in block.get("inlines", [])]
    link = next(r for r in runs if r["text"].startswith("https://"))
    assert link["selectAction"] == {"type": "Action.OpenUrl", "url": link["text"]}
    assert card["actions"][0]["type"] == "Action.Execute"
    await asyncio.sleep(0.3)
    assert len(teams.cloud.sent(DM)) == 1  # one message for one answer
    await teams.press(MANAGER, DM, {"text": "ja"})
    await teams.wait_sent(DM, "Skönt att det hjälpte")


async def test_clarify_by_button(teams: Teams) -> None:
    clarify_always(teams)
    await teams.say("poolbil")
    choices = await teams.wait_sent(DM, "Svara med en siffra")
    first = choices["attachments"][0]["content"]["actions"][0]
    assert first["title"].startswith("1. ")
    await teams.press(MANAGER, DM, first["data"])
    await teams.wait_sent(DM, "Var det till hjälp?")


async def test_thumbs_down_to_ticket_card_claim_race_answer_and_hidden_note(teams: Teams) -> None:
    ticket = await teams.ticket(HR_QUESTION)
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    content = card["attachments"][0]["content"]
    assert "cykelförmån" in card_text(content)
    titles = [a["title"] for a in content["actions"]]
    assert titles == ["Ta ärendet", "Svara", "Intern notering", "Flytta", "Lös"]

    claim = {"text": f"ta {ticket}", "ticket": ticket}
    first, second = await asyncio.gather(
        teams.press(HR1, HR_CHANNEL, claim, verb="claim"),
        teams.press(HR2, HR_CHANNEL, claim, verb="claim"),
    )
    for response in (first, second):  # the card refreshes for both, showing who has it
        assert response["type"] == "application/vnd.microsoft.card.adaptive"
        assert "Ta ärendet" not in str(response["value"]["actions"])
    await teams.wait_sent(HR_CHANNEL, f"Du har tagit ärende <strong>{ticket}</strong>")
    lost = await teams.wait_sent(HR_CHANNEL, "har redan tagits av")
    # the loser is told who has it, by name, not by id
    assert "aad-" not in lost["text"]
    winner = HR1 if "Maria Lindqvist" in lost["text"] else HR2
    assert "Hasse Konsult" in lost["text"] or winner == HR1
    told = await teams.wait_sent(DM, "har tagit ditt ärende")
    assert ("Maria Lindqvist" if winner == HR1 else "Hasse Konsult") in told["text"]
    assert "aad-" not in told["text"]
    update = next(u for u in teams.cloud.updates if u["conversation"] == HR_CHANNEL)
    assert "handläggs av" in str(update)

    await teams.press(
        winner,
        HR_CHANNEL,
        {"command": "notera", "ticket": ticket, "input": "Internt: stäm av med facket"},
        verb="notera",
    )
    await teams.press(
        winner,
        HR_CHANNEL,
        {"command": "svara", "ticket": ticket, "input": "Vi har ingen cykelförmån ännu."},
        verb="svara",
    )
    relayed = await teams.wait_sent(DM, "Vi har ingen cykelförmån ännu.")
    relayed_card = relayed["attachments"][0]["content"]  # with ja/nej buttons on it
    assert "Löste det din fråga?" in card_text(relayed_card)
    assert [a["data"]["about"] for a in relayed_card["actions"]] == [f"ticket:{ticket}"] * 2
    await asyncio.sleep(0.5)
    assert not any("facket" in str(a) for a in teams.cloud.sent(DM))


async def test_the_same_activity_twice_gives_one_question_and_one_reply(teams: Teams) -> None:
    act = teams.cloud.activity("Var hittar jag min lönespecifikation?", activity_id="1700000000001")
    assert (await teams.post(act)).status == 200
    assert (await teams.post(act)).status == 200  # Teams' retry
    await teams.wait_sent(DM, "lönespecifikationen")
    await asyncio.sleep(0.5)
    assert sum("Hitta och läsa lönespecifikationen" in str(a) for a in teams.cloud.sent(DM)) == 1
    with teams.adapter.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.questions)).scalar_one() == 1


async def test_every_bad_token_is_401_with_no_side_effect(teams: Teams) -> None:
    act = teams.cloud.activity("Hur bokar jag en poolbil?")
    url = act["serviceUrl"]
    bad = {
        "missing": None,
        "not bearer": "Basic abc",
        "garbage": "Bearer not.a.jwt",
        "expired": "Bearer " + teams.cloud.token(APP_ID, url, expired=True),
        "audience": "Bearer " + teams.cloud.token(APP_ID, url, wrong_audience=True),
        "issuer": "Bearer " + teams.cloud.token(APP_ID, url, wrong_issuer=True),
        "signature": "Bearer " + teams.cloud.token(APP_ID, url, bad_signature=True),
        "endorsement": "Bearer " + teams.cloud.token(APP_ID, url, no_endorsement=True),
        "service url": "Bearer " + teams.cloud.token(APP_ID, url, wrong_service_url=True),
    }
    for name, header in bad.items():
        resp = await teams.post(act, token=header)
        assert resp.status == 401, name
    await asyncio.sleep(0.3)
    assert teams.cloud.sent(DM) == []
    with teams.adapter.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.inbox)).scalar_one() == 0


async def test_oversized_message_is_refused(teams: Teams) -> None:
    await teams.say("lönen" * 1000)
    await teams.wait_sent(DM, "för långt (5000 tecken")


async def test_mention_and_markup_injection_are_escaped(teams: Teams) -> None:
    await teams.route(
        "<at>Alla</at> **fet** <script>x</script> " + HR_QUESTION,
        personal=False,
        conversation="19:general@thread.tacv2",
        mention_bot=True,
    )
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    text = card_text(card["attachments"][0]["content"])
    assert "<at>" in text  # shown as text in a TextRun, which renders no mentions
    assert "entities" not in card
    reply = await teams.wait_sent("19:general@thread.tacv2", "som ärende")
    assert "<at>" not in reply["text"] and "<script>" not in reply["text"]


async def test_not_helpful_button_routes_to_a_card_in_the_area_channel(teams: Teams) -> None:
    await teams.say("Hur sjukanmäler jag en medarbetare?")
    answer = await teams.wait_sent(DM, "Var det till hjälp?")
    no = next(a for a in answer["attachments"][0]["content"]["actions"] if a["title"] == "Nej")
    await teams.press(MANAGER, DM, no["data"])
    offer = await teams.wait_sent(DM, "Vill du att jag skickar frågan till")
    assert "(ja/nej)" not in str(offer)  # the buttons say it
    buttons = offer["attachments"][0]["content"]["actions"]
    assert [b["title"] for b in buttons] == ["Ja, skicka den", "Nej tack"]
    await teams.press(MANAGER, DM, buttons[0]["data"])
    routed = await teams.wait_sent(DM, "med svaret du fick")
    assert "<strong>HR</strong>" in routed["text"]
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    assert "sjukanmäler" in card_text(card["attachments"][0]["content"])

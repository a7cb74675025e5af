"""Stödbot in Element, against a real Synapse: managers and staff are real nio clients."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from adapters.matrix.bot import MatrixBot, MatrixStartupError
from adapters.reports.post import renderer
from adapters.sql import tables
from bot.jobs import post_weekly
from knowledge.matcher import Thresholds
from tests.adapters.matrix.conftest import World, bot_joined, open_dm

pytestmark = pytest.mark.asyncio(loop_scope="function")
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


async def test_ask_answer_and_thumbs_up(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    question = await world.manager.say(dm, "Hur bokar jag en poolbil?")
    answer = await world.manager.wait_for(dm, "Boka en gemensam bil")
    content = answer["content"]
    assert content["format"] == "org.matrix.custom.html"
    assert "<strong>Boka en gemensam bil (poolbil)</strong>" in content["formatted_body"]
    assert content["m.mentions"] == {"user_ids": [world.manager.user_id]}  # the asker only
    assert content["m.relates_to"]["m.in_reply_to"]["event_id"] == question
    await world.manager.react(dm, answer["event_id"], "👍")
    await world.manager.wait_for(dm, "Skönt att det hjälpte")


async def test_clarify_and_pick_by_number(world: World) -> None:
    await world.start_bot(thresholds=Thresholds(answer=1.01, clarify=0.3))
    dm = await open_dm(world)
    await world.manager.say(dm, "poolbil")
    choices = await world.manager.wait_for(dm, "Svara med en siffra")
    assert "1. " in choices["content"]["body"]
    await world.manager.say(dm, "1")
    await world.manager.wait_for(dm, "Var det till hjälp?")


async def test_thumbs_down_to_ticket_claim_race_answer_note_resolve(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    hr1, hr2 = world.staff
    await world.manager.say(dm, "Hur bokar jag en poolbil?")
    answer = await world.manager.wait_for(dm, "Var det till hjälp?")
    await world.manager.react(dm, answer["event_id"], "👎")
    await world.manager.wait_for(dm, "(ja/nej)")
    await world.manager.say(dm, "ja")
    routed = await world.manager.wait_for(dm, "som ärende")
    ticket = routed["content"]["body"].split("ärende ")[1].split(",")[0].strip()

    # The card reaches the area room (this is Intern service's question: no room, so
    # route an HR question too, which has one).
    hr_ticket = str(await world.manager.ticket(dm, HR_QUESTION))
    card = await hr1.wait_for(world.hr_room, f"Nytt ärende {hr_ticket}")
    assert "cykelförmån" in card["content"]["body"] and "Ta senast" in card["content"]["body"]
    assert ticket != hr_ticket

    # Two staff claim at the same moment: one by reaction, one by command.
    await asyncio.gather(
        hr1.react(world.hr_room, card["event_id"], "✋"),
        hr2.say(world.hr_room, f"!ta {hr_ticket}"),
    )
    won = await hr1.wait_for(world.hr_room, f"Du har tagit ärende {hr_ticket}")
    lost = await hr1.wait_for(world.hr_room, f"Ärende {hr_ticket} har redan tagits av")
    winner = won["content"]["body"]
    assert winner and lost["content"]["body"].endswith((hr1.user_id + ".", hr2.user_id + "."))
    edit = await hr1.wait_for(world.hr_room, "handläggs av")
    assert edit["content"]["m.relates_to"] == {
        "rel_type": "m.replace",
        "event_id": card["event_id"],
    }
    claimer = hr1 if hr1.user_id in lost["content"]["body"] else hr2

    await claimer.say(world.hr_room, f"!notera {hr_ticket} Internt: stäm av med facket")
    await claimer.wait_for(world.hr_room, "Anteckningen är sparad")
    await claimer.say(world.hr_room, f"!svara {hr_ticket} Vi har ingen cykelförmån ännu.")
    relayed = await world.manager.wait_for(dm, "Vi har ingen cykelförmån ännu.")
    assert "Löste det din fråga?" in relayed["content"]["body"]
    await world.manager.sync()
    assert not any("facket" in b for b in world.manager.bodies(dm))
    await world.manager.react(dm, relayed["event_id"], "👍")
    await world.manager.wait_for(dm, f"Ärende {hr_ticket} är avslutat")


async def test_restart_handles_what_was_sent_while_down_exactly_once(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "Hur bokar jag en poolbil?")
    await world.manager.wait_for(dm, "Boka en gemensam bil")
    await world.stop_bots()
    await world.manager.say(dm, "Var hittar jag min lönespecifikation?")
    await asyncio.sleep(0.3)
    await world.start_bot()
    await world.manager.wait_for(dm, "lönespecifikationen", timeout=20)
    await asyncio.sleep(1.5)  # more sync rounds: nothing may come twice
    await world.manager.sync()
    answers = [
        b for b in world.manager.bodies(dm) if b.startswith("Hitta och läsa lönespecifikationen")
    ]
    assert len(answers) == 1
    assert world.store is not None
    with world.store.engine.connect() as conn:
        handled = conn.execute(select(func.count()).select_from(tables.inbound_events)).scalar_one()
        pending = conn.execute(
            select(func.count())
            .select_from(tables.inbox)
            .where(tables.inbox.c.processed_at.is_(None))
        ).scalar_one()
    assert handled == 2 and pending == 0


async def test_room_ping_and_html_injection_are_defused(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.route(
        dm, "@room <img src=x onerror=alert(1)> <b>lön</b> cykelförmån bruttolöneavdrag?"
    )
    await world.manager.wait_for(dm, "som ärende")
    card = await world.staff[0].wait_for(world.hr_room, "Nytt ärende")
    content = card["content"]
    assert "<img" not in content["formatted_body"] and "&lt;img" in content["formatted_body"]
    assert "<b>" not in content["formatted_body"]
    assert "@room" not in content["body"] and "@\u2060room" in content["body"]
    assert content["m.mentions"] == {}


async def test_a_5000_character_message_is_refused(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "lönen" * 1000)
    await world.manager.wait_for(dm, "för långt (5000 tecken, högst 4000)")
    assert world.store is not None
    with world.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.questions)).scalar_one() == 0


async def test_encryption_on_without_support_refuses_to_start(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a machine where matrix-nio was installed without its e2e extra.
    monkeypatch.setattr("adapters.matrix.bot.encryption_available", lambda: False)
    with pytest.raises(MatrixStartupError, match="matrix-nio\\[e2e\\]"):
        MatrixBot(world.settings(matrix_e2e=True), world.kb, world.store or _store(world))


def _store(world: World):  # type: ignore[no-untyped-def]
    from tests.conftest import sqlite_store

    world.store = sqlite_store(world.db)
    return world.store


async def test_weekly_summary_is_posted_once_to_the_leadership_room(world: World) -> None:
    bot = await world.start_bot()
    await bot_joined(bot, world.leadership_room)
    render = renderer(world.kb.organisation.municipality)
    assert post_weekly(
        bot.service, "2026-W48", "https://stod.exempelkommun.se", "s3cret", render=render
    ) == [f"matrix:{world.leadership_room}"]
    await bot.flush_outbox()
    await world.stop_bots()
    bot = await world.start_bot()  # a restart, and a second attempt the same week
    assert (
        post_weekly(
            bot.service, "2026-W48", "https://stod.exempelkommun.se", "s3cret", render=render
        )
        == []
    )
    await bot.flush_outbox()
    post = await world.staff[0].wait_for(world.leadership_room, "vecka 48")
    body = post["content"]["body"]
    assert (
        "Frågor:" in body and "https://stod.exempelkommun.se/dashboard?week=2026-W48&exp=" in body
    )
    await asyncio.sleep(1)
    await world.staff[0].sync()
    assert sum("vecka 48" in b for b in world.staff[0].bodies(world.leadership_room)) == 1
    images = [
        e
        for e in world.staff[0].events
        if e["room"] == world.leadership_room and e["content"].get("msgtype") == "m.image"
    ]
    assert len(images) == 1 and images[0]["content"]["url"].startswith("mxc://")

"""Matrix as people in Element would find it (issue 11): answers that keep their lists,
edits read as edits, images answered, and a room of two that is not a direct chat."""

from __future__ import annotations

import asyncio
import re

from nio import RoomCreateResponse

from knowledge.matcher import Thresholds
from tests.adapters.matrix.conftest import World, open_dm


async def test_an_answer_keeps_its_paragraphs_and_lists(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "Hur bokar jag en poolbil?")
    answer = await world.manager.wait_for(dm, "Var det till hjälp?")
    html = answer["content"]["formatted_body"]
    assert "<p>Kommunen har sex gemensamma bilar vid kommunhuset. Du bokar dem själv i " in html
    assert "<ol><li>Logga in med ditt vanliga konto" in html
    for paragraph in re.findall(r"<p>(.*?)</p>", html):
        assert "<br>" not in paragraph, paragraph  # no source line break inside
    assert "*" not in answer["content"]["body"]


async def test_an_edited_clarify_answer_takes_the_new_choice(world: World) -> None:
    await world.start_bot(thresholds=Thresholds(answer=1.01, clarify=0.3))
    dm = await open_dm(world)
    await world.manager.say(dm, "poolbil")
    choices = await world.manager.wait_for(dm, "Svara med en siffra")
    second = re.search(r"^2\. (.+)$", choices["content"]["body"], re.M)
    assert second is not None
    first_try = await world.manager.say(dm, "7")
    await world.manager.wait_for(dm, "Välj en siffra")
    await world.manager.client.room_send(
        dm,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": " * 2",
            "m.new_content": {"msgtype": "m.text", "body": "2"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": first_try},
        },
    )
    answer = await world.manager.wait_for(dm, "Var det till hjälp?")
    assert second.group(1).strip() in answer["content"]["body"]


async def test_an_image_gets_a_word_that_only_text_is_read(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.client.room_send(
        dm,
        "m.room.message",
        {"msgtype": "m.image", "body": "skärmbild.png", "url": "mxc://localhost/x"},
    )
    await world.manager.wait_for(dm, "Jag läser bara text")


async def test_a_room_of_two_is_not_a_direct_chat(world: World) -> None:
    """The leadership room has two members, the director and the bot. A message there
    without a mention is not for the bot; with one, it is answered without any unit
    question where others may read along."""
    await world.start_bot()
    director = world.staff[0]
    await director.say(world.leadership_room, "Hur bokar jag en poolbil?")
    await director.say(world.leadership_room, f"{world.bot_id} hur bokar jag en poolbil?")
    answer = await director.wait_for(world.leadership_room, "Boka en gemensam bil")
    assert answer["sender"] == world.bot_id
    assert answer["content"]["m.mentions"] == {"user_ids": [director.user_id]}  # pinged
    await asyncio.sleep(1.0)
    await director.sync()
    bodies = director.bodies(world.leadership_room)
    assert sum("Boka en gemensam bil" in b for b in bodies) == 1  # only the mention
    assert not any("vilken förvaltning" in b for b in bodies)
    # and a room made without is_direct, two members, is not a DM either
    made = await world.manager.client.room_create(name="Bara vi två", invite=[world.bot_id])
    assert isinstance(made, RoomCreateResponse)
    for _ in range(100):
        if made.room_id in world.bots[-1].client.rooms:
            break
        await asyncio.sleep(0.1)
    await world.manager.say(made.room_id, "Hur bokar jag en poolbil?")
    await asyncio.sleep(1.5)
    await world.manager.sync()
    assert not any("Boka" in b for b in world.manager.bodies(made.room_id))


async def test_an_answer_finds_an_asker_who_left_the_direct_chat(world: World) -> None:
    """The manager closes the DM after asking. HR's answer is not sent into the room
    nobody reads: it comes in a new direct chat, and the "ja" asked for works there."""
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.route(dm, "Vilka regler gäller för cykelförmån via bruttolöneavdrag?")
    routed = await world.manager.wait_for(dm, "som ärende")
    ticket = re.search(r"ärende (\d+)", routed["content"]["body"]).group(1)  # type: ignore[union-attr]
    await world.manager.client.room_leave(dm)
    await world.staff[0].say(world.hr_room, f"!svara {ticket} Vi har ingen cykelförmån ännu.")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    found = None
    while found is None and loop.time() < deadline:
        await world.manager.sync(timeout=500)  # joins the bot's new invite
        found = next(
            (
                e
                for e in world.manager.events
                if e["room"] != dm and "Vi har ingen cykelförmån" in e["content"].get("body", "")
            ),
            None,
        )
    assert found is not None, world.manager.events[-3:]
    new_dm = found["room"]
    assert found["sender"] == world.bot_id
    await world.manager.say(new_dm, "ja")
    await world.manager.wait_for(new_dm, "är avslutat")


async def test_an_edited_question_edits_its_answer(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    asked = await world.manager.say(dm, "Hur bokar jag en poolbil?")
    first = await world.manager.wait_for(dm, "Boka en gemensam bil")
    await world.manager.client.room_send(
        dm,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": " * Var hittar jag min lönespecifikation?",
            "m.new_content": {"msgtype": "m.text", "body": "Var hittar jag min lönespecifikation?"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": asked},
        },
    )
    edit = await world.manager.wait_for(dm, "lönespecifikation", sender=world.bot_id)
    relates = edit["content"]["m.relates_to"]
    assert relates == {"rel_type": "m.replace", "event_id": first["event_id"]}  # one answer
    assert "lönespecifikation" in edit["content"]["m.new_content"]["formatted_body"]


async def test_a_room_whose_sends_hang_does_not_hold_up_answers_elsewhere(world: World) -> None:
    """The homeserver stalls on one room (a slow federated server, a stuck request): the
    question asked meanwhile in another room is still answered, and the stalled answer
    arrives once when the room recovers (each sync round claims the held rows again
    meanwhile: they are queued once), in the order asked."""
    bot = await world.start_bot()
    stalled = await open_dm(world)
    asker = world.staff[0]
    other = await open_dm(world, asker)
    release = asyncio.Event()
    send = bot.client.room_send

    async def slow_for_one_room(room_id: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if room_id == stalled:
            await release.wait()
        return await send(room_id, *args, **kwargs)

    bot.client.room_send = slow_for_one_room  # type: ignore[method-assign]
    await world.manager.say(stalled, "Hur bokar jag en poolbil?")
    await asyncio.sleep(1.0)  # the bot has fetched it; its answer hangs
    await world.manager.say(stalled, "ja")
    await asker.say(other, "Var hittar jag min lönespecifikation?")
    await asker.wait_for(other, "Var det till hjälp?", timeout=10)
    await world.manager.sync()
    assert not any("Boka en gemensam bil" in b for b in world.manager.bodies(stalled))
    release.set()
    await world.manager.wait_for(stalled, "Boka en gemensam bil")
    await asyncio.sleep(1.0)
    await world.manager.sync()
    bodies = world.manager.bodies(stalled)
    answers = [n for n, b in enumerate(bodies) if "Boka en gemensam bil" in b]
    thanks = [n for n, b in enumerate(bodies) if "Skönt att det hjälpte" in b]
    assert len(answers) == 1 and len(thanks) == 1 and answers[0] < thanks[0]

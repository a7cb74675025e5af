"""The knowledge loop in Element (issue 13): HR answers a ticket in its room with an
article (``!svara 1 #artikel``), and the HR lead accepts the manager's wording from
the area room (``!förslag``, then ``!godkänn N``). On a copy of the example base,
since accepting writes its file.

And a ticket's life cycle as the asker and HR see it in Element: HR asks the asker
(``!fråga``), whose plain reply goes on the ticket, or who is reminded and then closed by
the job; a duplicate merged (``!slå ihop``) whose asker gets the answer; a closed ticket
rated with a number, commented, and counted in the weekly post."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

from adapters.reports.post import renderer
from bot.jobs import chase_waiting, post_weekly
from routing.report import week_of
from tests.adapters.matrix.conftest import World, bot_joined, make_world, open_dm
from tests.adapters.matrix.homeserver import Homeserver
from tests.conftest import example_copy, load_copy

HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


async def test_answer_with_an_article_then_the_lead_accepts_the_wording(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    base = example_copy(tmp_path)
    kb = load_copy(base)
    world = await make_world(homeserver, kb, tmp_path)
    try:
        await world.start_bot()
        dm = await open_dm(world)
        lead, staff = world.staff  # staff[0] leads HR in this world
        ticket = await world.manager.ticket(dm, HR_QUESTION)
        await lead.wait_for(world.hr_room, f"Nytt ärende {ticket}")
        await staff.say(world.hr_room, f"!ta {ticket}")
        await staff.wait_for(world.hr_room, f"Du har tagit ärende {ticket}")
        await staff.say(world.hr_room, f"!svara {ticket} #hr-friskvardsbidrag")
        await world.manager.wait_for(dm, "Friskvårdsbidrag")
        await lead.say(world.hr_room, "!förslag")
        shown = await lead.wait_for(world.hr_room, "Förslag 1 av 1")
        assert "cykelförmån via bruttolöneavdrag" in shown["content"]["body"]
        number = re.search(r"godkänn (\d+)", shown["content"]["body"]).group(1)  # type: ignore[union-attr]
        await lead.say(world.hr_room, f"!godkänn {number}")
        await lead.wait_for(world.hr_room, "Inskrivet i artikeln")
    finally:
        await world.stop_bots()
        for p in (world.manager, *world.staff):
            await p.client.close()
    written = (base / "articles" / "hr" / "friskvardsbidrag.md").read_text(encoding="utf-8")
    assert HR_QUESTION in written


async def test_an_answered_ticket_becomes_an_article_the_lead_publishes(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    base = example_copy(tmp_path)
    kb = load_copy(base)
    world = await make_world(homeserver, kb, tmp_path)
    try:
        await world.start_bot()
        dm = await open_dm(world)
        lead, staff = world.staff
        ticket = await world.manager.ticket(dm, HR_QUESTION)
        await lead.wait_for(world.hr_room, f"Nytt ärende {ticket}")
        await staff.say(world.hr_room, f"!ta {ticket}")
        await staff.wait_for(world.hr_room, f"Du har tagit ärende {ticket}")
        await staff.say(world.hr_room, f"!svara {ticket} Det kräver ett avtal om bruttolöneavdrag.")
        await world.manager.wait_for(dm, "Svar på ditt ärende")
        await staff.say(world.hr_room, f"!publicera {ticket}")
        await lead.wait_for(world.hr_room, "Nytt utkast till artikel")
        await lead.say(world.hr_room, "!utkast")
        shown = await lead.wait_for(world.hr_room, "Utkast 1 av 1")
        draft = re.search(r"publicera utkast (\S+?)”", shown["content"]["body"]).group(1)  # type: ignore[union-attr]
        await lead.say(world.hr_room, f"!publicera utkast {draft}")
        await lead.wait_for(world.hr_room, "Publicerat")
    finally:
        await world.stop_bots()
        for p in (world.manager, *world.staff):
            await p.client.close()
    assert (base / "articles" / "hr" / f"{draft}.md").is_file()


# -- a ticket's life cycle: waiting for the asker, merged, rated ---------------------------


async def test_staff_ask_the_asker_and_the_plain_reply_goes_on_the_ticket(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    staff = world.staff[1]
    ticket = await world.manager.ticket(dm, HR_QUESTION)
    card = await staff.wait_for(world.hr_room, f"Nytt ärende {ticket}")
    await staff.say(world.hr_room, f"!ta {ticket}")
    await staff.wait_for(world.hr_room, f"Ärende {ticket} – HR – handläggs av")
    await staff.say(world.hr_room, f"!fråga {ticket} Gäller det en elcykel?")
    await staff.wait_for(world.hr_room, f"ärende {ticket} väntar på svar")
    asked = await world.manager.wait_for(dm, f"HR behöver veta mer om ärende {ticket}")
    assert "Gäller det en elcykel?" in asked["content"]["body"]
    edit = await staff.wait_for(world.hr_room, f"Ärende {ticket} – HR – väntar på frågeställaren")
    assert edit["content"]["m.relates_to"]["event_id"] == card["event_id"]

    await world.manager.say(dm, "Ja, en elcykel för att pendla.")
    await world.manager.wait_for(dm, f"lagt till det i ärende {ticket}, och handläggaren ser det")
    told = await staff.wait_for(world.hr_room, "Frågeställaren har kompletterat ärende")
    assert "Ja, en elcykel för att pendla." in told["content"]["body"]  # HR is told
    await staff.wait_for(world.hr_room, f"Ärende {ticket} – HR – handläggs av")  # again
    await staff.say(world.hr_room, f"!ärende {ticket}")
    shown = await staff.wait_for(world.hr_room, "Ja, en elcykel för att pendla.")
    assert shown["sender"] == world.bot_id and "handläggs av" in shown["content"]["body"]


async def test_an_asker_who_never_replies_is_reminded_then_the_ticket_closes(
    world: World,
) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    staff = world.staff[1]
    ticket = await world.manager.ticket(dm, HR_QUESTION)
    await staff.say(world.hr_room, f"!fråga {ticket} Gäller det en elcykel?")
    await world.manager.wait_for(dm, "behöver veta mer om ärende")
    asked, days = datetime.now(UTC), bot.service.desk.calendar.add_business_days

    chase_waiting(bot.service, now=days(asked, 1))
    await bot.flush_outbox()
    await world.manager.sync()
    assert not any("Påminnelse" in b for b in world.manager.bodies(dm))  # not yet
    chase_waiting(bot.service, now=days(asked, 2))
    await bot.flush_outbox()
    await world.manager.wait_for(dm, f"Påminnelse: HR väntar på ditt svar i ärende {ticket}")
    chase_waiting(bot.service, now=days(asked, 5))
    await bot.flush_outbox()
    await world.manager.wait_for(dm, f"Ärende {ticket} är avslutat eftersom HR inte fick svar")
    await staff.wait_for(world.hr_room, f"Ärende {ticket} – HR – avslutat")
    assert sum("Påminnelse" in b for b in world.manager.bodies(dm)) == 1


async def test_a_merged_duplicates_asker_is_told_and_gets_the_answer(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    omar = await world.newcomer("omar")
    omar_dm = await open_dm(world, omar)
    staff = world.staff[1]
    first = await world.manager.ticket(dm, HR_QUESTION)
    second = await omar.ticket(omar_dm, HR_QUESTION)
    await staff.say(world.hr_room, f"!ta {first}")
    await staff.say(world.hr_room, f"!slå ihop {second} {first}")
    await staff.wait_for(world.hr_room, f"Ärende {second} är ihopslaget med ärende {first}")
    await omar.wait_for(omar_dm, f"gäller samma sak som ärende {first} hos HR")
    await staff.wait_for(world.hr_room, f"Ärende {second} – HR – avslutat")

    await staff.say(
        world.hr_room, f"!svara {first} Cykelförmån kräver ett avtal om bruttolöneavdrag."
    )
    await world.manager.wait_for(dm, "Cykelförmån kräver ett avtal")
    answer = await omar.wait_for(omar_dm, "Cykelförmån kräver ett avtal")
    assert answer["content"]["body"].startswith(
        f"Svar på ditt ärende {second} (hanteras tillsammans med ärende {first}) från HR"
    )


async def test_a_closed_ticket_is_rated_by_number_and_the_comment_reaches_hr(
    world: World,
) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    staff = world.staff[1]
    ticket = await world.manager.ticket(dm, HR_QUESTION)
    await staff.say(world.hr_room, f"!ta {ticket}")
    await staff.say(world.hr_room, f"!svara {ticket} Vi har ingen cykelförmån ännu.")
    await world.manager.wait_for(dm, "Löste det din fråga?")
    await world.manager.say(dm, "ja")

    closed = await world.manager.wait_for(dm, f"Tack! Ärende {ticket} är avslutat.")
    body = closed["content"]["body"]  # one message: closed, and how satisfied
    assert f"Hur nöjd är du med hjälpen i ärende {ticket}?" in body
    assert body.splitlines()[-5:] == [
        "1. Inte alls nöjd",
        "2. Inte särskilt nöjd",
        "3. Varken eller",
        "4. Nöjd",
        "5. Mycket nöjd",
    ]
    await asyncio.sleep(0.5)
    await world.manager.sync()
    bodies = world.manager.bodies(dm)
    assert bodies[bodies.index(body) :] == [body]  # and nothing else
    await world.manager.say(dm, "4")
    await world.manager.wait_for(dm, f"skriv ”kommentar {ticket} …”")
    await world.manager.say(dm, f"kommentar {ticket} Snabbt, men svaret var kort.")
    await world.manager.wait_for(dm, "HR ser din kommentar")

    await staff.say(world.hr_room, f"!ärende {ticket}")
    shown = await staff.wait_for(world.hr_room, "svaret var kort", sender=world.bot_id)
    assert "4/5" in shown["content"]["body"]
    await bot_joined(bot, world.leadership_room)
    now = datetime.now(UTC)
    post_weekly(
        bot.service, week_of(now), render=renderer(world.kb.organisation.municipality), now=now
    )
    await bot.flush_outbox()
    post = await world.staff[0].wait_for(world.leadership_room, "Nöjdhet:")
    assert "Nöjdhet: – (<5 betyg)" in post["content"]["body"]  # one rating: counted, mean hidden

"""Choices in Element, which has no buttons (issue 13): the bot puts 1️⃣ 2️⃣ … on its
own message, and pressing one answers what that message asked. The asker rates a
closed ticket with 4️⃣; the HR lead accepts the week's suggested wording with 1️⃣ in
the area room. On a copy of the example base, since accepting writes its file."""

from __future__ import annotations

from pathlib import Path

from bot.jobs import push_suggestions, remind_reviews
from tests.adapters.matrix.conftest import World, open_dm, world_of
from tests.adapters.matrix.homeserver import Homeserver
from tests.conftest import example_copy, load_copy, set_reviewed

HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"
KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]


async def _ticket(world: World, dm: str) -> int:
    """The manager's question becomes a ticket (``Person.ticket``) that HR claims."""
    ticket = await world.manager.ticket(dm, HR_QUESTION)
    await world.staff[1].say(world.hr_room, f"!ta {ticket}")
    await world.staff[1].wait_for(world.hr_room, f"Du har tagit ärende {ticket}")
    return ticket


async def test_the_asker_rates_a_closed_ticket_with_a_reaction(world: World) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    ticket = await _ticket(world, dm)
    staff = world.staff[1]
    await staff.say(world.hr_room, f"!svara {ticket} Det kräver ett avtal om bruttolöneavdrag.")
    await world.manager.wait_for(dm, "Svar på ditt ärende")
    await world.manager.say(dm, "ja")
    question = await world.manager.wait_for(dm, "Hur nöjd är du")
    assert f"Ärende {ticket} är avslutat" in question["content"]["body"]
    offered = await world.manager.reactions_on(question["event_id"], 5)
    assert offered == KEYCAPS  # the five numbers, in order, to press
    assert {r["sender"] for r in world.manager.reactions} == {world.bot_id}
    await world.manager.react(dm, question["event_id"], "4️⃣")
    await world.manager.wait_for(dm, "Tack! Vill du säga något mer")
    with bot.store.transaction() as tx:
        rated = tx.tickets.get(ticket)
    assert rated is not None and rated.rating == 4
    # a number on a message that offered none says nothing; a second press is not a
    # second rating
    await world.manager.react(dm, question["event_id"], "5️⃣")
    await world.manager.say(dm, "hej")
    await world.manager.wait_for(dm, "Hej")
    with bot.store.transaction() as tx:
        assert tx.tickets.get(ticket).rating == 4  # type: ignore[union-attr]


async def test_the_lead_accepts_the_weeks_wording_with_a_reaction(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    base = example_copy(tmp_path)
    async with world_of(homeserver, load_copy(base), tmp_path) as world:
        bot = await world.start_bot()
        dm = await open_dm(world)
        ticket = await _ticket(world, dm)
        await world.staff[1].say(world.hr_room, f"!svara {ticket} #hr-friskvardsbidrag")
        await world.manager.wait_for(dm, "Friskvårdsbidrag")
        lead, other = world.staff
        assert push_suggestions(bot.service, "2026-W49") == [f"matrix:{world.hr_room}"]
        post = await lead.wait_for(world.hr_room, "Veckans förslag för HR (1 väntar)")
        body = post["content"]["body"]
        assert "cykelförmån via bruttolöneavdrag" in body
        assert "1️⃣ Godkänn · 2️⃣ Hoppa över" in body
        assert lead.user_id in post["content"]["m.mentions"]["user_ids"]
        assert await lead.reactions_on(post["event_id"], 2) == KEYCAPS[:2]
        await other.react(world.hr_room, post["event_id"], "1️⃣")  # staff, not the lead
        await other.wait_for(world.hr_room, "områdesansvariga")
        await lead.react(world.hr_room, post["event_id"], "1️⃣")
        await lead.wait_for(world.hr_room, "Inskrivet i artikeln")
    written = (base / "articles" / "hr" / "friskvardsbidrag.md").read_text(encoding="utf-8")
    assert HR_QUESTION in written


async def test_staff_mark_the_months_reviews_with_a_reaction(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    base = example_copy(tmp_path)
    path = set_reviewed(base / "articles" / "hr" / "sjuklon.md", "2025-06-01")
    async with world_of(homeserver, load_copy(base), tmp_path) as world:
        bot = await world.start_bot()
        assert remind_reviews(bot.service, "2026-12") == [f"matrix:{world.hr_room}"]
        staff = world.staff[1]
        post = await staff.wait_for(world.hr_room, "Dags att granska HR")
        assert "granskad 2025-06-01" in post["content"]["body"]
        assert "1️⃣ Granskade i dag" in post["content"]["body"]
        assert await staff.reactions_on(post["event_id"], 1) == KEYCAPS[:1]
        await staff.react(world.hr_room, post["event_id"], "1️⃣")
        await staff.wait_for(world.hr_room, "Markerade som granskade i dag")
    assert "reviewed: 2025-06-01" not in path.read_text(encoding="utf-8")


async def test_a_manager_reads_what_an_area_does_in_element(world: World) -> None:
    """Issue 14: ``vad gör HR?`` and ``områden`` in the DM, as Element shows them."""
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "vad gör HR?")
    shown = await world.manager.wait_for(dm, "Området lovar")
    body = shown["content"]["body"]
    assert "ett ärende tas inom 4 arbetstimmar" in body and "Maria Lindqvist" in body
    assert "Verksamhetsplan 2026: https://intranat.exempelkommun.se/verksamhetsplan/hr" in body
    await world.manager.say(dm, "områden")
    listed = await world.manager.wait_for(dm, "Stödområdena i Exempelkommun")
    assert "IT-samordnare Karin Dahl" in listed["content"]["body"]


async def test_the_hr_lead_asks_for_the_year_in_element(world: World) -> None:
    """Issue 14: ``årsanalys`` in the lead's DM, as Element shows it; the other HR
    worker, not the lead, is refused."""
    await world.start_bot()
    lead, staff = world.staff
    dm = await open_dm(world, lead)
    await lead.say(dm, "årsanalys")
    shown = await lead.wait_for(dm, "Årsanalys")
    assert "<strong>Årsanalys " in shown["content"]["formatted_body"]  # bold, not "**"
    assert "stodbot report yearly --area hr" in shown["content"]["body"]  # no dashboard here
    other = await open_dm(world, staff)
    await staff.say(other, "årsanalys hr")
    await staff.wait_for(other, "läser ett områdes ansvariga")

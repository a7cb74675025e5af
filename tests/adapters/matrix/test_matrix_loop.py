"""The knowledge loop in Element (issue 13): HR answers a ticket in its room with an
article (``!svara 1 #artikel``), and the HR lead accepts the manager's wording from
the area room (``!förslag``, then ``!godkänn N``). On a copy of the example base,
since accepting writes its file."""

from __future__ import annotations

import re
from pathlib import Path

from tests.adapters.matrix.conftest import make_world, open_dm
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

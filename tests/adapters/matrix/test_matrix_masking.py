"""Matrix (a real Synapse): a ticket holding a personnummer carries a banner for
staff on its card in the area room and in ``!ärende N``, in the plain body and the
HTML; the card keeps the question as written; the asker is not warned (issue 15)."""

from __future__ import annotations

from tests.adapters.matrix.conftest import World, open_dm

PNR = "811218-9876"
QUESTION = f"Jag har inte fått någon cykelförmån på lönen, mitt personnummer är {PNR}"
BANNER = "⚠ Ärendet innehåller ett personnummer"


async def test_staff_see_the_personnummer_banner_in_the_room(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    ticket = await world.manager.ticket(dm, QUESTION)
    hr = world.staff[0]
    card = await hr.wait_for(world.hr_room, f"Nytt ärende {ticket}")
    body = card["content"]["body"]
    assert BANNER in body and "sekretessprövning vid utlämnande" in body
    assert PNR in body  # the ticket keeps the original
    assert BANNER in card["content"]["formatted_body"]
    assert not any("⚠" in b for b in world.manager.bodies(dm))

    await hr.say(world.hr_room, f"!ärende {ticket}")
    view = await hr.wait_for(world.hr_room, f"Ärende {ticket} – HR", sender=world.bot_id)
    body = view["content"]["body"]
    assert "Kommandon:" not in body  # the ticket's history, not its card
    assert BANNER in body and PNR in body

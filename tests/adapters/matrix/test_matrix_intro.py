"""The new manager's path in Element (issue 14), against a real Synapse: "jag är ny
chef" in the direct chat shows week 1 at once, the Monday job's checklist arrives in
that chat, and a typed ``klart 2`` marks that article of it done."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.intro.path import monday
from bot.intro.weekly import send_checklists
from routing.calendar import STOCKHOLM
from tests.adapters.matrix.conftest import World, open_dm


def _next_wednesday() -> datetime:
    """Noon on Wednesday next week (Stockholm): the manager's path week 2, its send due."""
    day = monday(datetime.now(STOCKHOLM).date()) + timedelta(days=9)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=STOCKHOLM)


async def test_a_new_manager_gets_week_1_then_the_mondays_list_and_marks_one_done(
    world: World,
) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    manager = world.manager
    await manager.say(dm, "jag är ny chef")
    welcome = await manager.wait_for(dm, "Välkommen som ny chef")
    body = " ".join(welcome["content"]["body"].split())
    assert "vecka 1 av 12" in body and "IT-konto och e-post för ny medarbetare" in body
    assert "klart 1" in body  # Element has no buttons: the list says what to type
    later = _next_wednesday()
    assert send_checklists(bot.service, later) == [manager.user_id]
    assert send_checklists(bot.service, later) == []  # once
    week2 = await manager.wait_for(dm, "vecka 2 av 12")
    text = " ".join(week2["content"]["body"].split())
    assert "1. IT-servicedesk" in text and "2. Introduktion för nya chefer" in text
    await manager.say(dm, "klart 2")
    await manager.wait_for(dm, "är klar")
    with bot.store.transaction() as tx:
        done = {a for a, i in tx.intro.items(manager.user_id).items() if i.done_at}
    assert done == {"hr-chefsintroduktion"}
    await manager.say(dm, "min introduktion")
    overview = await manager.wait_for(dm, "1 av 33 artiklar klara")
    assert "✓ Introduktion för nya chefer" in overview["content"]["body"]

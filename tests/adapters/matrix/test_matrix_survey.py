"""The yearly question in Element (issue 14), on a real Synapse: the job writes to the
manager in her direct chat with the bot; she answers the first question with 4️⃣ (the
bot puts 1️⃣..5️⃣ on its message), the second by typing, and the third in her own
words, which are stored masked and without her. A 1️⃣ on the first question after
that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.survey_job import ask_surveys
from routing.ports import SurveyAnswer
from tests.adapters.matrix.conftest import World, open_dm
from tests.unit.test_survey import a_day_next_month, asks_in

KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]


async def test_the_survey_by_reaction_and_typing_in_element(world: World) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "hur bokar jag poolbil")
    await world.manager.wait_for(dm, "Boka en gemensam bil")
    when = a_day_next_month(datetime.now(UTC))
    asks_in(bot.service, "service", when.month)
    assert ask_surveys(bot.service, when).sent == 1

    q1 = await world.manager.wait_for(dm, "Fråga 1 av 3", sender=world.bot_id)
    body = q1["content"]["body"]
    assert "fått hjälp av Intern service" in body and "inga enkäter" in body
    assert "4. Bra" in body
    assert await world.manager.reactions_on(q1["event_id"], 5) == KEYCAPS
    await world.manager.react(dm, q1["event_id"], "4️⃣")
    q2 = await world.manager.wait_for(dm, "Fråga 2 av 3", sender=world.bot_id)
    assert "5. Mycket lätt" in q2["content"]["body"]
    await world.manager.say(dm, "5")
    await world.manager.wait_for(dm, "Fråga 3 av 3", sender=world.bot_id)
    await world.manager.react(dm, q1["event_id"], "1️⃣")  # the first question, again
    await world.manager.wait_for(dm, "tidigare meddelande", sender=world.bot_id)
    await world.manager.say(dm, "Laddplatser! Mejla mig på anna@exempelkommun.se")
    await world.manager.wait_for(dm, "Tack för dina svar", sender=world.bot_id)
    with bot.store.transaction() as tx:
        answers = tx.surveys.answers("service", when.year)
    assert answers == [
        SurveyAnswer("service", "bou", when.year, 4, 5, "Laddplatser! Mejla mig på [e-post]")
    ]

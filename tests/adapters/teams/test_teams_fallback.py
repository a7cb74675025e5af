"""Teams cards read without the card: what the real Agents SDK path posts to the
(fake) cloud carries ``fallbackText`` and the activity's ``summary``, and a card redrawn
after a press says what was pressed and offers no button that is gone."""

from __future__ import annotations

from tests.adapters.teams.conftest import HR_CHANNEL, MANAGER, Teams

DM = "a:dm-anna"


async def test_an_answer_and_a_ticket_card_carry_their_plain_text(teams: Teams) -> None:
    await teams.say("Hur sjukanmäler jag en medarbetare?")
    answer = await teams.wait_sent(DM, "Var det till hjälp?")
    card = answer["attachments"][0]["content"]
    assert answer["summary"] == card["fallbackText"]
    lines = card["fallbackText"].split("\n")
    assert "**" not in card["fallbackText"] and "<" not in card["fallbackText"]
    assert lines[0] and lines[0] == card["body"][0]["inlines"][0]["text"]  # the title
    buttons = lines[lines.index("Knappar (du kan också skriva svaret):") + 1 :]
    assert buttons[-2:] == [
        f"{len(buttons) - 1}. Ja, det hjälpte: skriv ”ja”",
        f"{len(buttons)}. Nej: skriv ”nej”",
    ]
    no = next(a for a in card["actions"] if a["title"] == "Nej")
    pressed = await teams.press(MANAGER, DM, no["data"], reply_to=answer["id"])
    redrawn = pressed["value"]
    assert redrawn["actions"] == []
    assert redrawn["fallbackText"].endswith("✓ Nej")  # what was pressed, and no buttons
    assert "Knappar" not in redrawn["fallbackText"]
    offer = await teams.wait_sent(DM, "Vill du att jag skickar frågan till")
    yes = offer["attachments"][0]["content"]["actions"][0]
    assert "1. Ja, skicka den: skriv ”ja”" in offer["summary"]
    await teams.press(MANAGER, DM, yes["data"])
    posted = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    ticket = posted["attachments"][0]["content"]
    assert posted["summary"] == ticket["fallbackText"]
    assert "Fråga: Hur sjukanmäler jag en medarbetare?" in ticket["fallbackText"]
    assert "1. Ta ärendet: skriv ”ta 1”" in ticket["fallbackText"]
    assert "2. Svara: skriv ”svara 1” och din text" in ticket["fallbackText"]

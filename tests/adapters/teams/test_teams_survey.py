"""The yearly question in Teams (issue 14): the job writes to a manager who asked in
her chat with the bot; the questions come as cards with a button per answer, a press
answers and moves on, a press on the first card after that changes nothing, and the
free text she types is stored masked, without her."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.survey_job import ask_surveys
from routing.ports import SurveyAnswer
from tests.adapters.teams.conftest import MANAGER, Teams
from tests.adapters.teams.fake_cloud import card_text
from tests.unit.test_survey import a_day_next_month, asks_in

DM = "a:dm-anna"


async def test_the_survey_by_button_in_teams(teams: Teams) -> None:
    await teams.say("hur bokar jag poolbil")  # answered from Intern service's article
    await teams.wait_sent(DM, "Boka en gemensam bil")
    service = teams.adapter.service
    when = a_day_next_month(datetime.now(UTC))
    asks_in(service, "service", when.month)
    assert ask_surveys(service, when).sent == 1
    await teams.adapter.flush_outbox()

    q1 = await teams.wait_sent(DM, "Fråga 1 av 3")
    card: dict[str, Any] = q1["attachments"][0]["content"]
    said = card_text(card)
    assert "fått hjälp av Intern service" in said and "anonymt" in said
    assert "inga enkäter" in said
    assert [a["title"] for a in card["actions"]] == [
        "1. Inte alls",
        "2. Dåligt",
        "3. Godtagbart",
        "4. Bra",
        "5. Mycket bra",
    ]
    pressed = await teams.press(MANAGER, DM, card["actions"][3]["data"], reply_to=q1["id"])
    assert card_text(pressed["value"]).endswith("✓ 4. Bra")  # drawn again, answered
    q2 = await teams.wait_sent(DM, "Fråga 2 av 3")
    findable = q2["attachments"][0]["content"]["actions"]
    assert findable[4]["title"] == "5. Mycket lätt"
    await teams.press(MANAGER, DM, findable[4]["data"], reply_to=q2["id"])
    q3 = await teams.wait_sent(DM, "Fråga 3 av 3")
    assert [a["title"] for a in q3["attachments"][0]["content"]["actions"]] == ["1. Hoppa över"]

    await teams.press(MANAGER, DM, card["actions"][0]["data"], reply_to=q1["id"])  # stale
    await teams.wait_sent(DM, "tidigare meddelande")
    await teams.say("Anna Chef här: laddkablar i bilarna, ring 070-123 45 67")
    await teams.wait_sent(DM, "Tack för dina svar")
    with service.store.transaction() as tx:
        answers = tx.surveys.answers("service", when.year)
        assert tx.surveys.asked("service", when.year) == 1
    assert answers == [
        SurveyAnswer(
            "service", "bou", when.year, 4, 5, "[namn] här: laddkablar i bilarna, ring [telefon]"
        )
    ]

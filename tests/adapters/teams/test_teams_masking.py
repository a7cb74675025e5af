"""Teams (real Agents SDK, fake cloud): a ticket holding a personnummer carries a
banner for staff, on the card in the area's channel, on its refresh in English, and
in ``ärende N``; the card keeps the question as written (issue 15)."""

from __future__ import annotations

from tests.adapters.teams.conftest import HR1, HR2, HR_CHANNEL, Teams
from tests.adapters.teams.fake_cloud import card_text

DM = "a:dm-anna"
PNR = "811218-9876"
QUESTION = f"Jag har inte fått någon cykelförmån på lönen, mitt personnummer är {PNR}"
BANNER = "⚠ Ärendet innehåller ett personnummer"


async def test_the_ticket_card_warns_staff_of_a_personnummer(teams: Teams) -> None:
    ticket = await teams.ticket(QUESTION)
    card = (await teams.wait_sent(HR_CHANNEL, "Ta ärendet"))["attachments"][0]["content"]
    text = card_text(card)
    assert BANNER in text and PNR in text  # the ticket keeps the original
    [warning] = [
        run
        for block in card["body"]
        for run in block.get("inlines", [])
        if run.get("text", "").startswith("⚠")
    ]
    assert warning["color"] == "Attention" and warning["weight"] == "Bolder"
    assert "⚠" not in str(teams.cloud.sent(DM))  # the asker is not warned of their own

    await teams.say("language english", user=HR1, conversation="a:dm-hr1")
    await teams.wait_sent("a:dm-hr1", "English")
    refreshed = await teams.press(HR1, HR_CHANNEL, {"ticket": ticket}, verb="refresh")
    assert "⚠ The ticket contains a personal identity number" in card_text(refreshed["value"])

    await teams.staff(f"ärende {ticket}", user=HR2)
    view = await teams.wait_sent(HR_CHANNEL, "sekretessprövning vid utlämnande")
    assert PNR in str(view)


async def test_no_banner_on_a_ticket_without_one(teams: Teams) -> None:
    await teams.ticket("Jag har inte fått någon cykelförmån på lönen, ring 070-123 45 67")
    card = (await teams.wait_sent(HR_CHANNEL, "Ta ärendet"))["attachments"][0]["content"]
    assert "cykelförmån" in card_text(card) and "⚠" not in card_text(card)

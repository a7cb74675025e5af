"""What each area does and promises, in chat (issue 14): ``områden`` and ``vad gör
HR?`` in the terminal's service, in Swedish and in English; a question that merely
starts with "vad gör" stays a question."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.sql.store import SqlStore
from bot.areas import find_area
from bot.messages import ConversationRef, IncomingMessage
from bot.service import ConversationService
from knowledge.base import KnowledgeBase

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class Chat:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.service, self.n = ConversationService(kb, store, clock=lambda: NOW), 0

    def say(self, text: str, user: str = "@anna.chef:exempelkommun.se") -> str:
        self.n += 1
        msg = IncomingMessage(ConversationRef("cli", f"terminal:{user}"), user, text, f"e{self.n}")
        return "\n".join(r.text for r in self.service.handle(msg))


def test_what_an_area_does_promises_and_who_answers(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(example_kb, sql_store)
    hr = chat.say("Vad gör HR?")
    assert hr.startswith("**HR**") and "Rekrytering, introduktion" in hr
    assert "ett ärende tas inom 4 arbetstimmar" in hr
    assert "minst 50 % av frågorna får svar direkt" in hr and "minst 4 av 5" in hr
    assert "Ansvarig: HR-chef Maria Lindqvist" in hr and "Till för: alla chefer." in hr
    assert "verksamhetsplan/hr" in hr and "Lokal kontakt" not in hr
    it = chat.say("vad gör IT-drift")
    assert "Drivs av: Gemensam IT-drift för Exempelkommun, Grannby och Åstad" in it
    assert "Lokal kontakt, svarar för området här: IT-samordnare Karin Dahl" in it
    assert "ett ärende tas inom 2 arbetstimmar" in it
    assert chat.say("vad gör ekonomi och upphandling?").startswith("**Ekonomi och upphandling**")
    assert chat.say("vad gör kansliet?").startswith("**Kansli och registratur**")


def test_a_question_that_starts_like_the_command_stays_a_question(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(example_kb, sql_store)
    answer = chat.say("Vad gör jag om en medarbetare är sjuk?")
    assert "Sjukanmälan" in answer and "Området lovar" not in answer
    for text in ("vad gör \x00", "vad gör " + "HR " * 3000, "vad gör <b>HR</b>"):
        assert "Området lovar" not in chat.say(text)  # not an area's name: not the command
    assert find_area(example_kb.organisation, "hr") is not None
    assert find_area(example_kb.organisation, "") is None


def test_the_areas_and_their_contacts_in_english(
    example_kb: KnowledgeBase, sql_store: SqlStore, tmp_path: Path
) -> None:
    chat = Chat(example_kb, sql_store)
    chat.say("språk engelska")
    listed = chat.say("areas")
    assert listed.startswith("The support areas of Exempelkommun:")
    assert "**IT-drift (gemensam IT-nämnd)** – answers: IT-samordnare Karin Dahl" in listed
    assert listed.count("\n- **") == len(example_kb.organisation.areas)
    it = chat.say("what does IT do?")
    assert "a ticket is claimed within 2 business hours" in it and "Run by:" in it


def test_an_area_named_without_letters_does_not_break_the_others(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    """An organisation file may name an area "★ ★" (or "–"): "vad gör ekonomi" and
    "årsanalys ekonomi" still find Ekonomi, and the odd area by its id."""
    from dataclasses import replace

    org = example_kb.organisation
    areas = tuple(replace(a, name="★ ★") if a.id == "hr" else a for a in org.areas)
    chat = Chat(replace(example_kb, organisation=replace(org, areas=areas)), sql_store)
    assert chat.say("vad gör ekonomi?").startswith("**Ekonomi")
    assert chat.say("vad gör hr?").startswith("**★ ★**")
    assert "Årsanalysen läser" in chat.say("årsanalys ekonomi")  # Anna is not its lead

"""A button or reaction answers the message it is on, never whatever the conversation
waits for by the time it is pressed (the Teams case is in test_review_findings)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from knowledge.base import KnowledgeBase

ASKER = "@anna.chef:exempelkommun.se"
OTHER = "@okand.person:exempelkommun.se"
HR = "@hr.konsult:exempelkommun.se"
QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


class Chat:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.service = ConversationService(
            kb, store, clock=lambda: datetime(2026, 11, 26, 9, tzinfo=UTC)
        )
        self.store = store
        self.n = 0

    def say(self, user: str, text: str, about: str | None = None) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(
            ConversationRef("test", f"dm:{user}"), user, text, f"e{self.n}", about=about
        )
        return self.service.handle(msg)

    def feedback(self) -> list[tuple[int, str | None]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(tables.questions.c.id, tables.questions.c.feedback))
            return [(int(r[0]), r[1]) for r in rows]


def test_a_press_on_an_older_answer_does_not_answer_the_newer_one(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    chat = Chat(example_kb, any_store)
    [first] = chat.say(ASKER, "Hur bokar jag en poolbil?")
    [second] = chat.say(ASKER, "Hur sjukanmäler jag en medarbetare?")
    assert first.about and second.about and first.about != second.about
    [stale] = chat.say(ASKER, "ja", about=first.about)
    assert "tidigare meddelande" in stale.text
    assert all(feedback is None for _, feedback in chat.feedback())  # nothing was recorded
    [fresh] = chat.say(ASKER, "ja", about=second.about)  # the newer one still waits
    assert "hjälpte" in fresh.text
    assert [f for _, f in chat.feedback()] == [None, "helpful"]


def test_ja_on_an_older_ticket_answer_closes_that_ticket_only_for_its_asker(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    chat = Chat(example_kb, any_store)
    tickets = []
    for n in (1, 2):
        [offer] = chat.say(ASKER, QUESTION)
        assert offer.offers_route
        [routed] = chat.say(ASKER, "ja")
        assert routed.ticket_id is not None
        tickets.append(routed.ticket_id)
        chat.say(HR, f"svara {routed.ticket_id} Svar {n}")
    [refused] = chat.say(OTHER, "ja", about=f"ticket:{tickets[0]}")  # a crafted press
    assert "behörighet" in refused.text
    [closed] = chat.say(ASKER, "ja", about=f"ticket:{tickets[0]}")
    assert f"Ärende {tickets[0]} är avslutat" in closed.text
    with any_store.transaction() as tx:
        one, two = (tx.tickets.get(t) for t in tickets)
    assert one is not None and two is not None
    assert (one.status.value, two.status.value) == ("closed", "resolved")
    [typed] = chat.say(ASKER, "ja")  # the newer answer still waits for its ja/nej
    assert f"Ärende {tickets[1]} är avslutat" in typed.text

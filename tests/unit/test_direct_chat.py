"""Jobs that write to someone first (the yearly question, the new manager's checklist)
write in the person's direct chat with the bot: the last one they wrote in alone, never
a shared room where others read along."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.notify import to_person
from bot.service import ConversationService
from bot.state import Awaiting, ConversationState
from knowledge.base import KnowledgeBase

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ANNA = "@anna.chef:exempelkommun.se"


def _say(service: ConversationService, room: str, text: str, shared: bool, n: int) -> None:
    msg = IncomingMessage(
        ConversationRef("matrix", room), ANNA, text, f"e{n}", shared_in=room if shared else None
    )
    service.handle(msg)


def test_a_job_writes_in_the_direct_chat_not_the_shared_room(
    sql_store: SqlStore, example_kb: KnowledgeBase
) -> None:
    service = ConversationService(example_kb, sql_store, clock=lambda: NOW)
    reply = Reply(ReplyKind.INFO, "Veckans checklista")
    with sql_store.transaction() as tx:
        assert to_person(tx, ANNA, reply, NOW) is False  # never wrote: nowhere to write
    _say(service, "!dm:k", "hej", shared=False, n=1)
    _say(service, "!chefer:k", "hur söker jag semester?", shared=True, n=2)
    with sql_store.transaction() as tx:
        state = ConversationState(Awaiting.RATING, ticket_id=1)
        assert to_person(tx, ANNA, reply, NOW, state=state, dedupe_key="intro:1") is True
        assert to_person(tx, ANNA, reply, NOW, dedupe_key="intro:1") is False  # once
    with sql_store.transaction() as tx:
        sent = [i for i in tx.outbox.pending("matrix") if i.payload["text"] == reply.text]
        waits = tx.states.get(f"matrix|!dm:k|{ANNA}")
    assert [i.conversation_id for i in sent] == ["!dm:k"]
    assert waits is not None and waits["awaiting"] == Awaiting.RATING.value

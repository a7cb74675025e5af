"""Case 8, the shared inbox: two instances' workers handling the same stored activity at
the same moment answer it once (the conversation service records the inbound event id
in the transaction that answers; the second waits on the unique key, then backs off)."""

from __future__ import annotations

import threading
from collections import Counter

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from knowledge.base import KnowledgeBase

QUESTIONS = ["Hur bokar jag en poolbil?", "Vilka regler gäller för cykelförmån?", "hej"]


def test_the_same_activity_handled_by_two_workers_at_once_is_answered_once(
    two: tuple[SqlStore, SqlStore], example_kb: KnowledgeBase
) -> None:
    services = [ConversationService(example_kb, store) for store in two]
    sent: Counter[str] = Counter()  # replies of the one handling that answered
    for k in range(30):
        msg = IncomingMessage(
            ConversationRef("teams", f"a:dm-{k}", "{}"),
            f"aad-user{k}",
            QUESTIONS[k % len(QUESTIONS)],
            f"a:dm-{k}|activity-{k}",
        )
        barrier = threading.Barrier(2)
        answers: list[list[Reply]] = []

        def work(service: ConversationService, msg: IncomingMessage = msg) -> None:
            barrier.wait()
            answers.append(service.handle(msg))

        threads = [threading.Thread(target=work, args=(s,)) for s in services]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert sorted(len(a) > 0 for a in answers) == [False, True], (k, answers)
        sent[f"a:dm-{k}"] = max(len(a) for a in answers)
    with two[0].transaction() as tx:
        rows = tx.outbox.pending("teams", limit=1000)
    per_conversation = Counter(r.conversation_id for r in rows if r.kind == "reply")
    assert per_conversation == sent and len(sent) == 30  # nothing queued twice

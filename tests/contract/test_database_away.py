"""A database that is briefly away: the user is told to try again, the bot keeps
running, and the next message after the database is back is answered."""

from __future__ import annotations

import pytest

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.conftest import PG_SKIP
from tests.tcp_proxy import TcpProxy

MANAGER = "@anna.chef:exempelkommun.se"


@pytest.mark.skipif(PG_SKIP is not None, reason=PG_SKIP or "")
def test_try_again_while_away_then_normal_service(
    example_kb: KnowledgeBase, proxied_store: tuple[SqlStore, TcpProxy]
) -> None:
    store, proxy = proxied_store
    service = ConversationService(example_kb, store)
    ref = ConversationRef("test", "dm")

    def ask(text: str, ev: str) -> list:  # type: ignore[type-arg]
        return service.handle(IncomingMessage(ref, MANAGER, text, ev))

    [ok] = ask("Hur bokar jag en poolbil?", "1")
    assert ok.kind is ReplyKind.ANSWER
    proxy.stop()
    [away] = ask("Var hittar jag lönespecifikationen?", "2")
    assert away.kind is ReplyKind.ERROR and "Försök igen" in away.text
    proxy.start()
    [back] = ask("Var hittar jag lönespecifikationen?", "3")
    assert back.kind is ReplyKind.ANSWER and back.article_id == "hr-lonespecifikation"
    with store.transaction() as tx:
        # the message during the outage left nothing half-written
        assert len(tx.outbox.pending("test")) == 2

"""A ticket with every kind of history, made the way people make it (the desk's own
operations over one SQLite database), for the records tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.sql.store import SqlStore
from bot.jobs import escalate_overdue
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase

MANAGER = "@anna.chef:exempelkommun.se"
MANAGER2 = "@bo.chef:exempelkommun.se"
HR1 = "@maria.lindqvist:exempelkommun.se"
HR2 = "@hr.konsult:exempelkommun.se"
IT = "@karin.dahl:exempelkommun.se"
PNR = "19850312-2384"
PHONE = "070-123 45 67"
HR_QUESTION = f"Vilka regler gäller för cykelförmån via bruttolöneavdrag för mig, {PNR}?"
IT_QUESTION = "Min dator startar inte, skärmen är svart och fläkten låter, vad gör jag?"


class World:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Stockholm
        self.service = ConversationService(kb, store, clock=lambda: self.now)
        self.store = store
        self.n = 0

    def say(self, user: str, text: str) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(ConversationRef("test", f"dm:{user}"), user, text, f"ev{self.n}")
        return self.service.handle(msg)

    def ticket(self, user: str, question: str) -> int:
        replies = self.say(user, question)
        if not any(r.offers_route for r in replies):
            replies = self.say(user, "skapa ärende")
        [reply] = self.say(user, "ja")
        assert reply.kind is ReplyKind.ROUTED and reply.ticket_id is not None, reply
        return reply.ticket_id

    def desk(self, op: Callable[..., Any], *args: Any, minutes: int = 10) -> Any:
        self.now += timedelta(minutes=minutes)
        with self.store.transaction() as tx:
            return op(tx, *args, at=self.now)

    def full_history(self) -> tuple[int, int]:
        """An HR ticket that went through everything, transferred to IT at the end;
        and the duplicate merged into it. Returns (ticket, duplicate)."""
        d = self.service.desk
        ticket = self.ticket(MANAGER, HR_QUESTION)
        dup = self.ticket(
            MANAGER2, "Vilka regler gäller för cykelförmån via bruttolöneavdrag, igen?"
        )
        self.now += timedelta(hours=6)  # past HR's claim target: escalated
        escalate_overdue(self.service)
        self.desk(d.add_info, ticket, MANAGER, f"Ring mig på {PHONE}")
        self.desk(d.claim, ticket, HR1)
        self.desk(d.note, ticket, HR1, f"Internt: {HR2} vet mer om förmånen")
        self.desk(d.ask_asker, ticket, HR1, "Vilken förvaltning gäller det?")
        self.desk(d.add_info, ticket, MANAGER, "Barn- och utbildning")
        self.desk(d.merge, dup, ticket, HR1)
        self.desk(d.answer, ticket, HR1, "Förmånen gäller alla tillsvidareanställda.")
        self.desk(d.reopen, ticket, MANAGER)  # the answer resolved it; the asker reopens
        self.desk(d.claim, ticket, HR1)
        self.desk(d.unclaim, ticket, HR1)
        self.desk(d.transfer, ticket, HR2, "it", "Gäller egentligen datorn i förmånen")
        self.desk(d.claim, ticket, IT)
        self.desk(d.resolve, ticket, IT, "Datorn ingår, beställ via IT-portalen.")
        self.desk(d.close, ticket, MANAGER)
        self.desk(d.rate, ticket, MANAGER, 4)
        self.desk(d.rating_comment, ticket, MANAGER, "Bra, men det tog tid")
        return ticket, dup


def env(monkeypatch: Any, db: Path) -> None:
    monkeypatch.setenv("STODBOT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("USER", "registrator1")
    monkeypatch.setenv("LOGNAME", "registrator1")

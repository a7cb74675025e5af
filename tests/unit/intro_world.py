"""A small world for the new manager's path tests: the example base with one manager
listed in the organisation file with a start date, a real SQLite store, a clock the
test moves, and people writing to the bot in the terminal channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.sql.store import SqlStore
from bot.intro.weekly import send_checklists
from bot.messages import Choice, ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.ports import OutboxItem
from tests.conftest import example_copy, load_copy

FILED = "@ny.chef:exempelkommun.se"  # in the organisation file: role chef, start 30 Nov
NEW = "@sara.ny:exempelkommun.se"  # says "jag är ny chef"
HR_STAFF = "@hr.konsult:exempelkommun.se"
IT_LEAD = "@karin.dahl:exempelkommun.se"
# Monday 7 Dec 2026, 09:00 in Stockholm: week 50, after the 07:30 post time
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
WEEK1 = ["it-konto-ny-medarbetare", "ekonomi-attest", "hr-tidrapportering"]
WEEK2 = ["it-servicedesk", "hr-chefsintroduktion", "hr-mentor-ny-chef"]


def base_with_manager(root: Path) -> Path:
    base = example_copy(root)
    org = base / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    anchor = '  "@omar.chef:exempelkommun.se": soc\n'
    assert anchor in text
    filed = f'  "{FILED}": {{unit: bou, role: chef, start: 2026-11-30}}\n'
    org.write_text(text.replace(anchor, anchor + filed), encoding="utf-8")
    return base


class World:
    def __init__(self, kb: KnowledgeBase, store: SqlStore, now: datetime = MONDAY) -> None:
        self.kb, self.store, self.now, self.n = kb, store, now, 0
        self.service = self.restart()

    @classmethod
    def at(cls, root: Path, store: SqlStore, now: datetime = MONDAY) -> World:
        return cls(load_copy(base_with_manager(root)), store, now)

    def restart(self) -> ConversationService:
        """A new service on the same database: what a restart or another instance is."""
        self.service = ConversationService(self.kb, self.store, clock=lambda: self.now)
        return self.service

    def say(
        self, user: str, text: str, about: str | None = None, shared_in: str | None = None
    ) -> list[Reply]:
        self.n += 1
        ref = ConversationRef("cli", shared_in or f"terminal:{user}")
        msg = IncomingMessage(ref, user, text, f"e{self.n}", about=about, shared_in=shared_in)
        return self.service.handle(msg)

    def text(self, user: str, text: str, **kw: str) -> str:
        return " ".join(" ".join(r.text for r in self.say(user, text, **kw)).split())

    def press(self, user: str, choice: Choice) -> str:
        """A button: what it says, sent as the person's message."""
        return self.text(user, choice.text)

    def monday(self) -> list[str]:
        return send_checklists(self.service, self.now)

    def sent_to(self, user: str) -> list[OutboxItem]:
        """The messages a job queued for ``user`` (not replies to what they wrote)."""
        with self.store.transaction() as tx:
            items = tx.outbox.pending("cli", limit=1000)
        return [i for i in items if i.user_id == user and i.kind == "notice"]

    def done(self, user: str) -> set[str]:
        with self.store.transaction() as tx:
            return {a for a, i in tx.intro.items(user).items() if i.done_at is not None}

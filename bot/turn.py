"""One incoming message being handled, inside one database transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.messages import IncomingMessage, Reply
from bot.state import ConversationState
from bot.texts import Texts
from routing.ports import Outgoing, Tx


@dataclass
class Turn:
    tx: Tx
    msg: IncomingMessage
    t: Texts
    now: datetime
    state: ConversationState
    replies: list[Reply] = field(default_factory=list)
    unit: str | None = None  # the sender's unit, once read (``unit_known``)
    unit_known: bool = False
    unit_declined: bool = False  # asked once, answered with a question instead

    @property
    def user(self) -> str:
        return self.msg.user_id

    def say(self, reply: Reply) -> None:
        """A reply to the sender, in the language the turn speaks."""
        self.replies.append(replace(reply, language=self.t.language))

    def notify(self, item: Outgoing) -> None:
        """Queue a message to someone else, in this transaction."""
        self.tx.outbox.add(item, self.now)

    def notify_all(self, items: Iterable[Outgoing]) -> None:
        for item in items:
            self.notify(item)

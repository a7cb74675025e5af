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

    def name(self, user_id: str) -> str:
        """The name others are shown for ``user_id``: as their client showed it last, or
        the id. Only ever displayed; access is decided on the id."""
        if user_id == self.msg.user_id and self.msg.display_name:
            return self.msg.display_name
        return self.tx.people.display_name(user_id) or user_id

    def notify(self, item: Outgoing) -> None:
        """Queue a message to someone else, in this transaction."""
        self.tx.outbox.add(item, self.now)

    def notify_all(self, items: Iterable[Outgoing]) -> None:
        for item in items:
            self.notify(item)

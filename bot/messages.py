"""Neutral message types: what every channel (terminal, Teams, Matrix) turns
its events into, and what the conversation service answers with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


@dataclass(frozen=True)
class ConversationRef:
    """Where to reply. ``address`` is opaque to the core; only its adapter reads it."""

    channel: str  # "cli", "matrix", "teams"
    conversation_id: str
    address: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    conversation: ConversationRef
    user_id: str  # the platform's stable user id, never a display name
    text: str
    event_id: str | None = None  # the platform's id, for de-duplication
    language: str | None = None
    received_at: datetime = datetime.min.replace(tzinfo=UTC)

    @property
    def channel(self) -> str:
        return self.conversation.channel


class ReplyKind(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_ANSWER = "no_answer"
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True)
class Choice:
    number: int
    label: str
    article_id: str | None = None


@dataclass(frozen=True)
class Reply:
    """A reply in light Markdown (``**bold**``, ``- `` lists); adapters render it."""

    kind: ReplyKind
    text: str
    choices: tuple[Choice, ...] = ()
    article_id: str | None = None
    area_id: str | None = None
    asks_feedback: bool = False

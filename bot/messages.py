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
    language: str | None = None  # the client's locale; replies follow the person's språk
    received_at: datetime = datetime.min.replace(tzinfo=UTC)
    # A text too long to keep: the adapter kept only its length (``text`` is empty), so
    # that the refusal "nothing was stored" is true.
    dropped_length: int = 0
    # Who else reads the reply: None in a conversation of the sender alone with the bot;
    # otherwise the id of the room, channel or group chat the reply lands in.
    shared_in: str | None = None
    # What a button press or reaction answers ("ticket:42", "question:17"), as the reply
    # it was on said (``Reply.about``); None for typed text.
    about: str | None = None
    # Something the bot cannot read (an image, a file): it says that only text is read.
    unreadable: bool = False
    # The sender's name as their client shows it (Teams ``from.name``, the Matrix
    # displayname): shown to others instead of the id, never used to decide anything.
    display_name: str | None = None

    @property
    def channel(self) -> str:
        return self.conversation.channel


class ReplyKind(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_ANSWER = "no_answer"
    ROUTED = "routed"
    INFO = "info"
    ERROR = "error"
    NOTICE = "notice"  # to someone other than the sender: relayed answers, ticket cards


@dataclass(frozen=True)
class Choice:
    number: int
    label: str
    article_id: str | None = None
    says: str | None = None  # what choosing it sends, when not the number ("enhet 2")

    @property
    def text(self) -> str:
        return self.says or str(self.number)


@dataclass(frozen=True)
class Reply:
    """A reply in light Markdown (``**bold**``, ``- `` lists); adapters render it."""

    kind: ReplyKind
    text: str
    choices: tuple[Choice, ...] = ()
    article_id: str | None = None
    area_id: str | None = None
    asks_feedback: bool = False
    offers_route: bool = False  # asks "shall I pass it on?": ja/nej
    ticket_id: int | None = None
    # What the reply asks about ("ticket:42", "question:17"): buttons and reactions on it
    # answer that, not whatever the conversation waits for by the time they are pressed.
    about: str | None = None
    outbox_id: int | None = None  # set when the reply waits in the outbox for delivery
    retry: bool = False  # nothing was stored: the same message should be handled again later
    language: str = "sv"  # the language the reply is written in: its buttons follow it
    # Matrix, which has no buttons: offer the choices as reactions (1️⃣ 2️⃣ …) on the message
    react: bool = False
    # A checklist: each number's choices answer on their own, so a press leaves the
    # other numbers' buttons (Teams draws the card again without the pressed number's)
    each: bool = False

    def to_payload(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "choices": [[c.number, c.label, c.article_id, c.says] for c in self.choices],
            "article_id": self.article_id,
            "area_id": self.area_id,
            "asks_feedback": self.asks_feedback,
            "offers_route": self.offers_route,
            "ticket_id": self.ticket_id,
            "about": self.about,
            "language": self.language,
            "react": self.react,
            "each": self.each,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> Reply:
        choices = payload.get("choices") or []
        assert isinstance(choices, list)
        ticket = payload.get("ticket_id")
        return cls(
            kind=ReplyKind(str(payload.get("kind", "info"))),
            text=str(payload.get("text", "")),
            choices=tuple(Choice(int(c[0]), str(c[1]), c[2], *c[3:4]) for c in choices),
            article_id=payload.get("article_id"),  # type: ignore[arg-type]
            area_id=payload.get("area_id"),  # type: ignore[arg-type]
            asks_feedback=bool(payload.get("asks_feedback")),
            offers_route=bool(payload.get("offers_route")),
            ticket_id=int(ticket) if isinstance(ticket, int) else None,
            about=str(payload["about"]) if payload.get("about") else None,
            language=str(payload.get("language") or "sv"),
            react=bool(payload.get("react")),
            each=bool(payload.get("each")),
        )

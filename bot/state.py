"""What the bot remembers between two messages of one conversation, and the port
that stores it (in memory for the terminal; in the database later)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Awaiting(StrEnum):
    NOTHING = ""
    CLARIFY = "clarify"  # numbered article choices are open
    FEEDBACK = "feedback"  # an answer was given: ja/nej, or a follow-up number
    ROUTE_OFFER = "route_offer"  # "shall I pass it on?" was asked


@dataclass(frozen=True)
class ConversationState:
    awaiting: Awaiting = Awaiting.NOTHING
    question: str = ""
    choices: tuple[str, ...] = ()  # article ids behind the numbers 1..n
    article_id: str | None = None  # the article last answered with
    area_id: str | None = None  # the area a route offer would go to


class StateStore(Protocol):
    def get(self, key: str) -> ConversationState: ...

    def put(self, key: str, state: ConversationState) -> None: ...


class MemoryStateStore:
    def __init__(self) -> None:
        self._states: dict[str, ConversationState] = {}

    def get(self, key: str) -> ConversationState:
        return self._states.get(key, ConversationState())

    def put(self, key: str, state: ConversationState) -> None:
        self._states[key] = state

"""What the bot remembers between two messages of one person in one conversation.
Stored as JSON in the database, so a restart forgets nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any


class Awaiting(StrEnum):
    NOTHING = ""
    CLARIFY = "clarify"  # numbered article choices are open
    FEEDBACK = "feedback"  # an answer was given: ja/nej, or a follow-up number
    ROUTE_OFFER = "route_offer"  # "shall I pass it on?" was asked
    UNIT = "unit"  # "which förvaltning do you work in?" was asked
    TICKET_FEEDBACK = "ticket_feedback"  # staff answered a ticket: "did it solve it?"
    TICKET_INFO = "ticket_info"  # staff asked the asker: the next message is the reply
    RATING = "rating"  # a ticket closed: "how satisfied, 1-5?"
    # the yearly question to the people an area served (bot/survey.py): its three steps
    SURVEY_SUPPORTED = "survey_supported"  # 1-5
    SURVEY_FINDABLE = "survey_findable"  # 1-5
    SURVEY_IMPROVE = "survey_improve"  # free text, or skipped
    INTRO = "intro"  # a new manager's checklist: its number opens an article


SURVEY_STEPS = (Awaiting.SURVEY_SUPPORTED, Awaiting.SURVEY_FINDABLE, Awaiting.SURVEY_IMPROVE)


@dataclass(frozen=True)
class ConversationState:
    awaiting: Awaiting = Awaiting.NOTHING
    question: str = ""
    choices: tuple[str, ...] = ()  # ids behind the numbers 1..n (articles or units)
    article_id: str | None = None  # the article last answered with
    area_id: str | None = None  # the area a route offer would go to
    question_id: int | None = None  # the demand-log row of the question
    ticket_id: int | None = None
    picked: bool = False  # the article was picked from a clarify list (its "ja" teaches)
    # a survey under way (``area_id``'s of ``year``) and its answers so far: kept here,
    # with the person's key, only until they finish, then written without it
    year: int | None = None
    supported: int | None = None
    findable: int | None = None

    @property
    def about(self) -> str | None:
        """What a button press or reaction must be about to answer this state (the
        same value as the ``Reply.about`` that asked)."""
        if self.awaiting is Awaiting.TICKET_FEEDBACK:
            return f"ticket:{self.ticket_id}"
        if self.awaiting is Awaiting.RATING:
            return f"rating:{self.ticket_id}"
        if self.awaiting in (Awaiting.FEEDBACK, Awaiting.CLARIFY, Awaiting.ROUTE_OFFER):
            return f"question:{self.question_id}"
        if self.awaiting in SURVEY_STEPS:
            step = SURVEY_STEPS.index(self.awaiting) + 1
            return f"survey:{self.year}:{self.area_id}:q{step}"
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["choices"] = list(self.choices)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["awaiting"] = Awaiting(values.get("awaiting", ""))
        values["choices"] = tuple(values.get("choices", ()))
        return cls(**values)

"""Tickets: the life cycle, and the domain errors staff and askers meet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    WAITING = "waiting"  # for the asker to add information
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


CLAIMABLE = (Status.OPEN, Status.REOPENED)
ACTIVE = (Status.OPEN, Status.CLAIMED, Status.WAITING, Status.REOPENED)


@dataclass(frozen=True)
class Ticket:
    id: int
    area_id: str
    original_area_id: str
    status: Status
    asker_id: str
    channel: str
    conversation_id: str
    address: str
    language: str
    unit_id: str | None
    question: str | None
    article_id: str | None
    question_id: int | None
    claimed_by: str | None
    created_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    claim_due: datetime
    resolve_due: datetime
    escalated_at: datetime | None
    route_confidence: float
    route_reason: str
    reopened: int
    version: int
    # the room or channel the question was asked in, where others read along (None: a
    # direct chat); notices about the ticket then say only that there is news
    shared_in: str | None = None
    answer_article: str | None = None  # staff answered with this article (svara N #id)
    rating: int | None = None  # the asker's 1-5 once it is closed
    merged_into: int | None = None  # a duplicate of that ticket: closed, its asker follows it


@dataclass(frozen=True)
class TicketEvent:
    ticket_id: int
    at: datetime
    actor: str
    kind: str  # created, asker_info, answer, question_to_asker, note, transfer, status
    text: str | None
    visible_to_asker: bool
    area_id: str | None = None  # the area that held the ticket when this was written


class TicketError(Exception):
    """A rule of the life cycle was broken; the message key says which."""

    key = "ticket_error"

    def __init__(self, ticket_id: int, **details: object) -> None:
        super().__init__(ticket_id, details)
        self.ticket_id = ticket_id
        self.details = details


class NotFound(TicketError):
    key = "ticket_not_found"


class NotAllowed(TicketError):
    key = "ticket_not_allowed"


class NotHere(TicketError):
    """Ticket text asked for in a room or channel where others read along."""

    key = "not_here"


class AlreadyClaimed(TicketError):
    key = "ticket_already_claimed"


class WrongState(TicketError):
    key = "ticket_wrong_state"

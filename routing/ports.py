"""Ports the core needs from storage. ``adapters/sql`` implements them on
SQLite and PostgreSQL; one transaction (``Store.transaction``) is one unit of
work: everything written in it commits together or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from routing.retention import Cutoffs, Due
from routing.tickets import Status, Ticket, TicketEvent


class StoreUnavailable(Exception):
    """The database cannot be reached right now; the caller should say "try again"."""


@dataclass(frozen=True)
class QuestionEntry:
    asked_at: datetime
    channel: str
    user_id: str
    unit_id: str | None
    area_id: str | None
    outcome: str  # answered, clarified, routed
    article_id: str | None = None
    ticket_id: int | None = None
    score: float | None = None
    text: str | None = None


@dataclass(frozen=True)
class QuestionRow(QuestionEntry):
    id: int = 0
    feedback: str | None = None
    feedback_at: datetime | None = None


@dataclass(frozen=True)
class NewTicket:
    area_id: str
    asker_id: str
    channel: str
    conversation_id: str
    address: str
    language: str
    unit_id: str | None
    question: str
    article_id: str | None
    question_id: int | None
    created_at: datetime
    claim_due: datetime
    resolve_due: datetime
    route_confidence: float
    route_reason: str
    shared_in: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """A message to deliver: where, to whom, and what (a JSON-able payload)."""

    channel: str
    conversation_id: str
    kind: str
    payload: dict[str, Any]
    address: str = ""
    user_id: str | None = None
    dedupe_key: str | None = None  # at most one row per key, ever
    # The ticket it is sent about (a receipt, a notice to the asker, a card, an
    # escalation, a registration): one of the ticket's records' messages.
    ticket_id: int | None = None


@dataclass(frozen=True)
class OutboxItem(Outgoing):
    id: int = 0
    txn_id: str = ""
    created_at: datetime | None = None
    attempts: int = 0
    sent_at: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    old: str | None = None
    new: str | None = None


class InboundRepo(Protocol):
    def first_time(self, channel: str, event_id: str, at: datetime) -> bool:
        """Record an inbound event; False if it was seen before (a redelivery)."""


@dataclass(frozen=True)
class Direct:
    """A person's direct chat with the bot: where a job may write to them first."""

    channel: str
    conversation_id: str
    address: str = ""


class PeopleRepo(Protocol):
    def unit(self, user_id: str) -> str | None: ...

    def set_unit(self, user_id: str, unit_id: str, at: datetime) -> None: ...

    def language(self, user_id: str) -> str | None:
        """The language the person chose (``språk engelska``), or None."""

    def set_language(self, user_id: str, language: str, at: datetime) -> None: ...

    def display_name(self, user_id: str) -> str | None:
        """The name the person's client showed last, for others to read; never for access."""

    def set_display_name(self, user_id: str, name: str, at: datetime) -> None: ...

    def display_names(self) -> list[str]:
        """Every display name stored, once each (to mask them where text is shown)."""

    def direct(self, user_id: str) -> Direct | None:
        """Where the person last wrote to the bot alone (not in a shared room), or None."""

    def set_direct(self, user_id: str, where: Direct, at: datetime) -> None: ...


@dataclass(frozen=True)
class IntroPerson:
    """A new manager on the introduction path: week 1 is the week of ``start``.
    ``shown``: the article ids of the last checklist they got, in its order (what a
    typed ``klart 2`` means), ``shown_week`` its path week; ``source``: "file" (the
    organisation file) or "chat"."""

    user_id: str
    start: date
    source: str
    enrolled_at: datetime
    left_at: datetime | None = None
    ended_at: datetime | None = None
    shown: tuple[str, ...] = ()
    shown_week: int = 0  # the path week of that checklist (0: none yet)


@dataclass(frozen=True)
class IntroItem:
    """One path article of one manager: done, or postponed to a path week."""

    article_id: str
    done_at: datetime | None = None
    later_week: int | None = None


class IntroRepo(Protocol):
    def enrol(self, user_id: str, start: date, source: str, at: datetime) -> bool:
        """Put ``user_id`` on the path; False (and nothing changes) if they were on it."""

    def get(self, user_id: str) -> IntroPerson | None: ...

    def everyone(self) -> list[IntroPerson]:
        """Everyone ever enrolled, also those who left or finished."""

    def set_left(self, user_id: str, at: datetime | None) -> None:
        """Off the path at ``at`` (``avsluta introduktion``); None: back on it."""

    def set_ended(self, user_id: str, at: datetime) -> bool:
        """The path is over (after its last week); False if it was already."""

    def set_shown(self, user_id: str, article_ids: Sequence[str], week: int) -> None:
        """The checklist they were just shown (of path week ``week``), in its order."""

    def items(self, user_id: str) -> dict[str, IntroItem]:
        """The articles they marked done or postponed, by id."""

    def mark_done(self, user_id: str, article_id: str, at: datetime) -> bool:
        """False if it was done already (the first time stands)."""

    def postpone(self, user_id: str, article_id: str, week: int) -> None:
        """Show it again in path week ``week`` (not if done)."""


class StateRepo(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, state: dict[str, Any], at: datetime) -> None: ...

    def updated_at(self, key: str) -> datetime | None:
        """When the state under ``key`` was last written (None: there is none)."""


class QuestionRepo(Protocol):
    def log(self, entry: QuestionEntry) -> int: ...

    def set_feedback(self, question_id: int, feedback: str, at: datetime) -> None: ...

    def link_ticket(self, question_id: int, ticket_id: int, area_id: str) -> None: ...

    def update(self, question_id: int, **changes: Any) -> None: ...

    def set_missing_unit(self, user_id: str, unit_id: str, since: datetime) -> int:
        """Count ``user_id``'s questions since ``since`` that have no unit in
        ``unit_id`` (they were asked before the unit was known); how many."""

    def between(self, start: datetime, end: datetime) -> list[QuestionRow]: ...

    def purge_text(self, cutoffs: Cutoffs) -> dict[str, dict[str, int]]:
        """Clear what people wrote before each group's cutoff (routing/retention.py), in
        every table that holds it; how many rows per group and ``table.column``."""

    def retention_forecast(self, cutoffs: Cutoffs, horizon_days: int) -> list[Due]:
        """What ``purge_text`` would clear now, per column and area, and when more rows
        will be reached in the next ``horizon_days`` days. Writes nothing."""


class TicketRepo(Protocol):
    def create(self, new: NewTicket) -> Ticket: ...

    def get(self, ticket_id: int) -> Ticket | None: ...

    def claim(self, ticket_id: int, staff_id: str, at: datetime) -> bool:
        """One conditional UPDATE: True only for the one caller that got it."""

    def update(self, ticket: Ticket, **changes: Any) -> Ticket | None:
        """Apply ``changes`` if nobody changed the ticket since it was read (version check)."""

    def for_asker(self, user_id: str) -> list[Ticket]: ...

    def queue(self, area_ids: Sequence[str], statuses: Sequence[Status]) -> list[Ticket]: ...

    def unclaimed_past_due(self, now: datetime) -> list[Ticket]: ...

    def merged_into(self, ticket_id: int) -> list[Ticket]:
        """The duplicates merged into ``ticket_id``, oldest first."""

    def resolved_before(self, before: datetime) -> list[int]:
        """Ids of tickets still resolved (not confirmed, not closed) since before ``before``."""

    def mark_escalated(self, ticket_id: int, at: datetime) -> bool:
        """Conditional: True only the first time."""

    def created_between(self, start: datetime, end: datetime) -> list[Ticket]: ...

    def add_event(self, event: TicketEvent) -> None: ...

    def events(self, ticket_id: int) -> list[TicketEvent]: ...


class OutboxRepo(Protocol):
    def add(self, item: Outgoing, at: datetime) -> int | None:
        """Queue a message; None if its dedupe key was used before."""

    def pending(
        self, channel: str, user_id: str | None = None, limit: int = 100
    ) -> list[OutboxItem]: ...

    def claim(
        self, channel: str, owner: str, now: datetime, until: datetime, limit: int = 50
    ) -> list[OutboxItem]:
        """Lease pending rows to ``owner`` until ``until`` and return them, oldest first:
        rows nobody holds, whose lease expired, or that ``owner`` holds already. A row
        is left while an older pending row of its conversation is not in the claim, so
        each conversation stays in order. Two callers never get the same row."""

    def renew(self, item_ids: Sequence[int], owner: str, until: datetime) -> list[int]:
        """Extend ``owner``'s leases of these unsent rows; the ids it still holds."""

    def mark_sent(self, item_id: int, at: datetime, owner: str | None = None) -> bool:
        """Mark delivered; with ``owner``, only while it holds the row's lease."""

    def exists(self, dedupe_key: str) -> bool: ...

    def mark_attempt(self, item_id: int) -> None: ...

    def payload(self, item_id: int) -> dict[str, Any] | None:
        """What row ``item_id`` carries (None once retention has emptied or deleted it)."""

    def about_ticket(self, ticket_id: int) -> list[OutboxItem]:
        """The messages queued about ``ticket_id``, sent or not, oldest first."""


class AuditRepo(Protocol):
    def append(self, entry: AuditEntry) -> None: ...

    def for_entity(self, entity: str, entity_id: str) -> list[AuditEntry]: ...


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    event_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class FailedInboxItem:
    id: int
    channel: str
    event_id: str
    received_at: datetime
    failed_at: datetime
    attempts: int
    error: str


class InboxRepo(Protocol):
    def add(self, channel: str, event_id: str, payload: dict[str, Any], at: datetime) -> bool:
        """Store a platform event for processing; False if it is already there."""

    def pending(self, channel: str, limit: int = 100) -> list[InboxItem]: ...

    def mark_processed(self, item_id: int, at: datetime) -> None: ...

    def attempt_failed(self, item_id: int, error: str, at: datetime, limit: int) -> bool:
        """Count a failed attempt; True if it was the ``limit``-th and the item is now set
        aside (processed and failed), so the queue goes on without it."""

    def failed(self, limit: int = 100) -> list[FailedInboxItem]:
        """What was set aside, newest first."""


class LeaseRepo(Protocol):
    """Named leases: one holder at a time (e.g. the one instance that syncs Matrix)."""

    def acquire(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take or extend the lease if it is free, expired or ``owner``'s already."""

    def renew(self, name: str, owner: str, until: datetime) -> bool:
        """Extend the lease only if ``owner`` still has it (never takes a free one)."""

    def release(self, name: str, owner: str) -> None: ...


@dataclass(frozen=True)
class Suggestion:
    """A person's wording, masked, offered to an area lead as a phrasing of an article
    (issue 13). Its text is cleared once decided: an accepted one lives in the article
    file, a skipped one is kept only as a fingerprint, so it is not suggested again."""

    id: int
    article_id: str
    area_id: str | None
    text: str | None
    source: str  # clarify (picked, then said it helped) or ticket (svara N #artikel)
    status: str  # pending, accepted, skipped
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None


class SuggestionRepo(Protocol):
    def add(
        self, article_id: str, area_id: str | None, text: str, source: str, at: datetime
    ) -> int | None:
        """None when this wording was suggested for this article before (also a skipped one)."""

    def get(self, suggestion_id: int) -> Suggestion | None:
        """Locked until the transaction ends: two leads deciding it at once take turns,
        so that the second sees it decided before it writes anything."""

    def pending(self, area_ids: Sequence[str] | None = None) -> list[Suggestion]:
        """Pending suggestions, oldest first; of these areas only, when given."""

    def decide(self, suggestion_id: int, status: str, by: str, at: datetime) -> Suggestion | None:
        """Conditional: only a pending one. Returns it as it was (with its text), and
        clears the text in the database."""


@dataclass(frozen=True)
class SurveyAnswer:
    """One person's answers to an area's yearly questions, without who gave them: no
    user id and no time finer than the year (``supported`` and ``findable`` 1-5 or None,
    ``improve`` masked free text or None)."""

    area_id: str
    unit_id: str | None
    year: int
    supported: int | None
    findable: int | None
    improve: str | None


@dataclass(frozen=True)
class SurveySend:
    """That ``user_id`` is to be, or was, asked ``area_id``'s questions of ``year``:
    queued (``sent_at`` None), sent, reminded once, finished (answered or skipped)."""

    user_id: str
    area_id: str
    year: int
    sent_at: datetime | None = None
    reminded_at: datetime | None = None
    finished: bool = False


class SurveyRepo(Protocol):
    """The yearly question to the people an area served. The yearly analysis reads
    ``answers`` and ``asked``; the rest is the job's and the conversation's."""

    def answers(self, area_id: str, year: int) -> list[SurveyAnswer]:
        """The finished answers of ``area_id``'s survey of ``year``, in no meaningful order."""

    def asked(self, area_id: str, year: int) -> int:
        """How many people were sent ``area_id``'s questions of ``year``."""

    def start_run(self, area_id: str, year: int, at: datetime) -> bool:
        """Conditional: True only for the first caller per area and year (the run that
        decides who is asked)."""

    def queue(self, user_id: str, area_id: str, year: int) -> bool:
        """A send to make, once per person, area and year; False if there is one."""

    def queued(self, user_id: str | None = None) -> list[SurveySend]:
        """Sends not made yet (of ``user_id`` only, when given), oldest first."""

    def send(self, user_id: str, area_id: str, year: int) -> SurveySend | None: ...

    def open_sends(self, user_id: str) -> list[SurveySend]:
        """The person's sends that were made and are not finished."""

    def mark_sent(self, user_id: str, area_id: str, year: int, at: datetime) -> bool:
        """Conditional: True only the first time."""

    def due_reminders(self, sent_before: datetime) -> list[SurveySend]:
        """Sends made before ``sent_before``, not finished and not reminded yet."""

    def mark_reminded(self, user_id: str, area_id: str, year: int, at: datetime) -> bool:
        """Conditional: True only the first time, and only while not finished."""

    def finish(self, user_id: str, area_id: str, year: int, answer: SurveyAnswer | None) -> bool:
        """Conditional: mark the send finished and store ``answer`` (apart from the send:
        nothing joins them) in one step; False, storing nothing, when it was already."""

    def opted_out(self, user_id: str) -> bool:
        """The person wrote ``inga enkäter``."""

    def set_opted_out(self, user_id: str, off: bool, at: datetime) -> None: ...


class AdapterStateRepo(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str, at: datetime) -> None: ...


@dataclass
class Tx:
    """The repositories of one open transaction."""

    inbound: InboundRepo
    people: PeopleRepo
    states: StateRepo
    questions: QuestionRepo
    tickets: TicketRepo
    outbox: OutboxRepo
    audit: AuditRepo
    adapter: AdapterStateRepo
    inbox: InboxRepo
    leases: LeaseRepo
    suggestions: SuggestionRepo
    surveys: SurveyRepo
    intro: IntroRepo
    extra: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[Tx]: ...

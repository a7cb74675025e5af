"""A ticket as a public record (TF 2 kap.): its whole history, for a disclosure request
and for the registry. Pure: read from one transaction, no rendering (that is
``adapters/records``). ``released`` gives the version to hand out after the secrecy
review: every text masked and people's ids replaced by roles."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from knowledge.masking import mask, mask_messages
from knowledge.model import Organisation
from routing.ports import Tx

SYSTEM = "stodbot"
SECRECY = "Sekretessprövning krävs (OSL 39 kap.)"
ASKER_ROLE = "Frågeställaren"
STAFF_ROLE = "Handläggare"
SYSTEM_ROLE = "Stödbot"
_TRANSFER = re.compile(r"^(?P<src>\S+) → (?P<dst>\S+): ?(?P<reason>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Entry:
    """One event of the ticket's history (``kind`` as ``TicketEvent.kind``)."""

    at: datetime
    actor: str
    kind: str
    text: str | None
    visible_to_asker: bool
    area_id: str | None


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    actor: str
    action: str  # the audit log's action: create, claim, resolve, close, auto_close, …
    old: str | None
    new: str


@dataclass(frozen=True)
class Transfer:
    at: datetime
    actor: str
    from_area: str
    to_area: str
    reason: str


@dataclass(frozen=True)
class Logged:
    """One audit-log entry about the ticket: who did what, when (an export too)."""

    at: datetime
    actor: str
    action: str


@dataclass(frozen=True)
class Message:
    """A message the bot sent (or has still to send) about the ticket: the receipt, a
    notice to the asker, a card or notice in the area's room, an escalation, a
    registration. ``to``: the person (``person``), else the room, channel or registry;
    ``text`` None once retention has emptied it, and for a registration (the record
    itself is what is sent)."""

    at: datetime
    sent_at: datetime | None
    channel: str
    to: str
    person: bool
    kind: str
    text: str | None


@dataclass(frozen=True)
class Record:
    ticket_id: int
    municipality: str
    area_id: str
    area_name: str
    original_area_id: str
    areas: tuple[str, ...]  # every area that held it, first to last
    confidential: bool  # one of them is: the secrecy review comes first
    status: str
    asker: str
    channel: str
    unit_id: str | None
    question: str | None
    claimed_by: str | None
    created_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    rating: int | None
    merged_into: int | None
    merged_from: tuple[int, ...]
    answer_article: str | None
    entries: tuple[Entry, ...]
    status_changes: tuple[StatusChange, ...]
    transfers: tuple[Transfer, ...]
    masked: bool = False
    audit: tuple[Logged, ...] = ()  # every audit entry about it: exports, notes, ratings
    messages: tuple[Message, ...] = ()  # what the bot sent about it (expedierat)


def _loads(value: str | None) -> dict[str, object]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def build(tx: Tx, org: Organisation, ticket_id: int) -> Record | None:
    """The full, unmasked record of ``ticket_id``; None if there is no such ticket."""
    ticket = tx.tickets.get(ticket_id)
    if ticket is None:
        return None
    events = tx.tickets.events(ticket_id)
    entries = tuple(
        Entry(e.at, e.actor, e.kind, e.text, e.visible_to_asker, e.area_id) for e in events
    )
    transfers = []
    for e in events:
        found = _TRANSFER.match(e.text or "") if e.kind == "transfer" else None
        if found:
            transfers.append(Transfer(e.at, e.actor, found["src"], found["dst"], found["reason"]))
    changes = []
    logged = []
    for a in tx.audit.for_entity("ticket", str(ticket_id)):
        logged.append(Logged(a.at, a.actor, a.action))
        new, old = _loads(a.new), _loads(a.old)
        if a.action == "create":
            changes.append(StatusChange(a.at, a.actor, a.action, None, "open"))
        elif "status" in new:
            before = old.get("status")
            changes.append(
                StatusChange(
                    a.at,
                    a.actor,
                    a.action,
                    None if before is None else str(before),
                    str(new["status"]),
                )
            )
    messages = tuple(
        Message(
            m.created_at or ticket.created_at,
            m.sent_at,
            m.channel,
            m.user_id or m.conversation_id,
            m.user_id is not None,
            m.kind,
            text if isinstance(text := m.payload.get("text"), str) else None,
        )
        for m in tx.outbox.about_ticket(ticket_id)
    )
    areas = [ticket.original_area_id]
    for t in transfers:
        areas.extend(x for x in (t.from_area, t.to_area) if x not in areas)
    if ticket.area_id not in areas:
        areas.append(ticket.area_id)
    confidential = any((held := org.area(x)) is not None and held.confidential for x in areas)
    area = org.area(ticket.area_id)
    return Record(
        ticket_id=ticket.id,
        municipality=org.municipality,
        area_id=ticket.area_id,
        area_name=area.name if area else ticket.area_id,
        original_area_id=ticket.original_area_id,
        areas=tuple(areas),
        confidential=confidential,
        status=ticket.status.value,
        asker=ticket.asker_id,
        channel=ticket.channel,
        unit_id=ticket.unit_id,
        question=ticket.question,
        claimed_by=ticket.claimed_by,
        created_at=ticket.created_at,
        claimed_at=ticket.claimed_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        escalated_at=ticket.escalated_at,
        rating=ticket.rating,
        merged_into=ticket.merged_into,
        merged_from=tuple(t.id for t in tx.tickets.merged_into(ticket_id)),
        answer_article=ticket.answer_article,
        entries=entries,
        status_changes=tuple(sorted(changes, key=lambda c: c.at)),
        transfers=tuple(transfers),
        audit=tuple(logged),
        messages=messages,
    )


class Roles:
    """People's ids as roles, the same id always the same role: the asker is
    Frågeställaren, the bot Stödbot, everyone else Handläggare 1, 2 … in order of
    first appearance."""

    def __init__(self, asker: str) -> None:
        self._of = {asker: ASKER_ROLE, SYSTEM: SYSTEM_ROLE}

    def __call__(self, user: str | None) -> str | None:
        if user is None:
            return None
        if user not in self._of:
            n = sum(1 for r in self._of.values() if r.startswith(STAFF_ROLE)) + 1
            self._of[user] = f"{STAFF_ROLE} {n}"
        return self._of[user]

    def in_text(self, text: str) -> str:
        """``text`` with every id seen so far replaced by its role (longest first)."""
        for user in sorted(self._of, key=len, reverse=True):
            if user != SYSTEM:
                text = text.replace(user, self._of[user])
        return text


def released(record: Record, names: Iterable[str]) -> Record:
    """The version to release after the secrecy review: every text masked (``mask``
    with the organisation's ``names``; each person's texts together, ``mask_messages``)
    and every person's id a role."""
    known = tuple(names)
    role = Roles(record.asker)
    for user in (*(e.actor for e in record.entries), record.claimed_by):
        role(user)
    for user in (*(c.actor for c in record.status_changes), *(t.actor for t in record.transfers)):
        role(user)
    for user in (a.actor for a in record.audit):
        role(user)
    for user in (m.to for m in record.messages if m.person):
        role(user)

    def text(value: str | None) -> str | None:
        return None if value is None else mask(role.in_text(value), known)

    # Each person's texts in order (the asker's question first) are masked as one: what
    # they split over two messages ("850312", then "-2384") is found across them.
    texts = [record.question, *(e.text for e in record.entries)]
    authors = [record.asker, *(e.actor for e in record.entries)]
    masked = list(texts)  # an empty or emptied text stays as it is; the rest below
    chains: dict[str, list[int]] = {}
    for i, (author, value) in enumerate(zip(authors, texts, strict=True)):
        if value:
            chains.setdefault(author, []).append(i)
    for chain in chains.values():
        parts = [role.in_text(texts[i] or "") for i in chain]
        for i, done in zip(chain, mask_messages(parts, known), strict=True):
            masked[i] = done
    question, entry_texts = masked[0], masked[1:]
    # A transfer's reason is its event's text after "hr → it: ", masked with it.
    reasons: dict[tuple[datetime, str], str] = {}
    for e, shown in zip(record.entries, entry_texts, strict=True):
        if e.kind == "transfer" and (found := _TRANSFER.match(shown or "")):
            reasons[(e.at, e.actor)] = found["reason"]

    return replace(
        record,
        asker=ASKER_ROLE,
        claimed_by=role(record.claimed_by),
        question=question,
        entries=tuple(
            replace(e, actor=role(e.actor) or "", text=done)
            for e, done in zip(record.entries, entry_texts, strict=True)
        ),
        status_changes=tuple(replace(c, actor=role(c.actor) or "") for c in record.status_changes),
        transfers=tuple(
            replace(
                t,
                actor=role(t.actor) or "",
                reason=reasons.get((t.at, t.actor), text(t.reason) or ""),
            )
            for t in record.transfers
        ),
        audit=tuple(replace(a, actor=role(a.actor) or "") for a in record.audit),
        messages=tuple(
            replace(m, to=(role(m.to) if m.person else text(m.to)) or "", text=text(m.text))
            for m in record.messages
        ),
        masked=True,
    )

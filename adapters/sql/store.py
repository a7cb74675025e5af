"""The storage ports on SQLAlchemy Core: one ``Store``, repositories per table."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from adapters.sql import retention
from adapters.sql import tables as t
from adapters.sql.audit_chain import entry_hash, key_id, next_link
from adapters.sql.intro import SqlIntro
from adapters.sql.leases import SqlLeases
from adapters.sql.once import insert_once
from adapters.sql.surveys import SqlSurveys
from adapters.sql.tables import as_utc
from routing.ports import (
    AuditEntry,
    Direct,
    FailedInboxItem,
    InboxItem,
    NewTicket,
    OutboxItem,
    Outgoing,
    QuestionEntry,
    QuestionRow,
    StoreUnavailable,
    Suggestion,
    Tx,
)
from routing.retention import Cutoffs, Due
from routing.tickets import Status, Ticket, TicketEvent


class SqlInbound:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def first_time(self, channel: str, event_id: str, at: datetime) -> bool:
        stmt = insert(t.inbound_events).values(channel=channel, event_id=event_id, received_at=at)
        return insert_once(self.conn, stmt)


class SqlPeople:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def unit(self, user_id: str) -> str | None:
        return self.conn.execute(
            select(t.people.c.unit_id).where(t.people.c.user_id == user_id)
        ).scalar_one_or_none()

    def set_unit(self, user_id: str, unit_id: str, at: datetime) -> None:
        self._set(user_id, at, unit_id=unit_id)

    def language(self, user_id: str) -> str | None:
        return self.conn.execute(
            select(t.people.c.language).where(t.people.c.user_id == user_id)
        ).scalar_one_or_none()

    def set_language(self, user_id: str, language: str, at: datetime) -> None:
        self._set(user_id, at, language=language)

    def display_name(self, user_id: str) -> str | None:
        return self.conn.execute(
            select(t.people.c.display_name).where(t.people.c.user_id == user_id)
        ).scalar_one_or_none()

    def set_display_name(self, user_id: str, name: str, at: datetime) -> None:
        self._set(user_id, at, display_name=name)

    def display_names(self) -> list[str]:
        c = t.people.c
        rows = self.conn.execute(
            select(c.display_name).where(c.display_name.is_not(None)).distinct()
        ).scalars()
        return sorted(n for n in rows if n)

    def direct(self, user_id: str) -> Direct | None:
        p = t.people.c
        row = self.conn.execute(
            select(p.direct_channel, p.direct_conversation, p.direct_address).where(
                p.user_id == user_id
            )
        ).one_or_none()
        if row is None or not row.direct_channel or not row.direct_conversation:
            return None
        return Direct(row.direct_channel, row.direct_conversation, row.direct_address or "")

    def set_direct(self, user_id: str, where: Direct, at: datetime) -> None:
        if self.direct(user_id) != where:
            self._set(
                user_id,
                at,
                direct_channel=where.channel,
                direct_conversation=where.conversation_id,
                direct_address=where.address,
            )

    def _set(self, user_id: str, at: datetime, **values: str) -> None:
        done = self.conn.execute(
            update(t.people).where(t.people.c.user_id == user_id).values(updated_at=at, **values)
        )
        if done.rowcount == 0:
            self.conn.execute(insert(t.people).values(user_id=user_id, updated_at=at, **values))


class SqlStates:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self.conn.execute(
            select(t.conversation_states.c.state).where(t.conversation_states.c.key == key)
        ).scalar_one_or_none()
        return None if raw is None else dict(json.loads(raw))

    def put(self, key: str, state: dict[str, Any], at: datetime) -> None:
        raw = json.dumps(state, ensure_ascii=False)
        tbl = t.conversation_states
        done = self.conn.execute(
            update(tbl).where(tbl.c.key == key).values(state=raw, updated_at=at)
        )
        if done.rowcount == 0:
            self.conn.execute(insert(tbl).values(key=key, state=raw, updated_at=at))

    def updated_at(self, key: str) -> datetime | None:
        c = t.conversation_states.c
        found = self.conn.execute(select(c.updated_at).where(c.key == key)).scalar_one_or_none()
        return as_utc(found)


class SqlQuestions:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def log(self, entry: QuestionEntry) -> int:
        result = self.conn.execute(
            insert(t.questions).values(**asdict(entry)).returning(t.questions.c.id)
        )
        return int(result.scalar_one())

    def set_feedback(self, question_id: int, feedback: str, at: datetime) -> None:
        self.conn.execute(
            update(t.questions)
            .where(t.questions.c.id == question_id)
            .values(feedback=feedback, feedback_at=at)
        )

    def link_ticket(self, question_id: int, ticket_id: int, area_id: str) -> None:
        self.conn.execute(
            update(t.questions)
            .where(t.questions.c.id == question_id)
            .values(ticket_id=ticket_id, area_id=area_id)
        )

    def set_missing_unit(self, user_id: str, unit_id: str, since: datetime) -> int:
        q = t.questions.c
        result = self.conn.execute(
            update(t.questions)
            .where(and_(q.user_id == user_id, q.unit_id.is_(None), q.asked_at >= since))
            .values(unit_id=unit_id)
        )
        return int(result.rowcount or 0)

    def update(self, question_id: int, **changes: Any) -> None:
        self.conn.execute(
            update(t.questions).where(t.questions.c.id == question_id).values(**changes)
        )

    def between(self, start: datetime, end: datetime) -> list[QuestionRow]:
        rows = self.conn.execute(
            select(t.questions)
            .where(and_(t.questions.c.asked_at >= start, t.questions.c.asked_at < end))
            .order_by(t.questions.c.id)
        ).mappings()
        names = {f.name for f in fields(QuestionRow)}
        out = []
        for r in rows:
            out.append(QuestionRow(**{k: v for k, v in r.items() if k in names}))
        return out

    def purge_text(self, cutoffs: Cutoffs) -> dict[str, dict[str, int]]:
        """Everything that can hold what people wrote, older than its group's cutoff:
        question text; closed tickets' question and history; platform events (handled
        ones emptied, never-handled ones deleted); messages (sent ones emptied, unsent
        ones deleted, so nothing empty is ever sent); conversation state; suggestions;
        the free text of survey answers (adapters/sql/retention.py)."""
        return retention.purge(self.conn, cutoffs)

    def retention_forecast(self, cutoffs: Cutoffs, horizon_days: int) -> list[Due]:
        return retention.forecast(self.conn, cutoffs, horizon_days)


_TIME_FIELDS = (
    "created_at",
    "claimed_at",
    "resolved_at",
    "closed_at",
    "claim_due",
    "resolve_due",
    "escalated_at",
)


def _ticket(row: Any) -> Ticket:
    data = dict(row)
    data["status"] = Status(data["status"])
    return Ticket(**data)


class SqlTickets:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # Built once: compiling an INSERT per ticket costs more than the database does.
    # Only the id comes back: every other field is what was written.
    _CREATE = insert(t.tickets).returning(t.tickets.c.id)
    _NEW_FIELDS = tuple(f.name for f in fields(NewTicket))

    def create(self, new: NewTicket) -> Ticket:
        values: dict[str, Any] = {name: getattr(new, name) for name in self._NEW_FIELDS}
        values.update(
            status=Status.OPEN.value,
            original_area_id=new.area_id,
            reopened=0,
            version=1,
            claimed_by=None,
            claimed_at=None,
            resolved_at=None,
            closed_at=None,
            escalated_at=None,
        )
        ticket_id = self.conn.execute(self._CREATE, values).scalar_one()
        written = {**values, "id": ticket_id}
        for name in _TIME_FIELDS:  # as a read gives them back
            written[name] = as_utc(written[name])
        return _ticket(written)

    def get(self, ticket_id: int) -> Ticket | None:
        row = (
            self.conn.execute(select(t.tickets).where(t.tickets.c.id == ticket_id))
            .mappings()
            .first()
        )
        return None if row is None else _ticket(row)

    def claim(self, ticket_id: int, staff_id: str, at: datetime) -> bool:
        c = t.tickets.c
        done = self.conn.execute(
            update(t.tickets)
            .where(
                and_(
                    c.id == ticket_id,
                    c.claimed_by.is_(None),
                    c.status.in_([s.value for s in (Status.OPEN, Status.REOPENED)]),
                )
            )
            .values(
                claimed_by=staff_id,
                claimed_at=func.coalesce(c.claimed_at, at),
                status=Status.CLAIMED.value,
                version=c.version + 1,
            )
        )
        return done.rowcount == 1

    def update(self, ticket: Ticket, **changes: Any) -> Ticket | None:
        c = t.tickets.c
        values = {k: (v.value if isinstance(v, Status) else v) for k, v in changes.items()}
        done = self.conn.execute(
            update(t.tickets)
            .where(and_(c.id == ticket.id, c.version == ticket.version))
            .values(**values, version=c.version + 1)
        )
        return self.get(ticket.id) if done.rowcount == 1 else None

    def for_asker(self, user_id: str) -> list[Ticket]:
        rows = self.conn.execute(
            select(t.tickets).where(t.tickets.c.asker_id == user_id).order_by(t.tickets.c.id.desc())
        ).mappings()
        return [_ticket(r) for r in rows]

    def queue(self, area_ids: Sequence[str], statuses: Sequence[Status]) -> list[Ticket]:
        rows = self.conn.execute(
            select(t.tickets)
            .where(
                and_(
                    t.tickets.c.area_id.in_(list(area_ids)),
                    t.tickets.c.status.in_([s.value for s in statuses]),
                )
            )
            .order_by(t.tickets.c.claim_due, t.tickets.c.id)
        ).mappings()
        return [_ticket(r) for r in rows]

    def unclaimed_past_due(self, now: datetime) -> list[Ticket]:
        c = t.tickets.c
        rows = self.conn.execute(
            select(t.tickets)
            .where(
                and_(
                    c.claimed_by.is_(None),
                    c.escalated_at.is_(None),
                    c.claim_due < now,
                    c.status.in_([Status.OPEN.value, Status.REOPENED.value]),
                )
            )
            .order_by(c.id)
        ).mappings()
        return [_ticket(r) for r in rows]

    def merged_into(self, ticket_id: int) -> list[Ticket]:
        c = t.tickets.c
        rows = self.conn.execute(
            select(t.tickets).where(c.merged_into == ticket_id).order_by(c.id)
        ).mappings()
        return [_ticket(r) for r in rows]

    def resolved_before(self, before: datetime) -> list[int]:
        c = t.tickets.c
        return [
            int(i)
            for i in self.conn.execute(
                select(c.id)
                .where(and_(c.status == Status.RESOLVED.value, c.resolved_at < before))
                .order_by(c.id)
            ).scalars()
        ]

    def mark_escalated(self, ticket_id: int, at: datetime) -> bool:
        c = t.tickets.c
        done = self.conn.execute(
            update(t.tickets)
            .where(and_(c.id == ticket_id, c.escalated_at.is_(None)))
            .values(escalated_at=at)
        )
        return done.rowcount == 1

    def created_between(self, start: datetime, end: datetime) -> list[Ticket]:
        c = t.tickets.c
        rows = self.conn.execute(
            select(t.tickets).where(and_(c.created_at >= start, c.created_at < end)).order_by(c.id)
        ).mappings()
        return [_ticket(r) for r in rows]

    def add_event(self, event: TicketEvent) -> None:
        self.conn.execute(insert(t.ticket_events).values(**asdict(event)))

    def events(self, ticket_id: int) -> list[TicketEvent]:
        rows = self.conn.execute(
            select(t.ticket_events)
            .where(t.ticket_events.c.ticket_id == ticket_id)
            .order_by(t.ticket_events.c.id)
        ).mappings()
        return [
            TicketEvent(
                r["ticket_id"],
                r["at"],
                r["actor"],
                r["kind"],
                r["text"],
                bool(r["visible_to_asker"]),
                r["area_id"],
            )
            for r in rows
        ]


def _outbox_item(r: Any) -> OutboxItem:
    return OutboxItem(
        channel=r["channel"],
        conversation_id=r["conversation_id"],
        kind=r["kind"],
        payload=json.loads(r["payload"]),
        address=r["address"],
        user_id=r["user_id"],
        dedupe_key=r["dedupe_key"],
        id=r["id"],
        txn_id=r["txn_id"],
        created_at=r["created_at"],
        attempts=r["attempts"],
        ticket_id=r["ticket_id"],
        sent_at=r["sent_at"],
    )


class SqlOutbox:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, item: Outgoing, at: datetime) -> int | None:
        values = asdict(item)
        values["payload"] = json.dumps(item.payload, ensure_ascii=False)
        values.update(created_at=at, txn_id=uuid.uuid4().hex, attempts=0)
        if item.dedupe_key is not None:
            exists = self.conn.execute(
                select(t.outbox.c.id).where(t.outbox.c.dedupe_key == item.dedupe_key)
            ).first()
            if exists:
                return None
            try:
                with self.conn.begin_nested():
                    return int(
                        self.conn.execute(
                            insert(t.outbox).values(**values).returning(t.outbox.c.id)
                        ).scalar_one()
                    )
            except IntegrityError:
                return None
        return int(
            self.conn.execute(
                insert(t.outbox).values(**values).returning(t.outbox.c.id)
            ).scalar_one()
        )

    def pending(
        self, channel: str, user_id: str | None = None, limit: int = 100
    ) -> list[OutboxItem]:
        c = t.outbox.c
        cond = and_(c.channel == channel, c.sent_at.is_(None))
        if user_id is not None:
            cond = and_(cond, c.user_id == user_id)
        rows = self.conn.execute(
            select(t.outbox).where(cond).order_by(c.id).limit(limit)
        ).mappings()
        return [_outbox_item(r) for r in rows]

    def claim(
        self, channel: str, owner: str, now: datetime, until: datetime, limit: int = 50
    ) -> list[OutboxItem]:
        c = t.outbox.c
        pending = and_(c.channel == channel, c.sent_at.is_(None))
        free = or_(c.lease_until.is_(None), c.lease_until < now, c.lease_owner == owner)
        query = select(c.id, c.conversation_id).where(pending, free).order_by(c.id).limit(limit)
        if self.conn.dialect.name == "postgresql":  # rows another claim is taking: skipped
            query = query.with_for_update(skip_locked=True)
        rows = self.conn.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        # The oldest pending row of each conversation that this claim does not get (held
        # or being claimed by another instance): nothing after it may overtake it.
        blockers = dict(
            self.conn.execute(
                select(c.conversation_id, func.min(c.id))
                .where(pending, c.conversation_id.in_({r.conversation_id for r in rows}))
                .where(c.id.not_in(ids))
                .group_by(c.conversation_id)
            ).all()
        )
        keep = [r.id for r in rows if r.id < blockers.get(r.conversation_id, r.id + 1)]
        if not keep:
            return []
        self.conn.execute(
            update(t.outbox)
            .where(c.id.in_(keep), pending, free)  # conditional: the guard on SQLite
            .values(lease_owner=owner, lease_until=until)
        )
        got = self.conn.execute(
            select(t.outbox).where(c.id.in_(keep), c.lease_owner == owner).order_by(c.id)
        ).mappings()
        return [_outbox_item(r) for r in got]

    def renew(self, item_ids: Sequence[int], owner: str, until: datetime) -> list[int]:
        if not item_ids:
            return []
        c = t.outbox.c
        held = and_(c.id.in_(list(item_ids)), c.lease_owner == owner, c.sent_at.is_(None))
        self.conn.execute(update(t.outbox).where(held).values(lease_until=until))
        return [
            int(i) for i in self.conn.execute(select(c.id).where(held).order_by(c.id)).scalars()
        ]

    def mark_sent(self, item_id: int, at: datetime, owner: str | None = None) -> bool:
        c = t.outbox.c
        cond = and_(c.id == item_id, c.sent_at.is_(None))
        if owner is not None:
            cond = and_(cond, c.lease_owner == owner)
        done = self.conn.execute(
            update(t.outbox).where(cond).values(sent_at=at, lease_owner=None, lease_until=None)
        )
        return done.rowcount == 1

    def exists(self, dedupe_key: str) -> bool:
        return (
            self.conn.execute(
                select(t.outbox.c.id).where(t.outbox.c.dedupe_key == dedupe_key)
            ).first()
            is not None
        )

    def mark_attempt(self, item_id: int) -> None:
        self.conn.execute(
            update(t.outbox)
            .where(t.outbox.c.id == item_id)
            .values(attempts=t.outbox.c.attempts + 1)
        )

    def payload(self, item_id: int) -> dict[str, Any] | None:
        raw = self.conn.execute(
            select(t.outbox.c.payload).where(t.outbox.c.id == item_id)
        ).scalar_one_or_none()
        data = json.loads(raw) if raw else None
        return dict(data) if data else None  # "{}": emptied by retention

    def about_ticket(self, ticket_id: int) -> list[OutboxItem]:
        c = t.outbox.c
        rows = self.conn.execute(
            select(t.outbox).where(c.ticket_id == ticket_id).order_by(c.id)
        ).mappings()
        return [_outbox_item(r) for r in rows]


class AuditKeyMissing(RuntimeError):
    """The log is keyed and this process has no key: a plain row would break the
    chain for good (verify reports plain rows after keyed ones), so nothing is written."""


class SqlAudit:
    """Entries are written when the transaction commits (``flush``): the chain's lock is
    then held only for the commit itself, and always taken after every row lock the
    transaction holds, so two transactions can never wait for each other in a circle.
    With ``key`` (``STODBOT_AUDIT_KEY``) each row's hash is an HMAC under it."""

    def __init__(self, conn: Connection, key: bytes | None = None) -> None:
        self.conn = conn
        self._key = key
        self._key_id = key_id(key)
        self._pending: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self._pending.append(entry)

    def flush(self) -> None:
        """Append the pending entries as links of the hash chain (see ``audit_chain``)."""
        if not self._pending:
            return
        row_id, prev, last_key_id = next_link(self.conn)
        if last_key_id and not self._key_id:
            raise AuditKeyMissing(
                "granskningsloggen förs med nyckel, men STODBOT_AUDIT_KEY är inte satt: "
                "sätt samma nyckel som förut (inget har sparats)"
            )
        rows = []
        for entry in self._pending:
            values = asdict(entry)
            values["at"] = as_utc(entry.at)
            digest = entry_hash(row_id, prev_hash=prev, key=self._key, **values)
            rows.append(
                {"id": row_id, "prev_hash": prev, "hash": digest, "key_id": self._key_id, **values}
            )
            row_id, prev = row_id + 1, digest
        self._pending.clear()
        self.conn.execute(insert(t.audit_log), rows)

    def for_entity(self, entity: str, entity_id: str) -> list[AuditEntry]:
        self.flush()
        c = t.audit_log.c
        rows = self.conn.execute(
            select(t.audit_log)
            .where(and_(c.entity == entity, c.entity_id == entity_id))
            .order_by(c.id)
        ).mappings()
        return [
            AuditEntry(
                r["at"],
                r["actor"],
                r["action"],
                r["entity"],
                r["entity_id"],
                r["old"],
                r["new"],
            )
            for r in rows
        ]


class SqlAdapterState:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> str | None:
        return self.conn.execute(
            select(t.adapter_state.c.value).where(t.adapter_state.c.key == key)
        ).scalar_one_or_none()

    def put(self, key: str, value: str, at: datetime) -> None:
        tbl = t.adapter_state
        done = self.conn.execute(
            update(tbl).where(tbl.c.key == key).values(value=value, updated_at=at)
        )
        if done.rowcount == 0:
            self.conn.execute(insert(tbl).values(key=key, value=value, updated_at=at))


def _fingerprint(article_id: str, text: str) -> str:
    wording = " ".join(text.casefold().split())
    return hashlib.sha256(f"{article_id}\0{wording}".encode()).hexdigest()


def _suggestion(r: Any) -> Suggestion:
    return Suggestion(
        r["id"],
        r["article_id"],
        r["area_id"],
        r["text"],
        r["source"],
        r["status"],
        r["created_at"],
        r["decided_at"],
        r["decided_by"],
    )


class SqlSuggestions:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self, article_id: str, area_id: str | None, text: str, source: str, at: datetime
    ) -> int | None:
        values = {
            "article_id": article_id,
            "area_id": area_id,
            "fingerprint": _fingerprint(article_id, text),
            "text": text,
            "source": source,
            "status": "pending",
            "created_at": at,
        }
        if not insert_once(self.conn, insert(t.suggestions).values(**values)):
            return None
        return int(
            self.conn.execute(
                select(t.suggestions.c.id).where(
                    t.suggestions.c.fingerprint == values["fingerprint"]
                )
            ).scalar_one()
        )

    def get(self, suggestion_id: int) -> Suggestion | None:
        row = (
            self.conn.execute(
                select(t.suggestions).where(t.suggestions.c.id == suggestion_id).with_for_update()
            )
            .mappings()
            .first()
        )
        return _suggestion(row) if row else None

    def pending(self, area_ids: Sequence[str] | None = None) -> list[Suggestion]:
        c = t.suggestions.c
        query = select(t.suggestions).where(c.status == "pending").order_by(c.id)
        if area_ids is not None:
            query = query.where(c.area_id.in_(list(area_ids)))
        return [_suggestion(r) for r in self.conn.execute(query).mappings()]

    def decide(self, suggestion_id: int, status: str, by: str, at: datetime) -> Suggestion | None:
        before = self.get(suggestion_id)
        c = t.suggestions.c
        done = self.conn.execute(
            update(t.suggestions)
            .where(and_(c.id == suggestion_id, c.status == "pending"))
            .values(status=status, decided_by=by, decided_at=at, text=None)
        )
        return before if before is not None and done.rowcount == 1 else None


class SqlInbox:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, channel: str, event_id: str, payload: dict[str, Any], at: datetime) -> bool:
        stmt = insert(t.inbox).values(
            channel=channel,
            event_id=event_id,
            received_at=at,
            payload=json.dumps(payload, ensure_ascii=False),
        )
        return insert_once(self.conn, stmt)

    def pending(self, channel: str, limit: int = 100) -> list[InboxItem]:
        c = t.inbox.c
        rows = self.conn.execute(
            select(t.inbox)
            .where(and_(c.channel == channel, c.processed_at.is_(None)))
            .order_by(c.id)
            .limit(limit)
        ).mappings()
        return [
            InboxItem(r["id"], r["channel"], r["event_id"], json.loads(r["payload"])) for r in rows
        ]

    def mark_processed(self, item_id: int, at: datetime) -> None:
        self.conn.execute(update(t.inbox).where(t.inbox.c.id == item_id).values(processed_at=at))

    def attempt_failed(self, item_id: int, error: str, at: datetime, limit: int) -> bool:
        c = t.inbox.c
        self.conn.execute(
            update(t.inbox)
            .where(and_(c.id == item_id, c.processed_at.is_(None)))
            .values(attempts=c.attempts + 1, error=error[:255])
        )
        done = self.conn.execute(
            update(t.inbox)
            .where(and_(c.id == item_id, c.processed_at.is_(None), c.attempts >= limit))
            .values(processed_at=at, failed_at=at)
        )
        return bool(done.rowcount)

    def failed(self, limit: int = 100) -> list[FailedInboxItem]:
        c = t.inbox.c
        rows = self.conn.execute(
            select(c.id, c.channel, c.event_id, c.received_at, c.failed_at, c.attempts, c.error)
            .where(c.failed_at.is_not(None))
            .order_by(c.failed_at.desc(), c.id.desc())
            .limit(limit)
        ).mappings()
        return [
            FailedInboxItem(
                r["id"],
                r["channel"],
                r["event_id"],
                r["received_at"],
                r["failed_at"],
                r["attempts"],
                r["error"] or "",
            )
            for r in rows
        ]


class SqlStore:
    """``with store.transaction() as tx:`` – one database transaction, all repositories."""

    def __init__(self, engine: Engine, audit_key: bytes | None = None) -> None:
        self.engine = engine
        self.audit_key = audit_key

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        try:
            with self.engine.begin() as conn:
                audit = SqlAudit(conn, self.audit_key)
                yield Tx(
                    inbound=SqlInbound(conn),
                    people=SqlPeople(conn),
                    states=SqlStates(conn),
                    questions=SqlQuestions(conn),
                    tickets=SqlTickets(conn),
                    outbox=SqlOutbox(conn),
                    audit=audit,
                    adapter=SqlAdapterState(conn),
                    inbox=SqlInbox(conn),
                    leases=SqlLeases(conn),
                    suggestions=SqlSuggestions(conn),
                    surveys=SqlSurveys(conn),
                    intro=SqlIntro(conn),
                )
                audit.flush()  # last, just before the commit
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(str(exc.orig) if exc.orig else str(exc)) from exc

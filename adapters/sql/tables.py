"""The database schema (SQLAlchemy Core). Alembic migrations create it; this
module is what the repositories query. Times are stored as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, written in UTC and read back aware on every backend.

    SQLite keeps no time zone: without this, 10:00+01:00 would be stored as 10:00
    and read back as 10:00 UTC. A naive value is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value)


def as_utc(value: datetime | None) -> datetime | None:
    """A time as a ``UTC_TIME`` column reads it back: aware, in UTC (naive means UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UTC_TIME = UtcDateTime()

inbound_events = Table(
    "inbound_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("received_at", UTC_TIME, nullable=False),
    UniqueConstraint("channel", "event_id", name="uq_inbound_channel_event"),
)

people = Table(
    "people",
    metadata,
    Column("user_id", String(255), primary_key=True),
    Column("unit_id", String(64)),
    Column("language", String(8)),
    Column("display_name", String(255)),  # as the client shows it; never for access
    # where they last wrote to the bot alone, for the jobs that write to them first
    Column("direct_channel", String(16)),
    Column("direct_conversation", String(512)),
    Column("direct_address", Text),
    Column("updated_at", UTC_TIME, nullable=False),
)

conversation_states = Table(
    "conversation_states",
    metadata,
    Column("key", String(600), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", UTC_TIME, nullable=False),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asked_at", UTC_TIME, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("user_id", String(255), nullable=False),
    Column("unit_id", String(64)),
    Column("area_id", String(64)),
    Column("outcome", String(16), nullable=False),  # answered, clarified, routed
    Column("article_id", String(128)),
    Column("ticket_id", Integer),
    Column("score", Float),
    Column("text", Text),  # the question itself; removed by retention, never in summaries
    Column("feedback", String(16)),  # helpful, not_helpful
    Column("feedback_at", UTC_TIME),
    Index("ix_questions_asked_at", "asked_at"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("area_id", String(64), nullable=False),
    Column("original_area_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("asker_id", String(255), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("conversation_id", String(255), nullable=False),
    Column("address", Text, nullable=False, default=""),
    Column("language", String(8), nullable=False, default="sv"),
    Column("unit_id", String(64)),
    Column("question", Text),
    Column("article_id", String(128)),
    Column("question_id", Integer, ForeignKey("questions.id")),
    Column("claimed_by", String(255)),
    Column("created_at", UTC_TIME, nullable=False),
    Column("claimed_at", UTC_TIME),
    Column("resolved_at", UTC_TIME),
    Column("closed_at", UTC_TIME),
    Column("claim_due", UTC_TIME, nullable=False),
    Column("resolve_due", UTC_TIME, nullable=False),
    Column("escalated_at", UTC_TIME),
    Column("route_confidence", Float, nullable=False, default=0.0),
    Column("route_reason", String(32), nullable=False, default=""),
    Column("reopened", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=1),
    Column("shared_in", String(255)),  # asked where others read along: notices say less
    Column("answer_article", String(128)),  # staff answered with this article (svara N #id)
    Column("rating", Integer),  # the asker's 1-5 once closed; the comment is an event
    Column("merged_into", Integer),  # a duplicate: closed, its asker follows this ticket
    Index("ix_tickets_area_status", "area_id", "status"),
    Index("ix_tickets_asker", "asker_id"),
)

ticket_events = Table(
    "ticket_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("at", UTC_TIME, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text),
    Column("visible_to_asker", Boolean, nullable=False),
    # the area that held the ticket when this was written: what was written in a
    # confidential area stays with that area's staff after a transfer
    Column("area_id", String(64)),
    Index("ix_ticket_events_ticket", "ticket_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTC_TIME, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("conversation_id", String(255), nullable=False),
    Column("address", Text, nullable=False, default=""),
    Column("user_id", String(255)),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("txn_id", String(64), nullable=False, unique=True),
    Column("dedupe_key", String(255), unique=True),
    Column("sent_at", UTC_TIME),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64)),  # the instance sending it, until lease_until
    Column("lease_until", UTC_TIME),
    Column("ticket_id", Integer),  # the ticket it is about: in the ticket's records export
    Index("ix_outbox_pending", "channel", "sent_at"),
    Index("ix_outbox_ticket_id", "ticket_id"),
)

leases = Table(  # one holder at a time per name (the Matrix sync), until expires_at
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("expires_at", UTC_TIME, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTC_TIME, nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("old", Text),
    Column("new", Text),
    # The hash chain (adapters/sql/audit_chain.py): hex SHA-256 of the row and prev_hash.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # "" for plain SHA-256, else the fingerprint of the HMAC key (audit_chain.key_id).
    Column("key_id", String(16), nullable=False, server_default=""),
)

suggestions = Table(  # people's wording, masked, offered as phrasings of articles
    "suggestions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", String(128), nullable=False),
    Column("area_id", String(64)),
    Column("fingerprint", String(64), nullable=False),  # sha256 of article and wording
    Column("text", Text),  # the masked wording; cleared once decided
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTC_TIME, nullable=False),
    Column("decided_at", UTC_TIME),
    Column("decided_by", String(255)),
    UniqueConstraint("fingerprint", name="uq_suggestions_fingerprint"),
    Index("ix_suggestions_status_area", "status", "area_id"),
)

adapter_state = Table(
    "adapter_state",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTC_TIME, nullable=False),
)

inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UTC_TIME, nullable=False),
    Column("processed_at", UTC_TIME),
    # Failed attempts; at the limit the item is set aside (processed and failed) with
    # the error's class and place, never the user's text.
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("failed_at", UTC_TIME),
    Column("error", String(255)),
    UniqueConstraint("channel", "event_id", name="uq_inbox_channel_event"),
    Index("ix_inbox_pending", "channel", "processed_at"),
)

# The yearly question to the people an area served (issue 14). Who was asked is kept
# apart from what was answered: the answers carry no user id, no time finer than the
# year and no key that joins them to a send.
survey_runs = Table(  # the run that decided who is asked, once per area and year
    "survey_runs",
    metadata,
    Column("area_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("ran_at", UTC_TIME, nullable=False),
)

survey_sends = Table(
    "survey_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", String(255), nullable=False),
    Column("area_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sent_at", UTC_TIME),  # None: queued (one area's questions at a time)
    Column("reminded_at", UTC_TIME),
    Column("finished", Boolean, nullable=False, default=False),
    UniqueConstraint("user_id", "area_id", "year", name="uq_survey_sends_user_id"),
    Index("ix_survey_sends_area_year", "area_id", "year"),
)

survey_answers = Table(  # no primary key, no user id, no timestamp: nothing to join on
    "survey_answers",
    metadata,
    Column("area_id", String(64), nullable=False),
    Column("unit_id", String(64)),
    Column("year", Integer, nullable=False),
    Column("supported", Integer),  # 1-5, None: skipped
    Column("findable", Integer),  # 1-5, None: skipped
    Column("improve", Text),  # masked free text; cleared by retention
    Index("ix_survey_answers_area_year", "area_id", "year"),
)

survey_opt_outs = Table(  # people who wrote "inga enkäter"
    "survey_opt_outs",
    metadata,
    Column("user_id", String(255), primary_key=True),
    Column("updated_at", UTC_TIME, nullable=False),
)

intro_people = Table(  # new managers on the introduction path (bot.intro)
    "intro_people",
    metadata,
    Column("user_id", String(255), primary_key=True),
    Column("start", Date, nullable=False),  # week 1 is the ISO week of this day
    Column("source", String(8), nullable=False),  # "file" or "chat"
    Column("enrolled_at", UTC_TIME, nullable=False),
    Column("left_at", UTC_TIME),  # avsluta introduktion
    Column("ended_at", UTC_TIME),  # the path's last message was sent
    Column("shown", Text, nullable=False, default="[]"),  # JSON: the last checklist's ids
    Column("shown_week", Integer, nullable=False, default=0),  # the path week it was for
)

intro_items = Table(  # per manager and path article: done, or postponed to a week
    "intro_items",
    metadata,
    Column("user_id", String(255), primary_key=True),
    Column("article_id", String(128), primary_key=True),
    Column("done_at", UTC_TIME),
    Column("later_week", Integer),
)

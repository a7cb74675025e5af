"""The audit log as a hash chain: each row's ``hash`` covers its own content and the
previous row's hash, so an edit, a removal or an insertion anywhere breaks the chain
at that row. A cut-off tail leaves a shorter chain that is consistent in itself; a
head (row id and hash) recorded elsewhere catches that (``--anchor``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from adapters.sql import tables as t
from adapters.sql.tables import as_utc

GENESIS = "0" * 64
# pg_advisory_xact_lock(key, oid of audit_log): one appender at a time per schema.
_PG_LOCK = text("SELECT pg_advisory_xact_lock(21355, 'audit_log'::regclass::oid::int)")


def entry_hash(
    row_id: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    old: str | None,
    new: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON array of the row (time in UTC, microseconds)."""
    when = as_utc(at)
    assert when is not None
    canonical = json.dumps(
        [
            row_id,
            when.isoformat(timespec="microseconds"),
            actor,
            action,
            entity,
            entity_id,
            old,
            new,
            prev_hash,
        ],
        ensure_ascii=True,  # any string, even a lone surrogate, has one byte form
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def next_link(conn: Connection) -> tuple[int, str]:
    """The id and prev_hash for the next row. Call inside the appending transaction:
    on PostgreSQL this takes a transaction lock that serialises appenders (SQLite's
    BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK)
    c = t.audit_log.c
    last = conn.execute(select(c.id, c.hash).order_by(c.id.desc()).limit(1)).first()
    return (1, GENESIS) if last is None else (int(last.id) + 1, str(last.hash))


@dataclass(frozen=True)
class ChainBreak:
    """The first bad place: ``altered`` (row's content or hash changed), ``removed``
    (rows ``row``..``until`` are gone), ``inserted`` (row added afterwards),
    ``anchor_missing`` / ``anchor_changed`` (the recorded head is gone / differs)."""

    kind: str
    row: int
    until: int | None = None


@dataclass(frozen=True)
class ChainCheck:
    rows: int
    head_id: int | None
    head_hash: str
    broken: ChainBreak | None


def _rows(conn: Connection, batch: int = 2000) -> Iterator[Any]:
    c = t.audit_log.c
    after = None
    while True:
        query = select(t.audit_log).order_by(c.id).limit(batch)
        if after is not None:
            query = query.where(c.id > after)
        rows = conn.execute(query).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id


def _own_hash(row: Any) -> str:
    return entry_hash(
        row.id,
        row.at,
        row.actor,
        row.action,
        row.entity,
        row.entity_id,
        row.old,
        row.new,
        row.prev_hash,
    )


def _link_break(row: Any, last: tuple[int, str], before_last: str | None) -> ChainBreak:
    """Row ``row`` does not point at the row before it: say why."""
    last_id, _ = last
    if before_last is not None and row.prev_hash == before_last:
        return ChainBreak("inserted", last_id)  # ``row`` points past the row before it
    if _own_hash(row) != row.hash:
        return ChainBreak("altered", row.id)  # ``row`` itself is not what was written
    if row.id > last_id + 1:
        return ChainBreak("removed", last_id + 1, row.id - 1)
    if last_id == 0:
        return ChainBreak("altered", row.id)
    return ChainBreak("altered", last_id)  # ``row`` points at another version of it


def verify_chain(conn: Connection, anchor: tuple[int, str] | None = None) -> ChainCheck:
    """Walk the chain in id order and report the first break (or the head)."""
    count = 0
    last: tuple[int, str] = (0, GENESIS)
    before_last: str | None = None
    anchor_seen: str | None = None
    for row in _rows(conn):
        if row.prev_hash != last[1]:
            return ChainCheck(count, last[0] or None, last[1], _link_break(row, last, before_last))
        if _own_hash(row) != row.hash:
            return ChainCheck(count, last[0] or None, last[1], ChainBreak("altered", row.id))
        if anchor is not None and row.id == anchor[0]:
            anchor_seen = row.hash
        before_last, last = last[1], (row.id, row.hash)
        count += 1
    broken = None
    if anchor is not None and anchor_seen is None:
        broken = ChainBreak("anchor_missing", anchor[0])
    elif anchor is not None and anchor_seen != anchor[1]:
        broken = ChainBreak("anchor_changed", anchor[0])
    return ChainCheck(count, last[0] or None, last[1], broken)

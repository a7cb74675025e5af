"""The audit log as a hash chain: each row's ``hash`` covers its own content and the
previous row's hash, so an edit, a removal or an insertion anywhere breaks the chain
at that row. A cut-off tail leaves a shorter chain that is consistent in itself; a
head (row id and hash) recorded elsewhere catches that (``--anchor``).

With ``STODBOT_AUDIT_KEY`` the hash is an HMAC-SHA256 under that key, so a row can
only be forged by someone who holds the key, not by anyone with the database role.
Each row's ``key_id`` says which: "" for plain SHA-256 (rows written before a key was
set), otherwise the key's fingerprint (``key_id``). The key never goes into the
database."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

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
    key: bytes | None = None,
) -> str:
    """SHA-256 (HMAC-SHA256 with ``key``) over a canonical JSON array of the row
    (time in UTC, microseconds)."""
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
    if key is None:
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def key_id(key: bytes | None) -> str:
    """The fingerprint stored in each row's ``key_id``: "" for no key. It names the
    key without revealing it."""
    if key is None:
        return ""
    return hmac.new(key, b"stodbot-audit-key-id", hashlib.sha256).hexdigest()[:16]


def next_link(conn: Connection) -> tuple[int, str, str]:
    """The id and prev_hash for the next row, and the last row's ``key_id``. Call
    inside the appending transaction: on PostgreSQL this takes a transaction lock that
    serialises appenders (SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK)
    c = t.audit_log.c
    last = conn.execute(select(c.id, c.hash, c.key_id).order_by(c.id.desc()).limit(1)).first()
    if last is None:
        return 1, GENESIS, ""
    return int(last.id) + 1, str(last.hash), str(last.key_id)


@dataclass(frozen=True)
class ChainBreak:
    """The first bad place: ``altered`` (row's content or hash changed, or the row
    cannot be read), ``removed`` (rows ``row``..``until`` are gone), ``inserted`` (row
    added afterwards), ``anchor_missing`` / ``anchor_changed`` (the recorded head is
    gone / differs), ``unkeyed`` (a plain row after keyed ones), ``other_key`` (a row
    under another key than the one given; ``key`` is its key id), ``needs_key`` (rows
    ``row``..``until`` are keyed and no key was given to check them)."""

    kind: str
    row: int
    until: int | None = None
    key: str = ""


@dataclass(frozen=True)
class ChainCheck:
    rows: int
    head_id: int | None
    head_hash: str
    broken: ChainBreak | None
    unkeyed: tuple[int, int] | None = None  # first and last id of the plain rows checked


@dataclass(frozen=True)
class _Unreadable:
    id: int


def _rows(conn: Connection, batch: int = 2000) -> Iterator[Any]:
    """Rows in id order; a row the database or the column types cannot hand back (a
    BLOB where a time or text belongs) comes as ``_Unreadable`` and ends the walk."""
    c = t.audit_log.c
    after = None
    while True:
        query = select(t.audit_log).order_by(c.id).limit(batch)
        if after is not None:
            query = query.where(c.id > after)
        try:
            rows = conn.execute(query).all()
        except Exception as exc:
            _reraise_if_disconnected(exc)
            yield from _one_by_one(conn, query)
            return
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id


def _one_by_one(conn: Connection, query: Any) -> Iterator[Any]:
    c = t.audit_log.c
    for (row_id,) in conn.execute(query.with_only_columns(c.id)).all():
        try:
            yield conn.execute(select(t.audit_log).where(c.id == row_id)).one()
        except Exception as exc:
            _reraise_if_disconnected(exc)
            yield _Unreadable(int(row_id))
            return


def _reraise_if_disconnected(exc: Exception) -> None:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        raise exc


def _own_hash(row: Any, key: bytes | None) -> str | None:
    """The row's hash as it should be, or None when its values cannot be hashed."""
    try:
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
            key=key,
        )
    except Exception:  # a value of the wrong type: not what was written
        return None


def _link_break(
    row: Any, key: bytes | None, last: tuple[int, str], before_last: str | None
) -> ChainBreak:
    """Row ``row`` does not point at the row before it: say why."""
    last_id, _ = last
    if before_last is not None and row.prev_hash == before_last:
        return ChainBreak("inserted", last_id)  # ``row`` points past the row before it
    if _own_hash(row, key) != row.hash:
        return ChainBreak("altered", row.id)  # ``row`` itself is not what was written
    if row.id > last_id + 1:
        return ChainBreak("removed", last_id + 1, row.id - 1)
    if last_id == 0:
        return ChainBreak("altered", row.id)
    return ChainBreak("altered", last_id)  # ``row`` points at another version of it


def _row_key(
    conn: Connection, row: Any, key: bytes | None, keyed_seen: bool
) -> tuple[bytes | None, ChainBreak | None]:
    """The key row ``row`` is to be checked with, or why it cannot be."""
    claimed = row.key_id
    if claimed == "":
        return None, ChainBreak("unkeyed", row.id) if keyed_seen else None
    if not isinstance(claimed, str):
        return None, ChainBreak("altered", row.id)
    if key is None:
        until = conn.execute(select(func.max(t.audit_log.c.id))).scalar()
        return None, ChainBreak("needs_key", row.id, int(until))
    if claimed != key_id(key):
        return None, ChainBreak("other_key", row.id, key=claimed)
    return key, None


def verify_chain(
    conn: Connection, anchor: tuple[int, str] | None = None, key: bytes | None = None
) -> ChainCheck:
    """Walk the chain in id order and report the first break (or the head). Plain rows
    are checked as they are; keyed rows need ``key``."""
    count = 0
    last: tuple[int, str] = (0, GENESIS)
    before_last: str | None = None
    anchor_seen: str | None = None
    unkeyed: tuple[int, int] | None = None
    keyed_seen = False

    def stop(broken: ChainBreak) -> ChainCheck:
        return ChainCheck(count, last[0] or None, last[1], broken, unkeyed)

    for row in _rows(conn):
        if isinstance(row, _Unreadable):
            return stop(ChainBreak("altered", row.id))
        row_key, broken = _row_key(conn, row, key, keyed_seen)
        if broken is not None:
            return stop(broken)
        if row.prev_hash != last[1]:
            return stop(_link_break(row, row_key, last, before_last))
        if _own_hash(row, row_key) != row.hash:
            return stop(ChainBreak("altered", row.id))
        if anchor is not None and row.id == anchor[0]:
            anchor_seen = row.hash
        if row_key is None:
            unkeyed = (unkeyed[0] if unkeyed else row.id, row.id)
        keyed_seen = keyed_seen or row_key is not None
        before_last, last = last[1], (row.id, row.hash)
        count += 1
    broken = None
    if anchor is not None and anchor_seen is None:
        broken = ChainBreak("anchor_missing", anchor[0])
    elif anchor is not None and anchor_seen != anchor[1]:
        broken = ChainBreak("anchor_changed", anchor[0])
    return ChainCheck(count, last[0] or None, last[1], broken, unkeyed)

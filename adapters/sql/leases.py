"""Named leases on SQLAlchemy Core: one holder per name until its lease expires.

Taking a lease is one conditional UPDATE (free, expired or already ours), else an
INSERT that a concurrent INSERT's unique key refuses; on PostgreSQL a second UPDATE
waits for the first's row lock and then sees the new holder, so two instances never
both get it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from adapters.sql import tables as t


class SqlLeases:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def acquire(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        c = t.leases.c
        done = self.conn.execute(
            update(t.leases)
            .where(and_(c.name == name, or_(c.owner == owner, c.expires_at < now)))
            .values(owner=owner, expires_at=until)
        )
        if done.rowcount == 1:
            return True
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(t.leases).values(name=name, owner=owner, expires_at=until))
            return True
        except IntegrityError:
            return False

    def renew(self, name: str, owner: str, until: datetime) -> bool:
        c = t.leases.c
        done = self.conn.execute(
            update(t.leases).where(and_(c.name == name, c.owner == owner)).values(expires_at=until)
        )
        return done.rowcount == 1

    def release(self, name: str, owner: str) -> None:
        c = t.leases.c
        self.conn.execute(delete(t.leases).where(and_(c.name == name, c.owner == owner)))

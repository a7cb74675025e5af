"""Writes that happen once: an INSERT that a unique constraint may refuse (a second
instance, a redelivery, a double press got there first)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError


def insert_once(conn: Connection, stmt: Any) -> bool:
    """Run an INSERT in a savepoint; False if a unique constraint refused it (the rest
    of the transaction goes on)."""
    try:
        with conn.begin_nested():
            conn.execute(stmt)
        return True
    except IntegrityError:
        return False

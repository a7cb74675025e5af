"""Fixtures of the hostile tests: the channels (``tests/hostile/channels.py``), each on
SQLite and on PostgreSQL, with the real clients (the Agents SDK against the fake
Microsoft cloud, nio against the real Synapse); and two stores on one database, as
two instances have."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from tests.conftest import pg_store, sqlite_store
from tests.hostile.channels import cloud, db, teams, world  # noqa: F401


@pytest.fixture(params=["sqlite", "postgresql"])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SqlStore, SqlStore]]:
    """Two stores (as two instances have) on one SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_store(tmp_path / "two.db"), sqlite_store(tmp_path / "two.db")
        return
    schema = request.getfixturevalue("pg_schema")
    a, b = pg_store(schema, pool_size=5), pg_store(schema, pool_size=5)
    yield a, b
    a.engine.dispose()
    b.engine.dispose()

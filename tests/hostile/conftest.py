"""Fixtures for the hostile tests: two stores on one database (two instances), and the
real Synapse of tests/adapters/matrix for the tests that need Matrix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from tests.adapters.matrix.conftest import homeserver  # noqa: F401 (a session fixture)
from tests.conftest import pg_store, sqlite_store


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

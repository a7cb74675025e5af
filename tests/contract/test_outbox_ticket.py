"""Outbox rows carry the ticket they are about (migration 0016), on SQLite and
PostgreSQL: the rows already there get it from their payload, new rows from the desk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from adapters.sql.engine import MIGRATIONS, make_engine
from adapters.sql.store import SqlStore
from routing.ports import Outgoing
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OLD_ROWS = [  # kind, payload, the ticket the migration links it to
    ("reply", {"kind": "routed", "text": "… som ärende **7**.", "ticket_id": 7}, 7),
    ("reply", {"kind": "info", "text": "Du har tagit ärende **7**.", "ticket_id": 7}, None),
    ("notice", {"kind": "notice", "text": "Svar på ditt ärende **7**", "ticket_id": 7}, 7),
    ("escalation", {"kind": "notice", "text": "Ärende **8** …", "ticket_id": 8}, 8),
    ("created", {"ticket_id": 9, "event": "created", "area_id": "hr"}, 9),
    ("weekly", {"text": "Efterfrågan på stöd 2026-W48", "week": "2026-W48"}, None),
    ("notice", {"text": "emptied by retention"}, None),
    ("notice", {}, None),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0015(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        schema = request.getfixturevalue("pg_schema")
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    _upgrade(engine, "0015")
    yield engine
    engine.dispose()


def _upgrade(engine: Engine, to: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, to)


def test_the_migration_links_the_rows_already_there(engine_at_0015: Engine) -> None:
    with engine_at_0015.begin() as conn:
        for n, (kind, payload, _) in enumerate(OLD_ROWS):
            conn.execute(
                text(
                    "INSERT INTO outbox (created_at, channel, conversation_id, address, kind, "
                    "payload, txn_id, attempts) VALUES (:at, 'matrix', '!r:k', '', :kind, "
                    ":payload, :txn, 0)"
                ),
                {"at": NOW, "kind": kind, "payload": json.dumps(payload), "txn": f"t{n}"},
            )
    _upgrade(engine_at_0015, "head")
    with engine_at_0015.connect() as conn:
        got = [r for (r,) in conn.execute(text("SELECT ticket_id FROM outbox ORDER BY id"))]
    assert got == [expected for _, _, expected in OLD_ROWS]
    store = SqlStore(engine_at_0015)
    with store.transaction() as tx:
        tx.outbox.add(
            Outgoing("matrix", "!r:k", "notice", {"text": "Ärende 7 …"}, ticket_id=7), NOW
        )
        about = tx.outbox.about_ticket(7)
    assert [m.kind for m in about] == ["reply", "notice", "notice"]
    assert about[0].payload["kind"] == "routed" and about[-1].ticket_id == 7

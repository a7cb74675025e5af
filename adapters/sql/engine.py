"""Engines for SQLite (embedded default, WAL) and PostgreSQL, and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite gets WAL, a busy timeout, foreign keys, and
    ``BEGIN IMMEDIATE`` so two writers queue instead of failing on lock upgrade."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # No pre-ping round trip on every checkout (it halves ticket throughput); a dropped
    # connection fails its transaction, SQLAlchemy empties the pool, and the caller
    # retries once (see ConversationService.handle).
    kwargs.setdefault("pool_recycle", 1800)
    if parsed.drivername == "postgresql+psycopg":  # a host that never answers: 10 s, not minutes
        kwargs["connect_args"] = {"connect_timeout": 10, **kwargs.get("connect_args", {})}
    return create_engine(parsed, **kwargs)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (each runs in a transaction). On
    PostgreSQL a transaction-level advisory lock makes instances starting together
    migrate one after the other (the second finds the schema done)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4153747, hashtext(current_schema()))"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")

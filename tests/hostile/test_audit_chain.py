"""Case 5: the audit log is tamper-evident. A DBA who drops the triggers and edits the
table directly is caught by `stodbot audit verify`, which names the first bad row;
the database itself refuses INSERT OR REPLACE and TRUNCATE."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from adapters.sql.engine import MIGRATIONS, make_engine
from adapters.sql.store import SqlStore
from routing.ports import AuditEntry
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 26, 9, 0, 0, 123456, tzinfo=UTC)
KEY = "nyckel-som-bara-stodbot-har-" + "x" * 8  # STODBOT_AUDIT_KEY in these tests
ROOT = Path(__file__).resolve().parents[2]


def _seed(store: SqlStore, n: int = 5) -> None:
    for i in range(n):
        with store.transaction() as tx:
            tx.audit.append(
                AuditEntry(
                    NOW + timedelta(minutes=i),
                    f"@staff{i}:k",
                    "claim",
                    "ticket",
                    str(i + 1),
                    None,
                    '{"status": "claimed", "note": "\\"citat\\" å"}',
                )
            )


def _keyed(store: SqlStore, key: str = KEY) -> SqlStore:
    """The same database, as a `stodbot` with STODBOT_AUDIT_KEY set sees it."""
    return SqlStore(store.engine, key.encode())


def _check(store: SqlStore, anchor: tuple[int, str] | None = None):  # type: ignore[no-untyped-def]
    from adapters.sql.audit_chain import verify_chain

    with store.engine.connect() as conn:
        return verify_chain(conn, anchor, store.audit_key)


@contextmanager
def _as_dba(store: SqlStore) -> Iterator[Connection]:
    """A connection that edits audit_log the way a DBA could: triggers off."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            names = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'")
            ).scalars()
            for name in list(names):
                conn.execute(text(f"DROP TRIGGER {name}"))
        yield conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def _row_count(store: SqlStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


def _database_url(store: SqlStore) -> str:
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{url.database}"
    with store.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def _cli(store: SqlStore, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STODBOT_AUDIT_KEY"}
    env.update(STODBOT_DATABASE_URL=_database_url(store), PYTHONPATH=str(ROOT))
    if key is not None:
        env["STODBOT_AUDIT_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "audit", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_a_clean_log_verifies_and_prints_rows_and_head(any_store: SqlStore) -> None:
    _seed(any_store)
    check = _check(any_store)
    assert check.broken is None and check.rows == 5 and check.head_id == 5
    done = _cli(any_store)
    assert done.returncode == 0, done.stderr
    assert "5 rader" in done.stdout and f"5:{check.head_hash}" in done.stdout
    assert "Traceback" not in done.stderr


def test_an_altered_field_is_named_by_the_cli(any_store: SqlStore) -> None:
    _seed(any_store)
    with _as_dba(any_store) as conn:
        conn.execute(text("UPDATE audit_log SET actor = '@mallory:k' WHERE id = 3"))
    done = _cli(any_store)
    assert done.returncode == 1
    assert "Granskningsloggen är ändrad: rad 3 " in done.stdout
    assert "Traceback" not in done.stderr


def test_an_altered_row_with_a_recomputed_hash_is_still_caught(any_store: SqlStore) -> None:
    from adapters.sql.audit_chain import entry_hash

    _seed(any_store)
    with _as_dba(any_store) as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE id = 3")).mappings().one()
        forged = entry_hash(
            3,
            _aware(row["at"]),
            "@mallory:k",
            row["action"],
            row["entity"],
            row["entity_id"],
            row["old"],
            row["new"],
            row["prev_hash"],
        )
        conn.execute(
            text("UPDATE audit_log SET actor = '@mallory:k', hash = :h WHERE id = 3"), {"h": forged}
        )
    check = _check(any_store)
    assert check.broken is not None and (check.broken.kind, check.broken.row) == ("altered", 3)


def test_a_deleted_middle_row_is_named(any_store: SqlStore) -> None:
    _seed(any_store)
    with _as_dba(any_store) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
    check = _check(any_store)
    assert check.broken is not None and (check.broken.kind, check.broken.row) == ("removed", 3)
    done = _cli(any_store)
    assert done.returncode == 1 and "rad 3 saknas" in done.stdout


def test_a_forged_row_slipped_into_the_middle_is_named(any_store: SqlStore) -> None:
    """The strongest edit short of rewriting the whole tail: rows 3.. move up one id
    and a correctly hashed row 3 links to row 2."""
    from adapters.sql.audit_chain import entry_hash

    _seed(any_store)
    with _as_dba(any_store) as conn:
        prev = conn.execute(text("SELECT hash FROM audit_log WHERE id = 2")).scalar_one()
        conn.execute(text("UPDATE audit_log SET id = -id WHERE id >= 3"))
        conn.execute(text("UPDATE audit_log SET id = -id + 1 WHERE id < 0"))
        at = NOW + timedelta(minutes=1, seconds=30)
        values = (3, at, "@mallory:k", "read", "ticket", "9", None, None, prev)
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, old, new, "
                "prev_hash, hash) VALUES (3, :at, '@mallory:k', 'read', 'ticket', '9', NULL, "
                "NULL, :prev, :hash)"
            ),
            {"at": at, "prev": prev, "hash": entry_hash(*values)},
        )
    check = _check(any_store)
    assert check.broken is not None and (check.broken.kind, check.broken.row) == ("inserted", 3)
    done = _cli(any_store)
    assert done.returncode == 1 and "rad 3 är inlagd i efterhand" in done.stdout


def test_a_forged_row_at_the_end_is_named(any_store: SqlStore) -> None:
    _seed(any_store)
    with _as_dba(any_store) as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, prev_hash, hash) "
                "VALUES (6, :at, '@mallory:k', 'read', 'ticket', '1', :p, :p)"
            ),
            {"at": NOW, "p": "0" * 64},
        )
    check = _check(any_store)
    assert check.broken is not None and (check.broken.kind, check.broken.row) == ("altered", 6)


def test_removed_last_rows_are_caught_by_the_recorded_head(any_store: SqlStore) -> None:
    """A chain alone cannot see its own tail cut off: the head printed by verify,
    recorded elsewhere, can."""
    _seed(any_store)
    head = _check(any_store)
    with _as_dba(any_store) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= 4"))
    assert _check(any_store).broken is None  # the shorter chain is consistent in itself
    done = _cli(any_store, "--anchor", f"{head.head_id}:{head.head_hash}")
    assert done.returncode == 1 and "rad 5" in done.stdout and "borttagna" in done.stdout
    _seed(any_store, 1)  # and an anchor from before, on a log that only grew, still holds
    with any_store.transaction() as tx:
        tx.audit.append(AuditEntry(NOW, "x", "y", "z", "1"))
    early = _check(any_store)
    assert _check(any_store, (2, _hash_of(any_store, 2))).broken is None
    assert early.rows == 5


def test_insert_or_replace_cannot_rewrite_row_one(any_store: SqlStore) -> None:
    _seed(any_store)
    if any_store.engine.dialect.name == "sqlite":
        rewrite = (
            "INSERT OR REPLACE INTO audit_log (id, at, actor, action, entity, entity_id) "
            "VALUES (1, :at, '@mallory:k', 'claim', 'ticket', '1')"
        )
    else:
        rewrite = (
            "INSERT INTO audit_log (id, at, actor, action, entity, entity_id) "
            "VALUES (1, :at, '@mallory:k', 'claim', 'ticket', '1') "
            "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor"
        )
    with pytest.raises(DBAPIError), any_store.engine.begin() as conn:
        conn.execute(text(rewrite), {"at": NOW})
    with any_store.engine.connect() as conn:
        actor = conn.execute(text("SELECT actor FROM audit_log WHERE id = 1")).scalar_one()
    assert actor == "@staff0:k" and _row_count(any_store) == 5


def test_truncate_is_refused(any_store: SqlStore) -> None:
    _seed(any_store)
    empty = (
        "TRUNCATE audit_log"
        if any_store.engine.dialect.name == "postgresql"
        else "DELETE FROM audit_log"  # SQLite's truncate
    )
    with pytest.raises(DBAPIError), any_store.engine.begin() as conn:
        conn.execute(text(empty))
    assert _row_count(any_store) == 5


def test_concurrent_appends_keep_one_chain(any_store: SqlStore) -> None:
    """Writers on their own connections (as two `serve` processes would be) never fork
    the chain or take the same id."""
    errors: list[BaseException] = []

    def write(who: int) -> None:
        try:
            for i in range(15):
                with any_store.transaction() as tx:
                    tx.audit.append(AuditEntry(NOW, f"w{who}", "read", "ticket", str(i)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    check = _check(any_store)
    assert check.broken is None and check.rows == 60


_WRITER = """
import sys
from datetime import UTC, datetime
from adapters.sql.engine import make_engine
from adapters.sql.store import SqlStore
from routing.ports import AuditEntry
store = SqlStore(make_engine(sys.argv[1]))
for i in range(40):
    with store.transaction() as tx:
        tx.audit.append(AuditEntry(datetime.now(UTC), sys.argv[2], "read", "ticket", str(i)))
"""


def test_two_processes_appending_at_once_keep_one_chain(any_store: SqlStore) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    url = _database_url(any_store)
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, url, f"serve{n}"], env=env, cwd=ROOT)
        for n in (1, 2)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    check = _check(any_store)
    assert check.broken is None and check.rows == 80 and check.head_id == 80


def test_the_migration_chains_the_rows_already_there(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        schema = request.getfixturevalue("pg_schema")
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        for rid in (1, 2, 5, 9):  # gaps, as rolled-back transactions leave them
            conn.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, new) "
                    "VALUES (:id, :at, 'stodbot', 'escalate', 'ticket', :e, '{\"lead\": \"x\"}')"
                ),
                {"id": rid, "at": NOW + timedelta(seconds=rid), "e": str(rid)},
            )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    store = SqlStore(engine)
    with store.transaction() as tx:
        tx.audit.append(AuditEntry(NOW, "@maria:k", "claim", "ticket", "1"))
    check = _check(store)
    assert check.broken is None and check.rows == 5 and check.head_id == 10
    with _as_dba(store) as conn:
        conn.execute(text("UPDATE audit_log SET entity_id = '7' WHERE id = 5"))
    broken = _check(store).broken
    assert broken is not None and (broken.kind, broken.row) == ("altered", 5)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _hash_of(store: SqlStore, row: int) -> str:
    with store.engine.connect() as conn:
        return str(
            conn.execute(text("SELECT hash FROM audit_log WHERE id = :i"), {"i": row}).scalar_one()
        )


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands raw text back to text() queries
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_audited_work_never_deadlocks_on_the_chain(any_store: SqlStore) -> None:
    """One transaction audits and then changes a row that another has changed and
    is about to audit. Were the chain's lock taken at the first append, the two
    would wait for each other (PostgreSQL aborts one); it is taken at commit."""
    with any_store.transaction() as tx:
        tx.adapter.put("shared", "0", datetime.now(UTC))
    first_appended, second_updated = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with any_store.transaction() as tx:
                tx.audit.append(AuditEntry(datetime.now(UTC), "a", "x", "t", "1"))
                first_appended.set()
                second_updated.wait(10)
                tx.adapter.put("shared", "1", datetime.now(UTC))
        except BaseException as exc:
            errors.append(exc)

    def second() -> None:
        try:
            first_appended.wait(10)
            with any_store.transaction() as tx:
                tx.adapter.put("shared", "2", datetime.now(UTC))
                second_updated.set()
                tx.audit.append(AuditEntry(datetime.now(UTC), "b", "y", "t", "2"))
        except BaseException as exc:
            errors.append(exc)

    if any_store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE): no such interleaving")
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not errors, errors
    assert _check(any_store).broken is None and _row_count(any_store) == 2


@pytest.mark.parametrize(
    "change",
    [
        "at = CAST(at AS BLOB)",  # the time column cannot even be read back
        "at = x'00ff'",
        "actor = CAST(x'ff80' AS TEXT)",  # not UTF-8
        "new = CAST(new AS BLOB)",
        "old = 3.5",
        "key_id = x'01'",
        "prev_hash = 5",
    ],
)
def test_a_row_verify_cannot_read_is_named_as_altered(tmp_path: Path, change: str) -> None:
    """SQLite keeps whatever type it is given. Any row verify cannot read or hash is
    named, in one line, never a traceback; on a keyed log too."""
    from tests.conftest import sqlite_store

    store = _keyed(sqlite_store(tmp_path / "typed.db"))
    _seed(store)
    with _as_dba(store) as conn:
        conn.execute(text(f"UPDATE audit_log SET {change} WHERE id = 3"))
    broken = _check(store).broken
    assert broken is not None and (broken.kind, broken.row) == ("altered", 3), broken
    done = _cli(store, key=KEY)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-400:]
    assert done.stdout.startswith("Granskningsloggen är ändrad: rad 3 "), done.stdout

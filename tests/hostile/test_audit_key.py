"""Case 5, keyed: with STODBOT_AUDIT_KEY each audit row's hash is an HMAC-SHA256, so
someone with the database role but not the key cannot add or rewrite a row unnoticed.
Rows written before the key was set stay plain, and verify says which they are."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.sql.audit_chain import entry_hash, key_id
from adapters.sql.store import AuditKeyMissing, SqlStore
from routing.ports import AuditEntry
from tests.hostile.procs import free_port
from tests.hostile.test_audit_chain import (
    KEY,
    NOW,
    ROOT,
    _check,
    _cli,
    _database_url,
    _keyed,
    _row_count,
    _seed,
)
from tests.hostile.test_dashboard_hardening import serve_env


def _forge(store: SqlStore, claimed_key_id: str, digest_key: bytes | None) -> None:
    """Append "@hr.konsult read ticket 1" at the end, as the app's database role can."""
    with store.engine.begin() as conn:
        last = conn.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC")).first()
        assert last is not None
        row = (last.id + 1, NOW, "@hr.konsult:k", "read", "ticket", "1", None, None)
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, prev_hash, "
                "hash, key_id) VALUES (:id, :at, :actor, 'read', 'ticket', '1', :prev, :hash, "
                ":kid)"
            ),
            {
                "id": row[0],
                "at": NOW,
                "actor": row[2],
                "prev": last.hash,
                "hash": entry_hash(*row, prev_hash=last.hash, key=digest_key),
                "kid": claimed_key_id,
            },
        )


def test_a_keyed_log_verifies_and_the_key_is_not_in_the_database(any_store: SqlStore) -> None:
    store = _keyed(any_store)
    _seed(store)
    check = _check(store)
    assert check.broken is None and check.rows == 5 and check.unkeyed is None
    done = _cli(store, key=KEY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 rader" in done.stdout and "saknar nyckel" not in done.stdout
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log")).all()
    assert {r.key_id for r in rows} == {key_id(KEY.encode())}
    assert KEY not in repr(rows)
    # the keyed hash is not the plain one: without the key it cannot be recomputed
    assert _check(SqlStore(store.engine)).broken is not None


@pytest.mark.parametrize("claimed", ["", "key"], ids=["plain", "claims-the-key-id"])
def test_a_forged_row_without_the_key_is_caught(any_store: SqlStore, claimed: str) -> None:
    """The forger appends a row with a correct plain SHA-256, or claims the key id
    (visible in the table) and guesses at the key."""
    store = _keyed(any_store)
    _seed(store)
    head = _check(store)
    if claimed:
        _forge(store, key_id(KEY.encode()), b"a guessed key")
    else:
        _forge(store, "", None)
    broken = _check(store).broken
    assert broken is not None and broken.row == 6, broken
    done = _cli(store, "--anchor", f"{head.head_id}:{head.head_hash}", key=KEY)
    assert done.returncode == 1 and "Granskningsloggen är ändrad: rad 6 " in done.stdout
    assert "Traceback" not in done.stderr


def test_a_wrong_key_is_reported_as_a_wrong_key(any_store: SqlStore) -> None:
    store = _keyed(any_store)
    _seed(store, 3)
    done = _cli(store, key="en-helt-annan-nyckel-" + "y" * 16)
    assert done.returncode == 1, done.stdout
    first = done.stdout.splitlines()[0]
    assert "rad 1 " in first and "annan nyckel" in first and "ändrad" not in first, first
    assert key_id(KEY.encode()) in first and KEY not in done.stdout + done.stderr


def test_a_log_begun_unkeyed_then_keyed_verifies_and_names_the_plain_rows(
    any_store: SqlStore,
) -> None:
    _seed(any_store, 3)  # before STODBOT_AUDIT_KEY was set
    keyed = _keyed(any_store)
    with keyed.transaction() as tx:
        for i in range(2):
            tx.audit.append(AuditEntry(NOW + timedelta(hours=i), "@maria:k", "read", "ticket", "1"))
    check = _check(keyed)
    assert check.broken is None and check.rows == 5 and check.unkeyed == (1, 3)
    done = _cli(keyed, key=KEY)
    assert done.returncode == 0, done.stdout
    assert "5 rader" in done.stdout and "Rad 1–3 saknar nyckel" in done.stdout
    # without the key the keyed rows cannot be checked: said, and not a pass
    done = _cli(keyed)
    assert done.returncode == 1, done.stdout
    assert "kan inte kontrolleras: rad 4–5 har nyckel" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr


def test_a_process_without_the_key_writes_nothing_to_a_keyed_log(any_store: SqlStore) -> None:
    """A plain row after keyed ones would leave the log unverifiable from there on."""
    _seed(_keyed(any_store), 2)
    with pytest.raises(AuditKeyMissing), any_store.transaction() as tx:
        tx.audit.append(AuditEntry(NOW, "@maria:k", "read", "ticket", "1"))
    assert _row_count(any_store) == 2 and _check(_keyed(any_store)).broken is None


@pytest.mark.parametrize("key", [None, "k" * 31], ids=["missing", "31-bytes"])
def test_production_refuses_to_start_without_a_proper_key(tmp_path: Path, key: str | None) -> None:
    env = serve_env(
        tmp_path,
        STODBOT_PRODUCTION="true",
        STODBOT_DASHBOARD_SECRET="s" * 32,
        STODBOT_WEB_PORT=str(free_port()),
    )
    env.pop("STODBOT_AUDIT_KEY")
    if key is not None:
        env["STODBOT_AUDIT_KEY"] = key
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "STODBOT_AUDIT_KEY" in lines[0] and "32" in lines[0], lines[0]
    if key is not None:
        assert key not in done.stderr + done.stdout


@pytest.mark.parametrize("key", [None, "en-helt-annan-nyckel-" + "y" * 16], ids=["none", "other"])
def test_the_bot_will_not_start_on_a_keyed_log_without_its_key(
    any_store: SqlStore, key: str | None
) -> None:
    """Rather than failing every audited action later, ``stodbot chat`` (any command but
    ``audit verify``) stops at start-up with one Swedish line."""
    _seed(_keyed(any_store), 2)
    env = {k: v for k, v in os.environ.items() if k != "STODBOT_AUDIT_KEY"}
    env.update(STODBOT_DATABASE_URL=_database_url(any_store), PYTHONPATH=str(ROOT))
    if key is not None:
        env["STODBOT_AUDIT_KEY"] = key
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "chat"],
        input="hej\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "sätt samma nyckel som förut" in done.stderr
    assert _row_count(any_store) == 2

"""The audit log becomes a hash chain (prev_hash, hash), computed here for the rows
already there; the database refuses rewriting a row by INSERT (SQLite's INSERT OR
REPLACE) and, on PostgreSQL, TRUNCATE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.audit_chain import GENESIS, entry_hash
from adapters.sql.tables import UTC_TIME

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REFUSE = "SELECT RAISE(ABORT, 'audit_log is append-only')"
_SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN {_REFUSE}; END"
)
# REPLACE's implicit delete fires no DELETE trigger, so refuse the INSERT itself: new
# rows only ever come after the last one.
_SQLITE_NO_OVERWRITE = (
    "CREATE TRIGGER audit_log_no_overwrite BEFORE INSERT ON audit_log "
    f"WHEN NEW.id <= (SELECT max(id) FROM audit_log) BEGIN {_REFUSE}; END"
)
_PG_IDS_GROW = (
    "CREATE FUNCTION audit_log_ids_grow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF EXISTS (SELECT 1 FROM audit_log WHERE id >= NEW.id) THEN "
    "RAISE EXCEPTION 'audit_log is append-only'; END IF; RETURN NEW; END $$"
)

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", UTC_TIME),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("old", sa.Text),
    sa.column("new", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _chain_existing_rows() -> None:
    conn = op.get_bind()
    c = _audit.c
    prev = GENESIS
    rows = conn.execute(
        sa.select(c.id, c.at, c.actor, c.action, c.entity, c.entity_id, c.old, c.new).order_by(c.id)
    ).all()
    for row in rows:
        digest = entry_hash(*row, prev_hash=prev)
        conn.execute(sa.update(_audit).where(c.id == row.id).values(prev_hash=prev, hash=digest))
        prev = digest


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Plain ADD COLUMN (no batch copy, which would drop the triggers on SQLite).
    for name in ("prev_hash", "hash"):
        op.add_column(
            "audit_log", sa.Column(name, sa.String(64), nullable=False, server_default="")
        )
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        _chain_existing_rows()
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        for name in ("prev_hash", "hash"):
            op.execute(f"ALTER TABLE audit_log ALTER COLUMN {name} DROP DEFAULT")
        op.execute(_PG_IDS_GROW)
        op.execute(
            "CREATE TRIGGER audit_log_ids_grow BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_ids_grow()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        _chain_existing_rows()
        op.execute(_SQLITE_NO_UPDATE)
        op.execute(_SQLITE_NO_OVERWRITE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_ids_grow ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_ids_grow()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_overwrite")
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")

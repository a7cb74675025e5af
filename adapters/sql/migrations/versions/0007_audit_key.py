"""Audit rows say which hash they carry: ``key_id`` is "" for plain SHA-256 (every row
written so far) or the fingerprint of the ``STODBOT_AUDIT_KEY`` the HMAC was made with.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy, which would drop the triggers on SQLite); the
    # default fills the rows already there without an UPDATE, which the triggers refuse.
    op.add_column(
        "audit_log", sa.Column("key_id", sa.String(16), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("audit_log", "key_id")

"""Outbox rows remember the ticket they are about (the receipt, notices to the asker,
cards, escalations, registrations), so that a ticket's records export holds the
messages sent about it. Rows already there get it from their payload, by the same
rule the desk now follows: every row whose payload names a ticket, but of the replies
to a sender only the receipt (kind "routed").

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("payload", sa.Text),
    sa.column("ticket_id", sa.Integer),
)


def _about(kind: str, raw: str) -> int | None:
    try:
        payload = json.loads(raw or "{}")
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    ticket = payload.get("ticket_id")
    if not isinstance(ticket, int) or isinstance(ticket, bool):
        return None
    if kind == "reply" and payload.get("kind") != "routed":
        return None  # a confirmation or a view: what it says is in the ticket's history
    return ticket


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_ticket_id", ["ticket_id"], unique=False)
    conn = op.get_bind()
    c = _outbox.c
    for row in conn.execute(sa.select(c.id, c.kind, c.payload).order_by(c.id)).all():
        ticket = _about(row.kind, row.payload)
        if ticket is not None:
            conn.execute(sa.update(_outbox).where(c.id == row.id).values(ticket_id=ticket))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_ticket_id")
        batch_op.drop_column("ticket_id")

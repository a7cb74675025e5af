"""Ticket events remember the area that held the ticket when they were written.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.add_column(sa.Column("area_id", sa.String(length=64), nullable=True))
    # Events written before this migration: the area the ticket was first routed to.
    # After a transfer that is the stricter choice: what was written in a confidential
    # first area stays with that area's staff.
    op.execute(
        "UPDATE ticket_events SET area_id = "
        "(SELECT original_area_id FROM tickets WHERE tickets.id = ticket_events.ticket_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.drop_column("area_id")

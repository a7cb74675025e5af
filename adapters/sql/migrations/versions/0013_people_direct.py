"""Where a person last wrote to the bot alone (their direct chat), so that a job can
write to them first: the yearly question to the people an area served, the new
manager's weekly checklist.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("direct_channel", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("direct_conversation", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("direct_address", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("direct_address")
        batch.drop_column("direct_conversation")
        batch.drop_column("direct_channel")

"""The new manager's introduction path: who is on it (from the organisation file or
by chat) and, per path article, when they marked it done or which week it was
postponed to.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.tables import UTC_TIME

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intro_people",
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("enrolled_at", UTC_TIME, nullable=False),
        sa.Column("left_at", UTC_TIME, nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("shown", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("shown_week", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("user_id", name="pk_intro_people"),
    )
    op.create_table(
        "intro_items",
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("article_id", sa.String(length=128), nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("later_week", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "article_id", name="pk_intro_items"),
    )


def downgrade() -> None:
    op.drop_table("intro_items")
    op.drop_table("intro_people")

"""The knowledge loop (issue 13): suggested phrasings from people's wording, masked,
and the article a staff answer used (``svara 42 #artikel``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.tables import UTC_TIME

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.String(length=128), nullable=False),
        sa.Column("area_id", sa.String(length=64)),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("decided_at", UTC_TIME),
        sa.Column("decided_by", sa.String(length=255)),
        sa.UniqueConstraint("fingerprint", name="uq_suggestions_fingerprint"),
    )
    op.create_index("ix_suggestions_status_area", "suggestions", ["status", "area_id"])
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("answer_article", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("answer_article")
    op.drop_index("ix_suggestions_status_area", table_name="suggestions")
    op.drop_table("suggestions")

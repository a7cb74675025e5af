"""The yearly question to the people an area served (issue 14): the runs that decide
who is asked, the sends (to ask once, remind once and not ask again), the answers
without anyone's id, and who opted out (``inga enkäter``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.tables import UTC_TIME

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_runs",
        sa.Column("area_id", sa.String(length=64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("ran_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "survey_sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sent_at", UTC_TIME),
        sa.Column("reminded_at", UTC_TIME),
        sa.Column("finished", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("user_id", "area_id", "year", name="uq_survey_sends_user_id"),
    )
    op.create_index("ix_survey_sends_area_year", "survey_sends", ["area_id", "year"])
    op.create_table(
        "survey_answers",
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("supported", sa.Integer),
        sa.Column("findable", sa.Integer),
        sa.Column("improve", sa.Text),
    )
    op.create_index("ix_survey_answers_area_year", "survey_answers", ["area_id", "year"])
    op.create_table(
        "survey_opt_outs",
        sa.Column("user_id", sa.String(length=255), primary_key=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("survey_opt_outs")
    op.drop_index("ix_survey_answers_area_year", table_name="survey_answers")
    op.drop_table("survey_answers")
    op.drop_index("ix_survey_sends_area_year", table_name="survey_sends")
    op.drop_table("survey_sends")
    op.drop_table("survey_runs")

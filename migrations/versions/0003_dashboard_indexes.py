"""Indexes for the dashboard: cases by closing instant, finished step runs by step and completion.

`ix_cases_closed_at` walks the cases closed in a period, newest first (conformance list, lead
time, weekly trend); `ix_step_runs_step_completed` finds one step's runs finished in a period
and carries the columns the per-step and per-JFU figures read, so PostgreSQL answers them from
the index alone (an index-only scan), step by step, instead of visiting a million heap rows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_cases_closed_at",
        "cases",
        ["closed_at", "id"],
        postgresql_where=sa.text("closed_at IS NOT NULL"),
    )
    op.create_index(
        "ix_step_runs_step_completed",
        "step_runs",
        ["step", "completed_at"],
        postgresql_include=["outcome", "standard_minutes", "working_minutes", "performer_id"],
        postgresql_where=sa.text("completed_at IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_step_runs_step_completed", table_name="step_runs")
    op.drop_index("ix_cases_closed_at", table_name="cases")

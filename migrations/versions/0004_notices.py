"""Notices: a case landed in someone's queue, or a step ran over its standard.

One row per (step run, kind, recipient), so a notice is never duplicated; a partial index
answers "unread notices of account X, newest first" for the menu count.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS = ("landed", "ordered", "directed", "returned", "over_standard")


def upgrade():
    op.create_table(
        "notices",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step_run_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *KINDS,
                name="notice_kind",
                native_enum=False,
                create_constraint=True,
                length=max(map(len, KINDS)),
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_error", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "read_at IS NULL OR read_at >= created_at",
            name=op.f("ck_notices_read_after_created"),
        ),
        sa.CheckConstraint(
            "email_sent_at IS NULL OR email_error IS NULL",
            name=op.f("ck_notices_email_sent_or_failed"),
        ),
        sa.CheckConstraint(
            "email_error IS NULL OR length(email_error) > 0",
            name=op.f("ck_notices_email_error_present"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["accounts.id"],
            name=op.f("fk_notices_recipient_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notices_case_id_cases"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["step_run_id"],
            ["step_runs.id"],
            name=op.f("fk_notices_step_run_id_step_runs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint(
            "step_run_id", "kind", "recipient_id", name="uq_notices_run_kind_recipient"
        ),
    )
    op.create_index(
        "ix_notices_unread",
        "notices",
        ["recipient_id", "created_at"],
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_index("ix_notices_recipient", "notices", ["recipient_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_notices_recipient", table_name="notices")
    op.drop_index("ix_notices_unread", table_name="notices")
    op.drop_table("notices")

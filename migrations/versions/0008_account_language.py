"""accounts.language: the language each person reads SOP Desk in (id or en), remembered.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "accounts",
        sa.Column("language", sa.String(length=2), server_default="id", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_accounts_language_known"), "accounts", "language IN ('id', 'en')"
    )


def downgrade():
    op.drop_constraint(op.f("ck_accounts_language_known"), "accounts", type_="check")
    op.drop_column("accounts", "language")

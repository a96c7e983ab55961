"""accounts.session_epoch: part of every session id, so logging out ends copies of the cookie.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "accounts",
        sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade():
    op.drop_column("accounts", "session_epoch")

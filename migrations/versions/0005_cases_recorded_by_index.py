"""Index the account that recorded a case: "your reports" on the work queue and pengguna scoping.

Both look for cases WHERE reporter_id = X OR recorded_by_id = X; without this index the OR
turns into a scan of every case.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_recorded_by", "cases", ["recorded_by_id", "created_at"])


def downgrade():
    op.drop_index("ix_cases_recorded_by", table_name="cases")

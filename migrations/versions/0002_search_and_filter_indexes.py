"""Indexes for every search and filter the screens offer, at a million rows.

Trigram (pg_trgm) GIN indexes serve the screens' substring search (ILIKE '%term%'); btree
indexes serve the default order of the instruction and report lists and the audit filters.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRIGRAM = [
    ("ix_cases_title_trgm", "cases", "title"),
    ("ix_cases_reporter_name_trgm", "cases", "reporter_name"),
    ("ix_instructions_text_trgm", "instructions", "text"),
    ("ix_reports_text_trgm", "reports", "text"),
    ("ix_log_entries_text_trgm", "log_entries", "text"),
]
BTREE = [
    ("ix_instructions_created_at", "instructions", ["created_at", "id"]),
    ("ix_reports_created_at", "reports", ["created_at", "id"]),
    ("ix_audit_events_action", "audit_events", ["action", "occurred_at"]),
    ("ix_audit_events_actor", "audit_events", ["actor_id", "occurred_at"]),
]


def upgrade():
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM:
        op.create_index(
            name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
        )
    for name, table, columns in BTREE:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in BTREE + TRIGRAM:
        op.drop_index(name, table_name=table)
    # The extension stays: other objects may use it, and dropping it needs more privileges.

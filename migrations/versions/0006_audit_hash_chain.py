"""Audit events form a hash chain: each row hashes its content and the previous row's hash.

A BEFORE INSERT trigger numbers each event (chain_seq), links it to the previous one and
hashes it; the one-row table audit_chain_head holds the last number and hash, and its row lock
serialises writers so the chain never forks. `flask audit verify` recomputes every hash.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HASH_FUNCTION = """
CREATE FUNCTION audit_event_hash(
    seq bigint, occurred_at timestamptz, actor_id integer, action text, entity text,
    entity_id bigint, case_id integer, before jsonb, after jsonb, prev_hash text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    -- A JSON array is an unambiguous serialisation (NULL stays null, no separator games);
    -- the instant is counted in microseconds so the session's time zone cannot change it.
    SELECT encode(sha256(convert_to(jsonb_build_array(
        seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_id, action, entity,
        entity_id, case_id, before, after, prev_hash)::text, 'UTF8')), 'hex')
$$
"""

CHAIN_FUNCTION = """
CREATE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head record;
BEGIN
    SELECT seq, hash INTO head FROM audit_chain_head FOR UPDATE;
    NEW.chain_seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.hash := audit_event_hash(NEW.chain_seq, NEW.occurred_at, NEW.actor_id, NEW.action,
        NEW.entity, NEW.entity_id, NEW.case_id, NEW.before, NEW.after, NEW.prev_hash);
    UPDATE audit_chain_head SET seq = NEW.chain_seq, hash = NEW.hash;
    RETURN NEW;
END
$$
"""


BACKFILL = """
DO $$
DECLARE
    event record;
    seq bigint := 0;
    previous text := NULL;
    link text;
BEGIN
    FOR event IN SELECT * FROM audit_events ORDER BY id LOOP
        seq := seq + 1;
        link := audit_event_hash(seq, event.occurred_at, event.actor_id, event.action,
            event.entity, event.entity_id, event.case_id, event.before, event.after, previous);
        UPDATE audit_events SET chain_seq = seq, prev_hash = previous, hash = link
        WHERE id = event.id;
        previous := link;
    END LOOP;
END
$$
"""


def upgrade():
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Boolean(), primary_key=True, server_default=sa.true()),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=True),
        sa.CheckConstraint("id", name="ck_audit_chain_head_one_row"),
    )
    op.execute(HASH_FUNCTION)
    # Chain the rows already there, in the order they were written (the history is append-only,
    # so its guard steps aside for this one backfill).
    op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    op.execute(BACKFILL)
    op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    op.execute(
        "INSERT INTO audit_chain_head (id, seq, hash) "
        "SELECT true, coalesce(max(chain_seq), 0), "
        "(SELECT hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1) FROM audit_events"
    )
    op.alter_column("audit_events", "chain_seq", nullable=False)
    op.alter_column("audit_events", "hash", nullable=False)
    op.create_unique_constraint("uq_audit_events_chain_seq", "audit_events", ["chain_seq"])
    op.execute(CHAIN_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain_link()"
    )


def downgrade():
    op.execute("DROP TRIGGER audit_events_chain ON audit_events")
    op.execute("DROP FUNCTION audit_chain_link()")
    op.drop_constraint("uq_audit_events_chain_seq", "audit_events")
    op.drop_table("audit_chain_head")
    op.execute("DROP FUNCTION audit_event_hash(bigint, timestamptz, integer, text, text, bigint, "
               "integer, jsonb, jsonb, text)")
    for column in ("hash", "prev_hash", "chain_seq"):
        op.drop_column("audit_events", column)

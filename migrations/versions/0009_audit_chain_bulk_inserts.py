"""The audit chain's head is written once per statement, so a bulk insert stays linear.

0006 updated the one-row audit_chain_head for every event. Inside one transaction each update
leaves a row version that cannot be pruned until commit, and every next `SELECT ... FOR
UPDATE` reads them all: an INSERT ... SELECT of n events cost O(n²) (seed-demo's 860,000 case
events ran for hours). Now a transaction locks the head once, carries the last link in a
transaction-local setting (reverted with a rolled-back savepoint, as the head row is), and an
AFTER STATEMENT trigger writes the head once per statement. The hashes are the same.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LINK = """
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last text := coalesce(current_setting('sopdesk.audit_chain_last', true), '');
    seq bigint;
    previous text;
BEGIN
    IF last = '' THEN  -- this transaction's first event: lock the head until commit
        SELECT h.seq, h.hash INTO seq, previous FROM audit_chain_head h FOR UPDATE;
    ELSE
        seq := split_part(last, ':', 1)::bigint;
        previous := nullif(split_part(last, ':', 2), '');
    END IF;
    NEW.chain_seq := seq + 1;
    NEW.prev_hash := previous;
    NEW.hash := audit_event_hash(NEW.chain_seq, NEW.occurred_at, NEW.actor_id, NEW.action,
        NEW.entity, NEW.entity_id, NEW.case_id, NEW.before, NEW.after, NEW.prev_hash);
    PERFORM set_config('sopdesk.audit_chain_last', NEW.chain_seq || ':' || NEW.hash, true);
    RETURN NEW;
END
$$
"""

SAVE_HEAD = """
CREATE FUNCTION audit_chain_save_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last text := coalesce(current_setting('sopdesk.audit_chain_last', true), '');
BEGIN
    IF last <> '' THEN
        UPDATE audit_chain_head
        SET seq = split_part(last, ':', 1)::bigint, hash = split_part(last, ':', 2);
    END IF;
    RETURN NULL;
END
$$
"""

# 0006's version, for the downgrade.
OLD_LINK = """
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
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


def upgrade():
    op.execute(LINK)
    op.execute(SAVE_HEAD)
    op.execute(
        "CREATE TRIGGER audit_events_chain_head AFTER INSERT ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_save_head()"
    )


def downgrade():
    op.execute("DROP TRIGGER audit_events_chain_head ON audit_events")
    op.execute("DROP FUNCTION audit_chain_save_head()")
    op.execute(OLD_LINK)

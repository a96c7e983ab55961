"""Keyed seals on the audit chain; finished step runs are final; the chain's writers run as owner.

- `audit_seals`: one HMAC per chain link, computed by the application with a key the database
  never holds (rules/evidence.py), append-only like the other history tables.
- The chain trigger also remembers the first link of the transaction (tagged with its
  transaction id), so the application seals the links its own transaction wrote, never links
  someone else left unsealed; the head moves only to a row the statement inserted.
- The chain triggers run as the tables' owner (SECURITY DEFINER): the application's role needs
  no right on `audit_chain_head` at all, so it cannot move the head.
- A finished step run is never changed or deleted (its time and performer are evidence).

Revision ID: 0013
Revises: 0012
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

def _revision_0009():
    """0009's chain functions: restored by the downgrade."""
    path = Path(__file__).with_name("0009_audit_chain_bulk_inserts.py")
    spec = importlib.util.spec_from_file_location("revision_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The transaction's first and last link, tagged with its transaction id: a value left in the
# session (or set for the role) by anyone else is ignored, and `last` is believed only while it
# is the newest row of the chain; otherwise the head is read (and locked) again.
LINK = """
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    xact text := pg_current_xact_id()::text;
    last text := coalesce(current_setting('sopdesk.audit_chain_last', true), '');
    seq bigint;
    previous text;
BEGIN
    IF split_part(last, ':', 1) = xact THEN
        seq := split_part(last, ':', 2)::bigint;
        previous := nullif(split_part(last, ':', 3), '');
        IF seq IS DISTINCT FROM (SELECT max(e.chain_seq) FROM audit_events e)
           OR NOT EXISTS (SELECT 1 FROM audit_events e
                          WHERE e.chain_seq = seq AND e.hash IS NOT DISTINCT FROM previous) THEN
            last := '';
        END IF;
    ELSE
        last := '';
    END IF;
    IF last = '' THEN  -- this transaction's first event: lock the head until commit
        SELECT h.seq, h.hash INTO seq, previous FROM audit_chain_head h FOR UPDATE;
        PERFORM set_config('sopdesk.audit_chain_first', xact || ':' || (seq + 1), true);
    END IF;
    NEW.chain_seq := seq + 1;
    NEW.prev_hash := previous;
    NEW.hash := audit_event_hash(NEW.chain_seq, NEW.occurred_at, NEW.actor_id, NEW.action,
        NEW.entity, NEW.entity_id, NEW.case_id, NEW.before, NEW.after, NEW.prev_hash);
    PERFORM set_config('sopdesk.audit_chain_last',
                       xact || ':' || NEW.chain_seq || ':' || NEW.hash, true);
    RETURN NEW;
END
$$
"""

# The head moves to the newest row the statement inserted, never to a setting anyone can write.
SAVE_HEAD = """
CREATE OR REPLACE FUNCTION audit_chain_save_head() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE audit_chain_head h SET seq = n.chain_seq, hash = n.hash
    FROM (SELECT i.chain_seq, i.hash FROM inserted i ORDER BY i.chain_seq DESC LIMIT 1) n
    WHERE n.chain_seq > h.seq;
    RETURN NULL;
END
$$
"""

FINISHED_RUNS_ARE_FINAL = """
CREATE FUNCTION step_run_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.completed_at IS NOT NULL THEN
        RAISE EXCEPTION '% of a finished step run (%) is not allowed', TG_OP, OLD.id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A finished step is evidence; record a correction instead.';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade():
    op.create_table(
        "audit_seals",
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column(
            "sealed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("chain_seq", name=op.f("pk_audit_seals")),
    )
    op.execute(
        "CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals "
        "FOR EACH ROW EXECUTE FUNCTION forbid_history_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals "
        "FOR EACH STATEMENT EXECUTE FUNCTION forbid_history_change()"
    )
    op.execute(LINK)
    op.execute(SAVE_HEAD)
    op.execute("DROP TRIGGER audit_events_chain_head ON audit_events")
    op.execute(
        "CREATE TRIGGER audit_events_chain_head AFTER INSERT ON audit_events "
        "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "
        "audit_chain_save_head()"
    )
    op.execute(FINISHED_RUNS_ARE_FINAL)
    op.execute(
        "CREATE TRIGGER step_runs_final BEFORE UPDATE OR DELETE ON step_runs "
        "FOR EACH ROW EXECUTE FUNCTION step_run_final()"
    )


def downgrade():
    old = _revision_0009()
    op.execute("DROP TRIGGER step_runs_final ON step_runs")
    op.execute("DROP FUNCTION step_run_final()")
    op.execute("DROP TRIGGER audit_events_chain_head ON audit_events")
    op.execute("DROP FUNCTION audit_chain_save_head()")
    op.execute(old.SAVE_HEAD)
    op.execute(
        "CREATE TRIGGER audit_events_chain_head AFTER INSERT ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_save_head()"
    )
    op.execute(old.LINK)  # CREATE OR REPLACE: back to SECURITY INVOKER, no search_path
    op.execute("DROP TABLE audit_seals")

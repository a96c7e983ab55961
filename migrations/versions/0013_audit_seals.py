"""Keyed seals on the audit chain; finished step runs are final; the chain's writers run as owner.

- `audit_seals`: one HMAC per chain link, computed by the application with a key the database
  never holds (rules/evidence.py), append-only like the other history tables.
- The chain trigger also remembers the first link of the transaction, so the application seals
  exactly the links its own transaction wrote, never links someone else left unsealed.
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

def _link_of_0009() -> str:
    """0009's chain trigger function (restored by the downgrade, extended by the upgrade)."""
    path = Path(__file__).with_name("0009_audit_chain_bulk_inserts.py")
    spec = importlib.util.spec_from_file_location("revision_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LINK


OLD_LINK = _link_of_0009()
LINK = OLD_LINK.replace(
    "LANGUAGE plpgsql AS $$",
    "LANGUAGE plpgsql\nSECURITY DEFINER SET search_path = public, pg_temp AS $$",
).replace(
    "FOR UPDATE;\n",
    "FOR UPDATE;\n        PERFORM set_config('sopdesk.audit_chain_first', (seq + 1)::text, true);\n",
)
assert LINK.count("audit_chain_first") == 1 and "SECURITY DEFINER" in LINK

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
    op.execute(
        "ALTER FUNCTION audit_chain_save_head() SECURITY DEFINER SET search_path = public, pg_temp"
    )
    op.execute(FINISHED_RUNS_ARE_FINAL)
    op.execute(
        "CREATE TRIGGER step_runs_final BEFORE UPDATE OR DELETE ON step_runs "
        "FOR EACH ROW EXECUTE FUNCTION step_run_final()"
    )


def downgrade():
    op.execute("DROP TRIGGER step_runs_final ON step_runs")
    op.execute("DROP FUNCTION step_run_final()")
    op.execute("ALTER FUNCTION audit_chain_save_head() SECURITY INVOKER RESET search_path")
    op.execute(OLD_LINK)
    op.execute("DROP TABLE audit_seals")

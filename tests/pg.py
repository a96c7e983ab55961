"""Throwaway PostgreSQL databases for the test suite: TEST_DATABASE_URL's server, else embedded."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from admin_app.config import normalize_database_url


class PostgresServer:
    """A server the suite may create and drop databases on."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(normalize_database_url(admin_url) or "")

    def _admin_dsn(self) -> str:
        return self.admin_url.set(drivername="postgresql").render_as_string(hide_password=False)

    def url_for(self, database: str) -> str:
        """A SQLAlchemy URL for one database on this server."""
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def _run(self, statement: sql.Composable) -> None:
        conn = psycopg2.connect(self._admin_dsn())
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement)
        finally:
            conn.close()

    def create_database(self, prefix: str = "sopdesk_test", template: str | None = None) -> str:
        """Create a database with a unique name (empty, or a copy of `template`'s); its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            copy_of = make_url(template).database or ""
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(copy_of))
        self._run(statement)
        return self.url_for(name)

    def run(self, statement: str) -> None:
        """One statement as the server's administrator (roles are per server, not per database)."""
        self._run(sql.SQL(statement))

    def drop_database(self, url: str) -> None:
        """Drop a database the suite created, closing any connection still open on it."""
        name = make_url(url).database or ""
        self._run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def test_server() -> Iterator[PostgresServer]:
    """TEST_DATABASE_URL's server when set, else a throwaway embedded cluster."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield PostgresServer(url)
        return
    from admin_app.embedded_db import start_embedded

    with tempfile.TemporaryDirectory(prefix="sopdesk-pg-") as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)
        admin_url = start_embedded(tmp_path / "pgdata", database="postgres", cleanup="delete")
        yield PostgresServer(admin_url)

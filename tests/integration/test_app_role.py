"""The app's own database role reads and appends history and cannot rewrite it; the app runs on it.

Before, the app connected as the tables' owner: it could DISABLE TRIGGER, and as superuser SET
session_replication_role, and rewrite the chain. Now migrations run as the owner and the app as
a role created by `flask app-role`; every refusal below has its control (the same statement
passes for the owner, or a permitted one passes for the app role).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import flask_migrate
import psycopg2
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from admin_app import create_app
from models import db
from tests.conftest import TEST_PASSWORD
from tests.support.walk import Team, walk_to

PASSWORD = "peran-aplikasi-uji-2026"


@pytest.fixture(scope="module")
def roles(pg_server, monkeypatch_module) -> Iterator[tuple[str, str]]:
    """(owner URL, app-role URL) on a fresh database, the role made by the documented command."""
    owner = pg_server.create_database("sopdesk_roles")
    role = f"sopdesk_app_{uuid.uuid4().hex[:8]}"
    app = create_app({"DATABASE_URL": owner, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    monkeypatch_module.setenv("SOPDESK_TEST_ROLE_PASSWORD", PASSWORD)
    result = app.test_cli_runner().invoke(
        args=["app-role", role, "--password-env", "SOPDESK_TEST_ROLE_PASSWORD"]
    )
    assert result.exit_code == 0 and f"Peran {role} dibuat." in result.output, result.output
    app_url = make_url(owner).set(username=role, password=PASSWORD)
    yield owner, app_url.render_as_string(hide_password=False)
    pg_server.drop_database(owner)
    pg_server.run(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _run(url: str, *statements: str, keep: bool = True) -> list[tuple]:
    """Statements in one transaction (rolled back unless `keep`); the last one's rows."""
    conn = psycopg2.connect(url.replace("+psycopg2", ""))
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
            rows = cur.fetchall() if cur.description else []
        conn.commit() if keep else conn.rollback()
        return rows
    finally:
        conn.close()


REFUSED = [
    ("UPDATE audit_events SET action = 'x'", "permission denied"),
    ("DELETE FROM audit_events", "permission denied"),
    ("TRUNCATE audit_events", "permission denied"),
    ("DELETE FROM log_entries", "permission denied"),
    ("UPDATE reports SET text = 'x'", "permission denied"),
    ("UPDATE instructions SET text = 'x'", "permission denied"),
    ("DELETE FROM audit_seals", "permission denied"),
    ("UPDATE audit_chain_head SET seq = 0", "permission denied"),
    ("DELETE FROM step_runs", "permission denied"),
    ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", "must be owner"),
    ("ALTER TABLE step_runs DISABLE TRIGGER step_runs_final", "must be owner"),
    ("SET session_replication_role = replica", "permission denied"),
    (
        "CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql "
        "AS 'BEGIN RETURN NEW; END'",
        "permission denied",
    ),
]


@pytest.mark.parametrize(("statement", "why"), REFUSED)
def test_the_app_role_cannot_rewrite_history(roles, statement, why):
    owner, app_role = roles
    with pytest.raises(psycopg2.Error, match=why):
        _run(app_role, statement)


def test_the_owner_can_and_the_app_role_may_read_append_and_run_cases(roles):
    owner, app_role = roles
    # Control: the owner may step around the trigger; the app role's refusal is its role's.
    _run(owner, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    _run(owner, "ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    before = _run(app_role, "SELECT seq FROM audit_chain_head")[0][0]
    moved = _run(
        app_role,
        "INSERT INTO audit_events (action, entity) VALUES ('uji.peran', 'uji')",
        "SELECT seq FROM audit_chain_head",
        keep=False,  # an event written outside the app has no seal: verify would flag it
    )
    assert moved[0][0] == before + 1


def test_the_whole_app_runs_on_the_app_role_and_its_evidence_verifies(roles):
    owner, app_role = roles
    app = create_app({"DATABASE_URL": app_role, "DATABASE_OWNER_URL": owner, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()  # as the owner, re-granting the app role's rights
        assert db.session.scalar(sa.text("SELECT current_user")) == make_url(app_role).username
        team = Team.create(db.session, "peran", TEST_PASSWORD)
        case_id = walk_to(db.session, team, 10)
        db.session.commit()
        status = db.session.scalar(sa.text(f"SELECT status FROM cases WHERE id = {case_id}"))
        db.session.remove()
        db.engine.dispose()
    assert status == "closed"
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Rantai audit utuh" in result.output, result.output


def test_the_embedded_database_serves_the_app_as_its_own_role(tmp_path):
    """What `python wsgi.py` does with DATABASE_URL unset: owner migrates, sopdesk_app serves."""
    from admin_app.embedded_db import APP_ROLE, start_embedded_as_app

    tmp_path.chmod(0o755)
    owner, app_url = start_embedded_as_app(tmp_path / "pgdata", cleanup="delete")
    assert make_url(app_url).username == APP_ROLE and make_url(owner).username != APP_ROLE
    app = create_app({"DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        assert db.session.scalar(sa.text("SELECT current_user")) == APP_ROLE
        assert db.session.scalar(sa.text("SELECT count(*) FROM roles")) >= 6  # may read
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            db.session.execute(sa.text("UPDATE audit_events SET action = 'x'"))
        db.session.rollback()
        db.engine.dispose()


def test_a_forged_chain_setting_neither_moves_the_head_nor_the_numbering(roles):
    """The trigger believes its own transaction's setting only while it is the newest row."""
    owner, app_role = roles
    before = _run(app_role, "SELECT seq, hash FROM audit_chain_head")[0]
    rows = _run(
        app_role,
        "SELECT set_config('sopdesk.audit_chain_last', pg_current_xact_id()::text || ':1:x', true)",
        "INSERT INTO audit_events (action, entity) SELECT 'uji.kosong', 'uji' WHERE false",
        "INSERT INTO audit_events (action, entity) VALUES ('uji.palsu', 'uji')",
        "SELECT (SELECT seq FROM audit_chain_head), max(chain_seq) FROM audit_events",
        keep=False,
    )
    assert rows[0] == (before[0] + 1, before[0] + 1)  # numbered after the real head, not after 1
    assert _run(app_role, "SELECT seq, hash FROM audit_chain_head")[0] == before  # rolled back

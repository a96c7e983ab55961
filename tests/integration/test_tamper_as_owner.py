"""The audit's attacks, played as the database's owner, and `flask audit verify` catching each.

Before seals and checkpoints, the owner could disable the append-only trigger, edit a row,
re-hash the chain from it with the public `audit_event_hash()` and move the head, or cut off the
newest events and move the head back, and verify said the chain was intact; step runs and cases
were not covered at all. Each test first sees verify pass on the same data (the control).
"""

from __future__ import annotations

from collections.abc import Iterator

import flask_migrate
import psycopg2
import pytest
import sqlalchemy as sa
from flask import Flask

from admin_app import create_app
from models import db
from tests.conftest import TEST_PASSWORD
from tests.support.walk import Team, walk_to

REHASH_FROM = """
DO $$
DECLARE
    r record;
    previous text;
BEGIN
    SELECT hash INTO previous FROM audit_events WHERE chain_seq = %(seq)s - 1;
    FOR r IN SELECT * FROM audit_events WHERE chain_seq >= %(seq)s ORDER BY chain_seq LOOP
        UPDATE audit_events SET prev_hash = previous,
            hash = audit_event_hash(r.chain_seq, r.occurred_at, r.actor_id, r.action, r.entity,
                                    r.entity_id, r.case_id, r.before, r.after, previous)
        WHERE id = r.id RETURNING hash INTO previous;
    END LOOP;
    UPDATE audit_chain_head SET hash = previous;
END $$
"""


@pytest.fixture(scope="module")
def populated(pg_server) -> Iterator[str]:
    """A migrated database with three walked cases, its events sealed (copied for each test)."""
    url = pg_server.create_database("sopdesk_tamper_base")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        team = Team.create(db.session, "owner", TEST_PASSWORD)
        for target in (10, 8, 4):
            walk_to(db.session, team, target)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def app(pg_server, populated) -> Iterator[Flask]:
    """A copy of the populated database, checkpointed, with an app on it."""
    url = pg_server.create_database("sopdesk_tamper", template=populated)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    checkpoint = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert checkpoint.exit_code == 0, checkpoint.output
    yield app
    with app.app_context():
        db.engine.dispose()
    pg_server.drop_database(url)


def as_owner(app: Flask, statement: str, **params: object) -> None:
    """What the owner types into psql (no app, no key)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg2", "")
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
    finally:
        conn.close()


def verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def head(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.text("SELECT seq FROM audit_chain_head"))


@pytest.mark.parametrize(
    "step_around",
    [
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "SET session_replication_role = replica",
    ],
)
def test_a_row_rewritten_and_the_chain_rehashed_is_caught_by_its_seal(app, step_around):
    code, output = verify(app)
    assert code == 0 and "Rantai audit utuh" in output and "1 titik periksa cocok" in output
    victim = head(app) - 5
    as_owner(
        app,
        f"{step_around};"
        "UPDATE audit_events SET after = after || '{\"palsu\": true}' WHERE chain_seq = %(seq)s;"
        + REHASH_FROM,
        seq=victim,
    )
    code, output = verify(app)
    assert code == 1
    assert f"(urutan {victim}): segelnya hilang atau tidak dibuat dengan kunci kita" in output
    # Hashes and links alone now agree again: only the keyed seal gives the rewrite away.
    assert "isinya tidak cocok" not in output and "tautan" not in output


def test_the_newest_events_cut_off_and_the_head_moved_back_are_caught_by_the_checkpoint(app):
    last = head(app)
    assert verify(app)[0] == 0
    as_owner(
        app,
        "SET session_replication_role = replica;"
        "DELETE FROM audit_events WHERE chain_seq > %(keep)s;"
        "DELETE FROM audit_seals WHERE chain_seq > %(keep)s;"
        "UPDATE audit_chain_head SET seq = %(keep)s,"
        " hash = (SELECT hash FROM audit_events WHERE chain_seq = %(keep)s)",
        keep=last - 3,
    )
    code, output = verify(app)
    assert code == 1
    assert f"titik periksa melihat urutan {last}, rantai berakhir di {last - 3}" in output


def test_a_moved_head_is_caught(app):
    assert verify(app)[0] == 0
    as_owner(
        app,
        "UPDATE audit_chain_head SET seq = seq - 1,"
        " hash = (SELECT hash FROM audit_events WHERE chain_seq = seq - 1)",
    )
    code, output = verify(app)
    assert code == 1 and "kepala rantai tidak menunjuk baris terakhir" in output


def test_a_forged_checkpoint_line_is_caught(app):
    assert verify(app)[0] == 0
    with app.app_context():
        from admin_app.evidence import evidence

        path = evidence(app).checkpoint_file
    line = (
        path.read_text()
        .splitlines()[-1]
        .replace('"seq":', '"seq":1')
        .replace(',"mac":"', ',"mac":"0')
    )
    path.write_text(path.read_text() + line + "\n")
    code, output = verify(app)
    assert code == 1 and "baris 2 berkas titik periksa tidak lolos tanda tangan" in output


def test_a_finished_step_runs_minutes_changed_by_the_owner_are_caught(app):
    assert verify(app)[0] == 0
    with app.app_context():
        run_id = db.session.scalar(
            sa.text("SELECT max(id) FROM step_runs WHERE completed_at IS NOT NULL")
        )
    as_owner(
        app,
        "SET session_replication_role = replica;"
        "UPDATE step_runs SET working_minutes = 1, performer_id = performer_id + 1"
        " WHERE id = %(id)s",
        id=run_id,
    )
    code, output = verify(app)
    assert code == 1
    assert f"langkah #{run_id} yang selesai berbeda" in output
    assert "performer_id, working_minutes" in output


def test_a_finished_step_run_deleted_by_the_owner_is_caught(app):
    with app.app_context():
        run_id = db.session.scalar(
            sa.text("SELECT min(id) FROM step_runs WHERE completed_at IS NOT NULL AND step = 5")
        )
    as_owner(
        app,
        "SET session_replication_role = replica; DELETE FROM step_runs WHERE id = %(id)s",
        id=run_id,
    )
    code, output = verify(app)
    assert code == 1 and f"langkah #{run_id} yang selesai berbeda dari peristiwa" in output


def test_a_closed_case_edited_by_the_owner_is_caught(app):
    with app.app_context():
        case_id = db.session.scalar(sa.text("SELECT id FROM cases WHERE status = 'closed'"))
    assert verify(app)[0] == 0
    as_owner(
        app,
        "UPDATE cases SET priority = 'rendah', rework_rounds = 2 WHERE id = %(id)s",
        id=case_id,
    )
    code, output = verify(app)
    assert code == 1 and f"kasus #{case_id} berbeda dari peristiwa yang mencatatnya" in output
    assert "(rework_rounds, priority)" in output


def test_the_owner_cannot_change_a_finished_step_run_without_stepping_around_the_trigger(app):
    with app.app_context():
        run_id = db.session.scalar(
            sa.text("SELECT max(id) FROM step_runs WHERE completed_at IS NOT NULL")
        )
        open_run = db.session.scalar(
            sa.text("SELECT max(id) FROM step_runs WHERE completed_at IS NULL")
        )
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="finished step run"):
        as_owner(app, "UPDATE step_runs SET working_minutes = 1 WHERE id = %(id)s", id=run_id)
    as_owner(app, "UPDATE step_runs SET opened_at = actionable_at WHERE id = %(id)s", id=open_run)


def test_checkpoints_also_go_to_syslog_when_asked(populated, pg_server):
    """A copy outside the host: every checkpoint line reaches the syslog receiver too."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    url = pg_server.create_database("sopdesk_syslog", template=populated)
    address = f"127.0.0.1:{receiver.getsockname()[1]}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "AUDIT_SYSLOG": address})
    try:
        result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
        assert result.exit_code == 0, result.output
        message = receiver.recv(4096).decode()
        with app.app_context():
            from admin_app.evidence import evidence

            line = evidence(app).checkpoints()[-1]
    finally:
        receiver.close()
        with app.app_context():
            db.engine.dispose()
        pg_server.drop_database(url)
    assert "sopdesk-audit-checkpoint" in message and line in message


def test_a_rewrite_hidden_by_replacing_the_hash_function_is_caught_by_the_seal(app):
    """The owner makes `audit_event_hash()` answer the stored hash: the seal is not its to fake."""
    assert verify(app)[0] == 0
    victim = head(app) - 4
    as_owner(
        app,
        "ALTER FUNCTION audit_event_hash(bigint, timestamptz, integer, text, text, bigint, integer,"
        " jsonb, jsonb, text) RENAME TO real_audit_event_hash;"
        "CREATE FUNCTION audit_event_hash(s bigint, o timestamptz, a integer, ac text, en text,"
        " ei bigint, c integer, b jsonb, af jsonb, p text) RETURNS text LANGUAGE sql AS"
        " $$ SELECT hash FROM audit_events WHERE chain_seq = s $$;"
        "SET session_replication_role = replica;"
        "UPDATE audit_events SET actor_id = NULL, after = after || '{\"palsu\": true}'"
        " WHERE chain_seq = %(seq)s",
        seq=victim,
    )
    code, output = verify(app)
    assert code == 1 and f"(urutan {victim}): segelnya hilang atau tidak dibuat" in output
    assert "isinya tidak cocok" not in output  # the replaced function did hide it from the hash


@pytest.mark.parametrize(
    ("statement", "detail"),
    [
        ("UPDATE cases SET title = 'Judul palsu' WHERE id = %(id)s", "(title)"),
        ("SET session_replication_role = replica; DELETE FROM cases WHERE id = %(id)s", "(id)"),
    ],
)
def test_a_case_retitled_or_deleted_by_the_owner_is_caught(app, statement, detail):
    with app.app_context():
        case_id = db.session.scalar(sa.text("SELECT min(id) FROM cases"))
    assert verify(app)[0] == 0
    as_owner(app, statement, id=case_id)
    code, output = verify(app)
    assert (
        code == 1 and f"kasus #{case_id} berbeda dari peristiwa yang mencatatnya {detail}" in output
    )


def test_deleting_every_seal_is_caught_and_cannot_be_adopted_away(app):
    assert verify(app)[0] == 0
    as_owner(app, "SET session_replication_role = replica; DELETE FROM audit_seals")
    adopt = app.test_cli_runner().invoke(args=["audit", "adopt"])
    assert adopt.exit_code == 1 and "Tidak ada baris lama" in adopt.output  # checkpoints exist
    code, output = verify(app)
    assert code == 1 and "(urutan 1): segelnya hilang" in output


def test_a_rewritten_chain_trigger_cannot_get_the_app_to_seal_the_owners_events(app):
    """The owner adds two events, then makes the trigger claim them for the app's next commit."""
    import importlib.util
    from pathlib import Path

    from models.services import audit
    from models.services.audit_seals import ForeignLinks

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0013_audit_seals.py"
    spec = importlib.util.spec_from_file_location("revision_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claims_two_more = module.LINK.replace("xact || ':' || (seq + 1)", "xact || ':' || (seq - 1)")
    assert claims_two_more != module.LINK
    forged = head(app) + 1
    as_owner(
        app,
        "INSERT INTO audit_events (action, entity, after) VALUES"
        " ('case.complete', 'case', '{\"palsu\": 1}'), ('case.complete', 'case', '{\"palsu\": 2}');"
        + claims_two_more.replace("%", "%%"),
    )
    with app.app_context():
        with pytest.raises(ForeignLinks, match="1 written"):
            audit.record(db.session, actor_id=None, action="uji.setelah", entity="uji")
            db.session.commit()
        db.session.rollback()  # as a request's teardown does
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.exception
    assert f"(urutan {forged}): segelnya hilang" in result.output

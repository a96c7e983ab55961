"""The audit trail is a hash chain with keyed seals; `flask audit verify` names what was changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_app.evidence import evidence
from models import AuditEvent, db
from models.services import audit
from models.services.audit_chain import verify_chain


def _verify(app):
    with app.app_context():
        keeper = evidence(app)
        return verify_chain(db.engine, keeper.ring, keeper.checkpoints())


def _add_events(app, n: int, action: str = "uji.rantai") -> list[int]:
    with app.app_context(), Session(db.engine) as session:
        events = [
            audit.record(
                session,
                actor_id=None,
                action=action,
                entity="uji",
                entity_id=i,
                after={"n": i, "teks": "é ✅"},
            )
            for i in range(n)
        ]
        session.commit()
        return [e.id for e in events]


def _tamper(app, sql: str, **params) -> None:
    """What a superuser could do by hand: step around the append-only trigger and edit."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(sql), params)


@pytest.fixture
def chain_app(pg_server):
    """A fresh, migrated database per test: tampering must not leak into other tests."""
    import flask_migrate

    from admin_app import create_app

    url = pg_server.create_database("sopdesk_chain")
    app = create_app({"DATABASE_URL": url, "TESTING": True, "AUDIT_CHECKPOINT_MINUTES": 100_000})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    pg_server.drop_database(url)


def test_each_event_links_to_the_previous_one(db_session):
    first = audit.record(db_session, actor_id=None, action="a", entity="uji")
    second = audit.record(db_session, actor_id=None, action="b", entity="uji")
    db_session.flush()
    db_session.refresh(first)
    db_session.refresh(second)
    assert second.chain_seq == first.chain_seq + 1
    assert second.prev_hash == first.hash and len(second.hash) == 64


def test_an_untouched_chain_verifies(chain_app):
    _add_events(chain_app, 30)
    result = chain_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Rantai audit utuh: 30 baris" in result.output


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE audit_events SET after = '{\"n\": 999}' WHERE id = :id", "content"),
        (
            "UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE id = :id",
            "content",
        ),
        ("UPDATE audit_events SET actor_id = NULL, action = 'palsu' WHERE id = :id", "content"),
        ("DELETE FROM audit_events WHERE id = :id", "gap"),
    ],
)
def test_a_row_changed_with_superuser_sql_is_caught_and_named(chain_app, sql, reason):
    ids = _add_events(chain_app, 20)
    victim = ids[7]
    _tamper(chain_app, sql, id=victim)
    verdict = _verify(chain_app)
    assert not verdict.ok and verdict.first.kind == reason
    expected = victim if reason == "content" else ids[8]
    assert verdict.first.row_id == expected
    result = chain_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and f"baris #{expected}" in result.output


def test_rehashing_a_changed_row_still_breaks_the_next_link(chain_app):
    ids = _add_events(chain_app, 10)
    _tamper(
        chain_app,
        """
        UPDATE audit_events SET after = '{"n": -1}',
            hash = audit_event_hash(chain_seq, occurred_at, actor_id, action, entity, entity_id,
                                    case_id, '{"n": -1}'::jsonb, before, prev_hash)
        WHERE id = :id""",
        id=ids[3],
    )
    verdict = _verify(chain_app)
    assert not verdict.ok and verdict.first.row_id in (ids[3], ids[4])


def test_cutting_off_the_newest_rows_is_caught(chain_app):
    ids = _add_events(chain_app, 10)
    _tamper(chain_app, "DELETE FROM audit_events WHERE id >= :id", id=ids[-2])
    verdict = _verify(chain_app)
    assert verdict.first.kind == "tail"


def test_concurrent_writers_never_fork_the_chain(chain_app):
    import threading

    errors = []

    def write(n: int) -> None:
        try:
            _add_events(chain_app, 15, action=f"uji.paralel.{n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    verdict = _verify(chain_app)
    with chain_app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert verdict.ok and verdict.rows == count == 90


BULK_INSERT = sa.text(
    "INSERT INTO audit_events (occurred_at, action, entity, entity_id, after) "
    "SELECT now(), 'uji.massal', 'uji', n, jsonb_build_object('n', n) "
    "FROM generate_series(1, :n) AS n"
)
HEAD_WRITES = sa.text("SELECT pg_stat_get_xact_tuples_updated('audit_chain_head'::regclass)")


def test_a_bulk_insert_chains_every_row_and_writes_the_head_once(chain_app):
    _add_events(chain_app, 3)
    with chain_app.app_context(), db.engine.begin() as conn:
        # Counts this backend has not yet reported, earlier transactions' included: a difference.
        writes = conn.scalar(HEAD_WRITES)
        conn.execute(BULK_INSERT, {"n": 2000})
        assert conn.scalar(HEAD_WRITES) - writes == 1  # once per statement, not once per row
        conn.execute(BULK_INSERT, {"n": 5})
        head = conn.execute(sa.text("SELECT seq, hash FROM audit_chain_head")).one()
        last = conn.execute(
            sa.text("SELECT chain_seq, hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1")
        ).one()
    assert tuple(head) == tuple(last) and head.seq == 2008
    _add_events(chain_app, 2)
    verdict = _verify(chain_app)
    assert verdict.ok and verdict.rows == 2010


def test_events_of_a_rolled_back_savepoint_leave_no_gap(chain_app):
    with chain_app.app_context(), Session(db.engine) as session:
        audit.record(session, actor_id=None, action="uji.simpan", entity="uji")
        session.flush()
        with session.begin_nested() as savepoint:
            for i in range(3):
                audit.record(session, actor_id=None, action="uji.batal", entity="uji", entity_id=i)
            session.flush()
            savepoint.rollback()
        audit.record(session, actor_id=None, action="uji.simpan", entity="uji")
        session.commit()
    _add_events(chain_app, 2)
    verdict = _verify(chain_app)
    with chain_app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.chain_seq))
        assert list(actions) == ["uji.simpan", "uji.simpan", "uji.rantai", "uji.rantai"]
    assert verdict.ok and verdict.rows == 4


def test_a_rotated_key_seals_new_links_and_the_old_key_still_verifies_the_old(chain_app):
    from admin_app import create_app
    from rules.evidence import new_key_line

    url = chain_app.config["SQLALCHEMY_DATABASE_URI"]
    old, new = new_key_line("k2026a"), new_key_line("k2026b")

    def app_with(*lines: str):
        return create_app({"DATABASE_URL": url, "TESTING": True, "AUDIT_KEY": ";".join(lines)})

    first, rotated, without_old = app_with(old), app_with(old, new), app_with(new)
    _add_events(first, 3)
    _add_events(rotated, 2)
    with rotated.app_context():
        keys = db.session.execute(
            sa.text("SELECT key_id, count(*) FROM audit_seals GROUP BY key_id ORDER BY key_id")
        ).all()
    assert [tuple(k) for k in keys][-2:] == [("k2026a", 3), ("k2026b", 2)]
    assert _verify(rotated).ok
    kinds = {finding.kind for finding in _verify(without_old).findings}
    assert "seal" in kinds  # a seal under a key the ring lost is not ours
    for app in (first, rotated, without_old):
        with app.app_context():
            db.engine.dispose()


def test_events_from_before_sealing_are_adopted_once_after_the_upgrade(pg_server):
    import flask_migrate

    from admin_app import create_app

    url = pg_server.create_database("sopdesk_adopt")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        with app.app_context():
            flask_migrate.upgrade(revision="0012")
            with db.engine.begin() as conn:  # written by the release before sealing existed
                conn.execute(BULK_INSERT, {"n": 25})
            flask_migrate.upgrade()
        runner = app.test_cli_runner()
        before = runner.invoke(args=["audit", "verify"])
        assert before.exit_code == 1 and "(urutan 1): segelnya hilang" in before.output
        assert "jalankan sekali `flask --app wsgi audit adopt`" in before.output
        refused = runner.invoke(args=["audit", "checkpoint"])  # an unsealed head is not signed
        assert refused.exit_code == 1 and "tidak menunjuk baris bersegel" in refused.output
        _add_events(app, 1)  # work goes on before anyone adopts (and writes a checkpoint)
        adopted = runner.invoke(args=["audit", "adopt"])
        assert adopted.exit_code == 0 and "25 baris lama disegel" in adopted.output
        after = runner.invoke(args=["audit", "verify"])
        assert after.exit_code == 0 and "Rantai audit utuh: 26 baris" in after.output
        again = runner.invoke(args=["audit", "adopt"])
        assert again.exit_code == 1 and "Tidak ada baris lama" in again.output
    finally:
        with app.app_context():
            db.engine.dispose()
        pg_server.drop_database(url)

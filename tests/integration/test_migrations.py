"""The migrations build the schema from nothing, match the models, and tear it down again."""

from __future__ import annotations

from dataclasses import replace

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from admin_app import create_app
from models import db


@pytest.fixture
def empty_database(pg_server):
    url = pg_server.create_database("sopdesk_migr")
    yield url
    pg_server.drop_database(url)


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_to_head_then_downgrade_to_base(empty_database):
    app = create_app({"DATABASE_URL": empty_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        assert {
            "accounts",
            "roles",
            "cases",
            "step_runs",
            "audit_events",
            "log_entries",
        } <= _tables(db.engine)
        with db.engine.connect() as conn:
            roles = conn.execute(sa.text("SELECT code FROM roles ORDER BY code")).scalars().all()
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert roles == ["direktur", "jfu", "kasi", "kasubdit", "pengguna", "superuser"]
        assert diff == [], f"models and migrations disagree: {diff}"

        flask_migrate.downgrade(revision="base")
        assert _tables(db.engine) == {"alembic_version"}
        db.engine.dispose()


def test_0010_stores_the_shipped_sop_and_refuses_a_downgrade_that_would_lose_the_library(
    empty_database, capfd
):
    from models import SopVersion
    from models.services import positions
    from tests.support.sops import portal_sop

    app = create_app({"DATABASE_URL": empty_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade(revision="0010")
        stored = db.session.scalars(sa.select(SopVersion)).one()
        shipped = replace(
            portal_sop(),
            version=1,
            steps=tuple(
                replace(s, shared_with_reporter=False, separate_from=()) for s in portal_sop().steps
            ),
        )
        assert (stored.state, stored.sop) == ("published", shipped)
        db.session.remove()  # let go of the tables before the migration alters them
        flask_migrate.upgrade()
        # Nothing new yet: 0010 goes down and up again.
        flask_migrate.downgrade(revision="0009")
        flask_migrate.upgrade()
        positions.create_position(db.session, None, code="kasi-jaringan", name="Kasi Jaringan")
        db.session.commit()
        db.session.remove()
        with db.engine.connect() as conn:
            head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        with pytest.raises(SystemExit):  # Flask-Migrate exits with the migration's reason
            flask_migrate.downgrade(revision="0009")
        said = capfd.readouterr().err
        assert "Cannot downgrade below 0010" in said and "1 positions" in said
        with db.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            codes = conn.execute(sa.text("SELECT count(*) FROM roles")).scalar()
        assert (version, codes) == (head, 7)  # the refused downgrade changed nothing
        db.session.remove()
        db.engine.dispose()


def test_0012_publishes_the_portal_sops_version_2_and_goes_back_only_without_its_cases(
    empty_database, capfd
):
    from models import SopVersion
    from models.services import cases as svc
    from tests.support.sops import portal_sop
    from tests.support.walk import CALENDAR, MONDAY_0800, report_payload

    app = create_app({"DATABASE_URL": empty_database, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        states = db.session.execute(
            sa.select(SopVersion.version, SopVersion.state).order_by(SopVersion.version)
        ).all()
        assert [tuple(row) for row in states] == [(1, "retired"), (2, "published")]
        published = db.session.scalars(sa.select(SopVersion).filter_by(version=2)).one()
        assert published.sop == portal_sop()
        db.session.remove()
        flask_migrate.downgrade(revision="0011")  # no case on version 2 yet: it goes
        assert db.session.scalars(sa.select(SopVersion.state)).all() == ["published"]
        db.session.remove()
        flask_migrate.upgrade()
        from models import Account, Role

        reporter = Account(username="pelapor", full_name="Pelapor Uji")
        reporter.set_password("Jalan-Portal-Merah-2026")
        reporter.roles = [db.session.scalars(sa.select(Role).filter_by(code="pengguna")).one()]
        db.session.add(reporter)
        db.session.flush()
        case = svc.report(db.session, reporter, report_payload(), MONDAY_0800, CALENDAR).case
        assert case.sop_version.version == 2
        db.session.commit()
        db.session.remove()
        with pytest.raises(SystemExit):
            flask_migrate.downgrade(revision="0011")
        assert "1 cases run on the portal SOP's version 2" in capfd.readouterr().err
        assert db.session.scalars(sa.select(sa.func.count()).select_from(SopVersion)).one() == 2
        db.session.remove()
        db.engine.dispose()

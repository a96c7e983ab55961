"""The migrations build the schema from nothing, match the models, and tear it down again."""

from __future__ import annotations

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
        flask_migrate.upgrade()
        stored = db.session.scalars(sa.select(SopVersion)).one()
        assert (stored.state, stored.sop) == ("published", portal_sop())
        db.session.remove()  # let go of the tables before the migration alters them
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

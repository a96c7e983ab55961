"""A running SOP Desk for browser tests: a real HTTP server on its own committed database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from models import Account, db
from models.services.accounts import create_account

# At least 10 characters, contains none of the usernames below, not a common password.
PASSWORD = "Jalan-Portal-Merah-2026"

# key -> (username, full name, role); one account per SOP role plus a second JFU.
ACCOUNTS = {
    "pengguna": ("rina.pelapor", "Rina Wulandari", "pengguna"),
    "direktur": ("bambang.dir", "Bambang Hartono", "direktur"),
    "kasubdit": ("siti.kasubdit", "Siti Rahmawati", "kasubdit"),
    "kasi": ("agus.kasi", "Agus Setiawan", "kasi"),
    "jfu": ("dewi.jfu", "Dewi Lestari", "jfu"),
    "jfu2": ("eko.jfu", "Eko Prasetyo", "jfu"),
}


@dataclass(frozen=True)
class LiveServer:
    """Where the server listens, the app behind it, and who may log in."""

    url: str
    app: Flask
    password: str = PASSWORD

    def username(self, key: str) -> str:
        """The username of one of the ACCOUNTS."""
        return ACCOUNTS[key][0]

    def full_name(self, key: str) -> str:
        """The full name of one of the ACCOUNTS, as the pages show it."""
        return ACCOUNTS[key][1]

    def account(self, key: str) -> Account:
        """One of the ACCOUNTS, loaded in the current app context's session."""
        return db.session.execute(
            sa.select(Account).where(Account.username == self.username(key))
        ).scalar_one()


def _create_accounts(app: Flask) -> None:
    with app.app_context():
        for username, full_name, role in ACCOUNTS.values():
            create_account(
                db.session, username=username, full_name=full_name, roles=[role], password=PASSWORD
            )
        db.session.commit()


@pytest.fixture(scope="module", name="live_server")
def live_server_fixture(committed_app: Flask) -> Iterator[LiveServer]:
    """Serve `committed_app` (its own migrated database, real commits) on 127.0.0.1.

    Import `live_server_fixture` into a test module to use the fixture as `live_server` (the
    two names keep ruff from reading the parameter as a redefinition of the import).

    Port 0 lets the kernel pick a free port; `threaded=True` because a browser opens several
    connections at once (page, CSS, favicon).
    """
    _create_accounts(committed_app)
    server = make_server("127.0.0.1", 0, committed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=committed_app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()

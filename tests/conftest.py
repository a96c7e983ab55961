"""Fixtures: a migrated database per run, an app, and a rolled-back transaction per test."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from admin_app import create_app
from models import Account, Role, db
from rules.enums import Role as RoleCode
from tests.pg import PostgresServer, test_server
from tests.support.walk import Team

TEST_PASSWORD = "uji-sandi-Panjang-42"
# One audit key for the run, and checkpoints per database, outside the checkout (servers that
# tests start inherit them).
_EVIDENCE = tempfile.mkdtemp(prefix="sopdesk-evidence-")
os.environ.setdefault("AUDIT_KEY_FILE", os.path.join(_EVIDENCE, "audit-keys"))
os.environ.setdefault("AUDIT_CHECKPOINT_FILE", os.path.join(_EVIDENCE, "{database}.jsonl"))
_hash_cache: dict[str, str] = {}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server the suite runs on."""
    with test_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url(pg_server: PostgresServer) -> Iterator[str]:
    """A fresh database for this run, migrated to head once."""
    url = pg_server.create_database()
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    """The application under test, on the migrated database."""
    return create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "SECRET_KEY": "test-key",
            "RATELIMIT_ENABLED": False,
        }
    )


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session on one connection whose transaction is rolled back after the test.

    Requests made during the test get their own sessions from the same factory, bound to the
    same connection, so they see the test's data and everything vanishes at the end. No app
    context stays pushed during the test: each request gets a fresh one, as in production.
    """
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    factory = db.session.session_factory
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = factory()
    try:
        yield session
    finally:
        session.close()
        factory.configure(bind=None, join_transaction_mode="conditional_savepoint")
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    """A test client whose requests share the test's rolled-back transaction."""
    return app.test_client()


def _password_hash(password: str) -> str:
    """Hash once per password per run: argon2 is slow on purpose."""
    if password not in _hash_cache:
        probe = Account()
        probe.set_password(password)
        _hash_cache[password] = probe.password_hash
    return _hash_cache[password]


@pytest.fixture
def make_account(db_session: Session) -> Callable[..., Account]:
    """Factory: an account holding the given positions, by code (password TEST_PASSWORD)."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, username: str | None = None, active: bool = True) -> Account:
        name = username or f"{(str(roles[0]) if roles else 'user')}{next(counter)}"
        account = Account(username=name, full_name=f"Uji {name.title()}", active=active)
        account.password_hash = _password_hash(TEST_PASSWORD)
        codes = list(roles)
        account.roles = list(
            db_session.execute(db.select(Role).where(Role.code.in_(codes))).scalars()
        )
        db_session.add(account)
        db_session.flush()
        return account

    return make


@pytest.fixture
def team(make_account: Callable[..., Account]) -> Team:
    """One account per SOP role, and a second JFU."""
    return Team(
        pengguna=make_account(RoleCode.PENGGUNA),
        direktur=make_account(RoleCode.DIREKTUR),
        kasubdit=make_account(RoleCode.KASUBDIT),
        kasi=make_account(RoleCode.KASI),
        jfu=make_account(RoleCode.JFU),
        jfu2=make_account(RoleCode.JFU),
    )


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token rendered in a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def login_as(client: FlaskClient, make_account: Callable[..., Account]) -> Callable[..., Account]:
    """Log the test client in as a new account with the given roles."""

    def login(*roles: RoleCode, account: Account | None = None) -> Account:
        account = account or make_account(*roles)
        response = client.post(
            "/login",
            data={
                "username": account.username,
                "password": TEST_PASSWORD,
                "csrf_token": csrf_token(client),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return account

    return login


@pytest.fixture(scope="module")
def committed_app(pg_server: PostgresServer) -> Iterator[Flask]:
    """An app on its own migrated database where tests really commit (races, faults)."""
    url = pg_server.create_database("sopdesk_commit")
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-key", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    pg_server.drop_database(url)

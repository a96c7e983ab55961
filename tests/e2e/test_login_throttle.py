"""Login throttling: a guesser is slowed, the owner is not locked out, every worker counts.

The audit locked `victim` out for an hour with 30 wrong passwords from four addresses, and got
14 of 14 attempts through two gunicorn workers against a limit of 10 a minute.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import flask_migrate
import pytest

from admin_app import create_app
from bench.load_test import gunicorn
from models import db
from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.pg import PostgresServer

WRONG = "salah-salah-salah"


@pytest.fixture(scope="module")
def throttled_app(database_url):
    """An app whose login throttle is on (the shared test app has it off)."""
    return create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k" * 40})


@pytest.fixture
def attempt(throttled_app, db_session):
    """Try a login from an address, in a new browser; the counters vanish with the test."""

    def login(username: str, password: str, address: str):
        client = throttled_app.test_client()
        return client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_token(client)},
            environ_base={"REMOTE_ADDR": address},
        )

    return login


def test_one_address_guessing_many_accounts_is_held_after_ten_failures(attempt):
    statuses = [attempt(f"tidak-ada-{n}", WRONG, "10.1.0.1").status_code for n in range(12)]
    assert statuses == [200] * 10 + [429, 429]
    held = attempt("tidak-ada-99", WRONG, "10.1.0.1")
    assert "Terlalu banyak percobaan masuk" in held.get_data(as_text=True)
    assert 1 <= int(held.headers["Retry-After"]) <= 60
    # Positive control: another address is not held by this one's failures.
    assert attempt("tidak-ada-0", WRONG, "10.1.0.2").status_code == 200


def test_failures_for_one_account_back_off_but_the_right_password_elsewhere_gets_in(
    attempt, make_account
):
    victim = make_account(Role.KASI)
    statuses = [attempt(victim.username, WRONG, "10.2.0.1").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429, 429]  # the 6th waits for the minute's window
    assert attempt(victim.username, TEST_PASSWORD, "10.2.0.1").status_code == 429
    assert attempt(victim.username, TEST_PASSWORD, "10.2.0.9").status_code == 302


def test_thirty_wrong_passwords_from_four_addresses_do_not_lock_the_owner_out(
    attempt, make_account
):
    victim = make_account(Role.KASI)
    statuses = [
        attempt(victim.username, WRONG, f"10.3.0.{n % 4 + 1}").status_code for n in range(30)
    ]
    assert statuses.count(200) == 20 and statuses.count(429) == 10  # five each, then back-off
    owner = attempt(victim.username, TEST_PASSWORD, "10.3.0.5")
    assert owner.status_code == 302 and owner.headers["Location"] == "/"


def test_under_attack_an_address_that_failed_waits_while_a_new_one_gets_in(attempt, make_account):
    victim = make_account(Role.KASI)
    for n in range(30):  # ten addresses, three failures each: 30 in the hour
        assert attempt(victim.username, WRONG, f"10.4.0.{n % 10 + 1}").status_code == 200
    # Each of them has back-off room left (5 a minute) but the account is under attack.
    waited = attempt(victim.username, WRONG, "10.4.0.1")
    assert waited.status_code == 429 and 1 <= int(waited.headers["Retry-After"]) <= 300
    assert attempt(victim.username, TEST_PASSWORD, "10.4.0.20").status_code == 302
    # A new address gets one try, then waits as the others do.
    assert attempt(victim.username, WRONG, "10.4.0.21").status_code == 200
    assert attempt(victim.username, TEST_PASSWORD, "10.4.0.21").status_code == 429


def test_the_right_password_clears_the_back_off_of_its_address(attempt, make_account):
    owner = make_account(Role.KASI)
    for _ in range(4):
        assert attempt(owner.username, WRONG, "10.5.0.1").status_code == 200
    assert attempt(owner.username, TEST_PASSWORD, "10.5.0.1").status_code == 302
    # The four failures no longer count: five more before the back-off, as at the start.
    statuses = [attempt(owner.username, WRONG, "10.5.0.1").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


# -- every worker counts: real gunicorn workers, a new connection per attempt -----------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A real redis-server on a free loopback port, for RATELIMIT_STORAGE_URI=redis://."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the Redis test: apt-get install -y redis-server")
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def served_database(pg_server: PostgresServer) -> Iterator[str]:
    """A migrated database of its own, for servers that really commit."""
    url = pg_server.create_database("sopdesk_throttle")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    yield url
    pg_server.drop_database(url)


def _login_over_a_new_connection(port: int, username: str) -> int:
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    page.request("GET", "/login")
    answer = page.getresponse()
    cookie = answer.getheader("Set-Cookie", "").split(";")[0]
    html = answer.read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    page.close()
    assert token, "no CSRF token on /login"
    body = f"username={username}&password={WRONG}&csrf_token={token.group(1)}"
    post = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    post.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    status = post.getresponse().status
    post.close()
    return status


@pytest.mark.parametrize("store", ["postgresql", "redis"])
def test_two_gunicorn_workers_count_together(served_database, request, tmp_path, store):
    env = {
        "RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_url") if store == "redis" else ""
    }
    with gunicorn(served_database, 2, tmp_path / "gunicorn.log", env=env) as port:
        statuses = [_login_over_a_new_connection(port, f"tidak-ada-{n}") for n in range(14)]
    log = (tmp_path / "gunicorn.log").read_text()[-2000:]
    assert statuses == [200] * 10 + [429] * 4, (statuses, log)

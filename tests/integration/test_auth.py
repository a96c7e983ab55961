"""Login and logout through HTTP."""

from __future__ import annotations

from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token


def _login(client, username: str, password: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def test_right_password_logs_in_and_greets_by_name_and_role(client, make_account):
    account = make_account(Role.KASI)
    response = _login(client, account.username, TEST_PASSWORD)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert account.full_name in page
    assert "Kasi Portal Web" in page


def test_username_is_matched_case_insensitively(client, make_account):
    account = make_account(Role.JFU)
    assert _login(client, account.username.upper(), TEST_PASSWORD).status_code == 302


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_user(client, make_account):
    account = make_account(Role.KASI)
    wrong = _login(client, account.username, "salah-sekali-123").get_data(as_text=True)
    unknown = _login(client, "tidak-ada", TEST_PASSWORD).get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in wrong
    assert "Nama pengguna atau kata sandi salah" in unknown
    assert client.get("/").status_code == 302  # still anonymous


def test_inactive_account_cannot_log_in(client, make_account):
    account = make_account(Role.KASI, active=False)
    response = _login(client, account.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client, make_account):
    account = make_account(Role.KASI)
    response = client.post("/login", data={"username": account.username, "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logout_ends_the_session(client, login_as):
    login_as(Role.KASI)
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_deactivating_an_account_ends_its_session(client, login_as, db_session):
    account = login_as(Role.KASI)
    account.active = False
    db_session.flush()
    assert client.get("/").status_code == 302


def test_changing_the_password_ends_other_sessions(client, login_as, db_session):
    account = login_as(Role.KASI)
    account.set_password("kata-sandi-baru-yang-panjang")
    db_session.flush()
    assert client.get("/").status_code == 302


def test_open_redirect_after_login_is_ignored(client, make_account):
    account = make_account(Role.KASI)
    response = client.post(
        "/login?next=https://evil.example/",
        data={
            "username": account.username,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_samesite(client, make_account):
    account = make_account(Role.KASI)
    response = _login(client, account.username, TEST_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_unknown_inactive_and_real_accounts_cost_the_same_argon2_work(
    client, make_account, monkeypatch
):
    # Timing is measured in bench/login_timing.py; here, the work itself: one argon2
    # verification with the accounts' own parameters, whoever the username names.
    from argon2 import PasswordHasher, extract_parameters

    real_verify = PasswordHasher.verify
    verified: list[object] = []

    def counting_verify(self, hash, password):
        verified.append(extract_parameters(hash))
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    real = make_account(Role.KASI)
    inactive = make_account(Role.KASI, active=False)
    work = {}
    for name, username, password in (
        ("wrong", real.username, "salah-sekali-123"),
        ("unknown", "tidak-ada-sama-sekali", TEST_PASSWORD),
        ("inactive", inactive.username, TEST_PASSWORD),
        ("right", real.username, TEST_PASSWORD),
    ):
        verified.clear()
        response = _login(client, username, password)
        work[name] = (response.status_code, list(verified))
    accounts_cost = extract_parameters(real.password_hash)
    assert work["right"] == (302, [accounts_cost])  # positive control: the owner gets in
    for name in ("wrong", "unknown", "inactive"):
        assert work[name] == (200, [accounts_cost]), name

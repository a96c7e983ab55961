"""Every role changes its own password; sessions end when idle and after their longest life."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from models import Account, AuditEvent
from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.e2e.conftest import page_text

NEW_PASSWORD = "Sandi-baru-yang-Panjang-7"


def _log_in(client, username: str, password: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def _change(client, current: str, new: str, again: str | None = None):
    return client.post(
        "/my-password/",
        data={
            "current_password": current,
            "password": new,
            "password_confirm": new if again is None else again,
            "csrf_token": csrf_token(client, "/my-password/"),
        },
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_changes_its_own_password_and_its_other_sessions_end(
    app, client, login_as, db_session, role
):
    account = login_as(role)
    elsewhere = app.test_client()
    assert _log_in(elsewhere, account.username, TEST_PASSWORD).status_code == 302
    assert 'data-testid="own-password-link"' in client.get("/notices/").get_data(as_text=True)
    changed = _change(client, TEST_PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 302
    assert "Kata sandi Anda telah diubah" in page_text(client.get(changed.headers["Location"]))
    assert client.get("/notices/").status_code == 200  # this session goes on
    assert elsewhere.get("/notices/").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert _log_in(fresh, account.username, TEST_PASSWORD).status_code == 200
    assert _log_in(fresh, account.username, NEW_PASSWORD).status_code == 302
    event = db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.password_change", entity_id=account.id)
    ).one()
    assert event.actor_id == account.id and NEW_PASSWORD not in str(event.after)


@pytest.mark.parametrize(
    ("current", "new", "again", "reason"),
    [
        ("salah-sekali-123", NEW_PASSWORD, None, "Kata sandi saat ini salah"),
        (TEST_PASSWORD, "rahasia12345", None, "Kata sandi terlalu umum"),
        (TEST_PASSWORD, "pendek", None, "minimal 12 karakter"),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "Kedua kata sandi tidak sama"),
        (TEST_PASSWORD, TEST_PASSWORD, None, "sama dengan yang sekarang"),
    ],
)
def test_a_refused_change_says_why_and_keeps_the_old_password(
    app, client, login_as, db_session, current, new, again, reason
):
    account = login_as(Role.JFU)
    old_hash = account.password_hash
    refused = _change(client, current, new, again)
    assert refused.status_code == 422 and reason in page_text(refused)
    db_session.expire_all()
    assert db_session.get(Account, account.id).password_hash == old_hash
    assert _log_in(app.test_client(), account.username, TEST_PASSWORD).status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/my-password/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _age_session(client, *, idle_minutes: float, signed_in_hours: float = 0) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        session["seen"] = now - int(idle_minutes * 60)
        session["since"] = now - int(max(signed_in_hours * 3600, idle_minutes * 60))


def test_a_session_idle_for_over_30_minutes_ends_and_comes_back_to_the_page(client, login_as):
    login_as(Role.KASI)
    _age_session(client, idle_minutes=29)
    assert client.get("/cases/").status_code == 200  # positive control: still in
    _age_session(client, idle_minutes=31)
    ended = client.get("/cases/?page=0")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login?next=")
    assert "lama tidak aktif" in page_text(client.get(ended.headers["Location"]))
    assert client.get("/cases/").status_code == 302  # signed out for good


def test_a_busy_session_still_ends_12_hours_after_sign_in(client, login_as):
    login_as(Role.KASI)
    _age_session(client, idle_minutes=1, signed_in_hours=11.9)
    assert client.get("/cases/").status_code == 200
    _age_session(client, idle_minutes=1, signed_in_hours=12.1)
    assert client.get("/cases/").status_code == 302


def test_a_session_without_its_times_is_not_trusted(client, login_as):
    login_as(Role.KASI)
    assert client.get("/cases/").status_code == 200
    with client.session_transaction() as session:
        del session["since"]
    assert client.get("/cases/").status_code == 302

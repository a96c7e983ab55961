"""Sessions that really end, security headers, and the client behind a proxy."""

from __future__ import annotations

import re

from flask import request

from admin_app import create_app
from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token


def _login(client, username, password=TEST_PASSWORD, **kwargs):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
        **kwargs,
    )


def test_a_copied_session_cookie_stops_working_after_logout(app, client, login_as):
    login_as(Role.KASI)
    stolen = client.get_cookie("session").value
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_session_is_renewed_at_login(client, make_account):
    account = make_account(Role.KASI)
    client.get("/login")
    before = client.get_cookie("session").value
    _login(client, account.username)
    assert client.get_cookie("session").value != before


def test_every_page_carries_the_security_headers(client, login_as):
    login_as(Role.KASI)
    response = client.get("/cases/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_inline_scripts_carry_the_nonce_of_their_response(client, login_as):
    login_as(Role.KASI)
    response = client.get("/cases/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts[:3]


def test_no_page_loads_anything_from_another_origin(client, login_as):
    login_as(Role.DIREKTUR)
    for path in ("/", "/cases/", "/daily-log/", "/audit/"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_hsts_and_secure_cookies_over_https(database_url, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    response = app.test_client().get("/login", base_url="https://sopdesk.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


def test_the_client_address_comes_from_one_trusted_proxy(database_url):
    seen = {}
    for proxies in (0, 1):
        app = create_app(
            {"DATABASE_URL": database_url, "TRUSTED_PROXIES": proxies, "RATELIMIT_ENABLED": False}
        )

        @app.get("/_addr")
        def addr() -> str:
            return request.remote_addr or ""

        response = app.test_client().get(
            "/_addr",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        seen[proxies] = response.get_data(as_text=True)
    assert seen == {0: "10.0.0.2", 1: "203.0.113.7"}

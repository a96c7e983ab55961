"""The factory's configuration: environment, defaults, and refusals in production."""

from __future__ import annotations

import pytest

from admin_app import create_app
from admin_app.config import Config, ConfigError, normalize_database_url

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"


def test_defaults_come_from_the_issue(monkeypatch):
    for name in ("HOST", "PORT", "TIMEZONE", "APP_ENV", "SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    cfg = Config.from_env()
    assert (cfg.HOST, cfg.PORT, cfg.TIMEZONE) == ("127.0.0.1", 5000, "Asia/Jakarta")
    assert cfg.DATABASE_URL is None


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("TIMEZONE", "Asia/Makassar")
    monkeypatch.setenv("ADMIN_USERNAME", "root-admin")
    cfg = Config.from_env()
    assert (cfg.PORT, cfg.HOST, cfg.TIMEZONE, cfg.ADMIN_USERNAME) == (
        8080,
        "0.0.0.0",
        "Asia/Makassar",
        "root-admin",
    )


def test_a_non_numeric_port_is_refused(monkeypatch):
    monkeypatch.setenv("PORT", "lima ribu")
    with pytest.raises(ConfigError, match="PORT"):
        Config.from_env()


@pytest.mark.parametrize("secret", [None, "dev-only-not-secret", "short"])
def test_production_refuses_a_missing_default_or_short_secret_key(monkeypatch, secret):
    monkeypatch.setenv("APP_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": UNREACHABLE})


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app({"DATABASE_URL": UNREACHABLE})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ConfigError, match="TIMEZONE"):
        create_app({"DATABASE_URL": UNREACHABLE, "TIMEZONE": "Mars/Olympus"})


def test_plain_postgres_urls_use_psycopg2():
    assert normalize_database_url("postgresql://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert normalize_database_url("postgres://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert normalize_database_url("postgresql+psycopg2://u@h/d") == "postgresql+psycopg2://u@h/d"


def test_each_create_app_builds_its_own_admin():
    first = create_app({"DATABASE_URL": UNREACHABLE})
    second = create_app({"DATABASE_URL": UNREACHABLE})
    assert first.extensions["admin"][0] is not second.extensions["admin"][0]
    for app in (first, second):
        assert app.test_client().get("/login").status_code == 200


def test_importing_rules_loads_neither_flask_nor_sqlalchemy():
    import subprocess
    import sys

    code = (
        "import sys, rules; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'psycopg2', 'flask_admin', 'holidays') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

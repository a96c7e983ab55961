"""One Config class, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

DEV_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says which setting and why."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool = False) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def normalize_database_url(url: str | None) -> str | None:
    """Use psycopg2 for plain postgres URLs (SQLAlchemy 2.1 would otherwise pick psycopg 3)."""
    if not url:
        return None
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


@dataclass
class Config:
    """Every setting SOP Desk reads, with its default; `from_env` fills it from os.environ."""

    APP_ENV: str = "development"
    DATABASE_URL: str | None = None
    DATABASE_OWNER_URL: str | None = None
    SECRET_KEY: str = DEV_SECRET_KEY
    HOST: str = "127.0.0.1"
    PORT: int = 5000
    TIMEZONE: str = "Asia/Jakarta"
    ADMIN_USERNAME: str | None = None
    ADMIN_PASSWORD: str | None = None
    DEFAULT_LANGUAGE: str = "id"
    WORK_WEEK: str | None = None
    TRUSTED_PROXIES: int = 0
    DB_WAIT_SECONDS: int = 60
    RATELIMIT_STORAGE_URI: str = ""
    SESSION_IDLE_MINUTES: int = 30
    SESSION_MAX_HOURS: int = 12
    BASE_URL: str | None = None
    MAIL_SERVER: str | None = None
    MAIL_PORT: int = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS: bool = False
    MAIL_FROM: str = "SOP Desk <sopdesk@localhost>"
    AUDIT_KEY: str = ""
    AUDIT_KEY_FILE: str = ""
    AUDIT_CHECKPOINT_FILE: str = ""
    AUDIT_CHECKPOINT_MINUTES: int = 60
    AUDIT_SYSLOG: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Config:
        """Read the settings from the environment."""
        env = os.environ
        return cls(
            APP_ENV=env.get("APP_ENV", "development"),
            DATABASE_URL=env.get("DATABASE_URL") or None,
            DATABASE_OWNER_URL=env.get("DATABASE_OWNER_URL") or None,
            SECRET_KEY=env.get("SECRET_KEY") or DEV_SECRET_KEY,
            HOST=env.get("HOST") or "127.0.0.1",
            PORT=_env_int("PORT", 5000),
            TIMEZONE=env.get("TIMEZONE") or "Asia/Jakarta",
            ADMIN_USERNAME=env.get("ADMIN_USERNAME") or None,
            ADMIN_PASSWORD=env.get("ADMIN_PASSWORD") or None,
            WORK_WEEK=env.get("WORK_WEEK") or None,
            TRUSTED_PROXIES=_env_int("TRUSTED_PROXIES", 0),
            DB_WAIT_SECONDS=_env_int("DB_WAIT_SECONDS", 60),
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI", ""),
            SESSION_IDLE_MINUTES=_env_int("SESSION_IDLE_MINUTES", 30),
            SESSION_MAX_HOURS=_env_int("SESSION_MAX_HOURS", 12),
            BASE_URL=env.get("BASE_URL") or None,
            MAIL_SERVER=env.get("MAIL_SERVER") or None,
            MAIL_PORT=_env_int("MAIL_PORT", 25),
            MAIL_USERNAME=env.get("MAIL_USERNAME") or None,
            MAIL_PASSWORD=env.get("MAIL_PASSWORD") or None,
            MAIL_USE_TLS=_env_bool("MAIL_USE_TLS"),
            MAIL_FROM=env.get("MAIL_FROM") or "SOP Desk <sopdesk@localhost>",
            AUDIT_KEY=env.get("AUDIT_KEY", ""),
            AUDIT_KEY_FILE=env.get("AUDIT_KEY_FILE", ""),
            AUDIT_CHECKPOINT_FILE=env.get("AUDIT_CHECKPOINT_FILE", ""),
            AUDIT_CHECKPOINT_MINUTES=_env_int("AUDIT_CHECKPOINT_MINUTES", 60),
            AUDIT_SYSLOG=env.get("AUDIT_SYSLOG", ""),
        )

    @property
    def is_production(self) -> bool:
        return self.APP_ENV == "production"

    def validate(self) -> None:
        """Refuse settings that are unsafe or unusable."""
        if self.is_production and self.SECRET_KEY in ("", DEV_SECRET_KEY):
            raise ConfigError(
                "SECRET_KEY must be set to a long random value when APP_ENV=production"
            )
        if self.is_production and len(self.SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters when APP_ENV=production")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.TIMEZONE)
        except Exception as exc:
            raise ConfigError(f"TIMEZONE {self.TIMEZONE!r} is not a known time zone") from exc
        try:
            from rules.calendar import parse_week

            if self.work_week is not None:
                parse_week(self.work_week)
        except ValueError as exc:
            raise ConfigError(f"WORK_WEEK: {exc}") from exc
        if not (0 < self.SESSION_IDLE_MINUTES and 0 < self.SESSION_MAX_HOURS):
            raise ConfigError("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be positive")
        if self.AUDIT_CHECKPOINT_MINUTES < 1:
            raise ConfigError("AUDIT_CHECKPOINT_MINUTES must be positive")
        if not 0 < self.MAIL_PORT < 65536:
            raise ConfigError(f"MAIL_PORT must be a port number, got {self.MAIL_PORT}")
        if self.BASE_URL and not self.BASE_URL.startswith(("http://", "https://")):
            raise ConfigError(f"BASE_URL must start with http:// or https://: {self.BASE_URL!r}")

    @property
    def base_url(self) -> str:
        """Where people reach SOP Desk, for links in emails (no trailing slash)."""
        return (self.BASE_URL or f"http://{self.HOST}:{self.PORT}").rstrip("/")

    @property
    def work_week(self) -> dict[str, str] | None:
        """WORK_WEEK as the rules read it: 'mon-thu=07:30-12:00,13:00-16:00;fri=...'."""
        if not self.WORK_WEEK:
            return None
        spec = {}
        for part in self.WORK_WEEK.split(";"):
            days, sep, periods = part.partition("=")
            if not sep:
                raise ConfigError(f"WORK_WEEK part {part!r} is not like 'mon-thu=07:30-16:00'")
            spec[days.strip()] = periods.strip()
        return spec

    def flask_settings(self) -> dict[str, Any]:
        """The Flask configuration keys derived from these settings."""
        return {
            "SECRET_KEY": self.SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": normalize_database_url(self.DATABASE_URL),
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "connect_args": {"connect_timeout": 5},
            },
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.is_production,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.is_production,
            "WTF_CSRF_TIME_LIMIT": None,
            # No form needs more (an SOP table upload is at most 2 MB): a larger body is
            # refused with 413 before it is read.
            "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
            "RATELIMIT_STORAGE_URI": self.RATELIMIT_STORAGE_URI,
            "TIMEZONE": self.TIMEZONE,
            "DEFAULT_LANGUAGE": self.DEFAULT_LANGUAGE,
            "APP_ENV": self.APP_ENV,
            **self.extra,
        }

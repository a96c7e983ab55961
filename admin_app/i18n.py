"""Languages and time zone: Bahasa Indonesia by default (Flask-Babel), dates in the app's zone."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, session
from flask_babel import Babel

LANGUAGES = ("id", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The language chosen in this session, else the default (Bahasa Indonesia)."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    """Every date is shown in the configured zone (Asia/Jakarta by default)."""
    return str(current_app.config["TIMEZONE"])


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the app."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)

"""Every GET reads one snapshot, so a page never mixes states of a case that changed meanwhile."""

from __future__ import annotations

from flask import Flask, request, session

from models import db
from models.db import begin_snapshot

READS = ("GET", "HEAD")
_NO_DATABASE = ("static", "admin.static", "health.healthz")


def start() -> None:
    """Begin a signed-in GET's transaction as one REPEATABLE READ snapshot.

    Anonymous pages (the login form) read nothing, so they open no connection at all.
    """
    signed_in = "_user_id" in session  # Flask-Login's key: this request will load an account
    if signed_in and request.method in READS and request.endpoint not in _NO_DATABASE:
        begin_snapshot(db.session)


def init_app(app: Flask) -> None:
    """Before every other hook: the first query (loading the signed-in account) opens it."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)

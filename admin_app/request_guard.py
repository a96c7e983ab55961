"""Refuse, before any view runs, request values no view could use: a NUL character in the query
string (PostgreSQL cannot store it, so no search or filter can hold one) and a return address
(`url`) that Flask-Admin could not parse."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_admin.helpers import is_safe_url
from flask_babel import gettext as _


def _parsable(target: str) -> bool:
    """True when Flask-Admin can read `target` as a return address (safe or not)."""
    try:
        is_safe_url(target)
    except ValueError:  # e.g. 'http://[::1': an unterminated IPv6 host
        return False
    return True


def refuse_unusable_values() -> None:
    """Answer 400, with the reason, for a NUL in the query string or a malformed `url`."""
    if any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400, description=_("Alamat halaman memuat karakter NUL; permintaan ditolak."))
    target = request.values.get("url")
    if target is not None and not _parsable(target):
        abort(400, description=_("Alamat kembali (url) tidak sah; permintaan ditolak."))


def init_app(app: Flask) -> None:
    """Check every request."""
    app.before_request(refuse_unusable_values)

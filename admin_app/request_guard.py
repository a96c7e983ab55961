"""Refuse, before any view runs, request values no view could use safely: a NUL character in the
query string (PostgreSQL cannot store it), a return address (`url`, Flask-Admin's own) that is
not a path on this site, and a file sent where the form expects text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _

View = TypeVar("View", bound=Callable[..., Any])


def same_site_path(target: str) -> bool:
    """True for a path on this site ("/cases/?page=2"), as a browser would read it.

    Browsers read a backslash as a slash and drop tabs and line breaks, so "/\\host",
    "/<tab>/host" and "http:host" all lead elsewhere: only a printable "/..." that does not
    start "//", holds no backslash and has no scheme or host stays here.
    """
    if target[:1] != "/" or target[:2] == "//" or "\\" in target or not target.isprintable():
        return False
    try:
        parts = urlsplit(target)
    except ValueError:  # a malformed host such as "http://[::1"
        return False
    return not (parts.scheme or parts.netloc)


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a `next` that is a path on this site; anything else goes to `fallback`."""
    return target if target and same_site_path(target) else fallback


def accepts_files(*fields: str) -> Callable[[View], View]:
    """Mark a view whose form takes files in `fields`; every other view is refused a file."""

    def mark(view: View) -> View:
        view.sopdesk_file_fields = frozenset(fields)  # type: ignore[attr-defined]
        return view

    return mark


def _file_fields() -> frozenset[str]:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "sopdesk_file_fields", frozenset())


def refuse_unusable_values() -> None:
    """Answer 400, with the reason, for a NUL, a foreign or malformed `url`, a misplaced file."""
    if any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400, description=_("Alamat halaman memuat karakter NUL; permintaan ditolak."))
    target = request.values.get("url")
    if target is not None and not same_site_path(target):
        abort(
            400,
            description=_(
                "Alamat kembali (url) harus berupa alamat di situs ini, mis. /cases/; "
                "permintaan ditolak."
            ),
        )
    if request.files and not set(request.files) <= _file_fields():
        abort(400, description=_("Formulir ini tidak menerima berkas; permintaan ditolak."))


def init_app(app: Flask) -> None:
    """Check every request."""
    app.before_request(refuse_unusable_values)

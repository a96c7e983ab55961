"""Error pages in the user's language: refused, not found, bad request, database unavailable."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from models import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Permintaan tidak sah"),
    403: _l("Akses ditolak"),
    404: _l("Tidak ditemukan"),
    405: _l("Metode tidak diizinkan"),
    413: _l("Data terlalu besar"),
    429: _l("Terlalu banyak percobaan"),
    500: _l("Terjadi kesalahan"),
    503: _l("Layanan sementara tidak tersedia"),
}

DETAILS = {
    403: _l("Anda tidak berhak membuka halaman ini."),
    429: _l("Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi."),
    404: _l("Halaman atau data yang Anda cari tidak ada, atau tidak dapat Anda lihat."),
    500: _l("Terjadi kesalahan di server. Kejadian ini telah dicatat."),
    503: _l(
        "Basis data sedang tidak dapat dihubungi. Tidak ada perubahan yang hilang; "
        "silakan coba lagi sebentar lagi."
    ),
}


CSRF_DETAIL = _l(
    "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu coba lagi; "
    "tidak ada yang disimpan."
)


def _page(code: int, detail: object = None) -> tuple[str, int]:
    # Rendered without the context processors: they load the signed-in user from the database,
    # which may be the very thing that is down. The language comes from the session alone.
    template = current_app.jinja_env.get_template("error.html")
    return (
        template.render(
            code=code,
            title=str(TITLES.get(code) or _("Kesalahan")),
            detail=str(detail or DETAILS.get(code, "")),
        ),
        code,
    )


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError) -> tuple[str, int]:
        return _page(400, CSRF_DETAIL)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        # werkzeug's own (English) descriptions give way to ours; a description passed to
        # abort() by SOP Desk is already in the user's language and is shown as it is.
        custom = exc.description != type(exc).description and exc.code != 429
        return _page(exc.code or 500, exc.description if custom else None)

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError) -> tuple[str, int]:
        # The SQL and its parameters go to the log, never to the page.
        log.exception("database error")
        db.session.rollback()
        return _page(500, DETAILS[500])

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError) -> tuple[str, int]:
        log.warning("database unavailable: %s", exc.orig)
        db.session.rollback()
        return _page(503)

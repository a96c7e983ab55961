"""Browser protections: a Content-Security-Policy with per-request nonces, frame denial, nosniff,
referrer policy, HSTS over HTTPS, and the client's address behind a trusted reverse proxy."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# Scripts only from the app itself or carrying this request's nonce (Flask-Admin's own inline
# scripts get it through csp_nonce_generator). Styles allow inline attributes, which
# Flask-Admin's templates and the SVG charts use; nothing is loaded from another origin.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """This request's script nonce."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP.format(nonce=csp_nonce())
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response; trust X-Forwarded-* from TRUSTED_PROXIES hops."""
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    hops = app.config["SOPDESK"].TRUSTED_PROXIES
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

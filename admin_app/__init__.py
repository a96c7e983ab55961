"""SOP Desk's web layer: the application factory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from models import db

from .config import Config


def _resolve_config(config: Config | Mapping[str, Any] | None) -> Config:
    """A Config from the environment, overridden by what the caller passed."""
    if isinstance(config, Config):
        return config
    resolved = Config.from_env()
    known = {f.name for f in fields(Config)} - {"extra"}
    for key, value in (config or {}).items():
        if key in known:
            setattr(resolved, key, value)
        else:
            resolved.extra[key] = value
    return resolved


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Build a configured SOP Desk application."""
    cfg = _resolve_config(config)
    cfg.validate()
    app = Flask(__name__)
    app.config.from_mapping(cfg.flask_settings())
    app.config["SOPDESK"] = cfg

    if not cfg.DATABASE_URL:
        from .embedded_db import start_embedded_as_app

        owner, own_role = start_embedded_as_app(Path(app.instance_path) / "pgdata")
        cfg.DATABASE_OWNER_URL = owner
        app.config["SQLALCHEMY_DATABASE_URI"] = own_role

    from . import (
        auth,
        cli,
        database_roles,
        errors,
        evidence,
        formatting,
        health,
        i18n,
        notices,
        page_snapshot,
        request_guard,
        security,
        session_limits,
        throttle,
    )
    from .admin_shell import build_admin
    from .extensions import csrf, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    database_roles.init_app(app)
    evidence.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.localize_callback = str  # the lazy message, in the request's language
    login_manager.session_protection = "strong"

    app.register_blueprint(auth.bp)
    throttle.init_app(app)
    app.register_blueprint(health.bp)
    i18n.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    security.init_app(app)
    request_guard.init_app(app)
    session_limits.init_app(app)
    page_snapshot.init_app(app)
    cli.init_app(app)
    build_admin(app)
    notices.init_app(app)
    return app

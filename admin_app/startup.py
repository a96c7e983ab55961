"""What `python wsgi.py` does before serving: migrate, create the first superuser, serve."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click
import flask_migrate
from flask import Flask

from models import db
from models.services import accounts


def prepare_database(app: Flask) -> None:
    """Upgrade the schema to head; make sure a superuser exists (printing a new password once)."""
    cfg = app.config["SOPDESK"]
    with app.app_context():
        flask_migrate.upgrade()
        result = accounts.ensure_superuser(db.session, cfg.ADMIN_USERNAME, cfg.ADMIN_PASSWORD)
        db.session.commit()
        if result is None:
            return
        account, generated = result
        click.echo(f"Superuser dibuat: {account.username}")
        if generated:
            click.secho(
                f"Kata sandi awal (ditampilkan sekali ini saja): {generated}",
                fg="yellow",
                bold=True,
            )


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into a normal exit so the embedded PostgreSQL is stopped cleanly."""
    sys.exit(0)


def prepare_and_serve(app: Flask) -> None:
    """Prepare the database, then serve on HOST:PORT."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    prepare_database(app)
    cfg = app.config["SOPDESK"]
    click.echo(f"SOP Desk siap di http://{cfg.HOST}:{cfg.PORT}/")
    app.run(host=cfg.HOST, port=cfg.PORT, debug=False, use_reloader=False)

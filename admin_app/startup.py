"""What `python wsgi.py` does before serving: migrate, create the first superuser, serve."""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

import click
import flask_migrate
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from models import db
from models.services import accounts


def wait_for_database(app: Flask, *, wait_seconds: float, pause: float = 2.0) -> None:
    """Retry until the database answers, saying so on the console; give up after wait_seconds."""
    deadline = time.monotonic() + wait_seconds
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=True)
        while True:
            try:
                with db.engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                return
            except OperationalError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                if time.monotonic() + pause > deadline:
                    raise click.ClickException(
                        f"Basis data {url} tidak dapat dihubungi: {reason}. "
                        "Periksa DATABASE_URL dan apakah PostgreSQL berjalan."
                    ) from None
                click.echo(
                    f"Basis data {url} belum dapat dihubungi ({reason}); "
                    f"mencoba lagi dalam {pause:g} detik…",
                    err=True,
                )
                db.engine.dispose()
                time.sleep(pause)


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
    cfg = app.config["SOPDESK"]
    try:
        wait_for_database(app, wait_seconds=cfg.DB_WAIT_SECONDS)
        prepare_database(app)
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    click.echo(f"SOP Desk siap di http://{cfg.HOST}:{cfg.PORT}/")
    app.run(host=cfg.HOST, port=cfg.PORT, debug=False, use_reloader=False)

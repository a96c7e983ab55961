"""Two database roles: the owner runs migrations, the app's role only reads and appends history.

`flask --app wsgi app-role NAME` (run once as the owner, on a managed server) creates NAME as a
login role with no other power and grants it its rights; every later upgrade re-grants them.
"""

from __future__ import annotations

import os

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from models import db
from models.privileges import create_login_role, grant_app_role, role_exists

from .config import normalize_database_url

EXTENSION = "sopdesk_owner_engine"


def owner_engine(app: Flask | None = None) -> sa.Engine:
    """The engine migrations and grants run on: DATABASE_OWNER_URL's, else the app's own."""
    return (app or current_app).extensions[EXTENSION]


def ensure_login_role(owner_url: str, role: str) -> None:
    """Create `role` on the owner's server if it is not there (the embedded database's app role)."""
    engine = sa.create_engine(owner_url)
    try:
        with engine.begin() as conn:
            if not role_exists(conn, role):
                create_login_role(conn, role, None)
    finally:
        engine.dispose()


@click.command("app-role")
@with_appcontext
@click.argument("role")
@click.option(
    "--password-env",
    metavar="VAR",
    help="Environment variable holding the role's password (never typed on the command line).",
)
def app_role_command(role: str, password_env: str | None) -> None:
    """Create ROLE (if needed) as the app's login role and grant it only its rights."""
    password = os.environ.get(password_env or "", "") if password_env else None
    if password_env and not password:
        raise click.ClickException(f"Variabel {password_env} kosong atau tidak ada.")
    with owner_engine().begin() as conn:
        if conn.scalar(sa.text("SELECT current_user")) == role:
            raise click.ClickException(f"{role} adalah pemilik tabel; pilih peran lain.")
        if not role_exists(conn, role):
            create_login_role(conn, role, password)
            click.echo(f"Peran {role} dibuat.")
        tables = grant_app_role(conn, role)
    click.echo(
        f"Hak {role} diberikan pada {len(tables)} tabel. Pakai peran ini di DATABASE_URL dan "
        "pemiliknya di DATABASE_OWNER_URL."
    )


def init_app(app: Flask) -> None:
    """Pick the owner's engine and register the command."""
    owner_url = normalize_database_url(app.config["SOPDESK"].DATABASE_OWNER_URL)
    with app.app_context():
        engine = db.engine
    app.extensions[EXTENSION] = (
        sa.create_engine(owner_url, pool_pre_ping=True) if owner_url else engine
    )
    app.cli.add_command(app_role_command)

"""Command-line tools: `flask --app wsgi create-user`, `seed-demo`, ..."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from models import db
from models.errors import ServiceError
from models.services import accounts

from .i18n import get_locale_language


def _fail(err: ServiceError) -> click.ClickException:
    """A one-line reason and a non-zero exit, nothing written."""
    db.session.rollback()
    return click.ClickException(err.message(get_locale_language()))


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Role code; repeat for more.")
@click.option("--full-name", default=None, help="Full name (defaults to the username).")
@click.option("--email", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    username: str,
    roles: tuple[str, ...],
    full_name: str | None,
    email: str | None,
    password_stdin: bool,
) -> None:
    """Create an account with one or more roles."""
    try:
        accounts.parse_roles(db.session, roles)
    except ServiceError as err:
        raise _fail(err) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        account = accounts.create_account(
            db.session,
            username=username,
            full_name=full_name or username,
            roles=roles,
            password=password,
            email=email,
        )
        db.session.commit()
    except ServiceError as err:
        raise _fail(err) from None
    click.echo(f"Akun {account.username} dibuat dengan peran {', '.join(roles)}.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    from . import audit_cli, demo, exports, sop_cli

    app.cli.add_command(create_user)
    app.cli.add_command(exports.export_command)
    app.cli.add_command(demo.seed_demo)
    sop_cli.init_app(app)
    audit_cli.init_app(app)

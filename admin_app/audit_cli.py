"""`flask audit verify`: check the whole audit hash chain and name the first broken row."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from models.services.audit_chain import verify_chain

audit_cli = AppGroup("audit", help="The audit trail.")

REASONS = {
    "gap": "ada baris yang hilang sebelum baris ini",
    "link": "tautan ke baris sebelumnya putus",
    "content": "isinya tidak cocok dengan hash-nya",
    "tail": "baris terbaru hilang",
}


@audit_cli.command("verify")
def verify() -> None:
    """Recompute every audit event's hash; exit 1 at the first row that does not fit."""
    show = sys.stderr.isatty()
    verdict = verify_chain(
        db.engine,
        on_rows=(lambda n: click.echo(f"  {n} baris diperiksa…", err=True)) if show else None,
    )
    if verdict.ok:
        click.echo(f"Rantai audit utuh: {verdict.rows} baris diperiksa.")
        return
    where = (
        f"baris #{verdict.broken_id} (urutan {verdict.broken_seq})"
        if verdict.broken_id
        else f"setelah urutan {verdict.broken_seq}"
    )
    raise click.ClickException(f"Rantai audit rusak di {where}: {REASONS[verdict.reason or '']}.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(audit_cli)

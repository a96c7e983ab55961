"""`flask audit …`: verify the evidence, write a checkpoint, seal old links, add a key."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from models.services.audit_chain import Finding, verify_chain
from models.services.audit_seals import adopt_unsealed, chain_head, sealed_head
from rules.evidence import new_key_line

from .database_roles import owner_engine
from .evidence import evidence

audit_cli = AppGroup("audit", help="The audit trail.")

REASONS = {
    "gap": "ada baris yang hilang sebelum baris ini",
    "link": "tautan ke baris sebelumnya putus",
    "content": "isinya tidak cocok dengan hash-nya",
    "seal": "segelnya hilang atau tidak dibuat dengan kunci kita (baris ditulis ulang)",
    "checkpoint": "hash-nya berbeda dari titik periksa yang ditandatangani (riwayat ditulis ulang)",
    "tail": "kepala rantai tidak menunjuk baris terakhir",
    "truncated": "baris terbaru hilang: titik periksa melihat urutan {seq}, rantai berakhir di "
    "{detail}",
    "forged": "baris {detail} berkas titik periksa tidak lolos tanda tangan",
    "case": "kasus #{row_id} berbeda dari peristiwa yang mencatatnya ({detail})",
    "run": "langkah #{row_id} yang selesai berbeda dari peristiwa yang mencatatnya ({detail})",
}


def _describe(finding: Finding) -> str:
    reason = REASONS[finding.kind].format(
        seq=finding.seq, row_id=finding.row_id, detail=finding.detail
    )
    if finding.kind in ("gap", "link", "content", "seal", "checkpoint"):
        return f"baris #{finding.row_id} (urutan {finding.seq}): {reason}"
    if finding.kind == "tail":
        return f"setelah urutan {finding.seq}: {reason}"
    return reason


@audit_cli.command("verify")
def verify() -> None:
    """Check hashes, links, seals, checkpoints, cases and runs; exit 1 naming what is wrong."""
    show = sys.stderr.isatty()
    keeper = evidence()
    verdict = verify_chain(
        db.engine,
        keeper.ring,
        keeper.checkpoints(),
        on_rows=(lambda n: click.echo(f"  {n} baris diperiksa…", err=True)) if show else None,
    )
    extra = (
        f"; {verdict.uncovered_runs} langkah selesai yang peristiwanya tidak memuat langkah itu "
        "(data sebelum migrasi 0013 atau data massal) tidak dicocokkan"
        if verdict.uncovered_runs
        else ""
    )
    if verdict.ok:
        click.echo(
            f"Rantai audit utuh: {verdict.rows} baris diperiksa, semua bersegel, "
            f"{verdict.checkpoints} titik periksa cocok{extra}."
        )
        return
    for finding in verdict.findings:
        click.echo(f"  - {_describe(finding)}", err=True)
    first = verdict.findings[0]
    if first.kind == "seal" and first.seq == 1 and not verdict.checkpoints:
        click.echo(
            "  Belum ada yang disegel? Setelah memperbarui ke migrasi 0013, jalankan sekali "
            "`flask --app wsgi audit adopt`.",
            err=True,
        )
    raise click.ClickException(
        f"Rantai audit rusak: {_describe(first)} ({len(verdict.findings)} temuan)."
    )


@audit_cli.command("checkpoint")
def checkpoint() -> None:
    """Write a signed checkpoint of the chain's head now (run daily from cron or a timer)."""
    with db.engine.connect() as conn:
        head = sealed_head(conn, evidence().ring)
    if head is None:
        raise click.ClickException(
            "Kepala rantai tidak menunjuk baris bersegel; titik periksa tidak ditulis. "
            "Jalankan `audit verify`."
        )
    written = evidence().write(*head)
    click.echo(f"Titik periksa urutan {written.seq} ditulis ke {evidence().checkpoint_file}.")


@audit_cli.command("adopt")
def adopt() -> None:
    """Seal the links written before sealing existed (once after upgrading; then a checkpoint)."""
    keeper = evidence()
    with owner_engine().begin() as conn:
        count = adopt_unsealed(conn, keeper.ring, checkpointed=bool(keeper.checkpoints()))
        head = chain_head(conn)
    if count is None:
        raise click.ClickException(
            "Tidak ada baris lama tanpa segel untuk diadopsi; baris tanpa segel adalah temuan."
        )
    keeper.write(*head)
    click.echo(f"{count} baris lama disegel dengan kunci {keeper.ring.current[0]}.")


@audit_cli.command("new-key")
@click.argument("key_id")
def new_key(key_id: str) -> None:
    """Print a new key line: append it to AUDIT_KEY_FILE (it seals from then on; keep the old)."""
    click.echo(new_key_line(key_id))


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(audit_cli)

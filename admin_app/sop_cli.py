"""`flask sop show|import` and `flask case timeline`: the SOP and a case's clock on the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from models import Case, db
from models.services import sop_versions
from models.services.timing import case_timing
from rules.enums import Role
from rules.errors import RuleError
from rules.importer import parse_sop_table
from rules.sop import PORTAL_SOP_KEY, SopDefinition
from rules.timing import Badge

from . import clock
from .formatting import local_time
from .i18n import get_locale_language

BADGE_LABELS = {
    Badge.WITHIN: "sesuai standar",
    Badge.AT_RISK: "berisiko",
    Badge.OVER: "MELEBIHI STANDAR",
    Badge.UNTIMED: "tanpa standar",
}


def slug(name: str) -> str:
    """A key for an SOP name: lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "sop"


def _minutes(value: float | int | None) -> str:
    return "—" if value is None else f"{value:g}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def sop_table(sop: SopDefinition) -> str:
    """The SOP as a printable table with its total."""
    rows = [["No", "Kegiatan", "Pelaksana", "Kelengkapan", "Waktu (menit)", "Output"]]
    for step in sop.steps:
        rows.append(
            [
                str(step.number),
                step.activity_id,
                step.role.value,
                ", ".join(step.kelengkapan) or "—",
                _minutes(step.standard_minutes),
                step.output_label or "—",
            ]
        )
    return (
        f"{sop.name} (versi {sop.version})\n{_table(rows)}\n"
        f"Total waktu standar: {sop.total_standard_minutes} menit kerja"
    )


sop_group = click.Group("sop", help="Show and import SOP definitions.")
case_group = click.Group("case", help="Look at cases.")


@sop_group.command("show")
@click.option("--name", default=None, help="Name or key of an imported SOP (default: portal).")
@with_appcontext
def show(name: str | None) -> None:
    """Print the SOP table: step, activity, performer, kelengkapan, standard, output; and total."""
    key = slug(name) if name else PORTAL_SOP_KEY
    try:
        version = sop_versions.current_version(db.session, key)
    except RuleError as err:
        raise click.ClickException(err.message(get_locale_language())) from None
    db.session.commit()
    click.echo(sop_table(version.sop))


def _performers(values: tuple[str, ...]) -> dict[int, Role]:
    performers: dict[int, Role] = {}
    for value in values:
        step, sep, role = value.partition("=")
        if not sep or not step.strip().isdecimal():
            raise click.BadParameter(f"{value!r} is not like 2=direktur", param_hint="--performer")
        try:
            performers[int(step)] = Role(role.strip().lower())
        except ValueError:
            choices = ", ".join(r.value for r in Role)
            raise click.BadParameter(
                f"unknown role {role!r} (choices: {choices})", param_hint="--performer"
            ) from None
    return performers


@sop_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The SOP's name.")
@click.option("--performer", "performers", multiple=True, help="STEP=ROLE, e.g. 2=direktur.")
@with_appcontext
def import_sop(file: Path, name: str, performers: tuple[str, ...]) -> None:
    """Import an SOP table (tab-separated text) as a new SOP definition version."""
    key = slug(name)
    latest = sop_versions.latest_version(db.session, key)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None
    try:
        sop = parse_sop_table(
            text,
            key=key,
            name=name,
            performers=_performers(performers),
            version=(latest.version + 1) if latest else 1,
        )
    except RuleError as err:
        raise click.ClickException(err.message(get_locale_language())) from None
    sop_versions.store_version(db.session, sop)
    db.session.commit()
    click.echo(sop_table(sop))
    click.echo(f"Diimpor sebagai {key} versi {sop.version}.")


@case_group.command("timeline")
@click.argument("case_id", type=int)
@with_appcontext
def timeline(case_id: int) -> None:
    """Print a case's steps: standard, actual (working and wall), flags, and the forecast."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"Kasus #{case_id} tidak ditemukan.")
    timing = case_timing(case, clock.now(), clock.calendar())
    sop = case.sop_version.sop
    rows = [
        ["No", "Putaran", "Pelaksana", "Siap", "Selesai", "Standar", "Kerja", "Dinding", "Status"]
    ]
    for run, step in zip(case.step_runs, timing.steps, strict=True):
        rows.append(
            [
                str(run.step),
                str(run.round),
                run.performer.username if run.performer else "…",
                local_time(run.actionable_at),
                local_time(run.completed_at),
                _minutes(step.standard_minutes),
                f"{step.working_minutes:.1f}",
                f"{step.wall_minutes:.1f}",
                BADGE_LABELS[step.badge] + (" (berjalan)" if step.live else ""),
            ]
        )
    click.echo(
        f"Kasus #{case.id}: {case.title} — {case.status.value}, SOP {sop.name} v{sop.version}"
    )
    click.echo(_table(rows))
    flags = []
    if timing.over:
        flags.append("MELEBIHI STANDAR")
    elif timing.at_risk:
        flags.append("BERISIKO")
    click.echo(
        f"Terpakai {timing.elapsed_minutes:.1f} dari {timing.standard_total} menit kerja; "
        f"perkiraan {timing.forecast_minutes:.1f}; langkah melebihi standar: {timing.steps_over}; "
        f"putaran ulang: {timing.rework_rounds}" + (f" — {', '.join(flags)}" if flags else "")
    )


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(sop_group)
    app.cli.add_command(case_group)

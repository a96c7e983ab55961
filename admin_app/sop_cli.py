"""`flask sop ...`, `flask position add`, `flask case timeline`: the SOP library on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask
from flask.cli import with_appcontext

from models import Case, Sop, SopVersion, VersionState, db
from models.errors import ServiceError
from models.services import positions, sop_import, sop_library
from models.services.timing import case_timing
from rules.enums import OutputKind, Visibility
from rules.errors import RuleError
from rules.importer import Choices, StepChoice
from rules.payload import whole_number
from rules.sop import SopDefinition
from rules.timing import Badge

from . import clock
from .formatting import local_time
from .i18n import get_locale_language
from .permissions import NEW_POSITION_GRANTS

T = TypeVar("T")

BADGE_LABELS = {
    Badge.WITHIN: "sesuai standar",
    Badge.AT_RISK: "berisiko",
    Badge.OVER: "MELEBIHI STANDAR",
    Badge.UNTIMED: "tanpa standar",
}


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


def behaviours(sop: SopDefinition, number: int) -> list[str]:
    """What a step does beyond its output, in words (Indonesian, as the CLI speaks)."""
    step = sop.step(number)
    words = []
    if step.output_kind is OutputKind.CASE:
        words.append("membuka kasus")
    if step.sets_priority:
        words.append("menetapkan prioritas")
    if step.names_performer_for:
        words.append("menunjuk pelaksana langkah " + ", ".join(map(str, step.names_performer_for)))
    if step.named_by:
        words.append(f"oleh pelaksana yang ditunjuk di langkah {step.named_by}")
    if step.may_return_to:
        words.append(f"dapat mengembalikan ke langkah {step.may_return_to}")
    if step.output_kind is OutputKind.LOG_ENTRY:
        words.append("mencatat log kegiatan harian")
    if step.shared_with_reporter:
        words.append("keluarannya terlihat oleh pelapor")
    if step.separate_from:
        words.append("bukan oleh pelaksana langkah " + ", ".join(map(str, step.separate_from)))
    return words


def sop_table(sop: SopDefinition) -> str:
    """The SOP as a printable table with its total."""
    rows = [["No", "Kegiatan", "Pelaksana", "Kelengkapan", "Waktu (menit)", "Output", "Perilaku"]]
    for step in sop.steps:
        rows.append(
            [
                str(step.number),
                step.activity_id,
                step.role,
                ", ".join(step.kelengkapan) or "—",
                _minutes(step.standard_minutes),
                step.output_label or "—",
                "; ".join(behaviours(sop, step.number)) or "—",
            ]
        )
    return (
        f"{sop.name} (versi {sop.version})\n{_table(rows)}\n"
        f"Total waktu standar: {sop.total_standard_minutes} menit kerja"
    )


def _fail(err: RuleError) -> click.ClickException:
    return click.ClickException(err.message(get_locale_language()))


def _commit(work: Callable[[], T]) -> T:
    """Run a service call and commit; a refusal rolls back and exits with its reason."""
    try:
        result = work()
    except RuleError as err:
        db.session.rollback()
        raise _fail(err) from None
    except click.ClickException:
        db.session.rollback()
        raise
    db.session.commit()
    return result


sop_group = click.Group("sop", help="The SOP library: list, show, import, publish.")
position_group = click.Group("position", help="Positions (jabatan) accounts hold.")
case_group = click.Group("case", help="Look at cases.")


@sop_group.command("list")
@with_appcontext
def list_sops() -> None:
    """Every SOP of the library: key, its published version and its draft, name."""
    rows = [["Kunci", "Terbit", "Draf", "Bawaan", "Nama"]]
    for sop in sop_library.library(db.session):
        by_state = {version.state: str(version.version) for version in sop.versions}
        rows.append(
            [
                sop.key,
                by_state.get(VersionState.PUBLISHED, "—"),
                by_state.get(VersionState.DRAFT, "—"),
                "ya" if sop.is_default else "",
                sop.name,
            ]
        )
    click.echo(_table(rows))


@sop_group.command("show")
@click.option("--name", default=None, help="Key or name of the SOP (default: the default SOP).")
@with_appcontext
def show(name: str | None) -> None:
    """Print the SOP table: step, activity, performer, kelengkapan, standard, output, behaviours."""
    version = _commit(
        lambda: sop_library.version_for_new_case(db.session, _find(name).key if name else None)
    )
    click.echo(sop_table(version.sop))


def _find(name: str) -> Sop:
    sop = sop_library.sop_by_key_or_name(db.session, sop_import.sop_key_for(name), name)
    if sop is None:
        raise ServiceError("sop_unknown", key=name)
    return sop


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise click.BadParameter(f"{value!r} is not like LEFT=RIGHT", param_hint=option)
        pairs.append((left.strip(), right.strip()))
    return pairs


def _step(text: str, option: str) -> int:
    number = whole_number(text, digits=3)
    if number is None:
        raise click.BadParameter(f"{text!r} is not a step number", param_hint=option)
    return number


def _choices(
    table_columns: tuple[str, ...],
    performers: tuple[str, ...],
    columns: tuple[str, ...],
    lists: dict[str, tuple[str, ...]],
    returns: tuple[str, ...],
    kinds: tuple[str, ...],
    flags: dict[str, tuple[int, ...]],
) -> Choices:
    """The choices the options make: `lists` holds the STEP=STEPS options of each StepChoice
    list, by its option name, and `flags` names the steps each StepChoice flag is set on."""
    steps: dict[int, dict[str, object]] = {}
    for step, code in _pairs(performers, "--performer"):
        steps.setdefault(_step(step, "--performer"), {})["position"] = code.lower()
    for option, field in (("--names", "names_performer_for"), ("--separate", "separate_from")):
        for step, targets in _pairs(lists[option], option):
            numbers = {_step(t.strip(), option) for t in targets.split(",")}
            chosen = steps.setdefault(_step(step, option), {})
            chosen[field] = tuple(sorted(numbers | set(chosen.get(field, ()))))
    for step, back_to in _pairs(returns, "--return"):
        steps.setdefault(_step(step, "--return"), {})["may_return_to"] = _step(back_to, "--return")
    for step, kind in _pairs(kinds, "--kind"):
        try:
            steps.setdefault(_step(step, "--kind"), {})["output_kind"] = OutputKind(kind)
        except ValueError:
            raise click.BadParameter(f"unknown output kind {kind!r}", param_hint="--kind") from None
    for flag, numbers in flags.items():
        for step in numbers:
            steps.setdefault(step, {})[flag] = True
    mapped = {}
    for column, code in _pairs(columns, "--column"):
        folded = [name.casefold() for name in table_columns]
        if column.casefold() not in folded:
            raise click.BadParameter(f"the table has no column {column!r}", param_hint="--column")
        mapped[folded.index(column.casefold())] = code.lower()
    return Choices(
        columns=mapped,
        steps={number: StepChoice(**chosen) for number, chosen in steps.items()},  # type: ignore[arg-type]
    )


@sop_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="The SOP's name (default: the title of the table).")
@click.option("--performer", "performers", multiple=True, help="STEP=POSITION, e.g. 2=direktur.")
@click.option("--column", "columns", multiple=True, help='COLUMN=POSITION, e.g. "JFU=jfu".')
@click.option("--names", multiple=True, help="STEP=STEPS it names the performer of, e.g. 6=7.")
@click.option("--return", "returns", multiple=True, help="STEP=EARLIER STEP, e.g. 8=7.")
@click.option(
    "--separate", multiple=True, help="STEP=EARLIER STEPS whose performers may not do it, e.g. 8=7."
)
@click.option("--kind", "kinds", multiple=True, help="STEP=instruction|report|log_entry.")
@click.option("--priority", multiple=True, type=int, help="A step that sets the priority.")
@click.option("--shared", multiple=True, type=int, help="A step whose output the reporter sees.")
@click.option("--new-version", is_flag=True, help="Publish it as a new version of that SOP.")
@click.option("--draft", is_flag=True, help="Keep it as a draft; publish it in the screens.")
@with_appcontext
def import_sop(
    file: Path,
    name: str | None,
    performers: tuple[str, ...],
    columns: tuple[str, ...],
    names: tuple[str, ...],
    returns: tuple[str, ...],
    separate: tuple[str, ...],
    kinds: tuple[str, ...],
    priority: tuple[int, ...],
    shared: tuple[int, ...],
    new_version: bool,
    draft: bool,
) -> None:
    """Import an SOP table (tab-separated text, .docx or .xlsx) and publish it.

    Refuses to take an existing SOP's key or name unless --new-version says to publish a new
    version of that SOP; running cases stay on the version they started on.
    """

    def work() -> tuple[SopDefinition, SopVersion]:
        upload = sop_import.start(db.session, None, file.name, file.read_bytes())
        table = sop_import.table_of(upload)
        title = name or table.title
        existing = sop_library.sop_by_key_or_name(db.session, sop_import.sop_key_for(title), title)
        if existing is not None and not new_version:
            raise ServiceError("sop_exists", key=existing.key, name=existing.name)
        if existing is None and new_version:
            raise ServiceError("sop_unknown", key=title)
        target = existing if new_version else None
        flags = {"sets_priority": priority, "shared_with_reporter": shared}
        lists = {"--names": names, "--separate": separate}
        choices = _choices(table.performers, performers, columns, lists, returns, kinds, flags)
        sop, problems = sop_import.build(
            db.session, table, name=title, choices=choices, new_version_of=target
        )
        if sop is None:
            raise click.ClickException(
                "\n".join(problem.message(get_locale_language()) for problem in problems)
            )
        version = sop_library.save_draft(
            db.session, None, sop, new_version_of=target, source=upload
        )
        if not draft:
            sop_library.publish(db.session, None, version, clock.now())
        return sop, version

    sop, version = _commit(work)
    click.echo(sop_table(sop))
    state = "draf" if draft else "diterbitkan"
    click.echo(f"Diimpor sebagai {version.key} versi {version.version} ({state}).")
    warnings = sop_library.positions_without_accounts(db.session, sop)
    if warnings:
        click.echo(
            "Peringatan: belum ada akun aktif untuk jabatan " + ", ".join(warnings), err=True
        )


@sop_group.command("publish")
@click.argument("name")
@with_appcontext
def publish(name: str) -> None:
    """Publish the draft of an SOP (by key or name): new cases run on it from now on."""

    def work() -> SopVersion:
        sop = _find(name)
        draft = sop_library.draft_of(db.session, sop)
        if draft is None:
            raise ServiceError("sop_no_draft", name=sop.name)
        return sop_library.publish(db.session, None, draft, clock.now())

    published = _commit(work)
    click.echo(f"{published.key} versi {published.version} diterbitkan.")


@position_group.command("add")
@click.argument("code")
@click.option(
    "--name", required=True, help='The position as the SOP names it, e.g. "Kasi Jaringan".'
)
@click.option("--name-en", default=None, help="Its name in English.")
@click.option(
    "--scope",
    type=click.Choice([v.value for v in Visibility if v is not Visibility.NONE]),
    default=Visibility.ALL.value,
    help="Which cases its holders see.",
)
@with_appcontext
def add_position(code: str, name: str, name_en: str | None, scope: str) -> None:
    """Add a position; it may work the steps it performs (queue, cases, notices)."""
    role = _commit(
        lambda: positions.create_position(
            db.session,
            None,
            code=code,
            name=name,
            name_en=name_en,
            case_scope=Visibility(scope),
            grants=NEW_POSITION_GRANTS,
        )
    )
    click.echo(f"Jabatan {role.code} ({role.name}) ditambahkan.")


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
        [
            "No",
            "Kegiatan",
            "Putaran",
            "Pelaksana",
            "Siap",
            "Selesai",
            "Standar",
            "Kerja",
            "Dinding",
            "Status",
        ]
    ]
    for run, step in zip(case.step_runs, timing.steps, strict=True):
        rows.append(
            [
                str(run.step),
                sop.step(run.step).activity_id[:40],
                str(run.round),
                run.performer.username if run.performer else f"({run.role})",
                local_time(run.actionable_at),
                local_time(run.completed_at),
                _minutes(step.standard_minutes),
                f"{step.working_minutes:.1f}",
                f"{step.wall_minutes:.1f}",
                BADGE_LABELS[step.badge] + (" (berjalan)" if step.live else ""),
            ]
        )
    click.echo(
        f"Kasus #{case.id}: {case.title} — {case.status.value}, SOP {sop.name} v{sop.version} "
        f"({len(sop.steps)} langkah)"
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
    app.cli.add_command(position_group)
    app.cli.add_command(case_group)

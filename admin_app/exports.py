"""CSV exports from the list screens (honouring their filters and search) and from the CLI."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import click
from flask import Response, abort, current_app, request, stream_with_context
from flask.cli import with_appcontext
from flask_admin import expose
from flask_login import current_user

from models import db
from models.services import audit
from models.services.export import (
    SELECTS,
    STEP_KEYS,
    CsvOptions,
    ExportKind,
    StreamResult,
    export_filename,
    export_to_file,
    stream_export,
)
from models.services.sop_library import longest_sop
from models.services.visibility import sees_all_cases
from rules import EARLIEST_DAY, LATEST_DAY, is_plausible_day

from . import clock
from .i18n import get_locale_language
from .permissions import Perm

FILE_LABELS = {
    "id": {
        ExportKind.LOGS: "log-kegiatan-harian",
        ExportKind.AUDIT: "jejak-audit",
        ExportKind.CASES: "kasus",
    },
    "en": {
        ExportKind.LOGS: "daily-activity-log",
        ExportKind.AUDIT: "audit-trail",
        ExportKind.CASES: "cases",
    },
}

_STEP_HEADERS = {
    "id": (
        "langkah{n}_pelaksana",
        "langkah{n}_menit_kerja",
        "langkah{n}_standar_menit",
        "langkah{n}_melebihi_standar",
    ),
    "en": (
        "step{n}_performer",
        "step{n}_working_minutes",
        "step{n}_standard_minutes",
        "step{n}_over_standard",
    ),
}

HEADERS: dict[str, dict[str, str]] = {
    "id": {
        "id": "no",
        "sop": "sop",
        "sop_version": "versi_sop",
        "log_date": "tanggal",
        "case_id": "no_kasus",
        "case_title": "judul_kasus",
        "text": "isi",
        "author_username": "nama_pengguna",
        "author_name": "nama_pelaksana",
        "created_at": "dicatat_pada",
        "corrects_id": "mengoreksi_no",
        "occurred_at": "waktu",
        "actor_username": "pelaku",
        "action": "tindakan",
        "entity": "entitas",
        "entity_id": "id_entitas",
        "before": "sebelum",
        "after": "sesudah",
        "title": "judul",
        "reporter": "pelapor",
        "channel": "saluran",
        "priority": "prioritas",
        "status": "status",
        "current_step": "langkah_sekarang",
        "rework_rounds": "putaran_ulang",
        "closed_at": "ditutup_pada",
    },
    "en": {
        "id": "id",
        "sop": "sop",
        "sop_version": "sop_version",
        "log_date": "date",
        "case_id": "case_id",
        "case_title": "case_title",
        "text": "text",
        "author_username": "username",
        "author_name": "performer",
        "created_at": "recorded_at",
        "corrects_id": "corrects_id",
        "occurred_at": "occurred_at",
        "actor_username": "actor",
        "action": "action",
        "entity": "entity",
        "entity_id": "entity_id",
        "before": "before",
        "after": "after",
        "title": "title",
        "reporter": "reporter",
        "channel": "channel",
        "priority": "priority",
        "status": "status",
        "current_step": "current_step",
        "rework_rounds": "rework_rounds",
        "closed_at": "closed_at",
    },
}


def csv_options(
    lang: str, *, delimiter: str = ",", bom: bool = False, steps: int = 0
) -> CsvOptions:
    """Options for an export in this language and the app's time zone, with headers for the
    columns of steps 1..`steps` (the cases export)."""
    lang = lang if lang in HEADERS else "id"
    headers = dict(HEADERS[lang])
    for n in range(1, steps + 1):
        for key, template in zip(STEP_KEYS, _STEP_HEADERS[lang], strict=True):
            headers[f"step{n}_{key}"] = template.format(n=n)
    return CsvOptions(
        delimiter=delimiter, bom=bom, headers=headers, timezone=current_app.config["TIMEZONE"]
    )


def record_export(
    actor_id: int | None, kind: ExportKind, details: dict[str, Any], result: StreamResult | int
) -> None:
    """Write the export into the audit trail (who, what, filters, rows) once it has ended.

    A streamed download ends after the view returned; stream_with_context keeps the request,
    and with it db.session, alive until then.
    """
    rows = result if isinstance(result, int) else result.rows
    complete = True if isinstance(result, int) else result.complete
    db.session.rollback()  # nothing else belongs in this transaction
    audit.record(
        db.session,
        actor_id=actor_id,
        action=f"export.{kind.value}",
        entity="export",
        after={**details, "rows": rows, "complete": complete},
    )
    db.session.commit()


class CsvExportMixin:
    """`<list>/export.csv`: the rows of the list as filtered and searched now, streamed."""

    export_kind: ClassVar[ExportKind]

    def export_arguments(self, view_args: Any) -> dict[str, Any]:
        """What the export's SELECT needs beyond the rows chosen (the cases: their steps)."""
        return {}

    def _filtered_ids(self, view_args: Any) -> Any:
        """The ids the list shows (all pages), or None when no filter, search or scope applies."""
        if not view_args.filters and not view_args.search and sees_all_cases(current_user):
            return None
        _count, query = self.get_list(  # type: ignore[attr-defined]
            0, None, False, view_args.search, view_args.filters, execute=False, page_size=0
        )
        model = self.model  # type: ignore[attr-defined]
        return query.with_entities(model.id).order_by(None).statement

    @expose("/export.csv")
    def export_csv(self) -> Response:
        if not self.may(Perm.EXPORT):  # type: ignore[attr-defined]
            abort(403)
        view_args = self._get_list_extra_args()  # type: ignore[attr-defined]
        lang = get_locale_language()
        arguments = self.export_arguments(view_args)
        options = csv_options(
            lang,
            delimiter=";" if request.args.get("delimiter") == ";" else ",",
            bom=request.args.get("bom") != "0",  # Excel and LibreOffice read UTF-8 by it
            steps=arguments.get("steps", 0),
        )
        select = SELECTS[self.export_kind](options, ids=self._filtered_ids(view_args), **arguments)
        actor_id = current_user.id
        details = {
            "filters": [list(map(str, f)) for f in view_args.filters or []],
            "search": view_args.search,
            "delimiter": options.delimiter,
            "bom": options.bom,
            "via": "web",
        }
        result = StreamResult()
        chunks = stream_export(
            db.engine,
            select,
            options,
            result,
            on_end=lambda ended: record_export(actor_id, self.export_kind, details, ended),
        )
        name = export_filename(
            self.export_kind,
            clock.now(),
            options.timezone,
            FILE_LABELS[lang],
            filters=details["filters"] or ([view_args.search] if view_args.search else []),
        )
        return Response(
            stream_with_context(chunks),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


def _plausible_day(ctx: click.Context, param: click.Parameter, value: Any) -> date | None:
    """The option's day, refused when it lies outside the days SOP Desk accepts."""
    if value is None:
        return None
    day: date = value.date()
    if not is_plausible_day(day):
        raise click.BadParameter(f"{day} is outside {EARLIEST_DAY} … {LATEST_DAY}")
    return day


@click.command("export")
@click.argument("kind", type=click.Choice([k.value for k in ExportKind]))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write ('-' for standard output).",
)
@click.option(
    "--from",
    "first_day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    callback=_plausible_day,
    help="First day (YYYY-MM-DD, Asia/Jakarta).",
)
@click.option(
    "--to",
    "last_day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    callback=_plausible_day,
    help="Last day (YYYY-MM-DD), inclusive.",
)
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM (Excel).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", help="Header language.")
@click.option("--sop", "sop_key", default=None, help="Cases: only those of this SOP (its key).")
@with_appcontext
def export_command(
    kind: str,
    out: Path,
    first_day: date | None,
    last_day: date | None,
    delimiter: str,
    bom: bool,
    lang: str,
    sop_key: str | None,
) -> None:
    """Export the daily log, the audit trail or the cases as CSV, streamed from PostgreSQL."""
    if first_day and last_day and first_day > last_day:
        raise click.BadParameter("--from is after --to")
    export_kind = ExportKind(kind)
    arguments: dict[str, Any] = {}
    if export_kind is ExportKind.CASES:
        steps = longest_sop(db.session, sop_key)
        if sop_key is not None and not steps:
            raise click.BadParameter(f"no SOP {sop_key!r}", param_hint="--sop")
        arguments = {"steps": steps, "sop_key": sop_key}
    elif sop_key is not None:
        raise click.BadParameter("only the cases export takes --sop", param_hint="--sop")
    options = csv_options(lang, delimiter=delimiter, bom=bom, steps=arguments.get("steps", 0))
    select = SELECTS[export_kind](options, first=first_day, last=last_day, **arguments)
    to_stdout = str(out) == "-"
    stream = sys.stdout.buffer if to_stdout else out.open("wb", buffering=1024 * 1024)
    show_progress = not to_stdout and sys.stderr.isatty()
    started = time.perf_counter()
    try:
        if show_progress:
            counted = select.order_by(None).subquery()
            total = db.session.scalar(db.select(db.func.count()).select_from(counted))
            db.session.rollback()
            with click.progressbar(length=total or 0, label="Mengekspor", file=sys.stderr) as bar:
                done = [0]

                def advance(rows: int) -> None:
                    bar.update(rows - done[0])
                    done[0] = rows

                rows = export_to_file(db.engine, select, stream, options, on_rows=advance)
                bar.update((total or 0) - done[0])
        else:
            rows = export_to_file(db.engine, select, stream, options)
    finally:
        if not to_stdout:
            stream.close()
    details = {
        "from": str(first_day or ""),
        "to": str(last_day or ""),
        "delimiter": delimiter,
        "bom": bom,
        "via": "cli",
    }
    seconds = time.perf_counter() - started
    record_export(None, export_kind, details, rows)
    click.echo(
        f"{rows} baris diekspor ke {out} dalam {seconds:.2f} detik "
        f"({rows / max(seconds, 1e-9):,.0f} baris/detik).",
        err=to_stdout,
    )

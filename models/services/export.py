"""CSV exports at the speed of PostgreSQL: `COPY (SELECT ...) TO STDOUT`, streamed, flat memory.

The SELECTs do the work in the database: timestamps are turned into Asia/Jakarta text, and every
text cell (usernames and codes too) that a spreadsheet would read as a formula (=, +, -, @, tab,
carriage return first) is prefixed with an apostrophe (OWASP CSV injection), so Python only moves
bytes. Numbers and instants are not text and go out as they are.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased

from ..accounts import Account
from ..audit import AuditEvent
from ..cases import Case, StepRun
from ..records import LogEntry
from ..sop_versions import SopVersion
from .days import between_days

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 256 * 1024
STEP_KEYS = ("performer", "working_minutes", "standard_minutes", "over")
"""The columns each step of the cases export has, in order (`step{n}_{key}`)."""


class ExportKind(StrEnum):
    """What can be exported."""

    LOGS = "logs"
    AUDIT = "audit"
    CASES = "cases"


@dataclass(frozen=True)
class CsvOptions:
    """How the file is written: delimiter (`;` for Excel in Indonesian locale), BOM, language."""

    delimiter: str = ","
    bom: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "Asia/Jakarta"

    def __post_init__(self) -> None:
        if self.delimiter not in (",", ";"):
            raise ValueError("delimiter must be ',' or ';'")


def safe_text(column: Any) -> sa.ColumnElement[str]:
    """The value as text, with a leading apostrophe when its first character would start a
    formula."""
    text = sa.cast(column, sa.Text)
    return sa.case((sa.func.left(text, 1).in_(FORMULA_STARTS), sa.literal("'") + text), else_=text)


def local_text(column: Any, tz: str) -> sa.ColumnElement[str]:
    """An instant as 'YYYY-MM-DD HH24:MI:SS' in the given time zone."""
    return sa.func.to_char(sa.func.timezone(tz, column), "YYYY-MM-DD HH24:MI:SS")


def _chosen_rows(
    when: Any,
    id_column: Any,
    first: date | None,
    last: date | None,
    ids: sa.Select[Any] | None,
    tz: str,
) -> list[sa.ColumnElement[bool]]:
    """The conditions picking an export's rows: days of `when` (a date or an instant), and ids."""
    return [
        *between_days(when, first, last, tz),
        *([id_column.in_(ids)] if ids is not None else []),
    ]


def _header(options: CsvOptions, key: str) -> str:
    return options.headers.get(key, key)


def logs_select(
    options: CsvOptions,
    *,
    first: date | None = None,
    last: date | None = None,
    ids: sa.Select[Any] | None = None,
) -> sa.Select[Any]:
    """The daily activity log, oldest day first."""
    h = lambda key: _header(options, key)  # noqa: E731
    author = aliased(Account)
    stmt = (
        sa.select(
            LogEntry.id.label(h("id")),
            sa.func.to_char(LogEntry.log_date, "YYYY-MM-DD").label(h("log_date")),
            LogEntry.case_id.label(h("case_id")),
            safe_text(Case.title).label(h("case_title")),
            safe_text(LogEntry.text).label(h("text")),
            safe_text(author.username).label(h("author_username")),
            safe_text(author.full_name).label(h("author_name")),
            local_text(LogEntry.created_at, options.timezone).label(h("created_at")),
            LogEntry.corrects_id.label(h("corrects_id")),
        )
        .join(author, author.id == LogEntry.author_id)
        .outerjoin(Case, Case.id == LogEntry.case_id)
        .order_by(LogEntry.log_date, LogEntry.id)
    )
    return stmt.where(
        *_chosen_rows(LogEntry.log_date, LogEntry.id, first, last, ids, options.timezone)
    )


def audit_select(
    options: CsvOptions,
    *,
    first: date | None = None,
    last: date | None = None,
    ids: sa.Select[Any] | None = None,
) -> sa.Select[Any]:
    """The audit trail in the order it was written."""
    h = lambda key: _header(options, key)  # noqa: E731
    actor = aliased(Account)
    stmt = (
        sa.select(
            AuditEvent.id.label(h("id")),
            local_text(AuditEvent.occurred_at, options.timezone).label(h("occurred_at")),
            safe_text(actor.username).label(h("actor_username")),
            safe_text(AuditEvent.action).label(h("action")),
            safe_text(AuditEvent.entity).label(h("entity")),
            AuditEvent.entity_id.label(h("entity_id")),
            AuditEvent.case_id.label(h("case_id")),
            safe_text(sa.cast(AuditEvent.before, sa.Text)).label(h("before")),
            safe_text(sa.cast(AuditEvent.after, sa.Text)).label(h("after")),
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id)
    )
    return stmt.where(
        *_chosen_rows(AuditEvent.occurred_at, AuditEvent.id, first, last, ids, options.timezone)
    )


def cases_select(
    options: CsvOptions,
    *,
    first: date | None = None,
    last: date | None = None,
    ids: sa.Select[Any] | None = None,
    steps: int = 0,
    sop_key: str | None = None,
) -> sa.Select[Any]:
    """One row per case: its SOP, who, how, status, and per step its performer, minutes,
    standard and flag, for steps 1..`steps` (the longest of the SOPs exported).

    A step run more than once (rework) shows its last performer, the working minutes of all its
    rounds, and the flag when any round ran over its standard. With `sop_key`, only the cases
    of that SOP.
    """
    h = lambda key: _header(options, key)  # noqa: E731
    performer = aliased(Account)
    numbers = range(1, steps + 1)
    per_step = []
    for n in numbers:
        at_n = StepRun.step == n
        per_step += [
            sa.func.max(performer.username).filter(at_n).label(f"p{n}"),
            sa.func.sum(StepRun.working_minutes).filter(at_n).label(f"w{n}"),
            sa.func.max(StepRun.standard_minutes).filter(at_n).label(f"s{n}"),
            sa.func.bool_or(StepRun.working_minutes > StepRun.standard_minutes)
            .filter(at_n)
            .label(f"o{n}"),
        ]
    picked = _chosen_rows(Case.created_at, Case.id, first, last, ids, options.timezone)
    if sop_key is not None:
        picked.append(
            Case.sop_version_id.in_(sa.select(SopVersion.id).where(SopVersion.key == sop_key))
        )
    runs_select = (
        sa.select(StepRun.case_id, *per_step)
        .outerjoin(performer, performer.id == StepRun.performer_id)
        .group_by(StepRun.case_id)
    )
    if picked:  # total only the chosen cases' runs, not every run there is
        runs_select = runs_select.where(StepRun.case_id.in_(sa.select(Case.id).where(*picked)))
    runs = runs_select.subquery("runs")
    step_columns = []
    for n in numbers:
        step_columns += [
            safe_text(runs.c[f"p{n}"]).label(h(f"step{n}_performer")),
            runs.c[f"w{n}"].label(h(f"step{n}_working_minutes")),
            runs.c[f"s{n}"].label(h(f"step{n}_standard_minutes")),
            sa.case((runs.c[f"o{n}"], "1"), (runs.c[f"w{n}"].is_not(None), "0")).label(
                h(f"step{n}_over")
            ),
        ]
    stmt = (
        sa.select(
            Case.id.label(h("id")),
            safe_text(SopVersion.key).label(h("sop")),
            SopVersion.version.label(h("sop_version")),
            safe_text(Case.title).label(h("title")),
            safe_text(Case.reporter_name).label(h("reporter")),
            safe_text(Case.channel).label(h("channel")),
            safe_text(Case.priority).label(h("priority")),
            safe_text(Case.status).label(h("status")),
            Case.current_step.label(h("current_step")),
            Case.rework_rounds.label(h("rework_rounds")),
            local_text(Case.created_at, options.timezone).label(h("created_at")),
            local_text(Case.closed_at, options.timezone).label(h("closed_at")),
            *step_columns,
        )
        .join(runs, runs.c.case_id == Case.id)
        .join(SopVersion, SopVersion.id == Case.sop_version_id)
        .where(*picked)
        .order_by(Case.id)
    )
    return stmt


SELECTS: Mapping[ExportKind, Callable[..., sa.Select[Any]]] = {
    ExportKind.LOGS: logs_select,
    ExportKind.AUDIT: audit_select,
    ExportKind.CASES: cases_select,
}


def select_sql(cursor: Any, select: sa.Select[Any]) -> bytes:
    """The SELECT as SQL text, its parameters bound by psycopg2 (no string pasting)."""
    compiled = select.compile(
        dialect=postgresql.psycopg2.dialect(), compile_kwargs={"render_postcompile": True}
    )
    query: bytes = cursor.mogrify(str(compiled), compiled.params)
    return query


def copy_statement(cursor: Any, select: sa.Select[Any], options: CsvOptions) -> bytes:
    """`COPY (select) TO STDOUT` as CSV with a header row."""
    query = select_sql(cursor, select)
    delimiter = cursor.mogrify("%s", (options.delimiter,)).decode()
    return (
        b"COPY (" + query + b") TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8', "
        b"DELIMITER " + delimiter.encode() + b")"
    )


class _Counter:
    """A file-like sink that counts the rows psycopg2 hands over (one write per COPY row)."""

    def __init__(self, sink: Callable[[bytes], Any], on_row: Callable[[int], None] | None) -> None:
        self.sink = sink
        self.on_row = on_row
        self.writes = 0

    def write(self, data: bytes | str) -> None:
        self.writes += 1
        self.sink(data.encode() if isinstance(data, str) else data)
        if self.on_row is not None and self.writes % 10_000 == 0:
            self.on_row(self.writes)


def _snapshot(raw: Any) -> Any:
    """A read-only REPEATABLE READ transaction: the export sees one moment while writes go on."""
    cursor = raw.cursor()
    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    # A parallel plan sorts everything before the first row leaves; one worker walking the
    # index streams from the first moment, at about the same total speed, on one core.
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    return cursor


def export_to_file(
    engine: sa.Engine,
    select: sa.Select[Any],
    out: IO[bytes],
    options: CsvOptions,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write the CSV to a binary file; return the number of data rows."""
    raw = engine.raw_connection()
    try:
        cursor = _snapshot(raw)
        if options.bom:
            out.write("\ufeff".encode())
        counter = _Counter(out.write, on_rows)
        cursor.copy_expert(copy_statement(cursor, select, options), counter)
        return int(cursor.rowcount)
    finally:
        raw.rollback()
        raw.close()


@dataclass
class StreamResult:
    """Filled in when a streamed export ends: rows sent, and whether it finished."""

    rows: int = 0
    complete: bool = False
    error: BaseException | None = None


class _CopyWorker(threading.Thread):
    """Runs COPY and hands its output over in chunks through a small bounded queue."""

    def __init__(
        self, engine: sa.Engine, select: sa.Select[Any], options: CsvOptions, result: StreamResult
    ) -> None:
        super().__init__(name="csv-export", daemon=True)
        self.engine, self.select, self.options, self.result = engine, select, options, result
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self.stop = threading.Event()
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | str) -> None:
        """Called by psycopg2 for each row; batches rows into chunks."""
        if self.stop.is_set():
            raise _ClientGone
        self._parts.append(data.encode() if isinstance(data, str) else data)
        self._size += len(self._parts[-1])
        if self._size >= CHUNK_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._parts:
            self.chunks.put(b"".join(self._parts))
            self._parts, self._size = [], 0

    def run(self) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = _snapshot(raw)
            if self.options.bom:
                self.write("\ufeff")
            cursor.copy_expert(copy_statement(cursor, self.select, self.options), self)
            self._flush()
            self.result.rows = int(cursor.rowcount)
            self.result.complete = True
            raw.rollback()
        except _ClientGone:
            raw.invalidate()  # COPY was cut off mid-stream: do not give this connection back
        except BaseException as exc:  # handed to the consumer, which raises it
            self.result.error = exc
            raw.invalidate()
        finally:
            raw.close()
            self.chunks.put(None)

    def drain(self) -> None:
        """Stop the worker and unblock it if it waits on a full queue."""
        self.stop.set()
        while self.is_alive():
            try:
                self.chunks.get(timeout=0.1)
            except queue.Empty:
                pass


def stream_export(
    engine: sa.Engine,
    select: sa.Select[Any],
    options: CsvOptions,
    result: StreamResult,
    on_end: Callable[[StreamResult], None] | None = None,
) -> Iterator[bytes]:
    """Yield the CSV in chunks as PostgreSQL produces it; memory stays flat.

    When the client goes away the worker stops at its next row; `on_end` hears how it ended.
    """
    worker = _CopyWorker(engine, select, options, result)
    worker.start()
    try:
        while (chunk := worker.chunks.get()) is not None:
            yield chunk
        if result.error is not None:
            raise result.error
    finally:
        worker.drain()
        if on_end is not None:
            on_end(result)


class _ClientGone(Exception):
    """The consumer stopped reading."""


def export_filename(
    kind: ExportKind, at: datetime, tz: str, labels: Mapping[str, str], filters: Sequence[str] = ()
) -> str:
    """What and when, e.g. 'log-kegiatan-harian_2026-11-26_1405.csv'."""
    stamp = at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d_%H%M")
    suffix = "_tersaring" if filters else ""
    return f"{labels.get(kind, kind)}{suffix}_{stamp}.csv"

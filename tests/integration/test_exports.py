"""CSV exports straight from PostgreSQL: exact rows, safe cells, options, one snapshot."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Account, AuditEvent, LogEntry, db
from models.services import export as ex
from models.services.accounts import create_account
from tests.conftest import TEST_PASSWORD
from tests.support import walk
from tests.support.walk import MONDAY_0800

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+62 812 555",
    "-2+3",
    "@SUM(A1)",
    "\tindent",
    "\rreturn",
    "aman",
    "Perbaikan — selesai ✅ café",
]


def _entries(session, author: Account, texts, day=date(2026, 11, 23)) -> list[LogEntry]:
    rows = [
        LogEntry(text=t, log_date=day, author_id=author.id, created_at=MONDAY_0800) for t in texts
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _csv(
    session, select, options: ex.CsvOptions | None = None
) -> tuple[list[list[str]], int, bytes]:
    """Run the COPY on the test's own connection (so it sees the test's rows)."""
    options = options or ex.CsvOptions()
    raw = session.connection().connection
    cursor = raw.cursor()
    out = io.BytesIO()
    if options.bom:
        out.write("\ufeff".encode())
    cursor.copy_expert(ex.copy_statement(cursor, select, options), out)
    data = out.getvalue()
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=options.delimiter)), cursor.rowcount, data


@pytest.fixture
def author(make_account):
    from rules.enums import Role

    return make_account(Role.KASI)


def test_every_cell_that_could_start_a_formula_is_neutralised(db_session, author):
    _entries(db_session, author, HOSTILE)
    rows, count, _ = _csv(db_session, ex.logs_select(ex.CsvOptions()))
    assert count == len(HOSTILE) == len(rows) - 1
    texts = [row[4] for row in rows[1:]]
    for original, cell in zip(HOSTILE, texts, strict=True):
        if original[0] in ex.FORMULA_STARTS:
            assert cell == "'" + original
        else:
            assert cell == original  # non-ASCII text round-trips untouched


def test_semicolon_delimiter_and_bom_for_excel(db_session, author):
    _entries(db_session, author, ["satu; dua", "tiga"])
    options = ex.CsvOptions(delimiter=";", bom=True)
    rows, _, data = _csv(db_session, ex.logs_select(options), options)
    assert data.startswith(b"\xef\xbb\xbfid;")
    assert [row[4] for row in rows[1:]] == ["satu; dua", "tiga"]


def test_headers_come_in_the_requested_language(db_session, author):
    from admin_app.exports import HEADERS

    _entries(db_session, author, ["x"])
    options = ex.CsvOptions(headers=HEADERS["id"])
    rows, _, _ = _csv(db_session, ex.logs_select(options), options)
    assert rows[0][:3] == ["no", "tanggal", "no_kasus"]


def test_timestamps_are_written_in_jakarta_time(db_session, author):
    _entries(db_session, author, ["x"])
    rows, _, _ = _csv(db_session, ex.logs_select(ex.CsvOptions()))
    assert rows[1][7] == "2026-11-23 08:00:00"  # stored as 01:00 UTC


def test_the_date_range_selects_exact_days(db_session, author):
    for offset in range(5):
        _entries(db_session, author, [f"hari {offset}"], day=date(2026, 11, 23) + timedelta(offset))
    select = ex.logs_select(ex.CsvOptions(), first=date(2026, 11, 24), last=date(2026, 11, 26))
    rows, count, _ = _csv(db_session, select)
    assert count == 3 and [r[4] for r in rows[1:]] == ["hari 1", "hari 2", "hari 3"]


def test_the_cases_export_has_one_row_per_case_with_every_step(db_session, make_account):
    from rules.enums import Role
    from tests.support.walk import CALENDAR, Team, walk_to

    team = Team(
        *(
            make_account(r)
            for r in (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU, Role.JFU)
        )
    )
    case_id = walk_to(db_session, team, 8, minutes_per_step=4)
    walk.return_for_rework(
        db_session,
        team.kasi,
        case_id,
        {"reason": "ulang"},
        MONDAY_0800 + timedelta(hours=1),
        CALENDAR,
        step=8,
    )
    db_session.flush()
    rows, count, _ = _csv(db_session, ex.cases_select(ex.CsvOptions(), steps=9))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert count == 1 and len(header) == 12 + 9 * 4
    assert (row["sop"], row["sop_version"]) == ("pemeliharaan-portal", "2")
    assert row["step3_performer"] == team.kasubdit.username
    assert (row["step3_working_minutes"], row["step3_standard_minutes"], row["step3_over"]) == (
        "4.00",
        "3",
        "1",
    )
    assert (row["step4_over"], row["step2_standard_minutes"]) == ("0", "")
    assert row["rework_rounds"] == "1" and row["step9_performer"] == ""


def test_usernames_that_start_a_formula_are_neutralised_in_every_export(db_session, make_account):
    from models.services import audit
    from rules.enums import Role
    from tests.support.walk import Team, walk_to

    # The database lets a username start with "-" (a spreadsheet reads "-1-1" as a formula).
    hostile = ["-cmd", "-1-1", "-sum", "-x.jfu", "pengguna.aman", "kasi.aman"]
    people = [
        make_account(r, username=u)
        for r, u in zip(
            (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU, Role.KASI),
            ("pengguna.aman", "-cmd", "-1-1", "-sum", "-x.jfu", "kasi.aman"),
            strict=True,
        )
    ]
    team = Team(*people[:5], people[4])
    walk_to(db_session, team, 8)
    _entries(db_session, people[1], ["catatan"])
    audit.record(db_session, actor_id=people[2].id, action="case.note", entity="case")
    db_session.flush()
    cases, _count, _ = _csv(db_session, ex.cases_select(ex.CsvOptions(), steps=9))
    row = dict(zip(cases[0], cases[1], strict=True))
    assert [row[f"step{n}_performer"] for n in (2, 3, 4, 7)] == [
        "'-cmd",
        "'-1-1",
        "'-sum",
        "'-x.jfu",
    ]
    assert row["step1_performer"] == "pengguna.aman"  # positive control: plain names untouched
    logs, _count, _ = _csv(db_session, ex.logs_select(ex.CsvOptions()))
    assert logs[1][5] == "'-cmd"
    trail, _count, _ = _csv(db_session, ex.audit_select(ex.CsvOptions()))
    actors = {r[2] for r in trail[1:]}
    assert "'-1-1" in actors and "-1-1" not in actors
    assert all(not name or name[0] not in ex.FORMULA_STARTS for name in actors)
    assert not set(hostile[:4]) & {cell for r in cases[1:] + logs[1:] for cell in r}


def test_a_streamed_export_reads_one_snapshot_while_writes_go_on(committed_app, monkeypatch):
    monkeypatch.setattr(ex, "CHUNK_BYTES", 1)  # hand over every row as soon as COPY makes it
    with committed_app.app_context():
        engine = db.engine
        with Session(engine) as session:
            author = create_account(
                session,
                username="snap-kasi",
                full_name="Snap",
                roles=["kasi"],
                password=TEST_PASSWORD,
            )
            _entries(session, author, [f"awal {i}" for i in range(50)])
            session.commit()
            author_id = author.id
        before = ex.logs_select(ex.CsvOptions())
        result = ex.StreamResult()
        chunks = ex.stream_export(engine, before, ex.CsvOptions(), result)
        first = next(chunks)  # COPY is running: its snapshot is taken
        with Session(engine) as writer:
            writer.add_all(
                LogEntry(
                    text=f"baru {i}",
                    log_date=date(2026, 11, 23),
                    author_id=author_id,
                    created_at=MONDAY_0800,
                )
                for i in range(20)
            )
            writer.commit()
        body = first + b"".join(chunks)
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert result.complete and result.rows == 50 == len(rows) - 1
        assert not any(r[4].startswith("baru") for r in rows[1:])


def test_the_cli_writes_the_file_says_how_many_rows_and_audits_the_export(committed_app, tmp_path):
    with committed_app.app_context():
        with Session(db.engine) as session:
            author = create_account(
                session,
                username="cli-kasi",
                full_name="Cli Kasi",
                roles=["kasi"],
                password=TEST_PASSWORD,
            )
            _entries(session, author, ["a", "=b", "c"], day=date(2025, 1, 6))
            session.commit()
    out = tmp_path / "log.csv"
    result = committed_app.test_cli_runner().invoke(
        args=["export", "logs", "--out", str(out), "--from", "2025-01-06", "--to", "2025-01-06"]
    )
    assert result.exit_code == 0, result.output
    assert "3 baris diekspor" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[2].split(",")[4] == "'=b"
    with committed_app.app_context(), Session(db.engine) as session:
        event = session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "export.logs")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one()
        assert event.after["rows"] == 3 and event.after["via"] == "cli"
        assert event.after["from"] == "2025-01-06"


def test_the_cli_refuses_a_reversed_date_range(app, db_session, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "export",
            "audit",
            "--out",
            str(tmp_path / "a.csv"),
            "--from",
            "2026-12-01",
            "--to",
            "2026-11-01",
        ]
    )
    assert result.exit_code != 0 and "--from" in result.output


@pytest.mark.parametrize(("option", "day"), [("--to", "9999-12-31"), ("--from", "0001-01-01")])
def test_the_cli_refuses_a_day_outside_the_plausible_range(app, db_session, tmp_path, option, day):
    out = tmp_path / "a.csv"
    result = app.test_cli_runner().invoke(args=["export", "logs", "--out", str(out), option, day])
    assert result.exit_code == 2 and "is outside 1900-01-01" in result.output
    assert not out.exists()

"""History screens over HTTP: instructions, reports, daily log, audit trail, permission matrix."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy import event

from admin_app.permissions import SCREEN_LABELS, Screen
from admin_app.views.records import indonesian_date
from models import AuditEvent, Instruction, LogEntry, Report, db
from rules.enums import Role
from tests.e2e.conftest import page_text, post_form
from tests.support import walk
from tests.support.access import EXPECTED
from tests.support.walk import CALENDAR, MONDAY_0800, step_payload, walk_to

LISTS = ("/instructions/", "/reports/", "/daily-log/", "/audit/")


@pytest.fixture
def closed_case(db_session, team) -> int:
    """A case walked to closure with one rework round; its log entry is dated 2026-11-23."""
    case_id = walk_to(db_session, team, 8)
    now = MONDAY_0800 + timedelta(hours=1)
    walk.return_for_rework(
        db_session, team.kasi, case_id, {"reason": "Masih galat di ponsel"}, now, CALENDAR, step=8
    )
    walk.complete_step(
        db_session, team.jfu, case_id, 7, step_payload(7), now + timedelta(minutes=5), CALENDAR
    )
    walk.complete_step(
        db_session, team.kasi, case_id, 8, step_payload(8), now + timedelta(minutes=6), CALENDAR
    )
    walk.complete_step(
        db_session, team.kasi, case_id, 9, step_payload(9), now + timedelta(minutes=8), CALENDAR
    )
    db_session.flush()
    return case_id


def _ids(db_session, model, case_id: int) -> list[int]:
    return list(
        db_session.scalars(sa.select(model.id).filter_by(case_id=case_id).order_by(model.id))
    )


def _log_entry(db_session, author, day: date, text: str, **extra) -> LogEntry:
    entry = LogEntry(
        author_id=author.id,
        text=text,
        log_date=day,
        created_at=MONDAY_0800 + timedelta(days=(day - MONDAY_0800.date()).days),
        **extra,
    )
    db_session.add(entry)
    db_session.flush()
    return entry


def test_a_closed_case_shows_up_in_every_history_list(
    client, login_as, team, closed_case, db_session
):
    login_as(account=team.direktur)
    for path, model in (
        ("/instructions/", Instruction),
        ("/reports/", Report),
        ("/daily-log/", LogEntry),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for record_id in _ids(db_session, model, closed_case):
            assert f"details/?id={record_id}" in html, (path, record_id)
        assert f'href="/cases/details/?id={closed_case}"' in html, path
    reports = page_text(client.get("/reports/"))
    assert "Pengembalian untuk dikerjakan ulang" in reports and "Masih galat di ponsel" in reports
    instructions = page_text(client.get("/instructions/"))
    assert "Pengarahan" in instructions and team.jfu.full_name in instructions
    audit = client.get(f"/audit/?flt0_kasus_adalah={closed_case}")
    assert audit.status_code == 200
    assert page_text(audit).count("case.return_for_rework") == 1
    assert "case.report" in page_text(audit)


def test_the_record_details_show_the_case_and_the_records_that_correct_it(
    client, login_as, team, closed_case, db_session
):
    original = db_session.scalars(
        sa.select(Report).filter_by(case_id=closed_case, kind="analisa")
    ).one()
    correction = Report(
        case_id=closed_case,
        kind=original.kind,
        text="Analisa yang benar: indeks pencarian rusak.",
        author_id=team.kasi.id,
        created_at=original.created_at + timedelta(hours=2),
        corrects_id=original.id,
    )
    db_session.add(correction)
    db_session.flush()
    login_as(account=team.kasi)
    listing = client.get("/reports/").get_data(as_text=True)
    assert f'href="/reports/details/?id={original.id}">mengoreksi #{original.id}</a>' in listing
    details = client.get(f"/reports/details/?id={original.id}")
    assert details.status_code == 200
    html = details.get_data(as_text=True)
    assert f'href="/cases/details/?id={closed_case}"' in html
    assert f'href="/reports/details/?id={correction.id}">#{correction.id}</a>' in html
    assert "Dikoreksi oleh" in page_text(details)


@pytest.mark.parametrize("prefix", ["/instructions/", "/reports/", "/daily-log/"])
def test_history_cannot_be_created_edited_or_deleted(
    client, login_as, team, closed_case, db_session, prefix
):
    model = {"/instructions/": Instruction, "/reports/": Report, "/daily-log/": LogEntry}[prefix]
    record_id = _ids(db_session, model, closed_case)[0]
    login_as(Role.SUPERUSER)
    assert client.get(prefix + "new/").status_code == 403
    assert client.get(f"{prefix}edit/?id={record_id}").status_code == 403
    assert post_form(client, prefix + "delete/", {"id": str(record_id)}).status_code == 403
    listing = client.get(prefix).get_data(as_text=True)
    assert f'href="{prefix}new/' not in listing and "edit/?id=" not in listing
    assert db_session.get(model, record_id) is not None


def test_a_jfu_sees_only_records_of_cases_directed_to_them(
    client, login_as, team, case_at, db_session
):
    directed, not_yet = case_at(8), case_at(6)
    mine = _ids(db_session, Instruction, directed)
    foreign = _ids(db_session, Instruction, not_yet)
    foreign_report = _ids(db_session, Report, not_yet)[0]
    login_as(account=team.jfu)
    listing = client.get("/instructions/").get_data(as_text=True)
    assert all(f"details/?id={i}" in listing for i in mine)
    assert not any(f'details/?id={i}"' in listing for i in foreign)
    assert client.get(f"/instructions/details/?id={mine[-1]}").status_code == 200
    assert client.get(f"/instructions/details/?id={foreign[0]}").status_code == 404
    assert client.get(f"/reports/details/?id={foreign_report}").status_code == 404
    assert f"?id={not_yet}" not in client.get("/reports/").get_data(as_text=True)


def test_a_jfu_not_assigned_sees_no_records_at_all(client, login_as, team, case_at, db_session):
    directed = case_at(8)
    login_as(account=team.jfu2)
    for path in ("/instructions/", "/reports/"):
        assert f"?id={directed}" not in client.get(path).get_data(as_text=True)
    record_id = _ids(db_session, Report, directed)[0]
    assert client.get(f"/reports/details/?id={record_id}").status_code == 404


def test_a_pengguna_is_refused_every_history_screen(client, login_as, team, closed_case):
    login_as(account=team.pengguna)
    for path in (*LISTS, "/permissions/"):
        assert client.get(path).status_code == 403, path


def test_a_jfu_is_refused_the_daily_log_and_the_audit_trail(client, login_as):
    login_as(Role.JFU)
    assert client.get("/daily-log/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_the_daily_log_groups_entries_by_day_newest_first(client, login_as, team, db_session):
    _log_entry(db_session, team.kasi, date(2026, 11, 23), "Cadangan basis data portal")
    _log_entry(db_session, team.kasi, date(2026, 11, 27), "Pembaruan sertifikat TLS")
    _log_entry(db_session, team.kasi, date(2026, 11, 27), "Pemeriksaan tautan rusak")
    login_as(account=team.kasi)
    response = client.get("/daily-log/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    days = re.findall(r'data-day="([0-9-]+)"', html)
    assert days == ["2026-11-27", "2026-11-23"]
    text = page_text(response)
    friday, monday = text.index("Jumat, 27 November 2026"), text.index("Senin, 23 November 2026")
    assert friday < text.index("Pembaruan sertifikat TLS") < monday
    assert friday < text.index("Pemeriksaan tautan rusak") < monday
    assert monday < text.index("Cadangan basis data portal")


def test_the_daily_log_filters_by_date_range_and_by_performer(
    client, login_as, team, make_account, db_session
):
    other_kasi = make_account(Role.KASI, username="kasi.lain")
    _log_entry(db_session, team.kasi, date(2026, 11, 23), "Entri hari Senin")
    _log_entry(db_session, team.kasi, date(2026, 11, 24), "Entri hari Selasa")
    _log_entry(db_session, other_kasi, date(2026, 11, 25), "Entri kasi lain")
    login_as(account=team.kasi)
    tuesday = page_text(client.get("/daily-log/?flt0_tanggal_antara=2026-11-24+to+2026-11-24"))
    assert "Entri hari Selasa" in tuesday
    assert "Entri hari Senin" not in tuesday and "Entri kasi lain" not in tuesday
    span = page_text(client.get("/daily-log/?flt0_tanggal_antara=2026-11-23+to+2026-11-24"))
    assert "Entri hari Senin" in span and "Entri hari Selasa" in span
    assert "Entri kasi lain" not in span
    by_other = page_text(client.get("/daily-log/?flt0_pelaksana_nama_pengguna=KASI.LAIN"))
    assert "Entri kasi lain" in by_other and "Entri hari Senin" not in by_other


def test_indonesian_dates_need_no_locale():
    assert indonesian_date(date(2026, 11, 23)) == "Senin, 23 November 2026"
    assert indonesian_date(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert indonesian_date(date(2027, 1, 3)) == "Minggu, 3 Januari 2027"


def test_audit_details_show_before_and_after_escaped(client, login_as, team, db_session):
    evil = AuditEvent(
        actor_id=team.kasi.id,
        action="case.edit",
        entity="case",
        entity_id=1,
        before={"title": "<script>alert(1)</script>"},
        after={"title": "aman & <b>tebal</b>"},
    )
    db_session.add(evil)
    db_session.flush()
    login_as(account=team.direktur)
    response = client.get(f"/audit/details/?id={evil.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>tebal</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "aman &amp; &lt;b&gt;tebal&lt;/b&gt;" in html
    assert "Sebelum" in page_text(response) and "Sesudah" in page_text(response)


def test_the_audit_trail_filters_by_action_and_actor(client, login_as, team, closed_case):
    login_as(account=team.kasubdit)
    returned = page_text(client.get("/audit/?flt0_tindakan_adalah=case.return_for_rework"))
    assert "case.return_for_rework" in returned and "case.report" not in returned
    by_jfu = page_text(client.get(f"/audit/?flt0_pelaku_nama_pengguna={team.jfu.username}"))
    assert "case.complete" in by_jfu and "case.report" not in by_jfu


@pytest.mark.parametrize(
    "url",
    [
        "/instructions/?flt0_nope=1",
        "/instructions/?flt0_jenis_adalah=rahasia",
        "/reports/?flt0_kasus_adalah=abc",
        "/daily-log/?flt0_tanggal_antara=kemarin",
        "/daily-log/?flt0_pelaksana_nama_pengguna=",
        "/audit/?flt0_kasus_adalah=-1",
        "/audit/?flt0_nope_adalah=x",
        "/audit/?page=100000",
    ],
)
def test_unknown_filters_and_bad_values_answer_400(client, login_as, url):
    login_as(Role.SUPERUSER)
    response = client.get(url)
    assert response.status_code == 400, url
    assert "Permintaan tidak sah" in page_text(response)


def test_the_permission_page_is_for_superusers_only(client, login_as, make_account):
    login_as(Role.DIREKTUR)
    assert client.get("/permissions/").status_code == 403
    assert post_form(client, "/logout", {}).status_code == 302
    login_as(account=make_account(Role.KASI, Role.SUPERUSER))
    response = client.get("/permissions/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for screen in Screen:
        assert f'data-screen="{screen.value}"' in html and escape(SCREEN_LABELS[screen]) in html
    names = {Role.PENGGUNA: "Pengguna", Role.KASI: "Kasi Portal Web", Role.JFU: "JFU"}
    for role in Role:
        assert f'data-role="{role.value}"' in html
        assert escape(names.get(role, "")) in html
    assert "server memeriksa setiap permintaan" in page_text(response)


def test_the_permission_page_is_generated_from_the_matrix(client, login_as):
    login_as(Role.SUPERUSER)
    html = client.get("/permissions/").get_data(as_text=True)
    row = re.search(r'<tr data-screen="daily_log">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == len(Role)
    by_role = dict(zip(Role, cells, strict=True))
    assert by_role[Role.KASI].strip() == "lihat, ekspor"
    assert "—" in by_role[Role.JFU]
    assert Role.JFU not in EXPECTED[Screen.DAILY_LOG]["view"]


def test_the_daily_log_and_audit_lists_never_count_rows(app, client, login_as, team, closed_case):
    login_as(account=team.direktur)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for url in (
            "/daily-log/",
            "/daily-log/?flt0_tanggal_antara=2026-11-23+to+2026-11-30&search=langkah",
            "/audit/",
            f"/audit/?flt0_kasus_adalah={closed_case}&page=1",
        ):
            assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    lists = [s for s in statements if "log_entries" in s or "audit_events" in s]
    assert lists, "the list pages ran no query on the history tables"
    assert not [s for s in statements if "count(" in s.lower()]

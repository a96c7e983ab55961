"""CSV export from the list screens: the list's filters and search, streamed, audited, guarded."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import AuditEvent, LogEntry, db
from models.services.accounts import create_account
from tests.conftest import TEST_PASSWORD, csrf_token

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def people(committed_app):
    """Accounts of every role and a few log entries on known days, committed."""
    with committed_app.app_context(), Session(db.engine) as session:
        made = {
            role: create_account(
                session,
                username=f"exp-{role}",
                full_name=f"Ekspor {role}",
                roles=[role],
                password=TEST_PASSWORD,
            )
            for role in ("pengguna", "direktur", "kasubdit", "kasi", "jfu", "superuser")
        }
        other = create_account(
            session,
            username="exp-kasi2",
            full_name="Kasi Lain",
            roles=["kasi"],
            password=TEST_PASSWORD,
        )
        for day, author, text in [
            (date(2025, 3, 3), made["kasi"], "Senin: cek server"),
            (date(2025, 3, 4), made["kasi"], "=Selasa: formula"),
            (date(2025, 3, 4), other, "Selasa: pekerjaan kasi lain"),
            (date(2025, 3, 5), made["kasi"], "Rabu: café ☕ selesai"),
        ]:
            session.add(
                LogEntry(
                    text=text,
                    log_date=day,
                    author_id=author.id,
                    created_at=datetime(2025, 3, 5, 9, tzinfo=WIB),
                )
            )
        session.commit()
        return {role: account.username for role, account in made.items()}


def _client(app, username):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    return client


def _rows(response, delimiter=","):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_daily_log_export_honours_the_lists_filters(committed_app, people):
    client = _client(committed_app, people["kasi"])
    query = (
        "flt0_tanggal_antara=2025-03-04+to+2025-03-05"
        f"&flt1_pelaksana_nama_pengguna={people['kasi']}"
    )
    response = client.get(f"/daily-log/export.csv?{query}")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="log-kegiatan-harian_tersaring_' in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:2] == ["no", "tanggal"]
    assert [r[4] for r in rows[1:]] == ["'=Selasa: formula", "Rabu: café ☕ selesai"]


def test_the_export_honours_the_search_box_too(committed_app, people):
    client = _client(committed_app, people["kasi"])
    rows = _rows(client.get("/daily-log/export.csv?search=kasi+lain"))
    assert [r[4] for r in rows[1:]] == ["Selasa: pekerjaan kasi lain"]


def test_the_excel_variant_has_a_bom_and_semicolons(committed_app, people):
    client = _client(committed_app, people["direktur"])
    response = client.get("/daily-log/export.csv?delimiter=;&bom=1&search=Senin")
    assert response.get_data().startswith(b"\xef\xbb\xbfno;tanggal;")
    assert [r[4] for r in _rows(response, ";")[1:]] == ["Senin: cek server"]


def test_the_comma_export_has_a_bom_unless_asked_not_to(committed_app, people):
    client = _client(committed_app, people["direktur"])
    menu = client.get("/daily-log/").get_data(as_text=True)
    for variant in ("export-comma", "export-excel", "export-plain"):
        assert f'data-testid="{variant}"' in menu
    with_bom = client.get("/daily-log/export.csv?search=Senin").get_data()
    assert with_bom.startswith(b"\xef\xbb\xbfno,tanggal,")  # LibreOffice reads it as UTF-8
    plain = client.get("/daily-log/export.csv?search=Senin&bom=0").get_data()
    assert plain.startswith(b"no,tanggal,")
    assert _rows(client.get("/daily-log/export.csv?search=Senin"))[1:] == _rows_plain(plain)


def _rows_plain(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))[1:]


def test_each_export_is_recorded_in_the_audit_trail(committed_app, people):
    client = _client(committed_app, people["kasubdit"])
    client.get("/daily-log/export.csv?search=Rabu").get_data()
    with committed_app.app_context(), Session(db.engine) as session:
        event = session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "export.logs")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one()
        assert event.actor.username == people["kasubdit"]
    assert event.after["rows"] == 1 and event.after["complete"] is True
    assert event.after["search"] == "Rabu" and event.after["via"] == "web"


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("pengguna", "/daily-log/export.csv", 403),
        ("jfu", "/daily-log/export.csv", 403),
        ("kasi", "/audit/export.csv", 403),
        ("pengguna", "/cases/export.csv", 403),
        ("jfu", "/cases/export.csv", 403),
        ("superuser", "/audit/export.csv", 200),
        ("direktur", "/cases/export.csv", 200),
    ],
)
def test_only_the_roles_the_matrix_allows_may_export(committed_app, people, role, path, status):
    assert _client(committed_app, people[role]).get(path).status_code == status


def test_anonymous_visitors_cannot_export(committed_app):
    response = committed_app.test_client().get("/audit/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_filter_in_the_export_is_refused(committed_app, people):
    client = _client(committed_app, people["kasi"])
    assert client.get("/daily-log/export.csv?flt0_nope=1").status_code == 400


def test_the_list_offers_the_export_with_its_current_filters(committed_app, people):
    client = _client(committed_app, people["kasi"])
    html = client.get("/daily-log/?search=Senin").get_data(as_text=True)
    assert "/daily-log/export.csv?search=Senin" in html

"""Dasbor over HTTP: who may open it, every chart with its table and CSV, periods, no CDN."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.services import stats
from rules.enums import Role
from tests.support import walk
from tests.support.walk import CALENDAR, MONDAY_0800, step_payload, walk_to

CHARTS = ("open", "steps", "times", "lead", "rework", "conformance", "named", "weekly")
WEEK = "from=2026-11-23&to=2026-11-29"
JAKARTA = ZoneInfo("Asia/Jakarta")
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@pytest.fixture
def cases(db_session, team) -> dict[str, int]:
    """In the week of Monday 23-11-2026: one case by the book, one reworked, one open at 5."""
    by_the_book = walk_to(db_session, team, 10)
    reworked = walk_to(db_session, team, 8, start=MONDAY_0800 + timedelta(hours=1))
    back = MONDAY_0800 + timedelta(hours=2)
    walk.return_for_rework(
        db_session, team.kasi, reworked, {"reason": "Belum"}, back, CALENDAR, step=8
    )
    for step, minutes in ((7, 10), (8, 12), (9, 14)):
        at = back + timedelta(minutes=minutes)
        walk.complete_step(
            db_session, team.performer(step), reworked, step, step_payload(step), at, CALENDAR
        )
    at_five = walk_to(db_session, team, 5, start=MONDAY_0800 + timedelta(hours=3))
    db_session.flush()
    return {"by_the_book": by_the_book, "reworked": reworked, "open": at_five}


def _csv(client, chart: str, query: str = WEEK) -> list[list[str]]:
    response = client.get(f"/dashboard/{chart}.csv?{query}")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("role", [Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.SUPERUSER])
def test_managers_and_the_superuser_open_the_dashboard_and_its_csv(client, login_as, role):
    login_as(role)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert 'data-testid="kpis"' in response.get_data(as_text=True)
    assert client.get("/dashboard/open.csv").status_code == 200


@pytest.mark.parametrize("role", [Role.PENGGUNA, Role.JFU])
def test_pengguna_and_jfu_are_refused_the_dashboard_and_its_csv(client, login_as, role):
    login_as(role)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/lead.csv").status_code == 403
    assert 'href="/dashboard/"' not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/dashboard/weekly.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_chart_is_inline_svg_beside_its_table_and_csv_link(client, login_as, cases):
    login_as(Role.KASI)
    html = client.get(f"/dashboard/?{WEEK}").get_data(as_text=True)
    for chart in CHARTS:
        figure = re.search(rf'data-testid="chart-{chart}"[^>]*>(.*?)</figure>', html, re.DOTALL)
        assert figure and "<svg" in figure.group(1), chart
        assert f'data-testid="table-{chart}"' in html, chart
        assert f'href="/dashboard/{chart}.csv?from=2026-11-23&amp;to=2026-11-29"' in html, chart
    assert 'data-testid="standard-review"' in html and 'data-testid="nonconforming"' in html


def test_no_url_outside_the_app_appears_in_the_page_or_its_charts(client, login_as, cases):
    login_as(Role.DIREKTUR)
    html = client.get(f"/dashboard/?{WEEK}").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    assert len(svgs) == len(CHARTS)
    for svg in svgs:
        assert set(re.findall(r"https?://[^\s\"'<>)]*", svg)) == {SVG_NAMESPACE}
        assert "<script" not in svg and "<!--" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]*", html)) <= {SVG_NAMESPACE}
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and not [link for link in links if "//" in link]


def test_the_csv_of_each_chart_holds_the_services_numbers(
    client, login_as, cases, db_session, team
):
    login_as(Role.KASUBDIT)
    start = datetime(2026, 11, 23, tzinfo=JAKARTA)
    data = stats.dashboard(
        db_session, start, start + timedelta(days=7), MONDAY_0800, "Asia/Jakarta"
    )

    lead = dict(_csv(client, "lead")[1:])
    # By the book: steps 3-9 two minutes each, 14; reworked: 10 + 48 (step 8 until the return)
    # + 10 + 2 + 2 = 72. Median 43; p90 14 + 0.9 * (72 - 14) = 66.2.
    assert lead["kasus_selesai"] == "2"
    assert (lead["median_menit"], lead["p90_menit"]) == ("43", "66.2")
    assert (data.closed.lead_median, data.closed.lead_p90) == (43, pytest.approx(66.2))
    assert (lead["total_standar_sop_menit"], lead["persen_selesai_dalam_total_sop"]) == (
        "59",
        "50.0",
    )

    rework = dict(_csv(client, "rework")[1:])
    assert (rework["kasus_dengan_pengulangan"], rework["persen_pengulangan"]) == ("1", "50.0")
    conformance = dict(_csv(client, "conformance")[1:])
    assert (conformance["sesuai_sop"], conformance["tidak_sesuai_sop"]) == ("1", "1")

    header, *rows = _csv(client, "times")
    assert header == [
        "langkah",
        "kegiatan",
        "standar_menit",
        "pelaksanaan",
        "median_menit",
        "p90_menit",
        "usulan_standar_menit",
    ]
    for row, figure in zip(rows, data.steps, strict=True):
        assert int(row[0]) == figure.step and int(row[3]) == figure.runs
        if figure.median is not None:
            assert float(row[4]) == pytest.approx(figure.median, abs=0.005)

    header, *rows = _csv(client, "open")
    assert header[:3] == ["langkah", "kegiatan", "kasus_berjalan"]
    assert {row[0]: row[2] for row in rows}["5"] == "1"

    header, *rows = _csv(client, "weekly")
    assert [row[:4] for row in rows] == [["2026-W48", "2026-11-23", "3", "2"]]

    header, *rows = _csv(client, "named")
    assert header[1] == "nama_pengguna" and header[4] == "langkah_selesai"
    fixes = {row[1]: row[4] for row in rows}
    # The by-the-book fix and both rounds of the reworked one.
    assert fixes[team.jfu.username] == "3" and fixes[team.jfu2.username] == "0"
    assert {load.username: str(load.fixes) for load in data.named} == fixes


def test_the_period_defaults_to_the_last_90_days(client, login_as):
    login_as(Role.KASI)
    html = client.get("/dashboard/").get_data(as_text=True)
    first = re.search(r'name="from" value="([\d-]+)"', html).group(1)
    last = re.search(r'name="to" value="([\d-]+)"', html).group(1)
    days = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    assert days == timedelta(days=89)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Tanggal awal tidak sah"),
        ("to=kemarin", "Tanggal akhir tidak sah"),
        ("from=2026-11-30&to=2026-11-01", "Tanggal awal harus sebelum"),
        ("from=2020-01-01&to=2026-11-01", "Periode paling panjang"),
        ("after=bukan-penanda", "Penanda halaman tidak sah"),
    ],
)
def test_bad_periods_are_refused_with_an_indonesian_message(client, login_as, query, message):
    login_as(Role.KASI)
    for path in ("/dashboard/", "/dashboard/steps.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        if path == "/dashboard/":
            assert message in response.get_data(as_text=True)


def test_an_unknown_chart_has_no_csv(client, login_as):
    login_as(Role.KASI)
    assert client.get("/dashboard/secrets.csv").status_code == 404


def test_nonconforming_cases_link_to_their_case_page_with_their_reasons(client, login_as, cases):
    login_as(Role.KASI)
    html = client.get(f"/dashboard/?{WEEK}").get_data(as_text=True)
    listed = re.search(r'data-testid="nonconforming".*?</table>', html, re.DOTALL).group(0)
    assert f'href="/cases/details/?id={cases["reworked"]}"' in listed
    assert f"id={cases['by_the_book']}" not in listed
    assert 'data-reason="conformance_rework"' in listed
    assert "Dikembalikan untuk dikerjakan ulang (1 putaran)." in listed


def test_an_empty_period_still_draws_every_chart(client, login_as):
    login_as(Role.DIREKTUR)
    response = client.get("/dashboard/?from=2020-01-01&to=2020-01-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<svg") == len(CHARTS)
    assert 'data-testid="nonconforming-empty"' in html


def test_the_next_page_of_nonconforming_cases_starts_after_the_cursor(client, login_as, cases):
    login_as(Role.KASI)
    page = client.get(f"/dashboard/?{WEEK}&after=2026-11-23T02:00:00%2B00:00_0")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "(lanjutan)" in html
    # The reworked case closed at 10:14 WIB (03:14 UTC), after the cursor: not on this page.
    assert 'data-testid="nonconforming-empty"' in html

"""One case walked from report to daily-log entry in a real Chromium, by each SOP role in turn."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from admin_app import clock
from models import Case, StepRun, db
from models.services.cases import due_at
from tests.e2e.browser import (  # noqa: F401
    Walker,
    browser_fixture,
    expect,
    page_fixture,
    screenshot,
    shots_fixture,
)
from tests.e2e.live_server import ACCOUNTS, LiveServer, live_server_fixture  # noqa: F401
from tests.support.walk import Team, walk_to

pytestmark = pytest.mark.browser

TITLE = "Halaman status permohonan paten tidak bisa dibuka"
LOG_TEXT = "Pemulihan halaman status paten (API, tampilan ponsel) dicatat."


def _current_step(server: LiveServer, case_id: int) -> int | None:
    with server.app.app_context():
        return db.session.get(Case, case_id).current_step


def _backdate_live_step(server: LiveServer, case_id: int, days: int = 7) -> None:
    """Make the step in progress look as if it became actionable `days` ago.

    The walk runs in real time, so no step can really overrun its standard without making the
    test wait for minutes. Moving the live run's `actionable_at` back (and `due_at` with it,
    computed with the app's own working calendar, so due_at >= actionable_at still holds) is
    what the clock would have done. A week back always spans working hours, whatever weekday
    or hour the test runs at (two days back from a Monday morning would span only a weekend).
    """
    with server.app.app_context():
        run = db.session.execute(
            sa.select(StepRun).where(StepRun.case_id == case_id, StepRun.completed_at.is_(None))
        ).scalar_one()
        start = datetime.now(UTC) - timedelta(days=days)
        db.session.execute(
            sa.update(StepRun)
            .where(StepRun.id == run.id)
            .values(
                actionable_at=start,
                due_at=due_at(start, run.standard_minutes, clock.calendar()),
            )
        )
        db.session.commit()


def _background_case(server: LiveServer) -> int:
    """A second case, at step 5, so the Kasi's queue holds more than the walked one."""
    with server.app.app_context():
        team = Team(**{key: server.account(key) for key in ACCOUNTS})
        start = datetime.now(UTC) - timedelta(minutes=8)
        case_id = walk_to(db.session, team, 5, start=start, minutes_per_step=2)
        db.session.commit()
        return case_id


def test_a_case_walks_from_report_to_daily_log_through_every_role(
    page: Any, live_server: LiveServer, shots: Path
) -> None:
    server, walker = live_server, Walker(page, live_server)

    # Step 1: the pengguna reports from the work queue.
    walker.login("pengguna")
    page.get_by_role("link", name="Laporkan masalah").click()
    page.wait_for_url("**/cases/new/**")
    page.fill("#title", TITLE)
    page.fill(
        "#description", "Sejak pagi halaman status permohonan paten hanya memuat layar putih."
    )
    page.fill("#page_url", "https://dgip.go.id/status-paten")
    page.select_option("#channel", "web")
    page.locator('input[type="submit"].btn-primary').first.click()
    page.wait_for_url(re.compile(r"/cases/details/\?id=\d+$"))
    case_id = int(page.url.rsplit("=", 1)[1])
    expect(page.get_by_test_id("case-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("waiting")).to_contain_text("langkah 2")
    walker.logout()

    # Step 2: the Direktur sets the policy and raises the priority.
    walker.login("direktur")
    walker.open_from_queue(case_id)
    walker.complete(2, "Prioritaskan pemulihan layanan status paten.", priority="Tinggi")
    walker.logout()

    # Step 3: a refused action first (kelengkapan not ticked), then the real one.
    walker.login("kasubdit")
    walker.open_from_queue(case_id)
    typed = "Kasi Portal Web, mohon segera perbaiki halaman status paten."
    walker.fill_step(3, typed)
    page.get_by_test_id("complete").click()
    expect(page.get_by_text("Kelengkapan langkah 3 belum lengkap")).to_be_visible()
    expect(page.locator("#text")).to_have_value(typed)
    expect(page.get_by_test_id("action-form")).to_contain_text("Langkah 3:")
    assert _current_step(server, case_id) == 3
    walker.complete(3, typed, ("komputer", "printer", "internet"))
    walker.logout()

    _backdate_live_step(server, case_id)
    other_case = _background_case(server)

    # Steps 4, 5, 6: the Kasi sees the overrun in the queue, analyses, solves, directs a JFU.
    walker.login("kasi")
    expect(walker.queue_row(case_id).locator('[data-badge="over"]')).to_have_count(1)
    expect(walker.queue_row(other_case)).to_have_count(1)
    screenshot(page, shots, "queue")
    walker.open_from_queue(case_id)
    live_row = page.locator('[data-testid="timeline"] tr[data-step="4"]')
    expect(live_row.locator('[data-badge="over"]')).to_have_count(1)
    walker.complete(4, "Layanan API status paten kehabisan koneksi basis data.")
    walker.complete(5, "Naikkan batas koneksi dan mulai ulang layanan API.")
    screenshot(page, shots, "case")  # step 6: kelengkapan, the JFU select, step 4 flagged
    walker.complete(
        6,
        "Dewi, tolong naikkan batas koneksi lalu uji halaman status paten.",
        ("komputer", "printer", "internet"),
        assignee_id=server.full_name("jfu"),
    )
    walker.logout()

    # The other JFU neither sees the case in the queue nor may open it.
    walker.login("jfu2")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    expect(walker.queue_row(case_id)).to_have_count(0)
    response = page.goto(f"{server.url}/cases/details/?id={case_id}")
    assert response.status == 404
    page.goto(f"{server.url}/")  # back to a page with the navbar, to log out
    walker.logout()

    # Step 7: the directed JFU fixes and reports.
    walker.login("jfu")
    walker.open_from_queue(case_id)
    walker.complete(
        7, "Batas koneksi dinaikkan, layanan dimulai ulang.", ("komputer", "printer", "internet")
    )
    walker.logout()

    # Step 8: the Kasi sends it back for rework with a reason.
    walker.login("kasi")
    walker.open_from_queue(case_id)
    walker.fill_step(8, "")
    page.fill("#reason", "Di ponsel halaman masih layar putih.")
    page.get_by_test_id("return").click()
    expect(page.get_by_text("Kasus dikembalikan untuk dikerjakan ulang.")).to_be_visible()
    expect(page.get_by_test_id("rework-rounds")).to_have_text("1")
    walker.logout()

    # Step 7 again (round 1).
    walker.login("jfu")
    walker.open_from_queue(case_id)
    walker.complete(
        7, "Tampilan ponsel diperbaiki, sudah diuji.", ("komputer", "printer", "internet")
    )
    walker.logout()

    # Steps 8 and 9: the Kasi accepts the report and records it in the daily log.
    walker.login("kasi")
    walker.open_from_queue(case_id)
    walker.complete(8, "Laporan perbaikan diterima.", ("laporan",))
    walker.complete(9, LOG_TEXT, ("laporan", "log kegiatan"))
    expect(page.get_by_test_id("case-status")).to_have_text("Selesai")
    expect(page.get_by_test_id("rework-rounds")).to_have_text("1")
    expect(page.get_by_test_id("steps-over")).to_have_text("1")

    rows = page.locator('[data-testid="timeline"] tbody tr')
    expected = [(s, 0) for s in range(1, 9)] + [(7, 1), (8, 1), (9, 1)]
    expect(rows).to_have_count(len(expected))
    seen = [
        (int(rows.nth(i).get_attribute("data-step")), int(rows.nth(i).get_attribute("data-round")))
        for i in range(rows.count())
    ]
    assert seen == expected
    for i in range(rows.count()):
        expect(rows.nth(i).locator("[data-badge]")).to_have_count(1)
    over = page.locator('[data-testid="timeline"] tr[data-step="4"] [data-badge="over"]')
    expect(over).to_have_count(1)
    assert _current_step(server, case_id) is None

    response = page.goto(f"{server.url}/daily-log/")
    if response.status == 404:
        page.goto(f"{server.url}/cases/")
        screenshot(page, shots, "cases")
    else:
        assert response.status == 200
        expect(page.get_by_text(LOG_TEXT)).to_be_visible()
        screenshot(page, shots, "daily-log")

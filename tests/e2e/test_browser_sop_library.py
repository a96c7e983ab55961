"""In a real Chromium: a superuser uploads two SOP tables nobody coded for (.docx and .xlsx),
maps and publishes them; then one case under each walks from report to daily log through the
screens, each step taken by its own position, with the returns the SOPs allow."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from models import Account, Case, LogEntry, db
from models.services.accounts import create_account
from tests.e2e.browser import (  # noqa: F401
    Walker,
    browser_fixture,
    expect,
    page_fixture,
    screenshot,
    shots_fixture,
)
from tests.e2e.live_server import PASSWORD, LiveServer, live_server_fixture  # noqa: F401
from tests.support.sop_tables import DATA_REQUEST, NETWORK, Shape, write_docx, write_xlsx

pytestmark = pytest.mark.browser

ADMIN = "root.sop"


class SopWalker(Walker):
    """A Walker that knows the SOP library screens and logs in by username."""

    def login_as(self, username: str) -> None:
        page = self.page
        page.goto(f"{self.server.url}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_test_id("current-user")).to_be_visible()

    def publish(self, shape: Shape, path: Path, shots: Path) -> None:
        """Upload the table, map its columns and set its behaviours, save, then publish."""
        page = self.page
        page.goto(f"{self.server.url}/")
        page.get_by_role("link", name="Pustaka SOP").click()
        page.get_by_test_id("upload-sop").click()
        page.set_input_files("#file", str(path))
        page.get_by_test_id("upload").click()
        page.wait_for_url(re.compile(r"/sops/import/mapping/\?id=\d+$"))
        rows = page.locator('[data-testid="import-steps"] tbody tr')
        expect(rows).to_have_count(len(shape.steps))  # every row as read
        for i, column in enumerate(shape.columns):
            code = shape.positions[column]
            select = page.locator(f'select[name="column-map-{i}"]')
            select.select_option(value=code if code in ("pengguna", "kasubdit") else f"new:{code}")
        for n in range(2, len(shape.steps) + 1):
            if n in shape.kinds:
                page.locator(f'select[name="kind-{n}"]').select_option(value=shape.kinds[n])
            if n in shape.names:
                page.fill(f'input[name="names-{n}"]', ",".join(map(str, shape.names[n])))
            if n in shape.returns:
                page.locator(f'select[name="return-{n}"]').select_option(str(shape.returns[n]))
            if n in shape.priority:
                page.check(f'input[name="priority-{n}"]')
        page.get_by_test_id("check").click()
        expect(page.get_by_test_id("sop-table")).to_be_visible()
        expect(page.get_by_test_id("problems")).to_have_count(0)
        screenshot(page, shots, f"sop-mapping-{len(shape.steps)}")
        page.get_by_test_id("save-draft").click()
        page.wait_for_url(re.compile(r"/sops/version/\?id=\d+$"))
        expect(page.get_by_test_id("version-state")).to_have_attribute("data-state", "draft")
        page.get_by_test_id("publish-form").locator("summary").click()
        page.get_by_test_id("publish").click()
        expect(page.get_by_test_id("version-state")).to_have_attribute("data-state", "published")
        expect(page.get_by_test_id("sop-table").locator("tbody tr")).to_have_count(len(shape.steps))

    def report(self, shape: Shape, title: str) -> int:
        """The reporter opens a case under this SOP from *Laporkan masalah*."""
        page = self.page
        page.get_by_role("link", name="Laporkan masalah").click()
        page.wait_for_url("**/cases/new/**")
        page.locator("#sop").select_option(label=shape.title)
        page.fill("#title", title)
        page.fill("#description", f"{title}: dilaporkan lewat telepon.")
        page.select_option("#channel", "telepon")
        page.locator('input[type="submit"].btn-primary').first.click()
        page.wait_for_url(re.compile(r"/cases/details/\?id=\d+$"))
        return int(page.url.rsplit("=", 1)[1])

    def take_step(self, shape: Shape, case_id: int, number: int, send_back: bool) -> None:
        """Open the case from the queue and complete (or send back) the step in progress."""
        page = self.page
        self.open_from_queue(case_id)
        _column, _activity, kelengkapan, _waktu, _output = shape.steps[number - 1]
        form = page.get_by_test_id("action-form")
        expect(form).to_contain_text(f"Langkah {number}:")
        if send_back:
            page.fill("#reason", "Belum sesuai, mohon diulang.")
            page.get_by_test_id("return").click()
            expect(page.get_by_text("Kasus dikembalikan untuk dikerjakan ulang.")).to_be_visible()
            return
        for item in [k.strip() for k in kelengkapan.split(",") if k.strip()]:
            form.get_by_label(item, exact=True).check()
        if number in shape.names:
            form.locator('select[name="assignee_id"]').select_option(index=1)
        form.locator("#text").fill(f"Keluaran langkah {number}")
        page.get_by_test_id("complete").click()
        expect(page.get_by_text(f"Langkah {number} selesai dicatat.")).to_be_visible()


def _staff(server: LiveServer, shape: Shape) -> dict[str, str]:
    """One account per position of the shape (the positions exist once it is published)."""
    usernames = {}
    with server.app.app_context():
        for code in sorted(set(shape.positions.values())):
            username = f"{code[:40]}.{len(shape.steps)}"
            if db.session.scalars(sa.select(Account).filter_by(username=username)).first() is None:
                create_account(
                    db.session,
                    username=username,
                    full_name=f"Staf {code.replace('-', ' ').title()}",
                    roles=[code],
                    password=PASSWORD,
                )
            usernames[code] = username
        db.session.commit()
    return usernames


def _walk(walker: SopWalker, shape: Shape, people: dict[str, str], title: str) -> int:
    """Report, then take every step as its position until the case closes; return once where
    the SOP allows it."""
    walker.login_as(people["pengguna"])
    case_id = walker.report(shape, title)
    walker.logout()
    returned: set[int] = set()
    while True:
        with walker.server.app.app_context():
            case = db.session.get(Case, case_id)
            number = case.current_step
            named = case.waiting_account.username if case.waiting_account else None
        if number is None:
            return case_id
        walker.login_as(named or people[shape.position_of(number)])
        send_back = number in shape.returns and number not in returned
        returned |= {number} if send_back else set()
        walker.take_step(shape, case_id, number, send_back)
        walker.logout()


@pytest.mark.parametrize(
    ("shape", "writer", "name"),
    [(NETWORK, write_docx, "jaringan.docx"), (DATA_REQUEST, write_xlsx, "permohonan.xlsx")],
    ids=["6-step-docx", "12-step-xlsx"],
)
def test_an_uploaded_sop_is_published_and_a_case_walks_it_to_the_daily_log(
    page: Any, live_server: LiveServer, shots: Path, tmp_path: Path, shape: Shape, writer, name
) -> None:
    server, walker = live_server, SopWalker(page, live_server)
    with server.app.app_context():
        if db.session.scalars(sa.select(Account).filter_by(username=ADMIN)).first() is None:
            create_account(
                db.session,
                username=ADMIN,
                full_name="Admin SOP",
                roles=["superuser"],
                password=PASSWORD,
            )
            db.session.commit()
    walker.login_as(ADMIN)
    walker.publish(shape, writer(shape, tmp_path / name), shots)
    walker.logout()

    people = _staff(server, shape)
    title = f"Kasus uji {shape.title}"
    case_id = _walk(walker, shape, people, title)

    with server.app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "closed" and case.rework_rounds == len(shape.returns)
        assert case.sop_version.key != "pemeliharaan-portal"
        assert len({run.step for run in case.step_runs}) == len(shape.steps)
        log = db.session.scalars(sa.select(LogEntry).where(LogEntry.case_id == case_id)).one()
        assert log.text == f"Keluaran langkah {len(shape.steps)}"
    walker.login_as(people[shape.position_of(len(shape.steps))])
    page.goto(f"{server.url}/cases/details/?id={case_id}")
    expect(page.get_by_test_id("case-status")).to_have_text("Selesai")
    expect(page.get_by_test_id("rework-rounds")).to_have_text(str(len(shape.returns)))
    rows = page.locator('[data-testid="timeline"] tbody tr')
    expect(rows).to_have_count(
        len(shape.steps) + sum(n - back + 1 for n, back in shape.returns.items())
    )
    screenshot(page, shots, f"sop-case-{len(shape.steps)}")

"""Browser tests' plumbing: Debian's Chromium through Playwright, and a person's moves."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skipped where missing, except in CI."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(name="page")
def page_fixture(browser: Any) -> Iterator[Any]:
    """A fresh browser tab at desktop size, failing fast instead of waiting 30 seconds."""
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture(name="shots")
def shots_fixture(tmp_path: Path) -> Path:
    """Where screenshots go: the tracked docs/screenshots only when SCREENSHOTS=1."""
    if os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        return SCREENSHOT_DIR
    return tmp_path


def screenshot(page: Any, folder: Path, name: str) -> None:
    """Save the whole page at desktop and at phone width as NAME-desktop/-mobile.png."""
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=str(folder / f"{name}-mobile.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def expect(target: Any) -> Any:
    """Playwright's retrying assertion, imported late so a missing package only skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


class Walker:
    """Drives the pages the way a person does: log in, open from the queue, fill, click."""

    def __init__(self, page: Any, server: LiveServer) -> None:
        self.page = page
        self.server = server

    def login(self, key: str) -> None:
        page = self.page
        page.goto(f"{self.server.url}/login")
        page.fill("#username", self.server.username(key))
        page.fill("#password", self.server.password)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_test_id("current-user")).to_contain_text(self.server.full_name(key))

    def logout(self) -> None:
        self.page.get_by_role("button", name="Keluar").click()
        self.page.wait_for_url("**/login")
        expect(self.page.get_by_text("Anda telah keluar.")).to_be_visible()

    def queue_row(self, case_id: int) -> Any:
        return self.page.locator(f'[data-testid="queue"] tr[data-case="{case_id}"]')

    def open_from_queue(self, case_id: int) -> None:
        """Go to the work queue, see the case there and open it."""
        self.page.goto(f"{self.server.url}/")
        row = self.queue_row(case_id)
        expect(row).to_have_count(1)
        row.get_by_role("link").click()
        self.page.wait_for_url(f"**/cases/details/?id={case_id}")

    def fill_step(
        self, step: int, text: str, kelengkapan: tuple[str, ...] = (), **selects: str
    ) -> None:
        """Fill the action form of `step`: tick the kelengkapan, pick options, type the output."""
        form = self.page.get_by_test_id("action-form")
        expect(form).to_contain_text(f"Langkah {step}:")
        for item in kelengkapan:
            form.get_by_label(item, exact=True).check()
        for name, label in selects.items():
            form.locator(f'select[name="{name}"]').select_option(label=label)
        form.locator("#text").fill(text)

    def complete(
        self, step: int, text: str, kelengkapan: tuple[str, ...] = (), **selects: str
    ) -> None:
        """Fill the action form of `step` and complete the step."""
        self.fill_step(step, text, kelengkapan, **selects)
        self.page.get_by_test_id("complete").click()
        expect(self.page.get_by_text(f"Langkah {step} selesai dicatat.")).to_be_visible()

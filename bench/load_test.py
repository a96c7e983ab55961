"""Load test: users doing the SOP's daily work against gunicorn, then proof that nothing is lost.

    python bench/load_test.py --database-url postgresql://.../sopdesk_scale   # 50 users, 60 s
    python bench/load_test.py --users 8 --seconds 8 --cases 300 --logs 3000  # throwaway database

The app runs under gunicorn (4 workers by default) on a free loopback port. Load accounts are made
with `flask create-user` (5 pengguna, 2 direktur, 2 kasubdit, 4 kasi, 4 jfu); each virtual user
logs in as one of them through /login, from its own loopback address (127.0.0.N) as separate
people would, and keeps its connection and cookies like a browser. A user's visit: the work
queue, the case list with one of a few filters or a search, then the work of the role: a
pengguna reports a problem; the others open a case from their queue and take its step with the
form the page shows (kelengkapan ticked, a load JFU named at step 6, now and then a return for
rework at step 8); managers now and then download a small CSV export. Between two requests a
user thinks for a random 0.5-1.5 x --think seconds.

Two users taking the same step at once is expected: the one who loses gets 422 with the rules'
message ("sudah diselesaikan oleh ..."), a refusal, counted apart. Errors are 5xx, failed
connections, any other 4xx, and a refusal for any reason other than such a race.

Afterwards every acknowledged write (302 after a step action or a new case) is looked up in the
database (its step run with performer and outcome, and its audit event), and the audit chain is
verified with `flask audit verify`. Prints figures against the 300 ms p95 target; exits non-zero
on any error, any lost acknowledgement or a broken chain.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import http.client
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database, flask_cli, libpq_url  # noqa: E402
from rules.messages import MESSAGES  # noqa: E402

# At least 10 characters, none of the usernames in it, not a common password.
PASSWORD = "Tujuh-Kereta-Sore-2026"
ACCOUNT_PLAN = (("pengguna", 5), ("direktur", 2), ("kasubdit", 2), ("kasi", 4), ("jfu", 4))
MANAGERS = frozenset({"direktur", "kasubdit", "kasi"})
KINDS = ("page", "action", "export")
TARGET_P95_MS = 300
# Refusals a race explains: the step was taken (or the case moved on) after the page was read.
RACE_CODES = ("already_done", "step_not_current", "case_closed", "stale_case")
REWORK_SHARE = 0.2  # of the step-8 forms that offer a return, the share returned
PRIORITY_SHARE = 0.3  # of the step-2 forms, the share that also sets a priority
REPORT_SHARE = 0.5  # of a pengguna's visits, the share that reports a new problem
DAILY_LOG_SHARE = 0.15  # of a manager's visits, the share that also opens the daily log
PROBLEMS = (
    "Formulir pendaftaran merek gagal dikirim",
    "Tautan unduhan panduan paten rusak",
    "Halaman berita menampilkan tanggal salah",
    "Pencarian hak cipta lambat sekali",
    "Gambar banner beranda tidak tampil",
    "Sertifikat SSL portal hampir kedaluwarsa",
    "Menu layanan desain industri tidak bisa dibuka",
)


# -- accounts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadAccount:
    """One account the virtual users log in as."""

    username: str
    full_name: str
    role: str


def load_accounts() -> list[LoadAccount]:
    """The load accounts, interleaved by role so that the first N users cover every role."""
    accounts = []
    for i in range(1, max(n for _, n in ACCOUNT_PLAN) + 1):
        for role, n in ACCOUNT_PLAN:
            if i <= n:
                accounts.append(LoadAccount(f"beban.{role}{i}", f"Beban {role.title()} {i}", role))
    return accounts


def create_accounts(database_url: str, accounts: list[LoadAccount]) -> None:
    """`flask create-user` (in-process) for each load account not made by an earlier run."""
    from admin_app import create_app
    from models import db

    existing = account_ids(database_url, [a.username for a in accounts])
    missing = [a for a in accounts if a.username not in existing]
    if not missing:
        return
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "l" * 40})
    runner = app.test_cli_runner()
    try:
        for account in missing:
            args = ["create-user", account.username, "--role", account.role]
            args += ["--full-name", account.full_name, "--password-stdin"]
            done = runner.invoke(args=args, input=PASSWORD + "\n")
            if done.exit_code != 0:
                raise RuntimeError(f"create-user {account.username} failed: {done.output}")
    finally:
        with app.app_context():
            db.engine.dispose()


def _connect(database_url: str) -> Any:
    import psycopg2

    return psycopg2.connect(libpq_url(database_url))


def account_ids(database_url: str, usernames: list[str]) -> dict[str, int]:
    """username -> account id."""
    conn = _connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT username, id FROM accounts WHERE username = ANY(%s)", (usernames,))
            return dict(cur.fetchall())
    finally:
        conn.close()


def export_day(database_url: str) -> tuple[date, Any]:
    """A recent day with log entries (for the one-day export), and the database's clock now."""
    conn = _connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT log_date FROM log_entries WHERE log_date <= current_date "
                "ORDER BY log_date DESC LIMIT 1 OFFSET 50"
            )
            row = cur.fetchone()
            cur.execute("SELECT now()")
            return (row[0] if row else date.today()), cur.fetchone()[0]
    finally:
        conn.close()


# -- the server ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    database_url: str, workers: int, log_path: Path, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """`gunicorn wsgi:app` with N workers on a free loopback port (and `env`); yields the port."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "l" * 40, **(env or {})}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
            + ["--timeout", "120", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(proc, port, log_path)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{log_path.read_text()[-3000:]}")


# -- one user's browser -------------------------------------------------------------------------
@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A keep-alive connection from one loopback address, with the cookies the server set."""

    def __init__(self, port: int, source: str) -> None:
        self.conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(source, 0)
        )
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict[str, Any] | None = None) -> Reply:
        headers = {"Accept": "text/html,*/*"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a fresh connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Reply(
            response.status,
            response.getheader("Location", ""),
            response.getheader("Content-Type", ""),
            data,
        )

    def close(self) -> None:
        self.conn.close()


def csrf_token(page: str) -> str | None:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    return found.group(1) if found else None


def login(browser: Browser, username: str) -> None:
    """Sign in through /login with the page's CSRF token; fail loudly."""
    token = csrf_token(browser.send("GET", "/login").text)
    reply = browser.send(
        "POST", "/login", {"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if reply.status != 302:
        raise RuntimeError(f"login as {username} answered {reply.status}")


# -- reading pages ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionForm:
    """The case page's form for the step the user may take now."""

    step: int
    token: str
    actions: tuple[str, ...]
    kelengkapan: tuple[str, ...]
    assignees: tuple[int, ...]
    sets_priority: bool


def queue_case_ids(page: str) -> list[int]:
    """The cases in a work queue (rows `data-case="N"`)."""
    return [int(n) for n in re.findall(r'data-case="(\d+)"', page)]


def linked_case_ids(page: str) -> list[int]:
    """Every case a page links to (a list, a pengguna's own reports)."""
    return sorted({int(n) for n in re.findall(r"/cases/details/\?id=(\d+)", page)})


def action_form(page: str) -> ActionForm | None:
    """The step form of a case page, or None when the user has no step to take there."""
    start = page.find('data-testid="action-form"')
    if start < 0:
        return None
    section = page[start : page.find("</form>", start)]
    step = re.search(r'name="step" value="(\d+)"', section)
    token = csrf_token(section)
    if not step or not token:
        return None
    select = re.search(r'name="assignee_id".*?</select>', section, re.DOTALL)
    return ActionForm(
        step=int(step.group(1)),
        token=token,
        actions=tuple(re.findall(r'name="action" value="([a-z_]+)"', section)),
        kelengkapan=tuple(
            html.unescape(v) for v in re.findall(r'name="kelengkapan" value="([^"]+)"', section)
        ),
        assignees=tuple(int(v) for v in re.findall(r'value="(\d+)"', select.group(0)))
        if select
        else (),
        sets_priority='name="priority"' in section,
    )


def _message_pattern(template: str) -> str:
    parts = re.split(r"\{\w+\}", template)
    return ".+?".join(re.escape(part) for part in parts)


RACE_REFUSAL = re.compile(
    "|".join(
        f"(?P<{code}_{lang}>{_message_pattern(text)})"
        for code in RACE_CODES
        for lang, text in MESSAGES[code].items()
    )
)


def race_refusal(page: str) -> str | None:
    """The race a 422 page names (its error code), or None when it refuses for another reason."""
    found = RACE_REFUSAL.search(html.unescape(page))
    return found.lastgroup.rsplit("_", 1)[0] if found and found.lastgroup else None


# -- what the run records -----------------------------------------------------------------------
@dataclass(frozen=True)
class StepAck:
    """A step action the server acknowledged (302)."""

    case_id: int
    step: int
    username: str
    outcome: str  # the step run's outcome: completed | returned


@dataclass(frozen=True)
class CaseAck:
    """A new case the server acknowledged (302 to the new case's page)."""

    case_id: int
    title: str
    username: str


@dataclass
class Record:
    """Everything the users saw, shared by the threads (appends and += under one lock)."""

    samples: list[tuple[str, str, float]] = field(default_factory=list)  # kind, label, ms
    refusals: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    step_acks: list[StepAck] = field(default_factory=list)
    case_acks: list[CaseAck] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, key: str, detail: str) -> None:
        with self.lock:
            self.errors[key] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(detail)


class Stop(Exception):
    """The run's time is up."""


@dataclass(frozen=True)
class Scenario:
    """What every user shares: where the server is, what to ask for, how long."""

    port: int
    deadline: float
    think: float
    day: date
    jfu_ids: tuple[int, ...]
    run_tag: str
    export_share: float = 0.08  # of a manager's visits, the share that downloads an export

    def list_paths(self) -> tuple[str, ...]:
        month_ago = self.day - timedelta(days=30)
        return (
            "/cases/",
            "/cases/?flt0_status_adalah=open",
            "/cases/?flt0_status_adalah=open&flt1_prioritas_adalah=tinggi",
            "/cases/?flt0_langkah_adalah=7",
            "/cases/?search=merek",
            "/cases/?search=formulir",
            f"/cases/?flt0_tanggal_lapor_antara={month_ago}+to+{self.day}",
        )

    def exports(self) -> tuple[tuple[str, str], ...]:
        """(label, path) of the small exports managers download: one day, one step's cases."""
        return (
            (
                "export daily log",
                f"/daily-log/export.csv?flt0_tanggal_antara={self.day}+to+{self.day}",
            ),
            ("export cases", "/cases/export.csv?flt0_status_adalah=open&flt1_langkah_adalah=3"),
        )


class VirtualUser:
    """One person at work: visits the queue and the list, takes steps, reports, exports."""

    def __init__(
        self, index: int, account: LoadAccount, scenario: Scenario, record: Record
    ) -> None:
        self.account = account
        self.scenario = scenario
        self.record = record
        self.rng = random.Random(f"{scenario.run_tag}-{index}")
        self.browser = Browser(scenario.port, f"127.0.{1 + index // 250}.{2 + index % 250}")
        self.index = index
        self.reported = 0

    # -- requests -------------------------------------------------------------------------
    def think(self) -> None:
        pause = self.scenario.think * self.rng.uniform(0.5, 1.5)
        if time.monotonic() + pause >= self.scenario.deadline:
            raise Stop
        time.sleep(pause)

    def call(
        self, kind: str, label: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> Reply | None:
        """One timed request; failures are recorded as errors and answer None."""
        if time.monotonic() >= self.scenario.deadline:
            raise Stop
        started = time.perf_counter()
        try:
            reply = self.browser.send(method, path, form)
        except (OSError, http.client.HTTPException) as err:
            self.record.error("connection", f"{method} {path}: {err!r}")
            return None
        ms = (time.perf_counter() - started) * 1000
        with self.record.lock:
            self.record.samples.append((kind, label, ms))
        if reply.status >= 500:
            self.record.error(f"{reply.status}", f"{method} {path} -> {reply.status}")
            return None
        return reply

    def page(self, label: str, path: str) -> str | None:
        """GET a page; anything but 200 HTML is an error (a 302 to /login: the session is lost)."""
        reply = self.call("page", label, "GET", path)
        if reply is None:
            return None
        if reply.status != 200 or "text/html" not in reply.content_type:
            self.record.error(f"{reply.status}", f"GET {path} -> {reply.status} {reply.location}")
            return None
        return reply.text

    # -- a visit ----------------------------------------------------------------------------
    def run(self) -> None:
        try:
            time.sleep(self.rng.uniform(0, self.scenario.think))  # users do not start in step
            while True:
                self.visit()
        except Stop:
            pass
        finally:
            self.browser.close()

    def visit(self) -> None:
        role = self.account.role
        queue = self.page("queue", "/")
        self.think()
        listing = self.page("case list", self.rng.choice(self.scenario.list_paths()))
        self.think()
        if role == "pengguna":
            if self.rng.random() < REPORT_SHARE:
                self.report_problem()
            elif queue and linked_case_ids(queue):
                self.page(
                    "case page", f"/cases/details/?id={self.rng.choice(linked_case_ids(queue))}"
                )
                self.think()
        else:
            waiting = queue_case_ids(queue or "")
            if waiting:
                self.work_on(self.rng.choice(waiting))
            elif listing and linked_case_ids(listing):
                self.page(
                    "case page", f"/cases/details/?id={self.rng.choice(linked_case_ids(listing))}"
                )
                self.think()
        if role in MANAGERS:
            self.manage()

    def manage(self) -> None:
        if self.rng.random() < DAILY_LOG_SHARE:
            self.page("daily log", "/daily-log/")
            self.think()
        if self.rng.random() < self.scenario.export_share:
            self.export(*self.rng.choice(self.scenario.exports()))
            self.think()

    def export(self, label: str, path: str) -> None:
        reply = self.call("export", label, "GET", path)
        if reply is not None and (reply.status != 200 or "text/csv" not in reply.content_type):
            self.record.error(f"{reply.status}", f"GET {path} -> {reply.status}")

    def work_on(self, case_id: int) -> None:
        """Open a case from the queue and take its step with the form the page offers."""
        page = self.page("case page", f"/cases/details/?id={case_id}")
        form = action_form(page or "")
        self.think()
        if form is None:
            return
        action, data = self.fill(form)
        path = f"/cases/act/?id={case_id}"
        reply = self.call("action", f"step {form.step}", "POST", path, data)
        if reply is None:
            return
        if reply.status == 302 and f"/cases/details/?id={case_id}" in reply.location:
            outcome = "returned" if action == "return_for_rework" else "completed"
            ack = StepAck(case_id, form.step, self.account.username, outcome)
            with self.record.lock:
                self.record.step_acks.append(ack)
            self.follow(reply)
        elif reply.status == 422 and (race := race_refusal(reply.text)):
            with self.record.lock:
                self.record.refusals[race] += 1
        else:
            self.record.error(
                f"{reply.status} action",
                f"POST {path} step {form.step} -> {reply.status}: {_flash(reply.text)}",
            )
        self.think()

    def fill(self, form: ActionForm) -> tuple[str, dict[str, Any]]:
        """What a careful user enters: every kelengkapan ticked, an output text, the JFU."""
        data: dict[str, Any] = {
            "csrf_token": form.token,
            "step": form.step,
            "kelengkapan": list(form.kelengkapan),
            "text": f"Uji beban: langkah {form.step} oleh {self.account.username}.",
        }
        action = "complete"
        if "return_for_rework" in form.actions and self.rng.random() < REWORK_SHARE:
            action = "return_for_rework"
            data["reason"] = "Perbaikan belum menyelesaikan masalah; mohon diperiksa ulang."
        if form.assignees:
            ours = [i for i in form.assignees if i in self.scenario.jfu_ids]
            data["assignee_id"] = self.rng.choice(ours or list(form.assignees))
        if form.sets_priority and self.rng.random() < PRIORITY_SHARE:
            data["priority"] = self.rng.choice(("rendah", "sedang", "tinggi", "kritis"))
        data["action"] = action
        return action, data

    def report_problem(self) -> None:
        """Step 1: open the form, describe the problem, submit; the answer leads to the case."""
        page = self.page("new-case form", "/cases/new/")
        token = csrf_token(page or "")
        self.think()
        if token is None:
            return
        self.reported += 1
        title = (
            f"{self.rng.choice(PROBLEMS)} [{self.scenario.run_tag}-{self.index}-{self.reported}]"
        )
        form = {
            "csrf_token": token,
            "title": title,
            "description": "Ditemukan saat uji beban; langkah untuk mengulang terlampir.",
            "page_url": "https://dgip.go.id/layanan",
            "channel": self.rng.choice(("web", "email", "telepon")),
            "priority": self.rng.choice(("rendah", "sedang", "tinggi")),
            "reporter_name": "",
            "reporter_contact": "",
        }
        reply = self.call("action", "new case", "POST", "/cases/new/", form)
        if reply is None:
            return
        created = re.search(r"/cases/details/\?id=(\d+)", reply.location)
        if reply.status == 302 and created:
            ack = CaseAck(int(created.group(1)), title, self.account.username)
            with self.record.lock:
                self.record.case_acks.append(ack)
            self.follow(reply)
        else:
            self.record.error(
                f"{reply.status} new case",
                f"POST /cases/new/ -> {reply.status}: {_flash(reply.text)}",
            )
        self.think()

    def follow(self, reply: Reply) -> None:
        """Load the page a 302 leads to, as a browser does."""
        target = urlsplit(reply.location)
        self.page("case page", target.path + (f"?{target.query}" if target.query else ""))


def _flash(page: str) -> str:
    """The error message a page shows, for the report."""
    found = re.search(r'class="alert[^"]*alert-(?:danger|error)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    text = found.group(1) if found else page[:200]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())[:200]


# -- after the run: is everything acknowledged in the database? ---------------------------------
STEP_ROWS = """
SELECT s.case_id, s.step, a.username, s.outcome, count(*)
FROM step_runs s JOIN accounts a ON a.id = s.performer_id
WHERE s.case_id = ANY(%s) AND a.username = ANY(%s)
GROUP BY 1, 2, 3, 4
"""
STEP_EVENTS = """
SELECT e.case_id, (e.after->>'step')::int, a.username,
       CASE e.action WHEN 'case.complete' THEN 'completed' ELSE 'returned' END, count(*)
FROM audit_events e JOIN accounts a ON a.id = e.actor_id
WHERE e.case_id = ANY(%s) AND a.username = ANY(%s)
  AND e.action IN ('case.complete', 'case.return_for_rework')
GROUP BY 1, 2, 3, 4
"""
NEW_CASES = """
SELECT c.id, c.title, a.username,
       EXISTS (SELECT 1 FROM step_runs s WHERE s.case_id = c.id AND s.step = 1
               AND s.performer_id = c.recorded_by_id AND s.outcome = 'completed'),
       EXISTS (SELECT 1 FROM audit_events e WHERE e.case_id = c.id AND e.action = 'case.report'
               AND e.actor_id = c.recorded_by_id)
FROM cases c JOIN accounts a ON a.id = c.recorded_by_id
WHERE c.id = ANY(%s)
"""
WRITES_SINCE = """
SELECT (SELECT count(*) FROM step_runs s JOIN accounts a ON a.id = s.performer_id
        WHERE a.username = ANY(%(users)s) AND s.step > 1 AND s.completed_at >= %(since)s),
       (SELECT count(*) FROM cases c JOIN accounts a ON a.id = c.recorded_by_id
        WHERE a.username = ANY(%(users)s) AND c.created_at >= %(since)s)
"""


def verify_acks(
    database_url: str, record: Record, usernames: list[str], since: Any
) -> tuple[list[str], tuple[int, int]]:
    """Each acknowledged write looked up in the database: (what is missing, writes since start)."""
    conn = _connect(database_url)
    lost: list[str] = []
    try:
        with conn.cursor() as cur:
            acked = Counter(record.step_acks)
            case_ids = sorted({a.case_id for a in acked})
            for sql, what in ((STEP_ROWS, "step run"), (STEP_EVENTS, "audit event")):
                cur.execute(sql, (case_ids, usernames))
                stored = Counter({StepAck(*row[:4]): row[4] for row in cur.fetchall()})
                for ack, n in acked.items():
                    if stored[ack] < n:
                        lost.append(f"{what} missing: {ack} ({stored[ack]} of {n})")
            cur.execute(NEW_CASES, ([a.case_id for a in record.case_acks],))
            found = {row[0]: row[1:] for row in cur.fetchall()}
            for ack in record.case_acks:
                row = found.get(ack.case_id)
                if row is None or row[0] != ack.title or row[1] != ack.username:
                    lost.append(f"case missing or different: {ack} (found {row})")
                elif not (row[2] and row[3]):
                    lost.append(f"case {ack.case_id}: step run {row[2]}, audit event {row[3]}")
            cur.execute(WRITES_SINCE, {"users": usernames, "since": since})
            steps, cases = cur.fetchone()
    finally:
        conn.close()
    return lost, (int(steps), int(cases))


def verify_chain(database_url: str) -> tuple[bool, str]:
    """`flask audit verify`: (intact, its last line)."""
    try:
        out = flask_cli(database_url, "audit", "verify")
    except RuntimeError as err:
        return False, str(err).strip().splitlines()[-1]
    line = out.strip().splitlines()[-1] if out.strip() else ""
    return "Rantai audit utuh" in out, line


# -- figures ------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return math.nan
    return values[max(0, math.ceil(q * len(values)) - 1)]


def latency_table(samples: list[tuple[str, str, float]], key: int) -> dict[str, dict[str, float]]:
    """n, p50, p95, p99 and max (ms) per kind (key 0) or per label (key 1), and overall."""
    groups: dict[str, list[float]] = {}
    for sample in samples:
        groups.setdefault(sample[key], []).append(sample[2])
        if key == 0:
            groups.setdefault("overall", []).append(sample[2])
    table = {}
    for name, values in groups.items():
        values.sort()
        table[name] = {
            "n": len(values),
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "max": values[-1],
        }
    return table


@dataclass
class LoadResult:
    """The figures of a run and the checks after it."""

    users: int
    seconds: float
    requests: int
    throughput: float
    by_kind: dict[str, dict[str, float]]
    by_label: dict[str, dict[str, float]]
    refusals: Counter[str]
    errors: Counter[str]
    error_samples: list[str]
    acknowledged: Counter[str]
    lost: list[str]
    writes_since_start: tuple[int, int]
    audit_ok: bool
    audit_line: str

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and not self.lost and self.audit_ok


def print_report(result: LoadResult) -> None:
    print(
        f"\n{result.users} users, {result.seconds:.1f} s: {result.requests} requests, "
        f"{result.throughput:.1f} req/s"
    )
    head = f"{'':16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    for title, table, names in (
        ("per kind", result.by_kind, [*KINDS, "overall"]),
        ("per request", result.by_label, sorted(result.by_label)),
    ):
        print(f"\n{head}   ({title}; target p95 < {TARGET_P95_MS} ms for pages and actions)")
        for name in names:
            if name not in table:
                continue
            row = table[name]
            over = name in ("page", "action") and row["p95"] >= TARGET_P95_MS
            print(
                f"{name:16} {row['n']:>6} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f} "
                f"{row['max']:8.1f}{'  OVER TARGET' if over else ''}"
            )
    acks = ", ".join(f"{k}: {v}" for k, v in sorted(result.acknowledged.items()))
    print(f"\nacknowledged: {sum(result.acknowledged.values())} ({acks})")
    refusals = ", ".join(f"{k}: {v}" for k, v in sorted(result.refusals.items())) or "none"
    print(f"refusals (races, expected): {sum(result.refusals.values())} ({refusals})")
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors.items())) or "none"
    print(f"errors: {result.error_count} ({errors})")
    for sample in result.error_samples:
        print(f"  {sample}")
    steps, cases = result.writes_since_start
    print(
        f"in the database: every acknowledgement {'found' if not result.lost else 'NOT found'}"
        f" ({len(result.lost)} lost); load accounts wrote {steps} step actions and "
        f"{cases} cases during the run"
    )
    for line in result.lost[:20]:
        print(f"  {line}")
    print(f"audit verify: {result.audit_line}")
    print("RESULT:", "ok" if result.ok else "FAILED")


# -- the run ------------------------------------------------------------------------------------
def run_users(port: int, args: argparse.Namespace, database_url: str) -> tuple[Record, float, Any]:
    """Log every user in, let them work for `seconds`: (record, elapsed, database now at start)."""
    accounts = load_accounts()
    ids = account_ids(database_url, [a.username for a in accounts])
    day, db_now = export_day(database_url)
    record = Record()
    scenario = Scenario(
        port=port,
        deadline=math.inf,
        think=args.think,
        day=day,
        jfu_ids=tuple(ids[a.username] for a in accounts if a.role == "jfu"),
        run_tag=uuid.uuid4().hex[:6],
        export_share=args.export_share,
    )
    people = [
        VirtualUser(i, accounts[i % len(accounts)], scenario, record) for i in range(args.users)
    ]
    for person in people:  # sign in and warm up outside the measured window
        login(person.browser, person.account.username)
        person.browser.send("GET", "/")
    scenario = dataclasses.replace(scenario, deadline=time.monotonic() + args.seconds)
    for person in people:
        person.scenario = scenario
    threads = [threading.Thread(target=p.run, name=f"user-{p.index}") for p in people]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return record, time.monotonic() - started, db_now


def main(argv: list[str] | None = None) -> LoadResult:
    """Run the load, check every acknowledgement and the audit chain, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between requests")
    parser.add_argument(
        "--export-share", type=float, default=0.08, help="share of manager visits that export"
    )
    parser.add_argument("--database-url", help="an already seeded database (else a throwaway)")
    parser.add_argument("--cases", type=int, default=2000, help="throwaway database: cases")
    parser.add_argument("--logs", type=int, default=20000, help="throwaway database: log rows")
    args = parser.parse_args(argv)
    with (
        bench_database(args.database_url, args.cases, args.logs, "sopdesk_load") as url,
        tempfile.TemporaryDirectory(prefix="sopdesk-load-") as tmp,
    ):
        accounts = load_accounts()
        create_accounts(url, accounts)
        usernames = [a.username for a in accounts]
        print(
            f"load: {args.users} users for {args.seconds:g} s, think {args.think:g} s, "
            f"gunicorn {args.workers} workers"
        )
        log_path = Path(tmp) / "gunicorn.log"
        with gunicorn(url, args.workers, log_path) as port:
            record, elapsed, since = run_users(port, args, url)
        lost, writes = verify_acks(url, record, usernames, since)
        audit_ok, audit_line = verify_chain(url)
        if record.errors:
            print(f"gunicorn log (tail):\n{log_path.read_text()[-3000:]}")
    acknowledged: Counter[str] = Counter(f"step {a.step} {a.outcome}" for a in record.step_acks)
    acknowledged["new case"] = len(record.case_acks)
    result = LoadResult(
        users=args.users,
        seconds=elapsed,
        requests=len(record.samples),
        throughput=len(record.samples) / elapsed,
        by_kind=latency_table(record.samples, 0),
        by_label=latency_table(record.samples, 1),
        refusals=record.refusals,
        errors=record.errors,
        error_samples=record.error_samples,
        acknowledged=acknowledged,
        lost=lost,
        writes_since_start=writes,
        audit_ok=audit_ok,
        audit_line=audit_line,
    )
    print_report(result)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().ok else 1)

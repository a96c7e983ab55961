"""Benchmark: server time of the busy screens at scale, with the EXPLAIN of each page's queries.

    python bench/pages_bench.py --database-url postgresql://.../sopdesk_scale [--requests 50]
    python bench/pages_bench.py --cases 2000 --logs 20000      # builds a throwaway database

Each page is requested N times in-process (after warm-up) by a signed-in user; p50 and p95 of the
server time are printed against the 150 ms target, then the plan of each page's slowest query
(EXPLAIN ANALYZE), and any COUNT over the big tables. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.common import bench_database, flask_cli, time_requests  # noqa: E402

PASSWORD = "tolok-ukur-halaman-2026"
TARGET_MS = 150
BIG_TABLES = ("log_entries", "audit_events", "cases", "step_runs")


def pages(sample: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, path, who) for every screen the issue lists, with filters and search."""
    day = sample["log_day"]
    return [
        ("work queue", "/", "kasi"),
        ("case list", "/cases/", "kasi"),
        (
            "case list: open + tinggi",
            "/cases/?flt0_status_adalah=open&flt1_prioritas_adalah=tinggi",
            "kasi",
        ),
        ("case list: step 7", "/cases/?flt0_langkah_adalah=7", "kasi"),
        ("case list: over standard", "/cases/?flt0_melebihi_standar_adalah=ya", "kasi"),
        (
            "case list: date range",
            "/cases/?flt0_tanggal_lapor_antara=2025-06-01+to+2025-06-30",
            "kasi",
        ),
        ("case list: search", "/cases/?search=merek", "kasi"),
        ("case page", f"/cases/details/?id={sample['case_id']}", "kasi"),
        ("daily log", "/daily-log/", "kasi"),
        ("daily log: one day", f"/daily-log/?flt0_tanggal_antara={day}+to+{day}", "kasi"),
        (
            "daily log: performer",
            f"/daily-log/?flt0_pelaksana_nama_pengguna={sample['jfu']}",
            "kasi",
        ),
        ("daily log: search", "/daily-log/?search=server", "kasi"),
        ("daily log: page 150", "/daily-log/?page=150", "kasi"),
        ("audit list", "/audit/", "direktur"),
        ("audit: one action", "/audit/?flt0_tindakan_adalah=case.return_for_rework", "direktur"),
        ("audit: one case", f"/audit/?flt0_kasus_adalah={sample['case_id']}", "direktur"),
    ]


def sample_rows(engine: sa.Engine) -> dict[str, Any]:
    """A busy case (most step runs), a day with log entries, a JFU with log entries."""
    with engine.connect() as conn:
        case_id = conn.scalar(
            sa.text(
                "SELECT case_id FROM step_runs GROUP BY case_id ORDER BY count(*) DESC, case_id "
                "LIMIT 1"
            )
        )
        log_day = conn.scalar(
            sa.text("SELECT log_date FROM log_entries ORDER BY log_date DESC LIMIT 1 OFFSET 5000")
        ) or conn.scalar(sa.text("SELECT max(log_date) FROM log_entries"))
        jfu = conn.scalar(
            sa.text(
                "SELECT a.username FROM accounts a JOIN account_roles ar ON ar.account_id = a.id "
                "JOIN roles r ON r.id = ar.role_id AND r.code = 'jfu' ORDER BY a.id LIMIT 1"
            )
        )
    return {"case_id": case_id, "log_day": log_day, "jfu": jfu or "jfu"}


def login(client: Any, username: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, f"bench login as {username} failed"


def ensure_accounts(url: str) -> None:
    for role in ("kasi", "direktur"):
        try:
            flask_cli(
                url,
                "create-user",
                f"bench-{role}",
                "--role",
                role,
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
        except RuntimeError as err:
            if "sudah dipakai" not in str(err):
                raise


class StatementLog:
    """The SQL a request runs, with parameters, for EXPLAIN afterwards."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))


def explain(engine: sa.Engine, statements: list[tuple[str, Any]]) -> tuple[float, list[str]]:
    """EXPLAIN ANALYZE every statement; return the slowest one's time (ms) and plan lines."""
    slowest: tuple[float, list[str]] = (0.0, [])
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
            total = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
            if total >= slowest[0]:
                slowest = (total, plan)
        raw.rollback()
    finally:
        raw.close()
    return slowest


def counts_big_table(statements: list[tuple[str, Any]]) -> list[str]:
    """Statements that only COUNT rows of a big table, as a pager does (there should be none)."""
    return [
        s
        for s, _ in statements
        if re.match(r"\s*SELECT count\(", s, re.IGNORECASE)
        and any(f"FROM {t}" in s for t in BIG_TABLES)
    ]


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Measure every page and print p50/p95 and the plans."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args(argv)
    p95s: dict[str, float] = {}
    with bench_database(args.database_url, args.cases, args.logs) as url:
        ensure_accounts(url)
        from admin_app import create_app
        from models import db

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "p" * 40})
        with app.app_context():
            engine = db.engine
        sample = sample_rows(engine)
        clients = {}
        for who in ("kasi", "direktur"):
            clients[who] = app.test_client()
            login(clients[who], f"bench-{who}")
        print(f"{'page':28} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  (target p95 < {TARGET_MS})")
        plans = []
        for name, path, who in pages(sample):
            client = clients[who]
            status, p50, p95 = time_requests(client, path, args.requests)
            p95s[name] = p95
            flag = "" if p95 < TARGET_MS else "  OVER TARGET"
            print(f"{name:28} {status:>6} {p50:8.1f} {p95:8.1f}{flag}")
            log = StatementLog()
            event.listen(engine, "before_cursor_execute", log)
            try:
                client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", log)
            plans.append((name, log.statements))
        print(f"\nworst p95: {max(p95s.values()):.1f} ms over {len(p95s)} pages")
        for name, statements in plans:
            counted = counts_big_table(statements)
            if counted:
                print(f"  COUNT over a big table on {name}: {counted[0][:120]}")
        if not args.no_plans:
            for name, statements in plans:
                ms, plan = explain(engine, statements)
                print(f"\n== {name}: slowest of {len(statements)} queries, {ms:.2f} ms")
                print("\n".join("   " + line for line in plan))
        with app.app_context():
            db.engine.dispose()
    return p95s


if __name__ == "__main__":
    main()

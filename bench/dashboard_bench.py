"""Benchmark: server time of the dashboard at scale, with the EXPLAIN of its slowest queries.

    python bench/dashboard_bench.py --database-url postgresql://.../sopdesk_scale [--requests 30]
    python bench/dashboard_bench.py --cases 20000                 # builds a throwaway database

/dashboard/ is requested N times in-process (after warm-up) by a signed-in Kasi, for the default
period (the last 90 days), for one year, and with one chart's CSV; p50 and p95 of the server
time are printed against the 500 ms target, then the time each query took in the last request
and the plans of the slowest (EXPLAIN ANALYZE). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench.common import bench_database, time_requests  # noqa: E402
from bench.pages_bench import ensure_accounts, login  # noqa: E402

TARGET_MS = 500


def periods() -> list[tuple[str, str]]:
    """(name, path) of each request measured."""
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta")).date()
    year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    return [
        ("default period (90 days)", "/dashboard/"),
        ("one year", f"/dashboard/?{year}"),
        ("CSV of one chart, one year", f"/dashboard/times.csv?{year}"),
    ]


class TimedStatements:
    """Each SELECT a request runs, its parameters and how long it took."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, float]] = []
        self._started = 0.0

    def before(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self._started = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            elapsed = (time.perf_counter() - self._started) * 1000
            self.statements.append((statement, parameters, elapsed))


def explain(engine: Any, statement: str, parameters: Any) -> tuple[float, list[str]]:
    """EXPLAIN ANALYZE one statement with the settings the dashboard uses (stats.tune)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = [row[0] for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    total = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
    return total, plan


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Measure the dashboard and print p50/p95, the queries' times and the slowest plans."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args(argv)
    p95s: dict[str, float] = {}
    with bench_database(args.database_url, args.cases, logs=1000) as url:
        ensure_accounts(url)
        from admin_app import create_app
        from models import db

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "d" * 40})
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        login(client, "bench-kasi")
        print(
            f"{'request':30} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  (target p95 < {TARGET_MS})"
        )
        logs = []
        for name, path in periods():
            status, p50, p95 = time_requests(client, path, args.requests)
            p95s[name] = p95
            flag = "" if p95 < TARGET_MS else "  OVER TARGET"
            print(f"{name:30} {status:>6} {p50:8.1f} {p95:8.1f}{flag}")
            log = TimedStatements()
            event.listen(engine, "before_cursor_execute", log.before)
            event.listen(engine, "after_cursor_execute", log.after)
            try:
                client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", log.before)
                event.remove(engine, "after_cursor_execute", log.after)
            logs.append((name, log.statements))
        for name, statements in logs:
            total = sum(ms for _, _, ms in statements)
            print(f"\n== {name}: {len(statements)} queries, {total:.1f} ms in the database")
            for statement, _, ms in sorted(statements, key=lambda s: -s[2])[:8]:
                first = " ".join(statement.split())[:90]
                print(f"   {ms:7.1f} ms  {first}")
        if not args.no_plans:
            name, statements = logs[1]
            slowest = sorted(statements, key=lambda s: -s[2])[:3]
            for statement, parameters, _ in slowest:
                ms, plan = explain(engine, statement, parameters)
                print(f"\n== plan ({name}), {ms:.2f} ms: {' '.join(statement.split())[:80]}")
                print("\n".join("   " + line for line in plan))
        with app.app_context():
            db.engine.dispose()
    return p95s


if __name__ == "__main__":
    main()

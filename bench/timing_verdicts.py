"""Benchmark: timing verdicts for N open cases, their step runs loaded in one query.

    python bench/timing_verdicts.py [--cases 10000] [--repeat 5]

Uses the server in BENCH_DATABASE_URL, else TEST_DATABASE_URL (a throwaway database is created
and dropped), else an embedded PostgreSQL in a temporary directory. Prints the figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from admin_app import create_app  # noqa: E402
from bench.common import throwaway_database  # noqa: E402
from models import db  # noqa: E402
from models.services.accounts import create_account  # noqa: E402
from models.services.sop_library import version_for_new_case  # noqa: E402
from models.services.timing import open_case_timings  # noqa: E402
from rules.calendar import calendar_from_settings  # noqa: E402

FILL_CASES = """
INSERT INTO cases (sop_version_id, title, description, channel, priority, status, current_step,
                   waiting_role, reporter_id, recorded_by_id, rework_rounds, created_at, version)
SELECT :version, 'Kasus uji ' || i, 'Deskripsi', 'web', 'sedang', 'open', 2 + i % 8,
       (:roles)[2 + i % 8], :account, :account, 0,
       :start + (i % 3000) * interval '1 minute', 1
FROM generate_series(1, :n) AS i
"""

FILL_RUNS = """
INSERT INTO step_runs (case_id, step, round, role, standard_minutes, actionable_at, due_at,
                       completed_at, performer_id, working_minutes, outcome)
SELECT c.id, s, 0, (:roles)[s], (:standards)[s],
       c.created_at + (s - 1) * interval '7 minutes',
       c.created_at + (s - 1) * interval '7 minutes' + (:standards)[s] * interval '1 minute',
       CASE WHEN s < c.current_step THEN c.created_at + s * interval '7 minutes' END,
       CASE WHEN s < c.current_step THEN :account END,
       CASE WHEN s < c.current_step THEN 7 END,
       CASE WHEN s < c.current_step THEN 'completed' END
FROM cases c CROSS JOIN LATERAL generate_series(1, c.current_step) AS s
"""


def fill(n: int) -> None:
    """N open cases spread over the SOP's steps, with their step runs."""
    version = version_for_new_case(db.session, None)
    sop = version.sop
    account = create_account(
        db.session,
        username="bench",
        full_name="Bench",
        roles=["kasi"],
        password="tolok-ukur-sandi-42",
    )
    params = {
        "version": version.id,
        "account": account.id,
        "n": n,
        "roles": [step.role for step in sop.steps],
        "standards": [step.standard_minutes for step in sop.steps],
        "start": datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
    }
    db.session.execute(sa.text(FILL_CASES), params)
    db.session.execute(sa.text(FILL_RUNS), params)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    calendar = calendar_from_settings(None, "Asia/Jakarta", ())
    now = datetime(2026, 11, 6, 7, 0, tzinfo=UTC)  # Friday 14:00 in Jakarta
    with throwaway_database() as url:
        app = create_app({"DATABASE_URL": url})
        with app.app_context():
            flask_migrate.upgrade()
            started = time.perf_counter()
            fill(args.cases)
            print(f"filled {args.cases} open cases in {time.perf_counter() - started:.2f}s")
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                verdicts = open_case_timings(db.session, now, calendar)
                timings.append(time.perf_counter() - started)
                db.session.rollback()
            over = sum(1 for v in verdicts.values() if v.over)
            at_risk = sum(1 for v in verdicts.values() if v.at_risk)
            db.engine.dispose()
    best, median = min(timings), statistics.median(timings)
    print(
        f"verdicts for {len(verdicts)} open cases: best {best * 1000:.0f} ms, "
        f"median {median * 1000:.0f} ms over {args.repeat} runs (target < 1000 ms)"
    )
    print(f"  over standard: {over}, at risk: {at_risk}")
    return {"cases": len(verdicts), "best_s": best, "median_s": median}


if __name__ == "__main__":
    main()

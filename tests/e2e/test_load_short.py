"""The load test's short form: a few users for a few seconds under gunicorn lose nothing.

The full run (50 users, 60 s, figures against the 300 ms target) is `python bench/load_test.py`.
Here only correctness is asserted; the timings are printed, never compared: a loaded CI machine
must not fail the suite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.common import seed_database
from bench.load_test import LoadResult, main
from tests.pg import PostgresServer


@pytest.fixture(scope="module")
def short_run(pg_server: PostgresServer) -> Iterator[LoadResult]:
    """10 users (every role) for 8 s on a small seeded database of its own."""
    url = pg_server.create_database("sopdesk_load")
    try:
        seed_database(url, cases=300, logs=3000)
        yield main(
            ["--database-url", url, "--users", "10", "--seconds", "8", "--think", "0.1"]
            + ["--export-share", "0.3"]
        )
    finally:
        pg_server.drop_database(url)


def test_short_load_answers_without_errors(short_run: LoadResult) -> None:
    assert short_run.error_count == 0, short_run.error_samples
    assert {"page", "action", "export"} <= set(short_run.by_kind)


def test_every_acknowledged_action_is_in_the_database(short_run: LoadResult) -> None:
    assert short_run.lost == []
    steps, cases = short_run.writes_since_start
    acked_steps = sum(n for k, n in short_run.acknowledged.items() if k.startswith("step"))
    assert (steps, cases) == (acked_steps, short_run.acknowledged["new case"])


def test_audit_chain_holds_after_the_load(short_run: LoadResult) -> None:
    assert short_run.audit_ok, short_run.audit_line


def test_every_role_got_its_steps_acknowledged(short_run: LoadResult) -> None:
    acked = short_run.acknowledged
    assert acked["new case"] > 0  # pengguna
    assert acked["step 2 completed"] > 0  # direktur
    assert acked["step 3 completed"] > 0  # kasubdit
    assert sum(acked[f"step {n} completed"] for n in (4, 5, 6, 8, 9)) > 0  # kasi

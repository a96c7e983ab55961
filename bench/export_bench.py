"""Benchmark: exporting the daily log as CSV, against psql's \\copy of the same query, in one run.

    python bench/export_bench.py --database-url postgresql://.../sopdesk_scale
    python bench/export_bench.py --cases 2000 --logs 20000     # builds a throwaway database

Measures, on the same rows: psql \\copy to /dev/null (the limit); the CLI export (`flask export
logs`) with its peak RSS (/usr/bin/time -v); the HTTP download through gunicorn with its time to
first byte; and Flask-Admin's own CSV export for comparison. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    bench_database,
    flask_cli,
    libpq_url,
    psql_path,
    timed,
)

BENCH_USER = "bench-exporter"
BENCH_PASSWORD = "tolok-ukur-ekspor-2026"


def logs_copy_sql(database_url: str) -> str:
    """The exact SELECT the CLI and the web export run, as one line of SQL for psql."""
    import psycopg2

    from admin_app.exports import HEADERS
    from models.services.export import CsvOptions, logs_select, select_sql

    conn = psycopg2.connect(libpq_url(database_url))
    try:
        sql = select_sql(conn.cursor(), logs_select(CsvOptions(headers=HEADERS["id"])))
    finally:
        conn.close()
    return " ".join(sql.decode().split())


def count_logs(database_url: str) -> int:
    """Rows in log_entries."""
    import psycopg2

    conn = psycopg2.connect(libpq_url(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM log_entries")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def bench_psql(database_url: str, sql: str) -> tuple[float, int]:
    """psql \\copy (same query) to /dev/null: seconds and peak RSS (MB) of psql."""
    seconds, rss, _ = timed(
        [
            psql_path(),
            libpq_url(database_url),
            "-q",
            "-c",
            f"\\copy ({sql}) to '/dev/null' csv header",
        ]
    )
    return seconds, rss


def bench_cli(database_url: str, out: Path) -> tuple[float, float, int, int]:
    """The CLI export: (wall seconds incl. start-up, export seconds as it reports, RSS MB, rows)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    seconds, rss, stdout = timed(
        [sys.executable, "-m", "flask", "--app", "wsgi", "export", "logs", "--out", str(out)],
        env=env,
    )
    match = re.search(r"(\d+) baris diekspor .* dalam ([\d.]+) detik", stdout)
    if not match:
        raise RuntimeError(f"unexpected CLI output: {stdout!r}")
    return seconds, float(match.group(2)), rss, int(match.group(1))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, workers: int = 2):
    """The app under gunicorn on a free loopback port; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "b" * 40}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def login(base: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener signed in as the bench account."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrf_token": token}
    ).encode()
    opener.open(base + "/login", data=data).read()
    return opener


def bench_http(base: str) -> tuple[float, float, int]:
    """Download the daily-log export: (seconds to first byte, total seconds, lines)."""
    opener = login(base)
    started = time.perf_counter()
    response = opener.open(base + "/daily-log/export.csv")
    first = response.read(1)
    first_byte = time.perf_counter() - started
    lines = first.count(b"\n")
    while chunk := response.read(1 << 20):
        lines += chunk.count(b"\n")
    return first_byte, time.perf_counter() - started, lines


FLASK_ADMIN_SCRIPT = r"""
import sys, time
from flask_admin.contrib.sqla import ModelView
from admin_app import create_app
from models import LogEntry, db
app = create_app()
class Plain(ModelView):
    can_export = True
    export_max_rows = 0
    column_export_list = ("id", "log_date", "case_id", "text", "author_id", "created_at")
admin = app.extensions["admin"][0]
admin.add_view(Plain(LogEntry, db, endpoint="plain_export", url="plain-export"))
client = app.test_client()
started = time.perf_counter()
response = client.get("/plain-export/export/csv/")
size = sum(len(chunk) for chunk in response.response)
print(f"{response.status_code} {size} {time.perf_counter() - started:.2f}")
"""


def bench_flask_admin(database_url: str) -> tuple[float, int, str]:
    """Flask-Admin's built-in CSV export (loads every row first): (seconds, RSS MB, status)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    # Its ModelView is not behind our login; it runs in-process, never served.
    seconds, rss, stdout = timed([sys.executable, "-c", FLASK_ADMIN_SCRIPT], env=env)
    return seconds, rss, stdout.strip()


def ensure_bench_account(database_url: str) -> None:
    """The account the HTTP download signs in with (a kasi may export the daily log)."""
    try:
        flask_cli(
            database_url,
            "create-user",
            BENCH_USER,
            "--role",
            "kasi",
            "--password-stdin",
            stdin=BENCH_PASSWORD + "\n",
        )
    except RuntimeError as err:
        if "sudah dipakai" not in str(err):
            raise


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run every measurement on the same rows and print them with their ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="an already seeded database (else a throwaway)")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=20000)
    parser.add_argument("--skip-flask-admin", action="store_true")
    args = parser.parse_args(argv)
    with bench_database(args.database_url, args.cases, args.logs) as url:
        ensure_bench_account(url)
        rows = count_logs(url)
        sql = logs_copy_sql(url)
        print(f"daily-log rows: {rows}")
        psql_s, psql_rss = bench_psql(url, sql)
        psql_rate = rows / psql_s
        print(
            f"psql \\copy to /dev/null : {psql_s:6.2f} s  {psql_rate:10,.0f} rows/s  "
            f"RSS {psql_rss} MB"
        )
        with tempfile.TemporaryDirectory() as tmp:
            wall, export_s, cli_rss, cli_rows = bench_cli(url, Path(tmp) / "logs.csv")
        cli_rate = cli_rows / export_s
        print(
            f"CLI export (export)      : {export_s:6.2f} s  {cli_rate:10,.0f} rows/s  "
            f"= {cli_rate / psql_rate:.2f}x psql (target >= 0.80)  peak RSS {cli_rss} MB "
            f"(target < 150)"
        )
        print(
            f"CLI export (with start-up): {wall:6.2f} s  {cli_rows / wall:10,.0f} rows/s  "
            f"= {cli_rows / wall / psql_rate:.2f}x psql"
        )
        with gunicorn(url) as base:
            first_byte, http_s, lines = bench_http(base)
        http_rate = (lines - 1) / http_s
        print(
            f"HTTP download (gunicorn) : {http_s:6.2f} s  {http_rate:10,.0f} rows/s  "
            f"= {http_rate / psql_rate:.2f}x psql (target >= 0.60)  first byte "
            f"{first_byte * 1000:.0f} ms (target < 1000)"
        )
        figures = {
            "rows": rows,
            "psql_rate": psql_rate,
            "cli_ratio": cli_rate / psql_rate,
            "cli_rss_mb": cli_rss,
            "http_ratio": http_rate / psql_rate,
            "first_byte_s": first_byte,
            "http_lines": lines,
        }
        if not args.skip_flask_admin:
            fa_s, fa_rss, fa_out = bench_flask_admin(url)
            print(
                f"Flask-Admin built-in CSV : {fa_s:6.2f} s  {rows / fa_s:10,.0f} rows/s  "
                f"= {rows / fa_s / psql_rate:.2f}x psql  peak RSS {fa_rss} MB  ({fa_out})"
            )
            figures["flask_admin_rss_mb"] = fa_rss
    return figures


if __name__ == "__main__":
    main()

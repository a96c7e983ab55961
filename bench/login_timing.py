"""Benchmark: a failed login takes as long whether the username exists, is inactive or is unknown.

    python bench/login_timing.py [--rounds 40]

POSTs /login in-process (throttle off, so every attempt runs) for an existing account with a
wrong password, an inactive account and an unknown username, interleaved round by round so
load drifts hit all three alike. Prints each median and the spread between the slowest and the
fastest median as a ratio to its limit of 10%; asserts nothing. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import throwaway_database  # noqa: E402

SPREAD_LIMIT = 0.10
PASSWORD = "tolok-ukur-masuk-2026"


def measure(database_url: str, rounds: int) -> dict[str, float]:
    """Median milliseconds of a failed login, per kind of username."""
    import flask_migrate

    from admin_app import create_app
    from models import db
    from models.services.accounts import create_account

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "b" * 40, "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        flask_migrate.upgrade()
        create_account(
            db.session, username="ada", full_name="Ada", roles=["kasi"], password=PASSWORD
        )
        gone = create_account(
            db.session, username="nonaktif", full_name="Non", roles=["kasi"], password=PASSWORD
        )
        gone.active = False
        db.session.commit()
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert token, "no CSRF token on /login"
    kinds = {"existing, wrong password": "ada", "inactive": "nonaktif", "unknown": "tidak-ada"}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for round_number in range(rounds + 3):  # three rounds of warm-up
        for kind, username in kinds.items():
            data = {"username": username, "password": "salah-" + PASSWORD, "csrf_token": token[1]}
            started = time.perf_counter()
            status = client.post("/login", data=data).status_code
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200, f"{kind}: {status}"
            if round_number >= 3:
                times[kind].append(elapsed)
    return {kind: statistics.median(values) for kind, values in times.items()}


def main(argv: list[str] | None = None) -> None:
    """Print the medians and the spread's ratio to its limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with throwaway_database("sopdesk_login_bench") as url:
        medians = measure(url, args.rounds)
    for kind, median in medians.items():
        print(f"{kind:<26} median {median:7.1f} ms")
    spread = max(medians.values()) / min(medians.values()) - 1
    print(
        f"spread {spread:.1%} of the fastest; limit {SPREAD_LIMIT:.0%}; "
        f"ratio {spread / SPREAD_LIMIT:.2f} (≤ 1 passes)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

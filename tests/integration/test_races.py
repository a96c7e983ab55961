"""Races on real commits: real threads, each with its own session and connection.

- Many people take the same step of the same case at once: exactly one succeeds, the others are
  told it is already done (or no longer the current step); the case moves on once, with one step
  run, one output record and one audit event for that step.
- Cases are reported and daily-log entries recorded side by side: no deadlock, every write
  counted, the audit hash chain intact.
- An export taken while writes go on is one snapshot: exactly the rows committed when it began.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from admin_app.evidence import evidence
from models import Account, Case, LogEntry, db
from models.services import cases as svc
from models.services import export as ex
from models.services.accounts import create_account
from models.services.audit_chain import verify_chain
from rules.enums import Action, CaseStatus, Role
from rules.errors import RuleError
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.support import walk
from tests.support.walk import CALENDAR, Team, report_payload, step_payload, walk_to

THREADS = 12
TIMEOUT = 60  # seconds any race may take before it counts as a deadlock


@dataclass(frozen=True)
class People:
    """Committed accounts: one per SOP role, plus a dozen Kasi and the JFU a case is sent to."""

    team: dict[str, int]
    kasis: list[int]


@pytest.fixture(scope="module")
def engine(committed_app: Flask) -> sa.Engine:
    with committed_app.app_context():
        return db.engine


@pytest.fixture(scope="module")
def people(committed_app: Flask) -> People:
    with committed_app.app_context():
        session = db.session
        roles = {
            "pengguna": Role.PENGGUNA,
            "direktur": Role.DIREKTUR,
            "kasubdit": Role.KASUBDIT,
            "kasi": Role.KASI,
            "jfu": Role.JFU,
            "jfu2": Role.JFU,
        }
        team = {
            name: create_account(
                session,
                username=f"races-{name}",
                full_name=f"Races {name}",
                roles=[role],
                password=TEST_PASSWORD,
            ).id
            for name, role in roles.items()
        }
        kasis = [
            create_account(
                session,
                username=f"races-kasi-{i}",
                full_name=f"Kasi {i}",
                roles=[Role.KASI],
                password=TEST_PASSWORD,
            ).id
            for i in range(THREADS)
        ]
        session.commit()
        session.remove()
    return People(team, kasis)


def _team(session: Session, people: People) -> Team:
    return Team(**{name: session.get(Account, i) for name, i in people.team.items()})


def cases_at(engine: sa.Engine, people: People, step: int, n: int = 1) -> list[int]:
    """n cases waiting at `step`, committed."""
    with Session(engine) as session:
        team = _team(session, people)
        ids = [walk_to(session, team, step) for _ in range(n)]
        session.commit()
    return ids


def race(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run work(i) in n threads released at the same moment; return what each returned.

    An exception in a thread is returned, not raised, so that every thread is accounted for;
    a thread still running after TIMEOUT seconds fails the test (a deadlock or a lost wake-up).
    """
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait(TIMEOUT)
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), name=f"race-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"still running after {TIMEOUT} s: {stuck}"
    return results


def attempt(
    engine: sa.Engine, account_id: int, case_id: int, action: Action, payload: dict[str, Any]
) -> str:
    """One person submits the form on their own connection: 'ok', or the refusal's code."""
    with Session(engine) as session:
        actor = session.get(Account, account_id)
        try:
            svc.act(session, actor, case_id, action, payload, datetime.now(UTC), CALENDAR)
            session.commit()
        except RuleError as err:  # ServiceError is a RuleError too
            session.rollback()
            return err.code
    return "ok"


def _case_writes(engine: sa.Engine, case_id: int, step: int) -> dict[str, Any]:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        q = sa.text
        return {
            "status": case.status,
            "current_step": case.current_step,
            "rework_rounds": case.rework_rounds,
            "runs": session.scalar(
                q("SELECT count(*) FROM step_runs WHERE case_id = :c AND step = :s"),
                {"c": case_id, "s": step},
            ),
            "open_runs": session.scalar(
                q("SELECT count(*) FROM step_runs WHERE case_id = :c AND completed_at IS NULL"),
                {"c": case_id},
            ),
            "outputs": session.scalar(
                q(
                    "SELECT (SELECT count(*) FROM instructions i JOIN step_runs r "
                    "        ON r.id = i.step_run_id WHERE r.case_id = :c AND r.step = :s)"
                    " + (SELECT count(*) FROM reports p JOIN step_runs r "
                    "        ON r.id = p.step_run_id WHERE r.case_id = :c AND r.step = :s)"
                    " + (SELECT count(*) FROM log_entries l JOIN step_runs r "
                    "        ON r.id = l.step_run_id WHERE r.case_id = :c AND r.step = :s)"
                ),
                {"c": case_id, "s": step},
            ),
            "audit": session.scalar(
                q(
                    "SELECT count(*) FROM audit_events WHERE case_id = :c "
                    "AND action <> 'case.report' AND (after->>'step')::int = :s"
                ),
                {"c": case_id, "s": step},
            ),
        }


# -- (a) the same step, many hands ---------------------------------------------------------------


@pytest.mark.parametrize("step", [4, 6, 9])
def test_twelve_kasi_taking_the_same_step_at_once_exactly_one_succeeds(engine, people, step):
    for case_id in cases_at(engine, people, step, n=3):
        extra = {"assignee_id": people.team["jfu"]} if step == 6 else {}
        payload = {**step_payload(step, **extra), "step": str(step)}
        results = race(
            lambda i, c=case_id, p=payload: attempt(engine, people.kasis[i], c, Action.COMPLETE, p)
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        tally = Counter(results)
        assert tally["ok"] == 1, tally
        refusals = {"already_done", "step_not_current"}
        assert set(tally) - {"ok"} <= refusals, tally
        writes = _case_writes(engine, case_id, step)
        assert writes["current_step"] == (step + 1 if step < 9 else None)
        assert writes["status"] == (CaseStatus.OPEN if step < 9 else CaseStatus.CLOSED)
        assert (writes["runs"], writes["outputs"], writes["audit"]) == (1, 1, 1), writes
        assert writes["open_runs"] == (1 if step < 9 else 0)


def test_the_kasi_who_loses_the_race_to_record_step_9_is_told_who_recorded_it(engine, people):
    (case_id,) = cases_at(engine, people, 9)
    payload = {**step_payload(9), "step": "9"}
    results = race(lambda i: attempt(engine, people.kasis[i], case_id, Action.COMPLETE, payload))
    assert Counter(results) == Counter({"ok": 1, "already_done": THREADS - 1})


def test_the_same_jfu_submitting_a_fix_twelve_times_at_once_is_recorded_once(engine, people):
    (case_id,) = cases_at(engine, people, 7)
    payload = {**step_payload(7), "step": "7"}
    jfu = people.team["jfu"]
    results = race(lambda i: attempt(engine, jfu, case_id, Action.COMPLETE, payload))
    assert not [r for r in results if isinstance(r, BaseException)], results
    tally = Counter(results)
    assert tally["ok"] == 1 and set(tally) - {"ok"} <= {"already_done", "step_not_current"}
    writes = _case_writes(engine, case_id, 7)
    assert (writes["current_step"], writes["runs"], writes["outputs"], writes["audit"]) == (
        8,
        1,
        1,
        1,
    )


def test_accepting_returning_and_closing_one_case_at_once_lets_exactly_one_through(engine, people):
    """Step 8: some accept the fix, some send it back, some close the case early."""
    choices = [
        (Action.COMPLETE, {**step_payload(8), "step": "8"}),
        (Action.RETURN_FOR_REWORK, {"reason": "Masih galat", "step": "8"}),
        (Action.CLOSE_EARLY, {"reason": "duplikat", "step": "8"}),
    ]
    winners: Counter[str] = Counter()
    for case_id in cases_at(engine, people, 8, n=4):
        results = race(
            lambda i, c=case_id: attempt(engine, people.kasis[i], c, *choices[i % len(choices)])
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        tally = Counter(results)
        assert tally["ok"] == 1, tally
        assert set(tally) - {"ok"} <= {"already_done", "step_not_current", "case_closed"}, tally
        winner = choices[results.index("ok") % len(choices)][0]
        winners[winner.value] += 1
        writes = _case_writes(engine, case_id, 8)
        expected = {
            Action.COMPLETE: (CaseStatus.OPEN, 9, 0, 1),
            Action.RETURN_FOR_REWORK: (CaseStatus.OPEN, 7, 1, 1),
            Action.CLOSE_EARLY: (CaseStatus.CLOSED_EARLY, None, 0, 0),
        }[winner]
        got = (writes["status"], writes["current_step"], writes["rework_rounds"])
        assert got == expected[:3], (winner, writes)
        assert (writes["runs"], writes["outputs"], writes["audit"]) == (1, expected[3], 1)
    assert sum(winners.values()) == 4


# -- (b) reporting and logging side by side ------------------------------------------------------


def _totals(engine: sa.Engine) -> dict[str, int]:
    tables = ("cases", "step_runs", "log_entries", "audit_events", "notices")
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))
        ).one()
    return dict(zip(tables, row, strict=True))


def test_cases_reported_and_logs_recorded_side_by_side_neither_deadlock_nor_lose_a_row(
    engine, people, committed_app
):
    reporters, loggers, reports_each, logs_each = 8, 8, 10, 3
    at_nine = cases_at(engine, people, 9, n=loggers * logs_each)
    before = _totals(engine)
    started = time.monotonic()

    def work(i: int) -> list[int]:
        done = []
        with Session(engine) as session:
            if i < reporters:  # pengguna and staff report, one commit per case
                actor_id = people.team["pengguna"] if i % 2 else people.kasis[i]
                actor = session.get(Account, actor_id)
                for n in range(reports_each):
                    payload = report_payload(title=f"Balapan {i}-{n}", channel="telepon")
                    if i % 2 == 0:
                        payload.update(reporter_name="Bu Sri", reporter_contact="021-555")
                    result = svc.report(session, actor, payload, datetime.now(UTC), CALENDAR)
                    session.commit()
                    done.append(result.case.id)
            else:  # a Kasi records step 9 of their own cases, one after another
                j = i - reporters
                actor = session.get(Account, people.kasis[j])
                for case_id in at_nine[j * logs_each : (j + 1) * logs_each]:
                    walk.complete_step(
                        session, actor, case_id, 9, step_payload(9), datetime.now(UTC), CALENDAR
                    )
                    session.commit()
                    done.append(case_id)
        return done

    results = race(work, n=reporters + loggers)
    elapsed = time.monotonic() - started
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures  # a DeadlockDetected would land here
    created = [case_id for r in results[:reporters] for case_id in r]
    assert len(set(created)) == reporters * reports_each
    assert sorted(c for r in results[reporters:] for c in r) == sorted(at_nine)

    after = _totals(engine)
    assert after["cases"] - before["cases"] == reporters * reports_each
    # a report writes step 1 (done) and step 2 (waiting); step 9 finishes its run, starts none
    assert after["step_runs"] - before["step_runs"] == 2 * reporters * reports_each
    assert after["log_entries"] - before["log_entries"] == loggers * logs_each
    assert after["audit_events"] - before["audit_events"] == (
        reporters * reports_each + loggers * logs_each
    )
    with Session(engine) as session:
        closed = session.scalar(
            sa.select(sa.func.count())
            .select_from(Case)
            .where(Case.id.in_(at_nine), Case.status == CaseStatus.CLOSED)
        )
    assert closed == len(at_nine)
    keeper = evidence(committed_app)
    verdict = verify_chain(engine, keeper.ring, keeper.checkpoints())
    assert verdict.ok, verdict
    assert elapsed < TIMEOUT


# -- (c) an export while writes go on ------------------------------------------------------------


class Gate:
    """Writers pass one transaction at a time; closing waits until none is in flight."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._inside = 0
        self._closed = False

    def __enter__(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._closed)
            self._inside += 1

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._inside -= 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.wait_for(lambda: self._inside == 0)

    def open(self) -> None:
        with self._cond:
            self._closed = False
            self._cond.notify_all()


@pytest.fixture
def writers(engine, people) -> Iterator[dict[str, Any]]:
    """Four threads committing daily-log entries five at a time until told to stop."""
    gate, stop = Gate(), threading.Event()
    commits: list[float] = []
    author = people.kasis[0]

    def write(w: int) -> None:
        batch = 0
        with Session(engine) as session:
            while not stop.is_set():
                with gate:
                    session.add_all(
                        LogEntry(
                            text=f"tulis {w}-{batch}-{k}",
                            log_date=date(2026, 11, 24),
                            author_id=author,
                            created_at=datetime.now(UTC),
                        )
                        for k in range(5)
                    )
                    session.commit()
                    commits.append(time.monotonic())
                batch += 1

    threads = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(4)]
    for thread in threads:
        thread.start()
    yield {"gate": gate, "commits": commits}
    stop.set()
    gate.open()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads)


def _seed_log(engine: sa.Engine, author_id: int, rows: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO log_entries (author_id, text, log_date, created_at) "
                "SELECT :a, 'awal ' || n || repeat(' isi', 20), DATE '2026-11-23', now() "
                "FROM generate_series(1, :rows) AS n"
            ),
            {"a": author_id, "rows": rows},
        )


def test_a_long_streamed_export_holds_exactly_the_rows_committed_when_it_began(
    committed_app, engine, people, writers, monkeypatch
):
    monkeypatch.setattr(ex, "CHUNK_BYTES", 8 * 1024)  # many small chunks: a long stream
    _seed_log(engine, people.kasis[0], 20_000)
    client = committed_app.test_client()
    client.post(
        "/login",
        data={
            "username": "races-direktur",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    time.sleep(0.2)  # the writers are under way

    writers["gate"].close()  # nothing in flight: what is committed now is the export's world
    with engine.connect() as conn:
        committed = set(conn.scalars(sa.text("SELECT id FROM log_entries")))
    response = client.get("/daily-log/export.csv", buffered=False)
    assert response.status_code == 200
    chunks = iter(response.response)
    body = [next(chunks)]  # COPY has begun: its snapshot is taken
    writers["gate"].open()
    began = time.monotonic()
    for chunk in chunks:
        body.append(chunk)
        time.sleep(0.002)  # a slow client: the COPY waits on the queue while writes go on
    ended = time.monotonic()
    response.close()

    rows = list(csv.reader(io.StringIO(b"".join(body).decode("utf-8"))))[1:]
    exported = [int(row[0]) for row in rows]
    during = sum(began <= t <= ended for t in writers["commits"])
    assert during >= 10, f"only {during} commits while the export streamed"
    assert len(exported) == len(set(exported)) == len(committed)
    assert set(exported) == committed
    with engine.connect() as conn:
        now_count = conn.scalar(sa.text("SELECT count(*) FROM log_entries"))
        audited = conn.scalar(
            sa.text(
                "SELECT after FROM audit_events WHERE action = 'export.logs' "
                "ORDER BY id DESC LIMIT 1"
            )
        )
    assert now_count > len(committed)  # the writes went on, and none of them leaked in
    assert audited["rows"] == len(committed) and audited["complete"] is True

"""Two people submit the same step at the same moment on real, separate connections."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Case, Report, db
from models.errors import ServiceError
from models.services.accounts import create_account
from rules.enums import Role
from tests.conftest import TEST_PASSWORD
from tests.support import walk
from tests.support.walk import CALENDAR, MONDAY_0800, Team, step_payload, walk_to


@pytest.fixture(scope="module")
def race_setup(committed_app):
    """A team and a case waiting at step 4, committed."""
    with committed_app.app_context():
        session = db.session
        accounts = [
            create_account(
                session,
                username=f"race-{i}",
                full_name=f"Race {i}",
                roles=[role],
                password=TEST_PASSWORD,
            )
            for i, role in enumerate(
                (
                    Role.PENGGUNA,
                    Role.DIREKTUR,
                    Role.KASUBDIT,
                    Role.KASI,
                    Role.JFU,
                    Role.JFU,
                    Role.KASI,
                )
            )
        ]
        team = Team(*accounts[:6])
        case_id = walk_to(session, team, 4)
        session.commit()
        ids = {"case": case_id, "kasi_a": accounts[3].id, "kasi_b": accounts[6].id}
        session.remove()
    return ids


def test_exactly_one_of_two_concurrent_submissions_succeeds(committed_app, race_setup):
    engine = None
    with committed_app.app_context():
        engine = db.engine
    now = MONDAY_0800 + timedelta(hours=2)
    first = Session(bind=engine)
    second_result: dict[str, object] = {}
    second_started = threading.Event()

    def second_submission() -> None:
        with Session(bind=engine) as session:
            from models import Account

            kasi_b = session.get(Account, race_setup["kasi_b"])
            second_started.set()
            try:
                walk.complete_step(
                    session, kasi_b, race_setup["case"], 4, step_payload(4), now, CALENDAR
                )
                session.commit()
                second_result["ok"] = True
            except ServiceError as err:
                session.rollback()
                second_result["error"] = err

    from models import Account

    kasi_a = first.get(Account, race_setup["kasi_a"])
    walk.complete_step(first, kasi_a, race_setup["case"], 4, step_payload(4), now, CALENDAR)
    # The first transaction holds the case's row lock; the second must wait for it.
    thread = threading.Thread(target=second_submission)
    thread.start()
    second_started.wait(5)
    thread.join(0.5)
    assert thread.is_alive(), "the second submission did not wait for the first's lock"
    first.commit()
    thread.join(10)
    first.close()

    assert "ok" not in second_result
    error = second_result["error"]
    assert error.code == "already_done" and "Race 3" in error.message("id")
    with Session(bind=engine) as check:
        case = check.get(Case, race_setup["case"])
        assert case.current_step == 5
        analyses = check.scalars(
            sa.select(Report).filter_by(case_id=race_setup["case"], kind="analisa")
        ).all()
        assert len(analyses) == 1

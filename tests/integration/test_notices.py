"""Notices: who hears of each hand-off, overruns once per run, unread counts, and mail failures."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

import admin_app.notices as web_notices
from admin_app import create_app
from models import Account, Case, Notice, StepRun, db
from models.notices import NoticeKind
from models.services import cases as svc
from models.services import notices
from rules.enums import Action, CaseStatus, Role
from rules.transitions import Actor, CaseState, decide
from tests.support import walk as harness
from tests.support.sops import portal_sop
from tests.support.walk import CALENDAR, MONDAY_0800, report_payload, step_payload

# -- a walk, as data -----------------------------------------------------------------------------
# label → (who acts, what they do); the order is one full walk with one rework round.
WALK: tuple[tuple[str, str], ...] = (
    ("report", "pengguna"),
    ("policy", "direktur"),
    ("order", "kasubdit"),
    ("analyse", "kasi"),
    ("solution", "kasi"),
    ("direct", "kasi"),
    ("fix", "jfu"),
    ("return", "kasi"),
    ("fix again", "jfu"),
    ("accept", "kasi"),
    ("log", "kasi"),
)
STEP_OF = {
    "policy": 2,
    "order": 3,
    "analyse": 4,
    "solution": 5,
    "direct": 6,
    "fix": 7,
    "fix again": 7,
    "accept": 8,
    "log": 9,
}
# label → (kind, who hears of it, what it says). The five hand-offs, the rework return and the
# second fix notify; steps a position takes in a row notify nobody. The kind follows from the
# steps' properties: an instruction orders, naming the performer directs, a return returns.
LANDED = "Kasus menunggu langkah Anda"
ORDERED = "Instruksi untuk menangani kasus"
HANDOFFS: dict[str, tuple[NoticeKind, tuple[str, ...], str]] = {
    "report": (NoticeKind.LANDED, ("direktur",), LANDED),
    "policy": (NoticeKind.ORDERED, ("kasubdit",), ORDERED),
    "order": (NoticeKind.ORDERED, ("kasi", "kasi2"), ORDERED),
    "direct": (NoticeKind.DIRECTED, ("jfu",), "Anda ditunjuk melaksanakan langkah kasus"),
    "fix": (NoticeKind.LANDED, ("kasi", "kasi2"), LANDED),
    "return": (NoticeKind.RETURNED, ("jfu",), "Kasus dikembalikan untuk dikerjakan ulang"),
    "fix again": (NoticeKind.LANDED, ("kasi", "kasi2"), LANDED),
}
PEOPLE = {
    "pengguna": Role.PENGGUNA,
    "direktur": Role.DIREKTUR,
    "kasubdit": Role.KASUBDIT,
    "kasi": Role.KASI,
    "kasi2": Role.KASI,
    "jfu": Role.JFU,
    "jfu2": Role.JFU,
}


def take(session, people: dict[str, Account], case_id: int | None, label: str, now: datetime):
    """Do one labelled action of WALK; return the service's result."""
    actor = people[dict(WALK)[label]]
    if label == "report":
        return svc.report(session, actor, report_payload(), now, CALENDAR)
    if label == "return":
        return harness.return_for_rework(
            session, actor, case_id, {"reason": "Masih error"}, now, CALENDAR, step=8
        )
    step = STEP_OF[label]
    extra = {"assignee_id": people["jfu"].id} if step == 6 else {}
    return harness.complete_step(
        session, actor, case_id, step, step_payload(step, **extra), now, CALENDAR
    )


def walk(session, people, *, after_each: Callable[[str, int], None] | None = None, start=None):
    """Walk one case through WALK, two minutes a step; call `after_each(label, case_id)`."""
    now = start or MONDAY_0800
    case_id = None
    for label, _ in WALK:
        case_id = take(session, people, case_id, label, now).case.id
        if after_each:
            after_each(label, case_id)
        now += timedelta(minutes=2)
    return case_id


def _notices(session, **where: Any) -> list[Notice]:
    session.flush()
    stmt = sa.select(Notice).filter_by(**where).order_by(Notice.id)
    return list(session.scalars(stmt))


# -- a local SMTP server -----------------------------------------------------------------
def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """aiosmtpd on loopback keeping every message; refuses recipients starting with 'tolak'."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("tolak"):
            return "550 5.1.1 Kotak surat tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Diterima"

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def mail_app(url: str, **settings: Any) -> Flask:
    """An app on `url` whose notices are mailed with these settings."""
    return create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-key", **settings})


def committed_people(app: Flask, prefix: str, emails: dict[str, str | None]) -> dict[str, int]:
    """Commit one account per PEOPLE key (usernames `prefix`-key), the only active ones."""
    from models import Role as RoleRow
    from tests.conftest import TEST_PASSWORD, _password_hash

    ids = {}
    with app.app_context():
        # Earlier tests' people stay in the committed database; retire them so only these act.
        db.session.execute(sa.update(Account).values(active=False))
        for key, role in PEOPLE.items():
            account = Account(
                username=f"{prefix}-{key}",
                full_name=f"Uji {key.title()}",
                email=emails.get(key, f"{prefix}.{key}@contoh.go.id"),
            )
            account.password_hash = _password_hash(TEST_PASSWORD)
            account.roles = [db.session.scalars(sa.select(RoleRow).filter_by(code=role)).one()]
            db.session.add(account)
            db.session.flush()
            ids[key] = account.id
        db.session.commit()
    return ids


def load_people(ids: dict[str, int]) -> dict[str, Account]:
    """The accounts by key, in the current app context's session."""
    return {key: db.session.get(Account, account_id) for key, account_id in ids.items()}


# -- recipients per hand-off ---------------------------------------------------------------------
@pytest.fixture
def people(make_account) -> dict[str, Account]:
    return {key: make_account(role) for key, role in PEOPLE.items()}


def test_each_hand_off_of_a_walk_notifies_exactly_the_performers_of_the_next_step(
    db_session, people
):
    seen: dict[str, list[tuple[NoticeKind, str, int]]] = {}
    known: set[int] = set()
    by_id = {account.id: key for key, account in people.items()}

    def after(label: str, case_id: int) -> None:
        new = [n for n in _notices(db_session, case_id=case_id) if n.id not in known]
        known.update(n.id for n in new)
        seen[label] = sorted((n.kind, by_id[n.recipient_id], n.step_run.step) for n in new)
        for n in new:
            assert notices.notice_headline(n) == HANDOFFS[label][2]

    walk(db_session, people, after_each=after)

    assert seen == {
        label: sorted(
            (HANDOFFS[label][0], who, _waiting_after(label)) for who in HANDOFFS[label][1]
        )
        if label in HANDOFFS
        else []
        for label, _ in WALK
    }


def _waiting_after(label: str) -> int:
    """The step a case waits at after a labelled action."""
    return {"report": 2, "return": 7}.get(label, STEP_OF.get(label, 0) + 1)


def test_the_person_who_acts_is_not_told_of_work_they_handed_to_themselves(
    db_session, people, make_account
):
    both = make_account(Role.KASUBDIT, Role.KASI)
    case = svc.report(db_session, people["pengguna"], report_payload(), MONDAY_0800, CALENDAR).case
    harness.complete_step(
        db_session, people["direktur"], case.id, 2, step_payload(2), MONDAY_0800, CALENDAR
    )
    after_policy = {n.recipient_id for n in _notices(db_session, case_id=case.id)}
    assert after_policy == {people["direktur"].id, people["kasubdit"].id, both.id}
    harness.complete_step(db_session, both, case.id, 3, step_payload(3), MONDAY_0800, CALENDAR)
    told = {n.recipient_id for n in _notices(db_session, case_id=case.id) if n.step_run.step == 4}
    assert told == {people["kasi"].id, people["kasi2"].id}


def test_inactive_accounts_and_other_jfus_are_not_notified(db_session, people):
    people["kasi2"].active = False
    case_id = walk(db_session, people)
    recipients = {n.recipient_id for n in _notices(db_session, case_id=case_id)}
    assert people["kasi2"].id not in recipients and people["jfu2"].id not in recipients
    assert people["kasi"].id in recipients


def test_an_early_close_notifies_nobody(db_session, people):
    case = svc.report(db_session, people["pengguna"], report_payload(), MONDAY_0800, CALENDAR).case
    before = len(_notices(db_session, case_id=case.id))
    harness.close_early(
        db_session, people["direktur"], case.id, {"reason": "duplikat"}, MONDAY_0800, CALENDAR
    )
    assert len(_notices(db_session, case_id=case.id)) == before == 1


def test_a_refused_action_writes_no_notice(db_session, people):
    from rules.errors import RuleError

    case = svc.report(db_session, people["pengguna"], report_payload(), MONDAY_0800, CALENDAR).case
    with pytest.raises(RuleError):
        harness.complete_step(
            db_session, people["kasubdit"], case.id, 3, step_payload(3), MONDAY_0800, CALENDAR
        )
    assert [n.kind for n in _notices(db_session, case_id=case.id)] == [NoticeKind.LANDED]


def _kind_after(step: int, roles: set[str], action: Action, **payload: object) -> object:
    """The notice kind of an action at a step of the portal SOP, done by these positions."""
    sop = portal_sop()
    if action is Action.COMPLETE:
        payload = {"text": "x", "kelengkapan": list(sop.step(step).kelengkapan), **payload}
    state = CaseState(CaseStatus.OPEN, step, 5 if step >= 7 else None)
    outcome = decide(sop, state, Actor(5, frozenset(roles)), action, payload)
    return notices.handoff_kind(sop, outcome, sorted(roles)[0], outcome.after.current_step)


def test_the_kind_of_a_hand_off_follows_the_steps_properties():
    complete, back, rename = Action.COMPLETE, Action.RETURN_FOR_REWORK, Action.REASSIGN
    assert _kind_after(3, {"kasubdit"}, complete) is NoticeKind.ORDERED  # an instruction
    assert _kind_after(4, {"kasi"}, complete) is None  # the same position takes step 5
    assert _kind_after(6, {"kasi"}, complete, assignee_id=6) is NoticeKind.DIRECTED
    assert _kind_after(7, {"jfu"}, complete) is NoticeKind.LANDED  # a report, to the kasi
    assert _kind_after(8, {"kasi"}, back, reason="ulang") is NoticeKind.RETURNED
    assert _kind_after(7, {"kasi"}, rename, assignee_id=6, reason="cuti") is NoticeKind.DIRECTED
    assert set(notices.HEADLINES) == set(NoticeKind)


# -- overruns ----------------------------------------------------------------------------------
def _walk_to(db_session, people, step: int) -> int:
    case_id = None
    now = MONDAY_0800
    for label, _ in WALK:
        if label != "report" and STEP_OF[label] >= step:
            break
        case_id = take(db_session, people, case_id, label, now).case.id
    return case_id


def _open_run(db_session, case_id: int) -> StepRun:
    return db_session.scalars(
        sa.select(StepRun).where(StepRun.case_id == case_id, StepRun.completed_at.is_(None))
    ).one()


def test_an_overdue_step_notifies_its_performers_once(db_session, people):
    at_analysis = _walk_to(db_session, people, 4)
    at_fix = _walk_to(db_session, people, 7)
    late = _open_run(db_session, at_fix).due_at + timedelta(minutes=1)
    assert _open_run(db_session, at_analysis).due_at < late

    first = notices.notify_overdue(db_session, late)
    over = _notices(db_session, kind="over_standard")
    assert sorted(n.id for n in over) == sorted(first)
    assert {(n.case_id, n.recipient_id) for n in over} == {
        (at_analysis, people["kasi"].id),
        (at_analysis, people["kasi2"].id),
        (at_fix, people["jfu"].id),  # the named JFU only
    }
    assert notices.notify_overdue(db_session, late + timedelta(hours=1)) == []
    assert len(_notices(db_session, kind="over_standard")) == 3


def test_a_step_not_yet_due_is_not_notified(db_session, people):
    case_id = _walk_to(db_session, people, 4)
    due = _open_run(db_session, case_id).due_at
    assert notices.notify_overdue(db_session, due - timedelta(seconds=1)) == []


def test_the_work_queue_check_looks_only_at_the_users_own_steps(db_session, people):
    at_analysis = _walk_to(db_session, people, 4)
    at_fix = _walk_to(db_session, people, 7)
    late = _open_run(db_session, at_fix).due_at + timedelta(minutes=1)

    assert notices.notify_overdue(db_session, late, account=people["jfu2"]) == []
    assert notices.notify_overdue(db_session, late, account=people["direktur"]) == []
    kasi = notices.notify_overdue(db_session, late, account=people["kasi"])
    # The run is the kasi's; every performer of it hears, so the run counts as notified.
    assert {(n.case_id, n.recipient_id) for n in _notices(db_session, kind="over_standard")} == {
        (at_analysis, people["kasi"].id),
        (at_analysis, people["kasi2"].id),
    }
    assert len(kasi) == 2
    assert notices.notify_overdue(db_session, late, account=people["kasi2"]) == []
    assert len(notices.notify_overdue(db_session, late)) == 1  # the JFU's, by the cron check


def _plan(session, stmt) -> str:
    sql = stmt.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    return "\n".join(session.execute(sa.text(f"EXPLAIN {sql}")).scalars())


def test_the_overdue_check_reads_the_partial_index_of_open_due_runs(db_session, people):
    _walk_to(db_session, people, 4)
    plan = _plan(db_session, notices.overdue_runs(MONDAY_0800 + timedelta(days=1)))
    assert "ix_step_runs_open_due" in plan, plan


# -- unread counts and marking read --------------------------------------------------------------
def test_unread_counts_and_marking_read_are_per_person(db_session, people):
    walk(db_session, people)
    kasi, kasi2 = people["kasi"], people["kasi2"]
    assert notices.unread_count(db_session, kasi) == 3  # ordered, report ready twice
    assert notices.unread_count(db_session, kasi, cap=1) == 2  # counted up to cap + 1
    assert notices.unread_count(db_session, people["pengguna"]) == 0

    own = notices.list_for(db_session, kasi).items
    assert [n.created_at for n in own] == sorted((n.created_at for n in own), reverse=True)
    assert all(n.recipient_id == kasi.id for n in own)

    assert notices.mark_read(db_session, kasi, MONDAY_0800, [own[0].id]) == 1
    db_session.expire_all()
    # Read "before" it was written (a lagging clock): stamped at its creation instead.
    assert own[0].read_at == own[0].created_at
    assert notices.unread_count(db_session, kasi) == 2
    assert notices.unread_count(db_session, kasi2) == 3

    foreign = notices.list_for(db_session, kasi2).items[0]
    assert notices.get_own(db_session, kasi, foreign.id) is None
    assert notices.mark_read(db_session, kasi, MONDAY_0800, [foreign.id]) == 0
    assert notices.unread_count(db_session, kasi2) == 3

    assert notices.mark_read(db_session, kasi, MONDAY_0800 + timedelta(days=1)) == 2
    assert notices.unread_count(db_session, kasi) == 0
    assert notices.mark_read(db_session, kasi, MONDAY_0800 + timedelta(days=1)) == 0


def test_the_unread_count_reads_the_unread_index(db_session, people):
    # An empty table gives the planner no reason to prefer either index of recipient_id; without
    # the list's index (dropped inside the test's rolled-back transaction) the partial one serves.
    db_session.execute(sa.text("DROP INDEX ix_notices_recipient"))
    plan = _plan(db_session, notices.unread_rows(people["kasi"]))
    assert "ix_notices_unread" in plan and "Filter" not in plan, plan


def test_the_list_pages_newest_first(db_session, people, monkeypatch):
    monkeypatch.setattr(notices, "PAGE_SIZE", 2)
    walk(db_session, people)
    kasi = people["kasi"]
    first, second = notices.list_for(db_session, kasi, 0), notices.list_for(db_session, kasi, 1)
    assert (len(first.items), first.has_more, len(second.items), second.has_more) == (
        2,
        True,
        1,
        False,
    )
    assert first.items[-1].created_at >= second.items[0].created_at


# -- mail that fails never breaks the action ---------------------------------------------
@pytest.fixture(scope="module")
def notice_db(pg_server) -> Iterator[str]:
    url = pg_server.create_database("sopdesk_notices")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    yield url
    pg_server.drop_database(url)


def _report_and_wait(app: Flask, people_ids: dict[str, int], **report: object) -> tuple[int, float]:
    """Report a case and commit; return its id and how long the action took."""
    with app.app_context():
        people = load_people(people_ids)
        started = time.monotonic()
        case_id = svc.report(
            db.session, people["pengguna"], report_payload(**report), MONDAY_0800, CALENDAR
        ).case.id
        db.session.commit()
        took = time.monotonic() - started
    assert web_notices.mailer(app).wait_idle(timeout=20)
    return case_id, took


def _direktur_notice(app: Flask, case_id: int) -> Notice:
    with app.app_context():
        notice = db.session.scalars(sa.select(Notice).filter_by(case_id=case_id)).one()
        db.session.expunge(notice)
        return notice


def test_a_refused_address_is_recorded_and_the_action_stands(notice_db):
    with SmtpSink() as smtp:
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ids = committed_people(app, "tolakan", {"direktur": "tolak.direktur@contoh.go.id"})
        case_id, _ = _report_and_wait(app, ids)
    notice = _direktur_notice(app, case_id)
    assert notice.email_sent_at is None and "SMTPRecipientsRefused" in notice.email_error
    assert smtp.messages == []
    with app.app_context():
        assert db.session.get(Case, case_id).current_step == 2


def test_a_malformed_address_is_recorded_and_the_action_stands(notice_db):
    with SmtpSink() as smtp:
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ids = committed_people(app, "rusak", {"direktur": "direktur@contoh.go.id\r\nBcc: x@y"})
        case_id, _ = _report_and_wait(app, ids)
    notice = _direktur_notice(app, case_id)
    assert notice.email_sent_at is None and notice.email_error
    assert smtp.messages == []


def test_a_title_with_line_breaks_is_mailed_with_a_one_line_subject(notice_db):
    title = "Portal mati\r\nBcc: penyusup@contoh.invalid\n\u2028lagi"
    with SmtpSink() as smtp:
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ids = committed_people(app, "baris", {})
        case_id, _ = _report_and_wait(app, ids, title=title)
        plain_id, _ = _report_and_wait(app, ids)  # positive control: an ordinary title
    notice = _direktur_notice(app, case_id)
    assert notice.email_error is None and notice.email_sent_at is not None
    by_case = {m["Subject"].split("#")[1].split()[0]: (to, m) for to, m in smtp.messages}
    to, message = by_case[str(case_id)]
    assert to == ["baris.direktur@contoh.go.id"] and message["Bcc"] is None
    assert message["Subject"].endswith("Portal mati Bcc: penyusup@contoh.invalid lagi")
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert by_case[str(plain_id)][1]["Subject"].endswith("Halaman pencarian merek error 500")


def test_an_unreachable_mail_server_is_recorded_and_the_action_stands(notice_db):
    app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    ids = committed_people(app, "mati", {})
    case_id, _ = _report_and_wait(app, ids)
    notice = _direktur_notice(app, case_id)
    assert notice.email_sent_at is None and "ConnectionRefusedError" in notice.email_error


def test_a_mail_server_that_hangs_never_holds_up_the_action(notice_db, monkeypatch):
    monkeypatch.setattr(web_notices, "SMTP_TIMEOUT", 3.0)
    with socket.socket() as silent:  # accepts connections, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1])
        ids = committed_people(app, "diam", {})
        case_id, took = _report_and_wait(app, ids)
    assert took < 2.5  # the action did not wait for the 3-second SMTP timeout (a busy box)
    notice = _direktur_notice(app, case_id)
    assert notice.email_sent_at is None and "timed out" in notice.email_error


def test_an_account_without_email_gets_the_notice_and_no_mail(notice_db):
    with SmtpSink() as smtp:
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ids = committed_people(app, "tanpa", {"direktur": None})
        case_id, _ = _report_and_wait(app, ids)
    notice = _direktur_notice(app, case_id)
    assert (notice.email_sent_at, notice.email_error) == (None, None)
    assert smtp.messages == []


def test_a_rolled_back_action_sends_no_mail(notice_db):
    with SmtpSink() as smtp:
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ids = committed_people(app, "batal", {})
        with app.app_context():
            people = load_people(ids)
            svc.report(db.session, people["pengguna"], report_payload(), MONDAY_0800, CALENDAR)
            db.session.rollback()
            db.session.commit()  # a later commit must not mail the rolled-back notice
        assert web_notices.mailer(app).wait_idle(timeout=20)
        assert smtp.messages == []


def test_without_mail_server_there_is_no_sender(app):
    assert web_notices.mailer(app) is None


def test_a_full_mail_queue_drops_mail_and_never_blocks(notice_db):
    app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    sender = web_notices.MailSender(app, app.config["SOPDESK"], queue_size=1)
    sender._start = lambda: None  # no thread: nothing drains the queue
    started = time.monotonic()
    for commit in ([1, 2], [3], [4]):
        sender.submit(commit)
    assert time.monotonic() - started < 0.5 and list(sender.queue.queue) == [[1, 2]]


def test_a_dead_mail_server_fails_the_rest_of_a_transaction_at_once(notice_db, monkeypatch):
    monkeypatch.setattr(web_notices, "SMTP_TIMEOUT", 1.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app = mail_app(notice_db, MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1])
        ids = committed_people(app, "sekaligus", {})
        with app.app_context():
            people = load_people(ids)
            case_id = None
            for label in ("report", "policy", "order"):  # one transaction, four notices
                case_id = take(db.session, people, case_id, label, MONDAY_0800).case.id
            db.session.commit()
        started = time.monotonic()
        assert web_notices.mailer(app).wait_idle(timeout=20)
        assert time.monotonic() - started < 2.5  # one timeout, not four
    with app.app_context():
        errors = db.session.scalars(sa.select(Notice.email_error).filter_by(case_id=case_id)).all()
    assert len(errors) == 4 and all("timed out" in error for error in errors)


def test_mail_settings_come_from_the_environment(monkeypatch):
    from admin_app.config import Config, ConfigError

    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "BASE_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    cfg = Config.from_env()
    assert (cfg.MAIL_SERVER, cfg.MAIL_PORT, cfg.MAIL_USE_TLS) == (None, 25, False)
    assert cfg.base_url == "http://127.0.0.1:5000"

    monkeypatch.setenv("MAIL_SERVER", "smtp.dgip.go.id")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("BASE_URL", "https://sopdesk.dgip.go.id/")
    cfg = Config.from_env()
    assert (cfg.MAIL_SERVER, cfg.MAIL_PORT, cfg.MAIL_USE_TLS) == ("smtp.dgip.go.id", 587, True)
    assert cfg.base_url == "https://sopdesk.dgip.go.id"

    monkeypatch.setenv("MAIL_USE_TLS", "mungkin")
    with pytest.raises(ConfigError, match="MAIL_USE_TLS"):
        Config.from_env()
    with pytest.raises(ConfigError, match="BASE_URL"):
        Config(BASE_URL="sopdesk.dgip.go.id").validate()
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        Config(MAIL_PORT=0).validate()

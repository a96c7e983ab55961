"""Notices in the web layer: the menu count, the overdue check, and mail sent after commit.

How mail goes out, and why this way:

1. A service writes notices in the action's own transaction and notes their ids in
   `Session.info` (`models.services.notices.PENDING_EMAILS`).
2. A SQLAlchemy `after_commit` listener on the app's session class hands those ids to this
   app's `MailSender`; `after_rollback` drops them. So a notice is mailed only if its action
   committed, and no view or command has to remember a `dispatch_pending()` call.
3. `MailSender` is one daemon thread per app behind a bounded queue holding one item per
   committed transaction. `submit` never blocks: when the queue is full the ids are dropped
   and logged (the in-app notices still stand). The thread reads each notice in its own short
   transaction, sends it with smtplib (with a timeout), and records `email_sent_at` or
   `email_error` in another short transaction. When the server itself fails (refused, timed
   out, TLS or login), the rest of that transaction's notices get the same error at once
   instead of each waiting out the timeout. Nothing it does can raise into a request.

A process that exits right after committing (the `notices check-overdue` command) waits for
the queue to drain first; a web worker that stops may leave queued mail unsent, never an
action undone.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, url_for
from flask.cli import AppGroup
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import db
from models.db import BindableSession
from models.services import notices as svc

from .config import Config

log = logging.getLogger(__name__)

EXTENSION = "sopdesk_mailer"
QUEUE_SIZE = 1000
SMTP_TIMEOUT = 10.0
# Headers unfolded up to the SMTP line limit: Python folds a long Subject right after the colon,
# which some readers show as a leading space.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


class MailSender:
    """Send notice emails from a background thread; never block or fail the caller."""

    def __init__(self, app: Flask, cfg: Config, queue_size: int = QUEUE_SIZE) -> None:
        self.app = app
        self.cfg = cfg
        # One item per committed transaction: the ids of the notices it wrote.
        self.queue: queue.Queue[list[int]] = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, notice_ids: list[int]) -> None:
        """Queue one transaction's notices for mailing; drop (and log) them if the queue is full."""
        if not notice_ids:
            return
        self._start()
        try:
            self.queue.put_nowait(list(notice_ids))
        except queue.Full:
            log.warning("mail queue full; %d notices are not mailed", len(notice_ids))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every queued notice is handled; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sopdesk-mail", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self.queue.get()
            try:
                with self.app.app_context():
                    self._deliver(batch)
            except Exception:  # the thread must outlive any one failure
                log.exception("mailing notices %s failed", batch)
            finally:
                self.queue.task_done()

    def _links(self) -> tuple[Any, str]:
        base = self.cfg.base_url

        def case_link(case_id: int) -> str:
            with self.app.test_request_context("/", base_url=base):
                return url_for("case.details_view", id=case_id, _external=True)

        with self.app.test_request_context("/", base_url=base):
            return case_link, url_for("notice.index", _external=True)

    def _deliver(self, notice_ids: list[int]) -> None:
        """Mail each notice and record the outcome; once the server fails, fail the rest fast."""
        case_link, notices_link = self._links()
        server_down: str | None = None
        for notice_id in notice_ids:
            with Session(db.engine) as session:
                email = svc.email_for(
                    session, notice_id, case_link, notices_link, self.cfg.TIMEZONE
                )
            if email is None:
                continue
            error = server_down
            if error is None:
                try:
                    self._send(email)
                except MESSAGE_ERRORS as exc:  # this message only: a refused or bad address
                    error = _describe(exc)
                except OSError as exc:  # the server (connect, timeout, TLS, login): all of them
                    error = server_down = _describe(exc)
            if error is not None:
                log.warning("mail for notice %s not sent: %s", notice_id, error)
            with Session(db.engine) as session, session.begin():
                svc.record_email(session, notice_id, datetime.now(UTC), error)

    def _send(self, email: svc.Email) -> None:
        cfg = self.cfg
        message = EmailMessage(policy=MAIL_POLICY)
        message["From"] = cfg.MAIL_FROM
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = make_msgid(domain="sopdesk")
        message.set_content(email.body)
        with smtplib.SMTP(cfg.MAIL_SERVER or "", cfg.MAIL_PORT, timeout=SMTP_TIMEOUT) as smtp:
            if cfg.MAIL_USE_TLS:
                smtp.starttls()
            if cfg.MAIL_USERNAME:
                smtp.login(cfg.MAIL_USERNAME, cfg.MAIL_PASSWORD or "")
            smtp.send_message(message)


# Failures of one message; any other OSError (smtplib's errors are OSErrors) is the server's.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def mailer(app: Flask) -> MailSender | None:
    """This app's mail sender; None when MAIL_SERVER is not configured."""
    return app.extensions.get(EXTENSION)


# -- after commit ---------------------------------------------------------------------------
def _after_commit(session: Session) -> None:
    ids = svc.take_pending(session)
    if not ids or not has_app_context():
        return
    sender = current_app.extensions.get(EXTENSION)
    if sender is not None:
        sender.submit(ids)


def _after_rollback(session: Session) -> None:
    svc.take_pending(session)


def _listen() -> None:
    for name, fn in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not sa.event.contains(BindableSession, name, fn):
            sa.event.listen(BindableSession, name, fn)


# -- the menu count and the work-queue overdue check ----------------------------------------
def notice_count() -> int:
    """Unread notices of the signed-in user (capped), once per request."""
    if not current_user.is_authenticated:
        return 0
    if "notice_count" not in g:
        try:
            g.notice_count = svc.unread_count(db.session, current_user)
        except SQLAlchemyError:
            log.exception("counting notices failed")
            db.session.rollback()
            g.notice_count = 0
    return int(g.notice_count)


# -- the cron command -----------------------------------------------------------------------
notices_cli = AppGroup("notices", help="Pemberitahuan: notices to the people who act on cases.")


@notices_cli.command("check-overdue")
def check_overdue() -> None:
    """Notify the performers of every step in progress that ran over its standard (for cron)."""
    from . import clock

    created = svc.notify_overdue(db.session, clock.now())
    db.session.commit()
    sender = current_app.extensions.get(EXTENSION)
    if sender is not None and not sender.wait_idle(timeout=120):
        click.echo("Sebagian email belum terkirim (waktu habis).", err=True)
    click.echo(f"{len(created)} pemberitahuan lewat standar dibuat.")


def init_app(app: Flask) -> None:
    """The menu count, the CLI command and, with MAIL_SERVER, mail."""
    cfg: Config = app.config["SOPDESK"]
    if cfg.MAIL_SERVER:
        app.extensions[EXTENSION] = MailSender(app, cfg)
    _listen()
    app.context_processor(lambda: {"notice_count": notice_count})
    app.cli.add_command(notices_cli)

"""Notices: who hears that a case landed in their queue or ran over, and the texts they read.

Notices are written in the same transaction as the action that caused them (a refused or
rolled-back action leaves none). Each new notice's id is also noted in `session.info`; the web
layer (`admin_app/notices.py`) hands those ids to its background mail sender once the
transaction has committed, so mail never holds up or undoes an action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, joinedload

from rules.enums import Action, OutputKind
from rules.sop import SopDefinition, StepDef
from rules.transitions import Outcome

from ..accounts import Account, account_roles
from ..accounts import Role as RoleRow
from ..cases import Case, StepRun
from ..notices import EMAIL_ERROR_LIMIT, Notice, NoticeKind
from ..sop_versions import SopVersion
from .queue import waiting_for

PENDING_EMAILS = "sopdesk.new_notice_ids"
"""Key in `Session.info`: ids of notices written in the current transaction, not yet mailed."""

PAGE_SIZE = 25
INSERT_BATCH = 1000
UNREAD_CAP = 99
"""The menu counts unread notices up to this many and shows "99+" beyond."""

# -- the recipient rule ----------------------------------------------------------------------
#
# A hand-off is an action after which the case waits for a different position than the one
# that just acted, or a return for rework, or a new performer named for the step in progress.
# Steps a position takes in a row (the portal's kasi 4 → 5 → 6, 8 → 9) notify nobody.
#
# Who hears of it, and of an overrun: the performers of the step now waiting — the case's named
# performer for a step whose performer is named, otherwise every active account holding the
# step's position. Never the person who just acted.
#
# Which kind of notice follows from the steps' properties: a return → RETURNED; the waiting
# step's performer just named (by the finished step, or anew) → DIRECTED; the finished step
# gave an instruction → ORDERED; anything else → LANDED.


# -- the words, in one place, in both languages ---------------------------------------------
#
# Mail is written outside any request, in the recipient's language (Account.language); the
# in-app list asks for the reader's. Hence plain tables, like rules/messages.py, not Babel.
LANGUAGES = ("id", "en")
HEADLINES: dict[NoticeKind, dict[str, str]] = {
    NoticeKind.LANDED: {
        "id": "Kasus menunggu langkah Anda",
        "en": "A case is waiting for your step",
    },
    NoticeKind.ORDERED: {
        "id": "Instruksi untuk menangani kasus",
        "en": "An instruction to handle a case",
    },
    NoticeKind.DIRECTED: {
        "id": "Anda ditunjuk melaksanakan langkah kasus",
        "en": "You are named to perform a step of a case",
    },
    NoticeKind.RETURNED: {
        "id": "Kasus dikembalikan untuk dikerjakan ulang",
        "en": "A case was sent back for rework",
    },
    NoticeKind.OVER_STANDARD: {
        "id": "Langkah melewati waktu standar",
        "en": "A step ran over its standard time",
    },
}
SUBJECT = {
    "id": "[SOP Desk] {headline}: kasus #{case_id} {title}",
    "en": "[SOP Desk] {headline}: case #{case_id} {title}",
}
BODY = {
    "id": """Yth. {name},

{headline}.

Kasus    : #{case_id} {title}
Langkah  : {step}. {activity}
{due_line}Buka kasus: {link}

Semua pemberitahuan Anda: {notices_link}

Pesan ini dikirim otomatis oleh SOP Desk; mohon tidak dibalas.
""",
    "en": """Dear {name},

{headline}.

Case     : #{case_id} {title}
Step     : {step}. {activity}
{due_line}Open the case: {link}

All your notices: {notices_link}

This message was sent automatically by SOP Desk; please do not reply.
""",
}
DUE_LINE = {
    "id": "Batas standar: {due} (sudah terlewati)\n",
    "en": "Standard due time: {due} (already passed)\n",
}


def _lang(language: str | None) -> str:
    return language if language in LANGUAGES else "id"


def _waiting_step(case: Case, run: StepRun) -> StepDef:
    return case.sop_version.sop.step(run.step)


def headline(kind: NoticeKind, lang: str = "id") -> str:
    """What a notice says in one line, in Bahasa Indonesia ("id") or English ("en")."""
    return HEADLINES[kind][_lang(lang)]


def notice_headline(notice: Notice, lang: str = "id") -> str:
    """The one-line text of a stored notice."""
    return headline(notice.kind, lang)


# -- who ------------------------------------------------------------------------------------
class Performers:
    """The recipient rule: who performs a step (cached per role for one call of a service)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._members: dict[str, list[int]] = {}

    def of(self, step: StepDef, assignee_id: int | None) -> list[int]:
        """The case's named performer for a step whose performer is named, else the position's."""
        if step.by_assignee:
            assignee = self.session.get(Account, assignee_id) if assignee_id else None
            return [assignee.id] if assignee is not None and assignee.active else []
        if step.role not in self._members:
            self._members[step.role] = list(
                self.session.scalars(
                    sa.select(Account.id)
                    .join(account_roles, account_roles.c.account_id == Account.id)
                    .join(RoleRow, RoleRow.id == account_roles.c.role_id)
                    .where(RoleRow.code == step.role, Account.active)
                    .order_by(Account.id)
                )
            )
        return self._members[step.role]


def handoff_kind(
    sop: SopDefinition, outcome: Outcome, acted_role: str, waiting_step: int | None
) -> NoticeKind | None:
    """The notice an action sends, or None when the case stays with the same position or closed."""
    if waiting_step is None:
        return None
    if outcome.action is Action.RETURN_FOR_REWORK:
        return NoticeKind.RETURNED
    if waiting_step in outcome.fields.get("assignee_for", ()):  # type: ignore[operator]
        return NoticeKind.DIRECTED
    if acted_role == sop.step(waiting_step).role:
        return None
    if outcome.output_kind is OutputKind.INSTRUCTION:
        return NoticeKind.ORDERED
    return NoticeKind.LANDED


# -- writing ----------------------------------------------------------------------------------
def _insert(session: Session, rows: Sequence[dict[str, object]]) -> list[int]:
    """Insert notices, skipping any that already exist; note the new ids for mailing."""
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_BATCH):
        ids += session.scalars(
            insert(Notice)
            .values(list(rows[start : start + INSERT_BATCH]))
            .on_conflict_do_nothing(constraint="uq_notices_run_kind_recipient")
            .returning(Notice.id)
        )
    session.info.setdefault(PENDING_EMAILS, []).extend(ids)
    return ids


def notify_handoff(session: Session, case: Case, outcome: Outcome, now: datetime) -> list[int]:
    """Tell the performers of the step now waiting that the case landed with them."""
    waiting = next((run for run in case.step_runs if run.completed_at is None), None)
    done = [run for run in case.step_runs if run.completed_at is not None]
    if waiting is None or waiting.id is None or not done:
        return []
    finished = done[-1]
    sop = case.sop_version.sop
    kind = handoff_kind(sop, outcome, finished.role, waiting.step)
    if kind is None:
        return []
    recipients = Performers(session).of(sop.step(waiting.step), case.assignee_id)
    return _insert(
        session,
        [
            {
                "recipient_id": account_id,
                "case_id": case.id,
                "step_run_id": waiting.id,
                "kind": kind,
                "created_at": now,
            }
            for account_id in recipients
            if account_id != finished.performer_id
        ],
    )


def overdue_runs(
    now: datetime,
    *,
    account: Account | None = None,
    case_ids: list[int] | None = None,
    limit: int | None = None,
) -> sa.Select[tuple[int, int, int, int, int | None]]:
    """Open runs past their due time with no overrun notice yet, the longest overdue first.

    Rows of (run id, step, case id, SOP version id, assignee id).
    """
    already = sa.exists().where(
        Notice.step_run_id == StepRun.id, Notice.kind == NoticeKind.OVER_STANDARD
    )
    stmt = (
        sa.select(StepRun.id, StepRun.step, Case.id, Case.sop_version_id, Case.assignee_id)
        .join(Case, Case.id == StepRun.case_id)
        # The predicate of the partial index ix_step_runs_open_due.
        .where(StepRun.completed_at.is_(None), StepRun.due_at.is_not(None), StepRun.due_at < now)
        .where(~already)
        .order_by(StepRun.due_at, StepRun.id)
        .limit(limit)
    )
    if account is not None:
        stmt = stmt.where(waiting_for(account))
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(case_ids))
    return stmt


def notify_overdue(
    session: Session,
    now: datetime,
    *,
    account: Account | None = None,
    case_ids: list[int] | None = None,
    limit: int | None = None,
) -> list[int]:
    """Tell the performers of open runs past their due time, once per run and recipient.

    With `account` and `case_ids`, only those cases of that account's queue are checked (the
    page of the work queue on screen); their other performers are told too, so "this run has
    overrun notices" stays all or none. `limit` bounds the runs looked at in one call.
    """
    performers = Performers(session)
    sops: dict[int, SopDefinition] = {}
    rows: list[dict[str, object]] = []
    for run_id, step, case_id, version_id, assignee_id in session.execute(
        overdue_runs(now, account=account, case_ids=case_ids, limit=limit)
    ):
        if version_id not in sops:
            sops[version_id] = session.get_one(SopVersion, version_id).sop
        rows += [
            {
                "recipient_id": account_id,
                "case_id": case_id,
                "step_run_id": run_id,
                "kind": NoticeKind.OVER_STANDARD,
                "created_at": now,
            }
            for account_id in performers.of(sops[version_id].step(step), assignee_id)
        ]
    return _insert(session, rows)


def take_pending(session: Session) -> list[int]:
    """The ids of notices written since the last call (for mailing after commit)."""
    return session.info.pop(PENDING_EMAILS, [])


# -- reading ----------------------------------------------------------------------------------
def _own(account: Account) -> sa.ColumnElement[bool]:
    return Notice.recipient_id == account.id


def unread_rows(account: Account, cap: int = UNREAD_CAP) -> sa.Select[tuple[int]]:
    """The unread notices of `account`, at most `cap` + 1: one range scan of ix_notices_unread."""
    return sa.select(sa.literal(1)).where(_own(account), Notice.read_at.is_(None)).limit(cap + 1)


def unread_count(session: Session, account: Account, cap: int = UNREAD_CAP) -> int:
    """Unread notices of `account`, counted up to `cap` + 1.

    The rows are counted here rather than with COUNT(*): at most a hundred tiny rows, and the
    screens keep the rule that no page runs a COUNT.
    """
    return len(session.scalars(unread_rows(account, cap)).all())


@dataclass(frozen=True)
class NoticePage:
    """One page of a person's notices, newest first."""

    items: list[Notice]
    page: int
    has_more: bool


def list_for(session: Session, account: Account, page: int = 0) -> NoticePage:
    """The account's notices, newest first, PAGE_SIZE at a time."""
    page = max(page, 0)
    items = list(
        session.scalars(
            sa.select(Notice)
            .where(_own(account))
            .options(joinedload(Notice.case), joinedload(Notice.step_run))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .offset(page * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return NoticePage(items[:PAGE_SIZE], page, len(items) > PAGE_SIZE)


def get_own(session: Session, account: Account, notice_id: int) -> Notice | None:
    """The account's notice with this id; None for a missing or someone else's notice."""
    return session.scalars(
        sa.select(Notice).where(_own(account), Notice.id == notice_id)
    ).one_or_none()


def mark_read(
    session: Session, account: Account, now: datetime, notice_ids: Iterable[int] | None = None
) -> int:
    """Mark the account's unread notices read (all, or those ids); return how many."""
    stmt = (
        sa.update(Notice)
        .where(_own(account), Notice.read_at.is_(None))
        # A notice stamped by a clock slightly ahead must not be read before it was written.
        .values(read_at=sa.func.greatest(now, Notice.created_at))
    )
    if notice_ids is not None:
        stmt = stmt.where(Notice.id.in_(list(notice_ids)))
    return session.execute(stmt.execution_options(synchronize_session=False)).rowcount or 0


# -- mail -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Email:
    """One message to send for one notice."""

    notice_id: int
    to: str
    subject: str
    body: str


def email_for(
    session: Session,
    notice_id: int,
    case_link: Callable[[int], str],
    notices_link: str,
    tz: str,
) -> Email | None:
    """The message for a notice not yet mailed; None when gone, already handled or no address."""
    notice = session.scalars(
        sa.select(Notice)
        .where(
            Notice.id == notice_id,
            Notice.email_sent_at.is_(None),
            Notice.email_error.is_(None),
        )
        .options(joinedload(Notice.recipient), joinedload(Notice.case), joinedload(Notice.step_run))
    ).one_or_none()
    if notice is None or not (notice.recipient.email or "").strip():
        return None
    lang = _lang(notice.recipient.language)  # the recipient's language, not the sender's
    step = _waiting_step(notice.case, notice.step_run)
    line = headline(notice.kind, lang)
    due = notice.step_run.due_at
    due_line = ""
    if notice.kind is NoticeKind.OVER_STANDARD and due is not None:
        due_text = due.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M")
        due_line = DUE_LINE[lang].format(due=due_text)
    subject = SUBJECT[lang].format(headline=line, case_id=notice.case_id, title=notice.case.title)
    subject = " ".join(subject.split())  # a header is one line: breaks in a title become spaces
    return Email(
        notice_id=notice.id,
        to=notice.recipient.email.strip(),
        subject=subject,
        body=BODY[lang].format(
            name=notice.recipient.full_name,
            headline=line,
            case_id=notice.case_id,
            title=notice.case.title,
            step=step.number,
            activity=step.activity_en if lang == "en" else step.activity_id,
            due_line=due_line,
            link=case_link(notice.case_id),
            notices_link=notices_link,
        ),
    )


def record_email(session: Session, notice_id: int, now: datetime, error: str | None = None) -> None:
    """Note that a notice's email went out, or why it did not."""
    values: dict[str, object] = (
        {"email_error": (error.strip() or "galat")[:EMAIL_ERROR_LIMIT]}
        if error is not None
        else {"email_sent_at": now}
    )
    session.execute(
        sa.update(Notice)
        .where(Notice.id == notice_id, Notice.email_sent_at.is_(None), Notice.email_error.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )

"""Notices: a case landed in someone's queue, or a step in progress ran over its standard."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Account
from .cases import Case, StepRun
from .db import db
from .types import str_enum

EMAIL_ERROR_LIMIT = 300


class NoticeKind(StrEnum):
    """Why a person is told about a case."""

    LANDED = "landed"  # the case now waits for your step
    ORDERED = "ordered"  # the step before yours gave an instruction (the portal's order)
    DIRECTED = "directed"  # you are named to perform the step now waiting (the portal's JFU)
    RETURNED = "returned"  # the case came back to your step for rework
    OVER_STANDARD = "over_standard"  # your step in progress ran past its standard time


class Notice(db.Model):
    """One notice to one account about one step run of a case; never duplicated."""

    __tablename__ = "notices"
    __table_args__ = (
        # One notice per run, kind and recipient; its leading column also answers "has this
        # run been notified yet?" for the overdue check. (case_id follows from step_run_id.)
        sa.UniqueConstraint(
            "step_run_id", "kind", "recipient_id", name="uq_notices_run_kind_recipient"
        ),
        sa.CheckConstraint("read_at IS NULL OR read_at >= created_at", name="read_after_created"),
        sa.CheckConstraint(
            "email_sent_at IS NULL OR email_error IS NULL", name="email_sent_or_failed"
        ),
        sa.CheckConstraint(
            "email_error IS NULL OR length(email_error) > 0", name="email_error_present"
        ),
        # "Unread notices of account X, newest first": the menu count and the list's top.
        sa.Index(
            "ix_notices_unread",
            "recipient_id",
            "created_at",
            postgresql_where=sa.text("read_at IS NULL"),
        ),
        # "All notices of account X, newest first": the list page.
        sa.Index("ix_notices_recipient", "recipient_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="RESTRICT"))
    step_run_id: Mapped[int] = mapped_column(sa.ForeignKey("step_runs.id", ondelete="RESTRICT"))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    email_sent_at: Mapped[datetime | None]
    email_error: Mapped[str | None] = mapped_column(sa.String(EMAIL_ERROR_LIMIT))

    recipient: Mapped[Account] = relationship()
    case: Mapped[Case] = relationship()
    step_run: Mapped[StepRun] = relationship()

    def __str__(self) -> str:
        return f"{self.kind.value} #{self.case_id} → {self.recipient_id}"

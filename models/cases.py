"""A reported problem and the runs of its SOP's steps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.enums import CaseStatus, Channel, CloseReason, Priority
from rules.sop import CODE_LIMIT

from .accounts import Account
from .db import db
from .sop_versions import SopVersion
from .types import str_enum


class Case(db.Model):
    """One reported problem, walked through the SOP's steps."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.Index(
            "ix_cases_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
        sa.Index(
            "ix_cases_reporter_name_trgm",
            "reporter_name",
            postgresql_using="gin",
            postgresql_ops={"reporter_name": "gin_trgm_ops"},
        ),
        sa.CheckConstraint(
            "(status = 'open') = (current_step IS NOT NULL AND waiting_role IS NOT NULL)",
            name="open_has_current_step",
        ),
        sa.CheckConstraint("current_step IS NULL OR current_step >= 1", name="step_positive"),
        sa.CheckConstraint("rework_rounds >= 0", name="rework_rounds_not_negative"),
        sa.CheckConstraint(
            "(status = 'closed_early') = (close_reason IS NOT NULL)", name="early_close_has_reason"
        ),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_has_time"),
        sa.CheckConstraint(
            "waiting_account_id IS NULL OR status = 'open'", name="waiting_account_only_open"
        ),
        sa.CheckConstraint("length(trim(title)) > 0", name="title_present"),
        sa.CheckConstraint(
            "reporter_id IS NOT NULL OR reporter_name IS NOT NULL", name="reporter_known"
        ),
        # "Cases waiting for role X", oldest first: the work queue.
        sa.Index(
            "ix_cases_open_by_role",
            "waiting_role",
            "created_at",
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index(
            "ix_cases_open_by_assignee",
            "assignee_id",
            "created_at",
            postgresql_where=sa.text("status = 'open'"),
        ),
        # "Open cases waiting on this account": stuck cases when the account goes.
        sa.Index(
            "ix_cases_open_by_waiting_account",
            "waiting_account_id",
            "created_at",
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_cases_reporter", "reporter_id", "created_at"),
        sa.Index("ix_cases_recorded_by", "recorded_by_id", "created_at"),
        sa.Index("ix_cases_created_at", "created_at"),
        # "Cases closed in a period, newest first": the dashboard's closed-case figures.
        sa.Index(
            "ix_cases_closed_at",
            "closed_at",
            "id",
            postgresql_where=sa.text("closed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_version_id: Mapped[int] = mapped_column(sa.ForeignKey("sop_versions.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "priority"))
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status"), default=CaseStatus.OPEN
    )
    current_step: Mapped[int | None]
    # The position the current step waits for, and the account when its performer is named.
    waiting_role: Mapped[str | None] = mapped_column(
        sa.String(CODE_LIMIT), sa.ForeignKey("roles.code")
    )
    waiting_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reporter_name: Mapped[str | None] = mapped_column(sa.String(200))
    reporter_contact: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    # The performer named for the steps a step names them for (the JFU of the portal SOP).
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    rework_rounds: Mapped[int] = mapped_column(default=0, server_default="0")
    close_reason: Mapped[CloseReason | None] = mapped_column(str_enum(CloseReason, "close_reason"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    sop_version: Mapped[SopVersion] = relationship(lazy="selectin")
    reporter: Mapped[Account | None] = relationship(foreign_keys=[reporter_id])
    recorded_by: Mapped[Account] = relationship(foreign_keys=[recorded_by_id])
    assignee: Mapped[Account | None] = relationship(foreign_keys=[assignee_id])
    waiting_account: Mapped[Account | None] = relationship(foreign_keys=[waiting_account_id])
    step_runs: Mapped[list[StepRun]] = relationship(
        back_populates="case", order_by="StepRun.id", lazy="selectin"
    )

    def __str__(self) -> str:
        return f"#{self.id} {self.title}"


class StepRun(db.Model):
    """One occurrence of a step for a case; a rework round is a new run of the same step."""

    __tablename__ = "step_runs"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "step", "round", name="uq_step_runs_case_step_round"),
        sa.CheckConstraint("step >= 1", name="step_positive"),
        sa.CheckConstraint("round >= 0", name="round_not_negative"),
        sa.CheckConstraint(
            "standard_minutes IS NULL OR standard_minutes > 0", name="standard_positive"
        ),
        sa.CheckConstraint("opened_at IS NULL OR opened_at >= actionable_at", name="opened_after"),
        sa.CheckConstraint("due_at IS NULL OR due_at >= actionable_at", name="due_after"),
        sa.CheckConstraint("(due_at IS NULL) = (standard_minutes IS NULL)", name="timed_has_due"),
        sa.CheckConstraint(
            "completed_at IS NULL OR completed_at >= actionable_at", name="completed_after"
        ),
        sa.CheckConstraint(
            "(completed_at IS NULL) = (performer_id IS NULL)", name="completed_has_performer"
        ),
        sa.CheckConstraint(
            "(completed_at IS NULL) = (working_minutes IS NULL)", name="completed_is_measured"
        ),
        sa.CheckConstraint(
            "working_minutes IS NULL OR working_minutes >= 0", name="working_not_negative"
        ),
        sa.CheckConstraint(
            "(completed_at IS NULL) = (outcome IS NULL)", name="completed_has_outcome"
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('completed', 'returned', 'closed_early')",
            name="outcome_known",
        ),
        # At most one step in progress per case.
        sa.Index(
            "uq_step_runs_one_open_per_case",
            "case_id",
            unique=True,
            postgresql_where=sa.text("completed_at IS NULL"),
        ),
        # "Open steps started before T": live overdue checks.
        sa.Index(
            "ix_step_runs_open_due",
            "due_at",
            postgresql_where=sa.text("completed_at IS NULL AND due_at IS NOT NULL"),
        ),
        sa.Index(
            "ix_step_runs_open_since",
            "actionable_at",
            postgresql_where=sa.text("completed_at IS NULL"),
        ),
        sa.Index("ix_step_runs_performer", "performer_id", "completed_at"),
        # "Runs of step N finished in a period": the dashboard's per-step and per-JFU figures,
        # read from the index alone (it carries every column they need).
        sa.Index(
            "ix_step_runs_step_completed",
            "step",
            "completed_at",
            postgresql_include=[
                "outcome",
                "standard_minutes",
                "working_minutes",
                "performer_id",
            ],
            postgresql_where=sa.text("completed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="RESTRICT"))
    step: Mapped[int]
    round: Mapped[int] = mapped_column(default=0, server_default="0")
    role: Mapped[str] = mapped_column(sa.String(CODE_LIMIT), sa.ForeignKey("roles.code"))
    standard_minutes: Mapped[int | None]
    actionable_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # The instant the standard runs out, in working time (None when untimed); recomputed for
    # open runs when a day off is added, so "over standard now" is a plain SQL comparison.
    due_at: Mapped[datetime | None]
    performer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    working_minutes: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    outcome: Mapped[str | None] = mapped_column(sa.String(30))

    case: Mapped[Case] = relationship(back_populates="step_runs")
    performer: Mapped[Account | None] = relationship()

    def __str__(self) -> str:
        return f"#{self.case_id} langkah {self.step}" + (
            f" (ulang {self.round})" if self.round else ""
        )

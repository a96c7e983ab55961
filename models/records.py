"""The outputs of the steps: instructions, reports and daily-log entries (never edited)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from rules.enums import Priority
from rules.sop import CODE_LIMIT

from .accounts import Account
from .cases import Case, StepRun
from .db import db
from .types import CODE_FORMAT, str_enum


class _StepOutput:
    """Columns every step output shares: the case, the step run, the author, the text."""

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]

    @declared_attr
    def case_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("cases.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def step_run_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("step_runs.id", ondelete="RESTRICT"))

    @declared_attr
    def author_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("accounts.id"))

    @declared_attr
    def corrects_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey(f"{cls.__tablename__}.id", ondelete="RESTRICT"))

    @declared_attr
    def corrects(cls) -> Mapped[Any]:
        return relationship(cls.__name__, remote_side=f"{cls.__name__}.id")

    @declared_attr
    def case(cls) -> Mapped[Case]:
        return relationship(Case)

    @declared_attr
    def step_run(cls) -> Mapped[StepRun | None]:
        return relationship(StepRun)

    @declared_attr
    def author(cls) -> Mapped[Account]:
        return relationship(Account, foreign_keys=[cls.author_id])


class Instruction(_StepOutput, db.Model):
    """A step's instruction (the portal SOP's policy, order and direction to a JFU)."""

    __tablename__ = "instructions"
    __table_args__ = (
        sa.Index(
            "ix_instructions_text_trgm",
            "text",
            postgresql_using="gin",
            postgresql_ops={"text": "gin_trgm_ops"},
        ),
        sa.Index("ix_instructions_created_at", "created_at", "id"),
        sa.CheckConstraint("length(trim(text)) > 0", name="text_present"),
        sa.CheckConstraint(f"kind ~ '{CODE_FORMAT}'", name="kind_format"),
    )

    # The step's record kind, a code of its SOP (rules.sop.StepDef.record_kind).
    kind: Mapped[str] = mapped_column(sa.String(CODE_LIMIT))
    addressee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    priority: Mapped[Priority | None] = mapped_column(str_enum(Priority, "instruction_priority"))

    addressee: Mapped[Account | None] = relationship(foreign_keys=[addressee_id])


class Report(_StepOutput, db.Model):
    """A step's report (the portal SOP's analysis, solution, fix, acceptance), or a return."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.Index(
            "ix_reports_text_trgm",
            "text",
            postgresql_using="gin",
            postgresql_ops={"text": "gin_trgm_ops"},
        ),
        sa.Index("ix_reports_created_at", "created_at", "id"),
        sa.CheckConstraint("length(trim(text)) > 0", name="text_present"),
        sa.CheckConstraint(f"kind ~ '{CODE_FORMAT}'", name="kind_format"),
    )

    # The step's record kind, or rules.sop.RETURN_RECORD_KIND for a return.
    kind: Mapped[str] = mapped_column(sa.String(CODE_LIMIT))


class LogEntry(_StepOutput, db.Model):
    """An entry of the daily activity log (log kegiatan harian); append-only."""

    __tablename__ = "log_entries"
    __table_args__ = (
        sa.Index(
            "ix_log_entries_text_trgm",
            "text",
            postgresql_using="gin",
            postgresql_ops={"text": "gin_trgm_ops"},
        ),
        sa.CheckConstraint("length(trim(text)) > 0", name="text_present"),
        sa.Index("ix_log_entries_day", "log_date", "id"),
        sa.Index("ix_log_entries_author_day", "author_id", "log_date"),
    )

    # A log entry may record work outside any case, so the case is optional here.
    case_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]
        sa.ForeignKey("cases.id", ondelete="RESTRICT"), index=True
    )
    log_date: Mapped[date]

    case: Mapped[Case | None] = relationship(Case)  # type: ignore[assignment]

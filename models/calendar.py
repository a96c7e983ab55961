"""Extra non-working days (cuti bersama, closures) that a superuser adds to the calendar."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .db import db
from .types import str_enum


class NonWorkingKind(StrEnum):
    """Why a day is not worked."""

    LIBUR_NASIONAL = "libur_nasional"
    CUTI_BERSAMA = "cuti_bersama"
    PENUTUPAN = "penutupan"


class NonWorkingDay(db.Model):
    """A day off beyond the national holidays the `holidays` package knows."""

    __tablename__ = "non_working_days"
    __table_args__ = (sa.CheckConstraint("length(trim(name)) > 0", name="name_present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[NonWorkingKind] = mapped_column(str_enum(NonWorkingKind, "non_working_kind"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"

"""The permission matrix as rows: which position may do what on which screen."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .db import db


class Perm(StrEnum):
    """What a position may do on a screen."""

    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    ACT = "act"
    EXPORT = "export"


class RoleGrant(db.Model):
    """One entry of the matrix: a position may do `perm` on `screen` (the web layer's screens)."""

    __tablename__ = "role_grants"
    __table_args__ = (
        sa.CheckConstraint(
            "perm IN (" + ", ".join(f"'{perm.value}'" for perm in Perm) + ")", name="perm_known"
        ),
    )

    role_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    screen: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    perm: Mapped[str] = mapped_column(sa.String(10), primary_key=True)

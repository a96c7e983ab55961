"""SOP definitions stored as versions; every case points at the version it runs on."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from rules.sop import SopDefinition, sop_from_dict

from .db import db


class SopVersion(db.Model):
    """One immutable version of an SOP definition (the rules' data, as JSON)."""

    __tablename__ = "sop_versions"
    __table_args__ = (
        sa.UniqueConstraint("key", "version", name="uq_sop_versions_key_version"),
        sa.CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

    @cached_property
    def sop(self) -> SopDefinition:
        """The definition as the rules read it (parsed once per loaded row; rows never change)."""
        return sop_from_dict(self.definition, source=f"{self.key} v{self.version}")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

"""The SOP library: each SOP, and its definitions stored as versions cases point at."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.sop import KEY_LIMIT, SopDefinition, sop_from_dict

from .accounts import Account
from .db import db
from .types import CODE_FORMAT, str_enum


class VersionState(StrEnum):
    """Where a version stands: a draft changes; published runs new cases; retired runs none.

    A published or retired version never changes (a trigger refuses it): cases keep the
    version they started on, and a change to a published SOP is a new version.
    """

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Sop(db.Model):
    """One SOP of the library, whatever its versions; one is the default for new cases."""

    __tablename__ = "sops"
    __table_args__ = (
        sa.CheckConstraint(f"key ~ '{CODE_FORMAT}'", name="key_format"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_present"),
        sa.Index("uq_sops_name_lower", sa.func.lower(sa.text("name")), unique=True),
        sa.Index(
            "uq_sops_one_default", "is_default", unique=True, postgresql_where=sa.text("is_default")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LIMIT), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    is_default: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

    versions: Mapped[list[SopVersion]] = relationship(
        back_populates="library_sop", order_by="SopVersion.version"
    )

    def __str__(self) -> str:
        return self.name


class SopVersion(db.Model):
    """One version of an SOP definition (the rules' data, as JSON)."""

    __tablename__ = "sop_versions"
    __table_args__ = (
        sa.UniqueConstraint("key", "version", name="uq_sop_versions_key_version"),
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.CheckConstraint("(state = 'draft') = (published_at IS NULL)", name="published_has_time"),
        sa.Index(
            "uq_sop_versions_one_published",
            "sop_id",
            unique=True,
            postgresql_where=sa.text("state = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[int] = mapped_column(sa.ForeignKey("sops.id"))
    key: Mapped[str] = mapped_column(sa.String(KEY_LIMIT))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    state: Mapped[VersionState] = mapped_column(str_enum(VersionState, "state_known"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    # The uploaded table it was built from, when it came from one (to edit a draft again).
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sop_imports.id"))

    library_sop: Mapped[Sop] = relationship(back_populates="versions")
    created_by: Mapped[Account | None] = relationship()
    source: Mapped[SopImport | None] = relationship()

    @cached_property
    def sop(self) -> SopDefinition:
        """The definition as the rules read it (parsed once per loaded row)."""
        return sop_from_dict(self.definition, source=f"{self.key} v{self.version}")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class SopImport(db.Model):
    """An uploaded SOP table, kept as its rows of cells while a superuser maps it."""

    __tablename__ = "sop_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(sa.String(255))
    # [[line, [cell, ...]], ...] as read from the file: rules.importer.read_table reads them.
    rows: Mapped[list[Any]] = mapped_column(JSONB)
    # What the superuser chose last (columns, steps, name): the form shows it again.
    choices: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

"""The append-only audit trail: who did what, when, with the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Account
from .db import db


class AuditEvent(db.Model):
    """One audited change; never updated or deleted, and hash-chained (both by triggers)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_action", "action", "occurred_at"),
        sa.Index("ix_audit_events_actor", "actor_id", "occurred_at"),
        sa.Index("ix_audit_events_occurred_at", "occurred_at", "id"),
        sa.Index("ix_audit_events_case", "case_id", "id"),
        sa.Index("ix_audit_events_entity", "entity", "entity_id"),
        sa.CheckConstraint("length(action) > 0", name="action_present"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    entity: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    # Set by the audit_events_chain trigger (migration 0006), never by the application.
    chain_seq: Mapped[int] = mapped_column(
        sa.BigInteger, unique=True, server_default=sa.FetchedValue()
    )
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64), server_default=sa.FetchedValue())
    hash: Mapped[str] = mapped_column(sa.String(64), server_default=sa.FetchedValue())

    actor: Mapped[Account | None] = relationship()


class AuditChainHead(db.Model):
    """The last link of the audit hash chain (one row; its lock serialises audit writers)."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (sa.CheckConstraint("id", name="one_row"),)

    id: Mapped[bool] = mapped_column(primary_key=True, server_default=sa.true())
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str | None] = mapped_column(sa.String(64))


class AuditSeal(db.Model):
    """The keyed seal of one chain link, written by the application in the link's transaction."""

    __tablename__ = "audit_seals"

    chain_seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(40))
    mac: Mapped[str] = mapped_column(sa.String(64))
    sealed_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

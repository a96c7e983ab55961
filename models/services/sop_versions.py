"""Keeping the SOP definitions the rules ship in the database, as immutable versions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from rules.sop import PORTAL_SOP_KEY, SopDefinition, portal_sop, sop_to_dict

from ..sop_versions import SopVersion


def store_version(session: Session, sop: SopDefinition) -> SopVersion:
    """The stored row for this (key, version), inserting it if new; never rewrites an old one."""
    session.execute(
        insert(SopVersion)
        .values(key=sop.key, version=sop.version, name=sop.name, definition=sop_to_dict(sop))
        .on_conflict_do_nothing(constraint="uq_sop_versions_key_version")
    )
    return session.execute(
        sa.select(SopVersion).filter_by(key=sop.key, version=sop.version)
    ).scalar_one()


def latest_version(session: Session, key: str = PORTAL_SOP_KEY) -> SopVersion | None:
    """The newest stored version of an SOP."""
    return session.execute(
        sa.select(SopVersion).filter_by(key=key).order_by(SopVersion.version.desc()).limit(1)
    ).scalar_one_or_none()


def current_version(session: Session, key: str = PORTAL_SOP_KEY) -> SopVersion:
    """The version new cases run on: the shipped portal SOP is stored on first use."""
    if key == PORTAL_SOP_KEY:
        shipped = portal_sop()
        stored = latest_version(session, key)
        if stored is None or stored.version < shipped.version:
            return store_version(session, shipped)
        return stored
    stored = latest_version(session, key)
    if stored is None:
        from ..errors import ServiceError

        raise ServiceError("sop_unknown", key=key)
    return stored

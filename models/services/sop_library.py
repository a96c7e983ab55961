"""The SOP library: which version new cases run on, drafts, publishing, retiring, the default.

A version's life: a draft (changes freely, runs nothing) → published (new cases run on it; one
per SOP) → retired (replaced by a newer version, or the SOP withdrawn). Published and retired
versions never change (a trigger refuses it), so running cases keep the version they started
on and nothing in history is rewritten. Every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.sop import SopDefinition, sop_to_dict

from ..accounts import Account, Role, account_roles
from ..errors import ServiceError
from ..sop_versions import Sop, SopImport, SopVersion, VersionState
from . import audit


def published_version(session: Session, key: str) -> SopVersion:
    """The version new cases of this SOP run on; refused when there is none."""
    version = session.scalars(
        sa.select(SopVersion).where(
            SopVersion.key == key, SopVersion.state == VersionState.PUBLISHED
        )
    ).one_or_none()
    if version is None:
        if session.scalars(sa.select(Sop.id).where(Sop.key == key)).first() is None:
            raise ServiceError("sop_unknown", key=key)
        raise ServiceError("sop_not_published", key=key)
    return version


def default_sop(session: Session) -> Sop | None:
    """The SOP a new case runs on unless another is chosen."""
    return session.scalars(sa.select(Sop).where(Sop.is_default)).one_or_none()


def version_for_new_case(session: Session, key: str | None) -> SopVersion:
    """The published version of the SOP `key`, or of the default SOP when no key is given."""
    if key is None:
        sop = default_sop(session)
        if sop is None:
            raise ServiceError("sop_no_default")
        key = sop.key
    return published_version(session, key)


def runnable_versions(session: Session) -> list[SopVersion]:
    """Every published version (what a new case may run on), the default SOP's first."""
    return list(
        session.scalars(
            sa.select(SopVersion)
            .join(Sop, Sop.id == SopVersion.sop_id)
            .where(SopVersion.state == VersionState.PUBLISHED)
            .order_by(Sop.is_default.desc(), SopVersion.name)
        )
    )


def check_name(session: Session, definition: SopDefinition, new_version_of: Sop | None) -> None:
    """Refuse a new SOP that takes another's key or name, and a new version renamed to another
    SOP's name."""
    if new_version_of is None:
        clash = sop_by_key_or_name(session, definition.key, definition.name)
    else:
        clash = session.scalars(
            sa.select(Sop).where(
                sa.func.lower(Sop.name) == definition.name.lower(), Sop.id != new_version_of.id
            )
        ).first()
    if clash is not None:
        raise ServiceError("sop_exists", key=clash.key, name=clash.name)


def sop_by_key_or_name(session: Session, key: str, name: str) -> Sop | None:
    """The SOP that already has this key or (case-insensitively) this name."""
    return session.scalars(
        sa.select(Sop).where(sa.or_(Sop.key == key, sa.func.lower(Sop.name) == name.lower()))
    ).first()


def next_version_number(session: Session, sop: Sop) -> int:
    """The number the next version of this SOP gets."""
    latest = session.scalar(
        sa.select(sa.func.max(SopVersion.version)).where(SopVersion.sop_id == sop.id)
    )
    return (latest or 0) + 1


def draft_of(session: Session, sop: Sop) -> SopVersion | None:
    """The SOP's draft in the making, if any (there is at most one)."""
    return session.scalars(
        sa.select(SopVersion).where(
            SopVersion.sop_id == sop.id, SopVersion.state == VersionState.DRAFT
        )
    ).first()


def unknown_positions(session: Session, definition: SopDefinition) -> list[str]:
    """The positions the definition names that do not exist."""
    known = set(session.scalars(sa.select(Role.code).where(Role.code.in_(definition.positions))))
    return sorted(definition.positions - known)


def positions_without_accounts(session: Session, definition: SopDefinition) -> list[str]:
    """The positions the SOP's steps need that no active account holds (a warning, not a bar)."""
    performers = {step.role for step in definition.steps}
    held = set(
        session.scalars(
            sa.select(Role.code)
            .join(account_roles, account_roles.c.role_id == Role.id)
            .join(Account, Account.id == account_roles.c.account_id)
            .where(Role.code.in_(performers), Account.active)
        )
    )
    return sorted(performers - held)


def _check_positions(session: Session, definition: SopDefinition) -> None:
    unknown = unknown_positions(session, definition)
    if unknown:
        raise ServiceError("sop_unknown_positions", positions=", ".join(unknown))


def save_draft(
    session: Session,
    actor_id: int | None,
    definition: SopDefinition,
    *,
    new_version_of: Sop | None = None,
    source: SopImport | None = None,
) -> SopVersion:
    """Store a definition as the draft of a new SOP, or of a new version of `new_version_of`.

    A new SOP must not take an existing SOP's key or name; an existing SOP's draft, if it has
    one, is replaced. The definition's key and version must be the ones this gives it.
    """
    _check_positions(session, definition)
    check_name(session, definition, new_version_of)
    if new_version_of is None:
        sop = Sop(key=definition.key, name=definition.name)
        session.add(sop)
        session.flush()
    else:
        sop = new_version_of
        if definition.key != sop.key:
            raise ServiceError("sop_key_mismatch", key=definition.key, expected=sop.key)
    draft = draft_of(session, sop)
    number = draft.version if draft is not None else next_version_number(session, sop)
    if definition.version != number:
        raise ServiceError("sop_version_mismatch", version=definition.version, expected=number)
    if draft is None:
        draft = SopVersion(sop_id=sop.id, key=sop.key, version=number, state=VersionState.DRAFT)
        session.add(draft)
    draft.name = definition.name
    draft.definition = sop_to_dict(definition)
    draft.created_by_id = actor_id
    draft.source = source
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="sop.draft",
        entity="sop_version",
        entity_id=draft.id,
        after={"key": sop.key, "version": number, "steps": len(definition.steps)},
    )
    return draft


def publish(session: Session, actor_id: int | None, draft: SopVersion, now: datetime) -> SopVersion:
    """Publish a draft: new cases run on it; the version it replaces is retired."""
    if draft.state is not VersionState.DRAFT:
        raise ServiceError("sop_not_draft", key=draft.key, version=draft.version)
    _check_positions(session, draft.sop)
    sop = session.get_one(Sop, draft.sop_id, with_for_update=True)
    replaced = session.scalars(
        sa.select(SopVersion).where(
            SopVersion.sop_id == sop.id, SopVersion.state == VersionState.PUBLISHED
        )
    ).one_or_none()
    if replaced is not None:
        replaced.state = VersionState.RETIRED
        session.flush()  # one published version per SOP, checked row by row
    draft.state = VersionState.PUBLISHED
    draft.published_at = now
    sop.name = draft.name
    if default_sop(session) is None:
        sop.is_default = True
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="sop.publish",
        entity="sop_version",
        entity_id=draft.id,
        before={"version": replaced.version} if replaced is not None else None,
        after={"key": sop.key, "version": draft.version},
        at=now,
    )
    return draft


def retire(session: Session, actor_id: int | None, sop: Sop, now: datetime) -> SopVersion:
    """Withdraw an SOP: no new case runs on it; running cases finish on their version."""
    if sop.is_default:
        raise ServiceError("sop_default_retire", name=sop.name)
    version = published_version(session, sop.key)
    version.state = VersionState.RETIRED
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="sop.retire",
        entity="sop_version",
        entity_id=version.id,
        after={"key": sop.key, "version": version.version},
        at=now,
    )
    return version


def make_default(session: Session, actor_id: int | None, sop: Sop) -> None:
    """Make this SOP the one *Laporkan masalah* preselects; it must be published."""
    published_version(session, sop.key)
    previous = default_sop(session)
    if previous is not None and previous.id == sop.id:
        return
    if previous is not None:
        previous.is_default = False
        session.flush()
    sop.is_default = True
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="sop.default",
        entity="sop",
        entity_id=sop.id,
        before={"key": previous.key} if previous is not None else None,
        after={"key": sop.key},
    )


def discard_draft(session: Session, actor_id: int | None, draft: SopVersion) -> None:
    """Throw a draft away; an SOP that had nothing but this draft goes with it."""
    if draft.state is not VersionState.DRAFT:
        raise ServiceError("sop_not_draft", key=draft.key, version=draft.version)
    sop = session.get_one(Sop, draft.sop_id)
    details: dict[str, Any] = {"key": draft.key, "version": draft.version}
    session.delete(draft)
    session.flush()
    if not session.scalars(sa.select(SopVersion.id).where(SopVersion.sop_id == sop.id)).first():
        session.delete(sop)
        session.flush()
    audit.record(
        session, actor_id=actor_id, action="sop.discard", entity="sop_version", before=details
    )


def stored_definitions(session: Session) -> list[SopVersion]:
    """Every version cases may have run on (not drafts), oldest first."""
    return list(
        session.scalars(
            sa.select(SopVersion)
            .where(SopVersion.state != VersionState.DRAFT)
            .order_by(SopVersion.key, SopVersion.version)
        )
    )


def library(session: Session) -> list[Sop]:
    """Every SOP of the library, the default first, then by name."""
    return list(session.scalars(sa.select(Sop).order_by(Sop.is_default.desc(), Sop.name)))


def longest_sop(session: Session, key: str | None = None) -> int:
    """The most steps any stored version has (of the SOP `key`, or of any SOP)."""
    versions = stored_definitions(session)
    return max((len(v.sop.steps) for v in versions if key in (None, v.key)), default=0)

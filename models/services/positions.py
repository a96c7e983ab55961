"""Positions (jabatan) and their grants: created, renamed and granted screens by superusers.

A position's code never changes once it exists (cases and step runs name it); its names, the
cases it sees and its grants do, each change audited.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.enums import CaseStatus, Visibility
from rules.sop import CODE_LIMIT, SLUG, slug_of

from ..accounts import Role
from ..cases import Case
from ..errors import ServiceError
from ..grants import RoleGrant
from . import audit

Grant = tuple[str, str]
"""(screen, perm)."""

NAME_LIMIT = 100


def grants_of(session: Session, role_ids: Collection[int]) -> frozenset[Grant]:
    """Everything the positions with these ids may do, as (screen, perm) pairs."""
    if not role_ids:
        return frozenset()
    rows = session.execute(
        sa.select(RoleGrant.screen, RoleGrant.perm).where(RoleGrant.role_id.in_(role_ids))
    )
    return frozenset((screen, perm) for screen, perm in rows)


def matrix(session: Session) -> dict[int, frozenset[Grant]]:
    """Every position's grants, by position id."""
    found: dict[int, set[Grant]] = {}
    for role_id, screen, perm in session.execute(
        sa.select(RoleGrant.role_id, RoleGrant.screen, RoleGrant.perm)
    ):
        found.setdefault(role_id, set()).add((screen, perm))
    return {role_id: frozenset(grants) for role_id, grants in found.items()}


def all_positions(session: Session) -> list[Role]:
    """Every position, the shipped ones first, then by name."""
    return list(session.scalars(sa.select(Role).order_by(Role.built_in.desc(), Role.name)))


def set_grants(
    session: Session,
    actor_id: int | None,
    role: Role,
    grants: Iterable[Grant],
    *,
    protected: Collection[Grant] = (),
) -> bool:
    """Give the position exactly these grants; True if anything changed (audited).

    `protected` grants of this position cannot be taken away (the superuser's own access to
    accounts and to this matrix, so that nobody locks every superuser out).
    """
    wanted = set(grants)
    current = set(grants_of(session, [role.id]))
    kept = set(protected) & current - wanted
    if kept:
        screen, perm = sorted(kept)[0]
        raise ServiceError("grant_protected", role=role.name, screen=screen, perm=perm)
    added, removed = wanted - current, current - wanted
    if not added and not removed:
        return False
    if removed:
        session.execute(
            sa.delete(RoleGrant).where(
                RoleGrant.role_id == role.id,
                sa.tuple_(RoleGrant.screen, RoleGrant.perm).in_(sorted(removed)),
            )
        )
    session.add_all(RoleGrant(role_id=role.id, screen=s, perm=p) for s, p in sorted(added))
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="position.grants",
        entity="role",
        entity_id=role.id,
        before={"code": role.code, "removed": [list(grant) for grant in sorted(removed)]},
        after={"code": role.code, "added": [list(grant) for grant in sorted(added)]},
    )
    return True


def _clean_name(name: str | None, *, required: bool) -> str | None:
    name = " ".join((name or "").split())
    if not name:
        if required:
            raise ServiceError("position_name_required")
        return None
    if len(name) > NAME_LIMIT:
        raise ServiceError("position_name_too_long", limit=NAME_LIMIT)
    return name


def check_code(code: str) -> str:
    """A position code as typed, checked: lower-case words joined by hyphens."""
    code = code.strip().lower()
    if len(code) > CODE_LIMIT or not SLUG.fullmatch(code):
        raise ServiceError("position_code_invalid", code=code, limit=CODE_LIMIT)
    return code


def suggested_code(name: str) -> str:
    """A code for a position named like this ("Kasi Jaringan" → "kasi-jaringan")."""
    return slug_of(name, CODE_LIMIT) or "jabatan"


def create_position(
    session: Session,
    actor_id: int | None,
    *,
    code: str,
    name: str,
    name_en: str | None = None,
    case_scope: Visibility = Visibility.ALL,
    grants: Iterable[Grant] = (),
) -> Role:
    """A new position with its first grants; a code or name already in use is refused."""
    code = check_code(code)
    clean = _clean_name(name, required=True)
    assert clean is not None
    taken = session.scalars(
        sa.select(Role).where(sa.or_(Role.code == code, sa.func.lower(Role.name) == clean.lower()))
    ).first()
    if taken is not None:
        raise ServiceError("position_exists", code=taken.code, name=taken.name)
    role = Role(
        code=code,
        name=clean,
        name_en=_clean_name(name_en, required=False),
        case_scope=Visibility(case_scope),
        built_in=False,
    )
    session.add(role)
    session.flush()
    session.add_all(RoleGrant(role_id=role.id, screen=s, perm=p) for s, p in sorted(set(grants)))
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="position.create",
        entity="role",
        entity_id=role.id,
        after={
            "code": code,
            "name": role.name,
            "case_scope": role.case_scope,
            "grants": sorted(map(list, set(grants))),
        },
    )
    return role


def update_position(
    session: Session,
    actor_id: int | None,
    role: Role,
    *,
    name: str,
    name_en: str | None,
    case_scope: Visibility,
) -> bool:
    """Rename a position or change the cases it sees; True if anything changed (audited)."""
    before = {"name": role.name, "name_en": role.name_en, "case_scope": role.case_scope}
    clean = _clean_name(name, required=True)
    assert clean is not None
    clash = session.scalars(
        sa.select(Role.id).where(sa.func.lower(Role.name) == clean.lower(), Role.id != role.id)
    ).first()
    if clash is not None:
        raise ServiceError("position_exists", code=role.code, name=clean)
    role.name = clean
    role.name_en = _clean_name(name_en, required=False)
    role.case_scope = Visibility(case_scope)
    after = {"name": role.name, "name_en": role.name_en, "case_scope": role.case_scope}
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return False
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="position.update",
        entity="role",
        entity_id=role.id,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return True


def cases_waiting_on(session: Session, account_id: int) -> list[Case]:
    """The open cases that name this account as their performer: the step in progress waits on
    it now, or a later (or returned-to) step will."""
    return list(
        session.scalars(
            sa.select(Case)
            .where(Case.status == CaseStatus.OPEN, Case.assignee_id == account_id)
            .order_by(Case.created_at, Case.id)
        )
    )

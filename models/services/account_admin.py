"""Superusers changing accounts: edits, deactivation and password resets, guarded and audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.enums import Role as RoleCode

from ..accounts import Account, Role
from ..errors import ServiceError
from . import audit
from .accounts import check_password, parse_roles

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX_LENGTH = 254


def clean_email(email: str | None) -> str | None:
    """The email trimmed, None when blank; a malformed one is refused."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(email):
        raise ServiceError("invalid_email", email=email)
    return email


def snapshot(account: Account) -> dict[str, Any]:
    """What an edit may change, for the audit trail (never the password or its hash)."""
    return {
        "full_name": account.full_name,
        "email": account.email,
        "roles": sorted(account.role_codes),
        "active": account.active,
    }


def _is_active_superuser(account: Account) -> bool:
    return account.active and account.has_role(RoleCode.SUPERUSER)


def other_active_superusers(session: Session, account_id: int) -> int:
    """How many active superusers there are besides this account.

    Locks the superuser role row first, so two superusers demoting each other at the same
    moment are served one after the other and the second one sees the first one's change.
    """
    session.execute(sa.select(Role.id).where(Role.code == RoleCode.SUPERUSER).with_for_update())
    return (
        session.scalar(
            sa.select(sa.func.count(Account.id))
            .join(Account.roles)
            .where(
                Role.code == RoleCode.SUPERUSER,
                Account.active.is_(True),
                Account.id != account_id,
            )
        )
        or 0
    )


def update_account(
    session: Session,
    actor_id: int,
    account: Account,
    full_name: str,
    email: str | None,
    roles: Iterable[str],
    active: bool,
) -> bool:
    """Change name, email, roles and active flag; audit what changed; True if anything did.

    Refuses a superuser deactivating themself, giving themself a position (another superuser
    must: nobody both grants and performs) and leaving no active superuser. Checks come before
    any change, so a refusal leaves the account as it was; the caller commits.
    """
    full_name = full_name.strip()
    if not full_name:
        raise ServiceError("full_name_required")
    email = clean_email(email)
    role_rows = parse_roles(session, roles)
    codes = [role.code for role in role_rows]
    if account.id == actor_id and not active:
        raise ServiceError("cannot_deactivate_self")
    stays_superuser = active and RoleCode.SUPERUSER in codes
    if (
        _is_active_superuser(account)
        and not stays_superuser
        and other_active_superusers(session, account.id) == 0
    ):
        raise ServiceError("last_superuser", username=account.username)
    added = sorted(set(codes) - account.role_codes)
    if account.id == actor_id and added:
        raise ServiceError("cannot_grant_self", role=added)

    before = snapshot(account)
    account.full_name = full_name
    account.email = email
    account.roles = role_rows
    account.active = active
    after = snapshot(account)
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return False
    audit.record(
        session,
        actor_id=actor_id,
        action="account.update",
        entity="account",
        entity_id=account.id,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    session.flush()
    return True


def reset_password(session: Session, actor_id: int, account: Account, new_password: str) -> None:
    """Set a new password that meets the policy; the account's old sessions end with it.

    Sessions carry a fingerprint of the password hash (Account.get_id), so a new hash makes
    every session opened with the old one invalid. The audit event names the reset only.
    """
    check_password(new_password, account.username, account.full_name)
    account.set_password(new_password)
    audit.record(
        session,
        actor_id=actor_id,
        action="account.password_reset",
        entity="account",
        entity_id=account.id,
        after={"username": account.username, "password_reset": True},
    )
    session.flush()


def change_own_password(session: Session, account: Account, current: str, new: str) -> None:
    """The account holder's own change: the current password first, then the policy.

    Like a reset, the new hash ends every other session of the account.
    """
    if not account.check_password(current):
        raise ServiceError("current_password_wrong")
    if new == current:
        raise ServiceError("password_unchanged")
    check_password(new, account.username, account.full_name)
    account.set_password(new)
    audit.record(
        session,
        actor_id=account.id,
        action="account.password_change",
        entity="account",
        entity_id=account.id,
        after={"username": account.username, "password_changed": True},
    )
    session.flush()

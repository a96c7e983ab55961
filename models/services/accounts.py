"""Creating accounts and the first superuser."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.enums import Role as RoleCode

from ..accounts import Account, Role
from ..errors import ServiceError
from ..passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from . import audit

USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,50}$")


def parse_roles(session: Session, codes: Iterable[str]) -> list[Role]:
    """The positions named by codes from user input; an unknown one is refused with the choices."""
    wanted = sorted({code.strip().lower() for code in codes})
    if not wanted:
        raise ServiceError("role_required")
    found = {
        role.code: role for role in session.scalars(sa.select(Role).where(Role.code.in_(wanted)))
    }
    for code in wanted:
        if code not in found:
            choices = session.scalars(sa.select(Role.code).order_by(Role.code)).all()
            raise ServiceError("unknown_role", role=code, choices=", ".join(choices))
    return [found[code] for code in wanted]


def check_password(password: str, username: str, full_name: str = "") -> None:
    """Refuse a password that breaks the policy."""
    problem = password_problem(password, username, full_name)
    if problem:
        raise ServiceError(problem, min_length=MIN_LENGTH, max_length=MAX_LENGTH)


def username_taken(session: Session, username: str) -> bool:
    """True when an account already uses this username (case-insensitively)."""
    stmt = sa.select(Account.id).where(sa.func.lower(Account.username) == username.lower())
    return session.execute(stmt).first() is not None


def create_account(
    session: Session,
    *,
    username: str,
    full_name: str,
    roles: Iterable[str],
    password: str,
    email: str | None = None,
    actor_id: int | None = None,
) -> Account:
    """Validate and add a new account with its roles; the caller commits."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ServiceError("invalid_username")
    if not full_name.strip():
        raise ServiceError("full_name_required")
    role_rows = parse_roles(session, roles)
    codes = [role.code for role in role_rows]
    check_password(password, username, full_name)
    if username_taken(session, username):
        raise ServiceError("duplicate_username", username=username)
    account = Account(username=username, full_name=full_name.strip(), email=email or None)
    account.set_password(password)
    account.roles = role_rows
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="account.create",
        entity="account",
        entity_id=account.id,
        after={"username": username, "full_name": account.full_name, "roles": codes},
    )
    return account


LANGUAGES = ("id", "en")


def set_language(session: Session, account: Account, language: str) -> None:
    """Remember the language the account reads SOP Desk in (a preference, not audited)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if account.language != language:
        account.language = language
        session.flush()


def generate_password() -> str:
    """A random password that satisfies the policy."""
    return secrets.token_urlsafe(15)


def ensure_superuser(
    session: Session, username: str | None, password: str | None
) -> tuple[Account, str | None] | None:
    """Create the first superuser when none exists; return it and any generated password."""
    exists = session.execute(
        sa.select(Account.id).join(Account.roles).where(Role.code == RoleCode.SUPERUSER).limit(1)
    ).first()
    if exists:
        return None
    generated = None if password else generate_password()
    account = create_account(
        session,
        username=username or "admin",
        full_name="Administrator SOP Desk",
        roles=[RoleCode.SUPERUSER],
        password=password or generated or "",
    )
    return account, generated

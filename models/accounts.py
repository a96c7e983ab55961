"""Accounts, the roles they hold, and password hashing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.enums import Visibility
from rules.sop import CODE_LIMIT

from .db import db
from .types import CODE_FORMAT, str_enum

_hasher = PasswordHasher()


@cache
def _no_account_hash() -> str:
    """A hash no password opens, made with the same parameters as every account's."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _verifies(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def password_opens(account: Account | None, password: str) -> bool:
    """True when `password` is the active account's; the same argon2 work in every case.

    An unknown username, an inactive account and a stored hash that is not argon2's are
    checked against a hash of the same cost, so a failed login takes as long whatever the
    reason and its timing tells no one which usernames exist.
    """
    stored = account.password_hash if account is not None else ""
    if not stored.startswith("$argon2"):
        stored = _no_account_hash()
        account = None
    opens = _verifies(stored, password)
    return opens and account is not None and account.active


account_roles = sa.Table(
    "account_roles",
    db.metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("roles.id", ondelete="RESTRICT"), primary_key=True),
)


class Role(db.Model):
    """A position (jabatan) accounts hold: it performs SOP steps and is granted screens.

    Six ship with SOP Desk (pengguna, direktur, kasubdit, kasi, jfu, superuser); superusers add
    the positions other SOPs name. A code never changes once cases use it.
    """

    __tablename__ = "roles"
    __table_args__ = (
        sa.CheckConstraint(f"code ~ '{CODE_FORMAT}'", name="code_format"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(CODE_LIMIT), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str | None] = mapped_column(sa.String(100))
    # Which cases an account holding the position sees (rules.visibility adds them up).
    case_scope: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, "case_scope_known"), default=Visibility.ALL, server_default="all"
    )
    built_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def __str__(self) -> str:
        return self.name


class Account(db.Model):
    """A person who logs in; holds one or more roles."""

    __tablename__ = "accounts"
    __table_args__ = (
        sa.Index("uq_accounts_username_lower", sa.func.lower(sa.text("username")), unique=True),
        sa.CheckConstraint("username ~ '^[a-z0-9._-]{3,50}$'", name="username_format"),
        sa.CheckConstraint("length(trim(full_name)) > 0", name="full_name_present"),
        sa.CheckConstraint("language IN ('id', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(50))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    last_login_at: Mapped[datetime | None]
    # Part of every session's id: raising it ends every session of this account (logout).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # The language the screens are shown in: Bahasa Indonesia ("id") or English ("en").
    language: Mapped[str] = mapped_column(sa.String(2), default="id", server_default="id")

    roles: Mapped[list[Role]] = relationship(secondary=account_roles, lazy="selectin")

    def set_password(self, password: str) -> None:
        """Store an argon2 hash of the password, never the password itself."""
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return _verifies(self.password_hash, password)

    @property
    def role_codes(self) -> frozenset[str]:
        """The codes of the positions this account holds."""
        return frozenset(role.code for role in self.roles)

    @property
    def case_scopes(self) -> frozenset[Visibility]:
        """The case scopes this account's positions open (see rules.visibility)."""
        return frozenset(role.case_scope for role in self.roles)

    def has_role(self, *codes: str) -> bool:
        """True when the account holds any of the given roles."""
        return not self.role_codes.isdisjoint(codes)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The account id plus a fingerprint of the hash, so a password reset ends old sessions."""
        return f"{self.id}:{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        """A short digest of the password hash and the epoch; changes with either."""
        material = f"{self.password_hash}:{self.session_epoch or 0}"
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Make every session of this account invalid, this one included (logout)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

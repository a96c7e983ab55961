"""Rate-limit counters in PostgreSQL: a storage for the `limits` library that every worker and
every host shares, so a limit counts all of them with nothing extra to run."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from .db import db

KEY_LIMIT = 300


class RateLimitCounter(db.Model):
    """One fixed window of one limit: how many hits it holds and when it ends."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = (sa.CheckConstraint("count >= 0", name="count_not_negative"),)

    key: Mapped[str] = mapped_column(sa.String(KEY_LIMIT), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


_NOW = sa.func.clock_timestamp()
_LIVE = RateLimitCounter.expires_at > _NOW


class PostgresStorage(Storage):
    """`limits` storage on the app's session: the caller commits (the login view does).

    The database's clock decides when a window ends, so hosts with drifting clocks agree.
    """

    STORAGE_SCHEME = ["sopdesk+postgresql"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's window, opening a new window when the old one ended."""
        ends = _NOW + sa.func.make_interval(0, 0, 0, 0, 0, 0, expiry)
        table = RateLimitCounter.__table__
        stale = table.c.expires_at <= _NOW
        statement = (
            insert(table)
            .values(key=key[:KEY_LIMIT], count=amount, expires_at=ends)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": sa.case((stale, amount), else_=table.c.count + amount),
                    "expires_at": sa.case((stale, ends), else_=table.c.expires_at),
                },
            )
            .returning(table.c.count)
        )
        count = int(db.session.execute(statement).scalar_one())
        if count == amount:  # a new window: sweep a few that ended long ago
            self._sweep()
        return count

    def get(self, key: str) -> int:
        """Hits in the key's live window (0 when it ended or never began)."""
        query = sa.select(RateLimitCounter.count).where(
            RateLimitCounter.key == key[:KEY_LIMIT], _LIVE
        )
        return int(db.session.scalar(query) or 0)

    def get_expiry(self, key: str) -> float:
        """When the key's window ends, in seconds since the epoch (now when there is none)."""
        ends = sa.func.coalesce(
            sa.select(RateLimitCounter.expires_at)
            .where(RateLimitCounter.key == key[:KEY_LIMIT], _LIVE)
            .scalar_subquery(),
            _NOW,
        )
        return float(db.session.scalar(sa.select(sa.extract("epoch", ends))))

    def check(self) -> bool:
        """True when the database answers."""
        return db.session.scalar(sa.select(1)) == 1

    def reset(self) -> int | None:
        """Forget every window."""
        return db.session.execute(sa.delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's window."""
        db.session.execute(
            sa.delete(RateLimitCounter).where(RateLimitCounter.key == key[:KEY_LIMIT])
        )

    @staticmethod
    def _sweep() -> None:
        ended = (
            sa.select(RateLimitCounter.key)
            .where(RateLimitCounter.expires_at < _NOW - sa.text("interval '1 hour'"))
            .limit(100)
            .with_for_update(skip_locked=True)  # two sweeps never wait for each other
            .scalar_subquery()
        )
        db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.key.in_(ended)))

"""Login throttling that slows a guesser without locking out the owner (the `limits` library).

Only failed logins count, in three ways:
- per address, whatever the accounts: 10 a minute, 100 an hour (one address trying many);
- per account *from one address*: 5 a minute, 10 in 15 minutes, 20 an hour — a back-off that
  grows with the failures and is cleared by the right password;
- per account from all addresses: past 30 in an hour the account is under attack, and then an
  address that failed for it may try it once in 5 minutes more.
An address that never failed for an account is never held back by the account's failures
elsewhere: its owner, signing in from their own desk, gets in even while others guess. The
counters live in PostgreSQL (shared by every worker and host) unless RATELIMIT_STORAGE_URI
names another store (redis://...).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from models.rate_limits import PostgresStorage

PER_ADDRESS = (parse("10/minute"), parse("100/hour"))
PER_ACCOUNT_AND_ADDRESS = (parse("5/minute"), parse("10/15 minutes"), parse("20/hour"))
UNDER_ATTACK = parse("30/hour")
UNDER_ATTACK_AND_FAILED_HERE = parse("1/5 minutes")


Limit = tuple[RateLimitItem, tuple[str, ...]]


@dataclass(frozen=True)
class Throttle:
    """The limiter of one app and the store it counts in."""

    limiter: FixedWindowRateLimiter
    enabled: bool

    @staticmethod
    def _keys(username: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        address = request.remote_addr or "-"
        return ("address", address), ("account-address", username, address), ("account", username)

    def _counted(self, username: str) -> list[Limit]:
        address, pair, account = self._keys(username)
        return [
            *((item, address) for item in PER_ADDRESS),
            *((item, pair) for item in PER_ACCOUNT_AND_ADDRESS),
            (UNDER_ATTACK, account),
            (UNDER_ATTACK_AND_FAILED_HERE, pair),
        ]

    def wait(self, username: str) -> int:
        """Seconds this address must wait before trying `username` again; 0: try now."""
        if not self.enabled:
            return 0
        address, pair, account = self._keys(username)
        always = [*((item, address) for item in PER_ADDRESS)]
        always += [(item, pair) for item in PER_ACCOUNT_AND_ADDRESS]
        held = [(item, keys) for item, keys in always if not self.limiter.test(item, *keys)]
        # Under attack, only an address that failed for the account lately is held back.
        if not self.limiter.test(UNDER_ATTACK, *account) and not self.limiter.test(
            UNDER_ATTACK_AND_FAILED_HERE, *pair
        ):
            held.append((UNDER_ATTACK_AND_FAILED_HERE, pair))
        if not held:
            return 0
        ends = max(self.limiter.get_window_stats(item, *keys).reset_time for item, keys in held)
        return max(1, math.ceil(ends - time.time()))

    def failed(self, username: str) -> None:
        """Count a failed login of `username` from this address."""
        if self.enabled:
            for item, keys in self._counted(username):
                self.limiter.hit(item, *keys)

    def succeeded(self, username: str) -> None:
        """The right password: this address's back-off for the account starts again."""
        if self.enabled:
            _address, pair, _account = self._keys(username)
            for item in (*PER_ACCOUNT_AND_ADDRESS, UNDER_ATTACK_AND_FAILED_HERE):
                self.limiter.clear(item, *pair)


def throttle() -> Throttle:
    """The current app's login throttle."""
    found: Throttle = current_app.extensions["sopdesk_throttle"]
    return found


def init_app(app: Flask) -> None:
    """Count in PostgreSQL, or in the store RATELIMIT_STORAGE_URI names."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    storage: Storage = storage_from_string(uri) if uri else PostgresStorage()
    app.extensions["sopdesk_throttle"] = Throttle(
        FixedWindowRateLimiter(storage), bool(app.config.get("RATELIMIT_ENABLED", True))
    )

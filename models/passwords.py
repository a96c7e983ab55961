"""Password policy for new, reset and changed passwords: long, not breached, not guessable.

The breached list and the guess estimate are zxcvbn's (Dropbox's estimator, offline: its
30,000 most common passwords from public breaches, English words, names); our own list adds
the Indonesian favourites it does not know. Compared lower-case.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3
"""zxcvbn's score (0–4) a password must reach: 3 is about 10^8 guesses, safe from online guessing
and slow to crack offline from an argon2 hash."""
_SCORED_PREFIX = 100  # zxcvbn's time grows with the length; the first 100 characters decide


@cache
def _local_words() -> tuple[str, ...]:
    text = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8")
    return tuple(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@cache
def _breached() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_local_words())


def _score(password: str, personal: Iterable[str]) -> int:
    from zxcvbn import zxcvbn

    inputs = [*_local_words(), "sopdesk", "djki", "dgip", *personal]
    return int(zxcvbn(password[:_SCORED_PREFIX], user_inputs=inputs)["score"])


def password_problem(password: str, username: str = "", full_name: str = "") -> str | None:
    """The code of the first policy rule the password breaks, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "password_contains_username"
    names = [part for part in full_name.lower().split() if len(part) >= 4]
    if any(part in lowered for part in names):
        return "password_contains_name"
    personal = [username, *names]
    if lowered in _breached() or _score(password, personal) < MIN_SCORE:
        return "password_too_common"
    return None

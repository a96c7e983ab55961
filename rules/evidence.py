"""Keyed seals on the audit chain and signed checkpoints of its head (HMAC-SHA256, stdlib)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rules.errors import RuleError

_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRing:
    """Secrets by key id; the last one seals, every one still verifies what it sealed."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current(self) -> tuple[str, bytes]:
        """The (id, secret) that seals new links and checkpoints."""
        return self.keys[-1]

    def secret(self, key_id: str) -> bytes | None:
        """The secret recorded under `key_id`, if this ring holds it."""
        return dict(self.keys).get(key_id)


def parse_keyring(text: str) -> KeyRing:
    """Lines of `<id> <base64 secret>` (comments with #); refused when empty or malformed."""
    keys: list[tuple[str, bytes]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _sep, encoded = line.partition(" ")
        try:
            secret = b64decode(encoded.strip(), validate=True)
        except (Base64Error, ValueError):
            secret = b""
        if not _KEY_ID.fullmatch(key_id) or len(secret) < MIN_KEY_BYTES:
            raise RuleError("audit_key_line", line=number)
        if any(known == key_id for known, _ in keys):
            raise RuleError("audit_key_twice", key=key_id)
        keys.append((key_id, secret))
    if not keys:
        raise RuleError("audit_key_missing")
    return KeyRing(tuple(keys))


def new_key_line(key_id: str) -> str:
    """A keyring line with a fresh random secret."""
    if not _KEY_ID.fullmatch(key_id):
        raise RuleError("audit_key_line", line=0)
    return f"{key_id} {b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()}"


def _mac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def link_message(row: Sequence[object]) -> str:
    """One chain link as the seal covers it: every column, serialised here, not by the database.

    `row` is (seq, occurred_at, actor_id, action, entity, entity_id, case_id, before, after,
    prev_hash, hash); an SQL function the database's owner could replace plays no part.
    """
    seq, occurred_at, *rest = row
    if not isinstance(occurred_at, datetime):
        raise TypeError("occurred_at must be a datetime")
    micros = (occurred_at - _EPOCH) // timedelta(microseconds=1)
    return json.dumps(
        ["link", seq, micros, *rest], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def seal(secret: bytes, message: str) -> str:
    """The keyed seal of one link's message."""
    return _mac(secret, message)


def seal_holds(ring: KeyRing, key_id: str, message: str, mac: str) -> bool:
    """Whether `mac` is the seal of this message under a key the ring holds."""
    secret = ring.secret(key_id)
    return secret is not None and hmac.compare_digest(seal(secret, message), mac)


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at one instant, signed: what the database cannot later deny."""

    at: datetime
    seq: int
    hash: str | None
    key_id: str
    mac: str

    def line(self) -> str:
        """One line of the checkpoint file (JSON)."""
        return json.dumps(
            {"at": self.at.isoformat(), "seq": self.seq, "hash": self.hash}
            | {"key": self.key_id, "mac": self.mac},
            separators=(",", ":"),
        )


def _checkpoint_message(at: datetime, seq: int, link_hash: str | None) -> str:
    return f"checkpoint:{at.isoformat()}:{seq}:{link_hash or ''}"


def sign_checkpoint(ring: KeyRing, at: datetime, seq: int, link_hash: str | None) -> Checkpoint:
    """A checkpoint of (seq, hash) at `at`, signed with the ring's current key."""
    key_id, secret = ring.current
    return Checkpoint(
        at, seq, link_hash, key_id, _mac(secret, _checkpoint_message(at, seq, link_hash))
    )


def read_checkpoint(ring: KeyRing, line: str) -> Checkpoint | None:
    """A checkpoint line whose signature holds; None for a forged, altered or unreadable one."""
    try:
        data = json.loads(line)
        checkpoint = Checkpoint(
            datetime.fromisoformat(data["at"]),
            int(data["seq"]),
            data["hash"],
            str(data["key"]),
            str(data["mac"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    secret = ring.secret(checkpoint.key_id)
    if secret is None:
        return None
    expected = _mac(secret, _checkpoint_message(checkpoint.at, checkpoint.seq, checkpoint.hash))
    return checkpoint if hmac.compare_digest(expected, checkpoint.mac) else None

"""Keyed seals and signed checkpoints: what holds, and what a changed byte or key breaks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rules.errors import RuleError
from rules.evidence import (
    KeyRing,
    new_key_line,
    parse_keyring,
    read_checkpoint,
    seal,
    seal_holds,
    sign_checkpoint,
)

AT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
HASH = "ab" * 32


def _ring(*ids: str) -> KeyRing:
    return parse_keyring("\n".join(new_key_line(key_id) for key_id in ids))


def test_the_last_key_seals_and_every_key_still_verifies():
    ring = parse_keyring("# keys\n" + new_key_line("k1") + "\n\n" + new_key_line("k2") + "\n")
    assert [key_id for key_id, _ in ring.keys] == ["k1", "k2"] and ring.current[0] == "k2"
    old = seal(ring.secret("k1") or b"", 7, HASH)
    assert seal_holds(ring, "k1", 7, HASH, old)
    assert not seal_holds(ring, "k2", 7, HASH, old)  # the id names the key that sealed it


@pytest.mark.parametrize(
    ("change", "seq", "link_hash"),
    [("another number", 8, HASH), ("another hash", 7, "cd" * 32)],
)
def test_a_seal_holds_only_for_its_own_link(change, seq, link_hash):
    ring = _ring("k1")
    mac = seal(ring.current[1], 7, HASH)
    assert seal_holds(ring, "k1", 7, HASH, mac)  # control
    assert not seal_holds(ring, "k1", seq, link_hash, mac), change


def test_a_key_the_ring_does_not_hold_verifies_nothing():
    mine, theirs = _ring("k1"), _ring("k1")  # same id, another secret
    mac = seal(theirs.current[1], 3, HASH)
    assert not seal_holds(mine, "k1", 3, HASH, mac)
    assert not seal_holds(mine, "k9", 3, HASH, mac)


def test_a_checkpoint_reads_back_and_any_edit_breaks_its_signature():
    ring = _ring("k1")
    line = sign_checkpoint(ring, AT, 42, HASH).line()
    read = read_checkpoint(ring, line)
    assert read is not None and (read.seq, read.hash, read.at, read.key_id) == (42, HASH, AT, "k1")
    for forged in (
        line.replace('"seq":42', '"seq":41'),
        line.replace(HASH, "cd" * 32),
        line.replace("2026-12-02", "2026-12-03"),
        line[:-3] + '0"}',
        "not json",
        "{}",
    ):
        assert read_checkpoint(ring, forged) is None, forged
    assert read_checkpoint(_ring("k1"), line) is None  # another secret under the same id


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "audit_key_missing"),
        ("# only a comment\n", "audit_key_missing"),
        ("k1", "audit_key_line"),
        ("k1 not-base64!", "audit_key_line"),
        ("k1 c2hvcnQ=", "audit_key_line"),  # 5 bytes: too short
        ("bad/id " + new_key_line("x").split(" ")[1], "audit_key_line"),
    ],
)
def test_a_malformed_key_file_is_refused_with_its_line(text, code):
    with pytest.raises(RuleError) as refused:
        parse_keyring(text)
    assert refused.value.code == code
    assert parse_keyring(new_key_line("k1")).current[0] == "k1"  # control


def test_a_key_id_listed_twice_is_refused():
    with pytest.raises(RuleError) as refused:
        parse_keyring(new_key_line("k1") + "\n" + new_key_line("k1"))
    assert refused.value.code == "audit_key_twice" and "k1" in refused.value.message("en")

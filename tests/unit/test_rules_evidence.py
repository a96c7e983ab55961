"""Keyed seals and signed checkpoints: what holds, and what a changed byte or key breaks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rules.errors import RuleError
from rules.evidence import (
    KeyRing,
    link_message,
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


ROW = (7, AT, 3, "case.complete", "case", 12, 12, {"status": "open"}, {"step": 4}, "cd" * 32, HASH)


def _changed(index: int, value: object) -> tuple[object, ...]:
    return tuple(value if i == index else cell for i, cell in enumerate(ROW))


def test_the_last_key_seals_and_every_key_still_verifies():
    ring = parse_keyring("# keys\n" + new_key_line("k1") + "\n\n" + new_key_line("k2") + "\n")
    assert [key_id for key_id, _ in ring.keys] == ["k1", "k2"] and ring.current[0] == "k2"
    old = seal(ring.secret("k1") or b"", link_message(ROW))
    assert seal_holds(ring, "k1", link_message(ROW), old)
    assert not seal_holds(ring, "k2", link_message(ROW), old)  # the id names the sealing key


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (0, 8),
        (1, datetime(2026, 12, 2, 1, 0, 0, 1, tzinfo=UTC)),
        (2, None),
        (3, "case.close_early"),
        (5, 13),
        (7, {"status": "closed"}),
        (8, {"step": 4, "palsu": True}),
        (9, "ef" * 32),
        (10, "ab" * 31 + "ac"),
    ],
)
def test_a_seal_covers_every_column_of_its_link(index, value):
    ring = _ring("k1")
    mac = seal(ring.current[1], link_message(ROW))
    assert seal_holds(ring, "k1", link_message(ROW), mac)  # control
    assert not seal_holds(ring, "k1", link_message(_changed(index, value)), mac)


def test_the_same_instant_in_another_zone_is_the_same_link():
    from zoneinfo import ZoneInfo

    jakarta = _changed(1, AT.astimezone(ZoneInfo("Asia/Jakarta")))
    assert link_message(jakarta) == link_message(ROW)


def test_a_key_the_ring_does_not_hold_verifies_nothing():
    mine, theirs = _ring("k1"), _ring("k1")  # same id, another secret
    mac = seal(theirs.current[1], link_message(ROW))
    assert not seal_holds(mine, "k1", link_message(ROW), mac)
    assert not seal_holds(mine, "k9", link_message(ROW), mac)


def test_a_checkpoint_reads_back_and_any_edit_breaks_its_signature():
    ring = _ring("k1")
    line = sign_checkpoint(ring, AT, 42, HASH).line()
    read = read_checkpoint(ring, line)
    assert read is not None and (read.seq, read.hash, read.at, read.key_id) == (42, HASH, AT, "k1")
    for forged in (
        line.replace('"seq":42', '"seq":41'),
        line.replace('"seq":42', '"seq":4'),
        line.replace(HASH, "cd" * 32),
        line.replace("2026-12-02", "2026-12-03"),
        line.replace(read.mac, read.mac[:-1] + ("1" if read.mac.endswith("0") else "0")),
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

"""Checking the evidence: the chain's hashes and links, its keyed seals, the signed checkpoints
of its head, and the cases and finished step runs against the events that recorded them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from rules.evidence import KeyRing, link_message, read_checkpoint, seal_holds

from .audit import jsonable
from .audit_seals import LINK_COLUMNS

# The hash is recomputed by the same SQL function the trigger uses, so both agree byte for byte.
# The database's own hash is a structure check only: its owner could replace the function, so
# the seal is recomputed here from the raw columns.
CHAIN_ROWS = f"""
SELECT e.id, e.chain_seq, e.hash, e.prev_hash,
       audit_event_hash(e.chain_seq, e.occurred_at, e.actor_id, e.action, e.entity, e.entity_id,
                        e.case_id, e.before, e.after, e.prev_hash) AS expected,
       s.key_id, s.mac, {", ".join(f"e.{c}" for c in LINK_COLUMNS)}
FROM audit_events e LEFT JOIN audit_seals s ON s.chain_seq = e.chain_seq
ORDER BY e.chain_seq
"""
CASE_FIELDS = (
    "status",
    "current_step",
    "waiting_role",
    "waiting_account_id",
    "assignee_id",
    "rework_rounds",
    "priority",
    "close_reason",
)
# Each case against the newest event that recorded its state.
CASE_ROWS = f"""
SELECT DISTINCT ON (e.case_id) e.case_id, e.after, c.id,
       {", ".join(f"c.{f}" for f in CASE_FIELDS)}
FROM audit_events e LEFT JOIN cases c ON c.id = e.case_id
WHERE e.entity = 'case' AND e.after ? 'status'
ORDER BY e.case_id, e.chain_seq DESC
"""
# What the report said, against what the case says now.
REPORTED = """
SELECT e.case_id, e.after ->> 'title', e.after ->> 'channel', c.title, c.channel
FROM audit_events e JOIN cases c ON c.id = e.case_id
WHERE e.action = 'case.report'
"""
RUN_FIELDS = (
    "case_id",
    "step",
    "round",
    "performer_id",
    "actionable_at",
    "completed_at",
    "working_minutes",
    "outcome",
)
# Each finished run an event recorded, against the row (missing: deleted).
RUN_ROWS = f"""
SELECT (e.after -> 'run' ->> 'id')::bigint,
       e.after -> 'run' || jsonb_build_object('case_id', e.case_id), r.id,
       {", ".join(f"r.{f}" for f in RUN_FIELDS)}
FROM audit_events e LEFT JOIN step_runs r ON r.id = (e.after -> 'run' ->> 'id')::bigint
WHERE e.entity = 'case' AND e.after ? 'run'
"""
UNCOVERED_RUNS = """
SELECT count(*) FROM step_runs r WHERE r.completed_at IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM audit_events e
    WHERE e.case_id = r.case_id AND e.after -> 'run' ->> 'id' = r.id::text)
"""
LISTED = 20
"""At most this many mismatched cases or runs are named."""


@dataclass(frozen=True)
class Finding:
    """One thing that does not fit, and where.

    Kinds: "gap" (rows missing before this one), "link" (prev_hash is not the previous row's
    hash), "content" (the row does not match its own hash), "seal" (no seal, or one no key of
    ours made: the row was rewritten and re-hashed), "tail" (the head is not the last row),
    "checkpoint" (a row differs from a signed checkpoint), "truncated" (rows a checkpoint saw
    are gone), "forged" (a checkpoint line whose signature fails), "case" / "run" (a case or a
    finished step run differs from the event that recorded it, or is gone).
    """

    kind: str
    seq: int | None = None
    row_id: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class ChainVerdict:
    """What was checked and everything found (nothing found: the evidence holds)."""

    rows: int
    findings: tuple[Finding, ...] = ()
    checkpoints: int = 0
    uncovered_runs: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


def _checkpoints(
    ring: KeyRing, lines: Iterable[str]
) -> tuple[dict[int, str | None], list[Finding]]:
    expected: dict[int, str | None] = {}
    forged: list[Finding] = []
    for number, line in enumerate(lines, start=1):
        checkpoint = read_checkpoint(ring, line)
        if checkpoint is None:
            forged.append(Finding("forged", detail=str(number)))
        else:
            expected[checkpoint.seq] = checkpoint.hash
    return expected, forged


def _walk(
    raw: Any,
    ring: KeyRing,
    expected: Mapping[int, str | None],
    on_rows: Callable[[int], None] | None,
) -> tuple[int, int, str | None, list[Finding]]:
    """The whole chain in order, every row checked (the first LISTED findings kept)."""
    cursor = raw.cursor(name="audit_chain")  # server-side: flat memory at any size
    cursor.itersize = 20_000
    cursor.execute(CHAIN_ROWS)
    previous_hash, previous_seq, rows = None, 0, 0
    found: list[Finding] = []
    try:
        for row_id, seq, stored, prev_hash, recomputed, key_id, mac, *link in cursor:
            rows += 1
            kind = None
            if seq != previous_seq + 1:
                kind = "gap"
            elif prev_hash != previous_hash:
                kind = "link"
            elif stored != recomputed:
                kind = "content"
            elif mac is None or not seal_holds(ring, key_id, link_message(link), mac):
                kind = "seal"
            elif seq in expected and expected[seq] != stored:
                kind = "checkpoint"
            if kind and len(found) < LISTED:
                found.append(Finding(kind, seq, row_id))
            previous_hash, previous_seq = stored, seq
            if on_rows is not None and rows % 100_000 == 0:
                on_rows(rows)
    finally:
        cursor.close()
    return rows, previous_seq, previous_hash, found


def _same(claimed: Any, actual: Any) -> bool:
    if isinstance(actual, datetime):
        return isinstance(claimed, str) and datetime.fromisoformat(claimed) == actual
    if isinstance(actual, Decimal):
        return isinstance(claimed, int | float) and Decimal(str(claimed)) == actual
    return bool(claimed == jsonable(actual))


def _records(raw: Any) -> list[Finding]:
    """Cases and finished runs that differ from (or are missing beside) their events."""
    found: list[Finding] = []
    cursor = raw.cursor()
    cursor.execute(CASE_ROWS)
    for case_id, after, present, *values in cursor:
        wrong = (
            [f for f, v in zip(CASE_FIELDS, values, strict=True) if not _same(after.get(f), v)]
            if present is not None
            else ["id"]
        )
        if wrong and len(found) < LISTED:
            found.append(Finding("case", row_id=case_id, detail=", ".join(wrong)))
    cursor.execute(REPORTED)
    for case_id, title, channel, *now in cursor:
        pairs = zip(("title", "channel"), (title, channel), now, strict=True)
        wrong = [field for field, said, held in pairs if said != held]
        if wrong and len(found) < LISTED:
            found.append(Finding("case", row_id=case_id, detail=", ".join(wrong)))
    cursor.execute(RUN_ROWS)
    for run_id, claimed, present, *values in cursor:
        if present is None:
            wrong = ["id"]
        else:
            wrong = [f for f, v in zip(RUN_FIELDS, values, strict=True) if not _same(claimed[f], v)]
        if wrong and len(found) < 2 * LISTED:
            found.append(Finding("run", row_id=run_id, detail=", ".join(wrong)))
    return found


def verify_chain(
    engine: sa.Engine,
    ring: KeyRing,
    checkpoint_lines: Iterable[str] = (),
    on_rows: Callable[[int], None] | None = None,
) -> ChainVerdict:
    """Check everything in one snapshot and say what does not fit."""
    expected, findings = _checkpoints(ring, checkpoint_lines)
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows, last_seq, last_hash, broken = _walk(raw, ring, expected, on_rows)
        findings += broken
        head = raw.cursor()
        head.execute("SELECT seq, hash FROM audit_chain_head")
        head_seq, head_hash = head.fetchone() or (0, None)
        if (head_seq, head_hash) != (last_seq, last_hash):
            findings.append(Finding("tail", head_seq))
        beyond = [seq for seq in expected if seq > last_seq]
        if beyond:
            findings.append(Finding("truncated", max(beyond), detail=str(last_seq)))
        findings += _records(raw)
        count = raw.cursor()
        count.execute(UNCOVERED_RUNS)
        uncovered = count.fetchone()[0]
        return ChainVerdict(rows, tuple(findings), len(expected), uncovered)
    finally:
        raw.rollback()
        raw.close()

"""Checking the audit hash chain: every row's hash, its link to the previous row, no gaps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

# The hash is recomputed by the same SQL function the trigger uses, so both agree byte for byte.
CHAIN_ROWS = """
SELECT id, chain_seq, hash, prev_hash,
       audit_event_hash(chain_seq, occurred_at, actor_id, action, entity, entity_id, case_id,
                        before, after, prev_hash) AS expected
FROM audit_events
ORDER BY chain_seq
"""


@dataclass(frozen=True)
class ChainVerdict:
    """How many rows were checked, and the first broken one with why (None when it holds).

    Reasons: "gap" (rows missing before this one), "link" (prev_hash is not the previous row's
    hash), "content" (the row does not match its own hash), "tail" (the newest rows are gone).
    """

    rows: int
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None and self.reason is None


def verify_chain(engine: sa.Engine, on_rows: Callable[[int], None] | None = None) -> ChainVerdict:
    """Walk the chain in order in one snapshot; stop at the first row that does not fit."""
    raw = engine.raw_connection()
    try:
        setup = raw.cursor()
        setup.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor = raw.cursor(name="audit_chain")  # server-side: flat memory at any size
        cursor.itersize = 20_000
        cursor.execute(CHAIN_ROWS)
        previous_hash, previous_seq, rows = None, 0, 0
        for row_id, seq, stored, prev_hash, expected in cursor:
            rows += 1
            if seq != previous_seq + 1:
                return ChainVerdict(rows, row_id, seq, "gap")
            if prev_hash != previous_hash:
                return ChainVerdict(rows, row_id, seq, "link")
            if stored != expected:
                return ChainVerdict(rows, row_id, seq, "content")
            previous_hash, previous_seq = stored, seq
            if on_rows is not None and rows % 100_000 == 0:
                on_rows(rows)
        cursor.close()
        head = raw.cursor()
        head.execute("SELECT seq, hash FROM audit_chain_head")
        head_seq, head_hash = head.fetchone() or (0, None)
        if (head_seq, head_hash) != (previous_seq, previous_hash):
            return ChainVerdict(rows, None, head_seq, "tail")
        return ChainVerdict(rows)
    finally:
        raw.rollback()
        raw.close()

"""Sealing the audit chain's links with a key the database does not hold, and its head."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from rules.evidence import KeyRing, link_message, seal, seal_holds

from ..audit import AuditChainHead, AuditEvent, AuditSeal

BATCH = 10_000
# Set by the chain trigger (migration 0013) for the transaction that writes the links.
_OWN_LINKS = sa.text(
    "SELECT current_setting('sopdesk.audit_chain_first', true),"
    " current_setting('sopdesk.audit_chain_last', true)"
)
_XACT = sa.text("SELECT pg_current_xact_id()::text")


LINK_COLUMNS = (
    "chain_seq",
    "occurred_at",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "case_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)
"""The columns a seal covers, in the order `rules.evidence.link_message` reads them."""


def _seal_links(conn: sa.Connection, ring: KeyRing, first: int, last: int) -> int:
    """Insert the seals of links first..last; a seal already there is an error, not skipped."""
    key_id, secret = ring.current
    columns = [AuditEvent.__table__.c[name] for name in LINK_COLUMNS]
    count = 0
    for low in range(first, last + 1, BATCH):
        rows = conn.execute(
            sa.select(*columns).where(AuditEvent.chain_seq.between(low, min(low + BATCH - 1, last)))
        )
        seals = [
            {"chain_seq": row[0], "key_id": key_id, "mac": seal(secret, link_message(row))}
            for row in rows
        ]
        if seals:
            conn.execute(insert(AuditSeal).values(seals))
        count += len(seals)
    return count


class ForeignLinks(RuntimeError):
    """The transaction's stretch of the chain holds links its own statements did not write."""


def seal_own_links(
    conn: sa.Connection, ring: KeyRing, written: int
) -> tuple[int, str | None] | None:
    """Seal the `written` links this transaction wrote; return the head it started from.

    Both settings carry the writing transaction's id (migration 0013): values of any other
    transaction, or of a schema before 0013, are not ours to seal (None). A stretch longer or
    shorter than what was written is refused: the commit fails rather than seal a forgery.
    """
    first, last = conn.execute(_OWN_LINKS).one()
    if not (first and last):
        return None
    xact = conn.scalar(_XACT)
    first_xact, _sep, first_seq = first.partition(":")
    last_xact, last_seq, _hash = (last.split(":") + ["", ""])[:3]
    if not (first_xact == last_xact == xact):
        return None
    start = int(first_seq) - 1
    if int(last_seq) - start != written:
        raise ForeignLinks(f"links {start + 1}..{last_seq} of this transaction, {written} written")
    _seal_links(conn, ring, start + 1, int(last_seq))
    before = conn.scalar(sa.select(AuditEvent.hash).where(AuditEvent.chain_seq == start))
    return start, before


def adopt_unsealed(conn: sa.Connection, ring: KeyRing, *, checkpointed: bool) -> int | None:
    """Seal the links written before sealing existed (the backlog after upgrading to 0013).

    The backlog is every link before the first sealed one. With nothing sealed at all it is the
    whole chain, but only while no checkpoint exists (else seals were deleted: a finding).
    None when there is no backlog to adopt.
    """
    head = conn.scalar(sa.select(AuditChainHead.seq).with_for_update()) or 0
    first_sealed = conn.scalar(sa.select(sa.func.min(AuditSeal.chain_seq)))
    if first_sealed is None and checkpointed:
        return None
    last = head if first_sealed is None else first_sealed - 1
    return _seal_links(conn, ring, 1, last) if last >= 1 else None


def sealed_head(conn: sa.Connection, ring: KeyRing) -> tuple[int, str | None] | None:
    """The chain's head when its row is there and sealed by one of our keys; else None."""
    seq, link_hash = chain_head(conn)
    if seq == 0:
        return seq, link_hash
    columns = [AuditEvent.__table__.c[name] for name in LINK_COLUMNS]
    row = conn.execute(
        sa.select(*columns, AuditSeal.key_id, AuditSeal.mac)
        .join(AuditSeal, AuditSeal.chain_seq == AuditEvent.chain_seq)
        .where(AuditEvent.chain_seq == seq, AuditEvent.hash == link_hash)
    ).one_or_none()
    if row is None or not seal_holds(ring, row[-2], link_message(row[:-2]), row[-1]):
        return None
    return seq, link_hash


def chain_head(conn: sa.Connection) -> tuple[int, str | None]:
    """The chain's head as the database says it is now."""
    row = conn.execute(sa.select(AuditChainHead.seq, AuditChainHead.hash)).one_or_none()
    return (row[0], row[1]) if row else (0, None)

"""Sealing the audit chain's links with a key the database does not hold, and its head."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from rules.evidence import KeyRing, seal

from ..audit import AuditChainHead, AuditEvent, AuditSeal

BATCH = 10_000
# Set by the chain trigger (migration 0013) for the transaction that writes the links.
_OWN_LINKS = sa.text(
    "SELECT current_setting('sopdesk.audit_chain_first', true),"
    " current_setting('sopdesk.audit_chain_last', true)"
)


def _seal_links(conn: sa.Connection, ring: KeyRing, first: int, last: int) -> int:
    """Insert the seals of links first..last (already sealed ones are left as they are)."""
    key_id, secret = ring.current
    count = 0
    for low in range(first, last + 1, BATCH):
        rows = conn.execute(
            sa.select(AuditEvent.chain_seq, AuditEvent.hash).where(
                AuditEvent.chain_seq.between(low, min(low + BATCH - 1, last))
            )
        )
        seals = [
            {"chain_seq": seq, "key_id": key_id, "mac": seal(secret, seq, link_hash)}
            for seq, link_hash in rows
        ]
        if seals:
            conn.execute(
                insert(AuditSeal).values(seals).on_conflict_do_nothing(index_elements=["chain_seq"])
            )
        count += len(seals)
    return count


def seal_own_links(conn: sa.Connection, ring: KeyRing) -> tuple[int, str | None] | None:
    """Seal the links this transaction wrote; return the head it started from (None: no links)."""
    first, last = conn.execute(_OWN_LINKS).one()
    if not (first and last):  # no links, or a schema before 0013 (its trigger marks no first)
        return None
    start = int(first) - 1
    _seal_links(conn, ring, start + 1, int(last.partition(":")[0]))
    before = conn.scalar(sa.select(AuditEvent.hash).where(AuditEvent.chain_seq == start))
    return start, before


def adopt_unsealed(conn: sa.Connection, ring: KeyRing) -> int | None:
    """Seal every link written before sealing existed (the one-time step after upgrading).

    None once any link is sealed: a later unsealed link is a finding, not a backlog.
    """
    if conn.scalar(sa.select(AuditSeal.chain_seq).limit(1)) is not None:
        return None
    head = conn.scalar(sa.select(AuditChainHead.seq).with_for_update()) or 0
    return _seal_links(conn, ring, 1, head)


def chain_head(conn: sa.Connection) -> tuple[int, str | None]:
    """The chain's head as the database says it is now."""
    row = conn.execute(sa.select(AuditChainHead.seq, AuditChainHead.hash)).one_or_none()
    return (row[0], row[1]) if row else (0, None)

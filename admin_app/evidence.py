"""The audit key ring and checkpoints: every commit seals its links; the head is written out.

The key lives in a file (AUDIT_KEY_FILE, created on first start with mode 0600) or in AUDIT_KEY,
never in the database. Checkpoints of the chain's head go to AUDIT_CHECKPOINT_FILE ("{database}"
in it names the database; one signed JSON line at most every AUDIT_CHECKPOINT_MINUTES per
process, and on `flask audit checkpoint`),
and to syslog when AUDIT_SYSLOG names it ("/dev/log" or "host:port").
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import threading
import time
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from models import db
from models.services.audit_seals import seal_own_links
from rules.evidence import Checkpoint, KeyRing, new_key_line, parse_keyring, sign_checkpoint

from .config import Config
from .database_roles import owner_engine

EXTENSION = "sopdesk_evidence"
log = logging.getLogger(__name__)


def _instance_file(app: Flask, configured: str, default: str) -> Path:
    return Path(configured) if configured else Path(app.instance_path) / default


def _create_key_file(path: Path) -> None:
    """Write a first key atomically: of two processes starting at once, one key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    text = "# SOP Desk audit keys: <id> <base64 secret>; the last line seals. Keep a copy.\n"
    text += new_key_line(datetime.now(UTC).strftime("k%Y%m%d")) + "\n"
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(text)  # readable by this user only from its first byte
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def load_keyring(app: Flask, cfg: Config) -> KeyRing:
    """AUDIT_KEY when set, else the key file (created on first use)."""
    if cfg.AUDIT_KEY:
        return parse_keyring(cfg.AUDIT_KEY.replace(";", "\n"))
    path = _instance_file(app, cfg.AUDIT_KEY_FILE, "audit-keys")
    if not path.exists():
        _create_key_file(path)
    return parse_keyring(path.read_text())


class Evidence:
    """The app's key ring and where its checkpoints go."""

    def __init__(self, app: Flask, cfg: Config, database: str) -> None:
        self.ring = load_keyring(app, cfg)
        pattern = str(_instance_file(app, cfg.AUDIT_CHECKPOINT_FILE, "audit/{database}.jsonl"))
        self.checkpoint_file = Path(pattern.replace("{database}", database))
        self.interval = cfg.AUDIT_CHECKPOINT_MINUTES * 60
        self._last = 0.0
        self._lock = threading.Lock()
        self._syslog = _syslog(cfg.AUDIT_SYSLOG) if cfg.AUDIT_SYSLOG else None

    def write(self, seq: int, link_hash: str | None) -> Checkpoint:
        """Append a signed checkpoint of (seq, hash), now."""
        checkpoint = sign_checkpoint(self.ring, datetime.now(UTC), seq, link_hash)
        line = checkpoint.line()
        self.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            with self.checkpoint_file.open("a") as out:
                out.write(line + "\n")
            self._last = time.monotonic()
        if self._syslog is not None:
            self._syslog.info("sopdesk-audit-checkpoint %s", line)
        return checkpoint

    def due(self) -> bool:
        """Whether this process's last checkpoint is older than the interval."""
        return self._last == 0.0 or time.monotonic() - self._last >= self.interval

    def checkpoints(self) -> list[str]:
        """The checkpoint file's lines (none yet: an empty list)."""
        if not self.checkpoint_file.exists():
            return []
        return [line for line in self.checkpoint_file.read_text().splitlines() if line.strip()]


def _syslog(address: str) -> logging.Logger:
    host, _sep, port = address.rpartition(":")
    target: str | tuple[str, int] = (host, int(port)) if host and port.isdigit() else address
    logger = logging.Logger("sopdesk.audit.checkpoints", logging.INFO)  # this app's own
    logger.addHandler(logging.handlers.SysLogHandler(address=target))
    return logger


def evidence(app: Flask | None = None) -> Evidence:
    """This app's Evidence."""
    return (app or current_app).extensions[EXTENSION]


def watch(engine: sa.Engine, keeper: Evidence) -> None:
    """Seal, before each commit on `engine`, the links its transaction wrote; checkpoint if due.

    The checkpoint names the head the transaction started from: committed already, so it holds
    whether or not this commit goes through. One listener per engine, whoever asks twice.
    """
    if engine in _WATCHED:
        _WATCHED[engine] = keeper
        return
    _WATCHED[engine] = keeper

    def before_commit(conn: sa.Connection) -> None:
        keeper = _WATCHED[engine]
        written = sum(conn.info.pop(_WRITTEN, [0]))
        try:
            sealed = seal_own_links(conn, keeper.ring, written)
        except Exception:
            conn.invalidate()  # the refused transaction goes with its connection, not to the pool
            raise
        if sealed is not None and sealed[0] > 0 and keeper.due():
            try:
                keeper.write(*sealed)
            except OSError:  # the work is sealed; the next commit tries the checkpoint again
                log.exception("audit checkpoint not written to %s", keeper.checkpoint_file)

    sa.event.listen(engine, "commit", before_commit)
    _count_links_written(engine)


# How many audit events this transaction's own statements inserted, per savepoint level: the
# links it seals must be exactly these (a chain trigger the owner rewrote cannot slip in more).
_WRITTEN = "sopdesk_links_written"
_INSERTS_EVENTS = re.compile(r"\s*INSERT\s+INTO\s+audit_events\b", re.IGNORECASE)


def _count_links_written(engine: sa.Engine) -> None:
    def counted(conn: sa.Connection, cursor: Any, statement: str, *_args: Any) -> None:
        if cursor.rowcount > 0 and _INSERTS_EVENTS.match(statement):
            conn.info.setdefault(_WRITTEN, [0])[-1] += cursor.rowcount

    def savepoint(conn: sa.Connection, *_args: Any) -> None:
        conn.info.setdefault(_WRITTEN, [0]).append(0)

    def released(conn: sa.Connection, *_args: Any) -> None:
        levels = conn.info.setdefault(_WRITTEN, [0])
        if len(levels) > 1:
            inner = levels.pop()
            levels[-1] += inner

    def undone(conn: sa.Connection, *_args: Any) -> None:
        levels = conn.info.setdefault(_WRITTEN, [0])
        if len(levels) > 1:
            levels.pop()

    def rolled_back(conn: sa.Connection) -> None:
        conn.info.pop(_WRITTEN, None)

    for name, fn in (
        ("after_cursor_execute", counted),
        ("savepoint", savepoint),
        ("release_savepoint", released),
        ("rollback_savepoint", undone),
        ("rollback", rolled_back),
    ):
        sa.event.listen(engine, name, fn)


_WATCHED: weakref.WeakKeyDictionary[sa.Engine, Evidence] = weakref.WeakKeyDictionary()


def init_app(app: Flask) -> None:
    """Load the key ring and watch the app's engine and the owner's."""
    with app.app_context():
        engine = db.engine
    keeper = Evidence(app, app.config["SOPDESK"], engine.url.database or "sopdesk")
    app.extensions[EXTENSION] = keeper
    watch(engine, keeper)
    watch(owner_engine(app), keeper)  # migrations that write events seal them too

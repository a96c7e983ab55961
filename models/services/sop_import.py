"""Importing an SOP table: the upload kept as rows, read by the rules, built with choices."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from rules.importer import Choices, Problem, SopTable, build_sop, read_table
from rules.sop import KEY_LIMIT, SopDefinition, slug_of

from ..errors import ServiceError
from ..sop_files import read_upload, rows_of
from ..sop_versions import Sop, SopImport
from . import sop_library


def start(session: Session, actor_id: int | None, filename: str, data: bytes) -> SopImport:
    """Keep an uploaded table as its rows (refused with a reason when it is not one)."""
    rows = [[number, cells] for number, cells in read_upload(filename, data)]
    return start_rows(session, actor_id, filename, rows)


def start_rows(
    session: Session, actor_id: int | None, name: str, rows: list[list[Any]]
) -> SopImport:
    """Keep a table given as rows (an SOP's own, for a new version of it)."""
    upload = SopImport(source_name=(name or "tabel")[:255], rows=rows, created_by_id=actor_id)
    session.add(upload)
    session.flush()
    return upload


def table_of(upload: SopImport) -> SopTable:
    """The table as the rules read it, every problem with its row."""
    return read_table(rows_of(upload.rows))


def target(session: Session, name: str, new_version_of: Sop | None) -> tuple[str, int]:
    """The key and the version number the built definition gets."""
    if new_version_of is not None:
        draft = sop_library.draft_of(session, new_version_of)
        number = (
            draft.version if draft else sop_library.next_version_number(session, new_version_of)
        )
        return new_version_of.key, number
    return sop_key_for(name), 1


def sop_key_for(name: str) -> str:
    """The key a new SOP of this name gets: its words, lower-case, joined by hyphens."""
    return slug_of(name, KEY_LIMIT) or "sop"


def build(
    session: Session,
    table: SopTable,
    *,
    name: str,
    choices: Choices,
    new_version_of: Sop | None = None,
    name_en: str = "",
) -> tuple[SopDefinition | None, tuple[Problem, ...]]:
    """The definition the table and the choices make, or every problem found."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError("sop_name_required")
    key, version = target(session, name, new_version_of)
    sop, problems = build_sop(table, key=key, name=name, version=version, choices=choices)
    if sop is not None and name_en.strip():
        sop = replace(sop, name_en=" ".join(name_en.split()))
    return sop, problems


def remember(upload: SopImport, choices: dict[str, Any]) -> None:
    """Keep what the superuser chose, so the form shows it again (a draft edited later too)."""
    upload.choices = choices

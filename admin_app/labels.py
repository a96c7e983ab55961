"""Labels for the enumerations and SOP words shown on screens, lazily translated (Flask-Babel).

Each label is an Indonesian msgid turned into the request's language when it is shown, so the
tables can be built once, at import, and serve every language.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from models import NonWorkingKind, db
from models.services.positions import all_positions
from rules.enums import CaseStatus, Channel, CloseReason, OutputKind, Priority, Visibility
from rules.sop import RETURN_RECORD_KIND
from rules.timing import Badge

CASE_SCOPE = {
    Visibility.ALL: _l("Semua kasus"),
    Visibility.ASSIGNED: _l("Kasus yang ditujukan kepadanya"),
    Visibility.OWN_REPORTS: _l("Kasus yang dilaporkannya"),
    Visibility.NONE: _l("Tidak ada kasus"),
}
STATUS = {
    CaseStatus.OPEN: _l("Berjalan"),
    CaseStatus.CLOSED: _l("Selesai"),
    CaseStatus.CLOSED_EARLY: _l("Ditutup lebih awal"),
}
CHANNEL = {
    Channel.TELEPON: _l("Telepon"),
    Channel.EMAIL: _l("Email"),
    Channel.LANGSUNG: _l("Langsung"),
    Channel.WEB: _l("Web"),
}
PRIORITY = {
    Priority.RENDAH: _l("Rendah"),
    Priority.SEDANG: _l("Sedang"),
    Priority.TINGGI: _l("Tinggi"),
    Priority.KRITIS: _l("Kritis"),
}
CLOSE_REASON = {
    CloseReason.DUPLIKAT: _l("Duplikat"),
    CloseReason.BUKAN_PORTAL: _l("Di luar lingkup SOP"),
    CloseReason.DITARIK: _l("Ditarik pelapor"),
}
# Record kinds are codes of each SOP; the shipped SOP's have their words here, in both
# languages, and a return is SOP Desk's own. Another SOP's kind is shown from its code.
RECORD_KIND = {
    "kebijakan": _l("Kebijakan"),
    "perintah": _l("Perintah"),
    "pengarahan": _l("Pengarahan"),
    "analisa": _l("Hasil analisa"),
    "solusi": _l("Solusi"),
    "perbaikan": _l("Laporan perbaikan"),
    "penerimaan": _l("Penerimaan laporan"),
    RETURN_RECORD_KIND: _l("Pengembalian untuk dikerjakan ulang"),
}
OUTPUT_KIND = {
    OutputKind.CASE: _l("kasus"),
    OutputKind.INSTRUCTION: _l("instruksi"),
    OutputKind.REPORT: _l("laporan"),
    OutputKind.LOG_ENTRY: _l("log kegiatan harian"),
}
SOP_STATE = {
    "draft": _l("Draf"),
    "published": _l("Terbit"),
    "retired": _l("Ditarik"),
}
BADGE = {
    Badge.WITHIN: _l("Sesuai standar"),
    Badge.AT_RISK: _l("Berisiko"),
    Badge.OVER: _l("Melebihi standar"),
    Badge.UNTIMED: _l("Tanpa standar"),
}
BADGE_CLASS = {
    Badge.WITHIN: "badge-success",
    Badge.AT_RISK: "badge-warning",
    Badge.OVER: "badge-danger",
    Badge.UNTIMED: "badge-secondary",
}
NON_WORKING_KIND = {
    NonWorkingKind.LIBUR_NASIONAL: _l("Libur nasional tambahan"),
    NonWorkingKind.CUTI_BERSAMA: _l("Cuti bersama"),
    NonWorkingKind.PENUTUPAN: _l("Penutupan kantor"),
}
OUTCOME = {
    "completed": _l("selesai"),
    "returned": _l("dikembalikan"),
    "closed_early": _l("ditutup lebih awal"),
}
YES_NO = (("ya", _l("Ya")), ("tidak", _l("Tidak")))
"""The choices of a yes/no filter: the values stay Indonesian (they are in URLs)."""

# The shipped SOP's own words (its TOML holds them in Indonesian; an activity and the name have
# their English beside them). A word of another, imported SOP is shown as it was written.
KELENGKAPAN = {
    "telepon": _l("telepon"),
    "komputer": _l("komputer"),
    "printer": _l("printer"),
    "internet": _l("internet"),
    "laporan": _l("laporan"),
    "log kegiatan": _l("log kegiatan"),
}
OUTPUT_LABEL = {
    "hasil analisa": _l("hasil analisa"),
    "solusi": _l("solusi"),
    "pengarahan": _l("pengarahan"),
    "permasalahan portal web sudah diperbaiki": _l("permasalahan portal web sudah diperbaiki"),
    "laporan": _l("laporan"),
    "laporan didalam log kegiatan": _l("laporan didalam log kegiatan"),
}


def choices(table: dict) -> list[tuple[str, Any]]:
    """(value, label) pairs of an enum's labels, for selects and filters.

    The labels stay lazy: filters and form fields are built once, then shown in any language.
    """
    return [(key.value, text) for key, text in table.items()]


def _english() -> bool:
    from .i18n import get_locale_language

    return get_locale_language() == "en"


def activity(step: Any) -> str:
    """A step's activity in the reader's language (the SOP table carries both)."""
    return str(step.activity_en if _english() and step.activity_en else step.activity_id)


def sop_name(sop: Any) -> str:
    """An SOP's name in the reader's language when the SOP gives it, else as written."""
    return str(sop.name_en if _english() and sop.name_en else sop.name)


def _positions() -> dict[str, tuple[str, str | None]]:
    """Every position's names by code, read once per request (a handful of rows)."""
    if has_request_context() and "sopdesk_positions" in g:
        cached: dict[str, tuple[str, str | None]] = g.sopdesk_positions
        return cached
    found = {role.code: (role.name, role.name_en) for role in all_positions(db.session)}
    if has_request_context():
        g.sopdesk_positions = found
    return found


def position(code: object) -> str:
    """A position's name in the reader's language (its code when it is unknown)."""
    if code is None:
        return "—"
    name, name_en = _positions().get(str(code), (str(code), None))
    return name_en if _english() and name_en else name


def position_choices() -> list[tuple[str, str]]:
    """(code, name) of every position, for selects and filters."""
    return [(code, position(code)) for code in _positions()]


def record_kind(kind: str) -> str:
    """The name of a record kind: the shipped SOP's words, else the code as words."""
    known = RECORD_KIND.get(kind)
    return str(known) if known is not None else kind.replace("-", " ").capitalize()


def word(table: dict, value: str) -> str:
    """A word of the SOP (kelengkapan item, output label) translated when it is known."""
    known = table.get(value)
    return str(known) if known is not None else value


def label(table: dict, value: object) -> str:
    """The label of an enum value (or of its plain string), else the value itself."""
    if value is None:
        return "—"
    for key, text in table.items():
        if key == value or getattr(key, "value", key) == value:
            return str(text)
    return str(value)

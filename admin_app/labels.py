"""Labels for the enumerations and SOP words shown on screens, lazily translated (Flask-Babel).

Each label is an Indonesian msgid turned into the request's language when it is shown, so the
tables can be built once, at import, and serve every language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from models import NonWorkingKind
from rules.enums import (
    CaseStatus,
    Channel,
    CloseReason,
    InstructionKind,
    Priority,
    ReportKind,
    Role,
)
from rules.timing import Badge

ROLE = {
    Role.PENGGUNA: _l("Pengguna"),
    Role.DIREKTUR: _l("Direktur TI-KI"),
    Role.KASUBDIT: _l("Kasubdit Perencanaan"),
    Role.KASI: _l("Kasi Portal Web"),
    Role.JFU: _l("JFU"),
    Role.SUPERUSER: _l("Superuser"),
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
    CloseReason.BUKAN_PORTAL: _l("Bukan masalah portal"),
    CloseReason.DITARIK: _l("Ditarik pelapor"),
}
INSTRUCTION_KIND = {
    InstructionKind.KEBIJAKAN: _l("Kebijakan"),
    InstructionKind.PERINTAH: _l("Perintah"),
    InstructionKind.PENGARAHAN: _l("Pengarahan"),
}
REPORT_KIND = {
    ReportKind.ANALISA: _l("Hasil analisa"),
    ReportKind.SOLUSI: _l("Solusi"),
    ReportKind.PERBAIKAN: _l("Laporan perbaikan"),
    ReportKind.PENERIMAAN: _l("Penerimaan laporan"),
    ReportKind.PENGEMBALIAN: _l("Pengembalian untuk perbaikan ulang"),
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

# The portal SOP's own words (its TOML holds them in Indonesian; an activity has its English
# beside it). A word of another, imported SOP is shown as it was written.
SOP_NAME = {"pemeliharaan-portal": _l("Pemeliharaan Portal Website DJKI")}
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
    """An SOP's name in the reader's language when it is known, else as written."""
    known = SOP_NAME.get(sop.key)
    return str(known) if known is not None else str(sop.name)


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

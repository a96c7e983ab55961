"""Indonesian labels for the enumerations shown on screens (translatable with Flask-Babel)."""

from __future__ import annotations

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


def choices(table: dict) -> list[tuple[str, str]]:
    """(value, label) pairs of an enum's labels, for selects and filters."""
    return [(key.value, str(text)) for key, text in table.items()]


def label(table: dict, value: object) -> str:
    """The label of an enum value (or of its plain string), else the value itself."""
    if value is None:
        return "—"
    for key, text in table.items():
        if key == value or getattr(key, "value", key) == value:
            return str(text)
    return str(value)

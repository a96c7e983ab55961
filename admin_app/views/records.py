"""The history screens: instructions, reports, the daily activity log and the audit trail.

All four are read-only (the matrix grants no create, edit or delete, and PostgreSQL refuses
updates anyway): a correction is a new record pointing at the one it corrects. Lists are
scoped through the case, ordered along an index and never counted, because the log and the
audit trail grow without bound.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from flask import url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import format_date as format_local_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, lazyload, load_only

from models import Account, AuditEvent, Case, Instruction, LogEntry, Report, db
from models.services.export import ExportKind
from models.services.visibility import sees_all_cases, visible_case_ids
from rules.enums import OutputKind
from rules.payload import whole_number

from .. import labels
from ..exports import CsvExportMixin
from ..formatting import local_time
from ..permissions import Screen
from .base import SecureModelView
from .filters import (
    IS,
    USERNAME,
    CaseSopFilter,
    ChoiceFilter,
    LocalDateBetweenFilter,
    record_kind_choices,
)

LONG_DATE = "EEEE, d MMMM y"
"""CLDR pattern of a day written out: "Senin, 23 November 2026", "Monday, 23 November 2026"."""
LIST_TEXT_LIMIT = 120
CASE = lazy_pgettext("column", "Kasus")
"""One case (a column, a filter): "Case" in English, where the menu's "Kasus" is "Cases"."""


def indonesian_date(day: date) -> str:
    """A day written out in Indonesian, e.g. "Senin, 23 November 2026" (CLDR, no system locale)."""
    return format_date(day, LONG_DATE, locale="id")


def long_date(day: date) -> str:
    """A day written out in the reader's language."""
    return str(format_local_date(day, LONG_DATE))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- filters -------------------------------------------------------------------------------
class UsernameFilter(BaseSQLAFilter):
    """Rows whose account column (author, performer, actor) is the account with this username.

    A text box, not a dropdown: a dropdown would load every account into every list page.
    """

    def validate(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value.strip()) <= 50

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        account_ids = sa.select(Account.id).where(
            sa.func.lower(Account.username) == value.strip().lower()
        )
        return query.filter(self.get_column(alias).in_(account_ids))

    def operation(self) -> Any:
        return USERNAME


class NumberFilter(BaseSQLAFilter):
    """Equals a number such as a case number; anything but plain digits is refused (400)."""

    def validate(self, value: Any) -> bool:
        return whole_number(value) is not None

    def clean(self, value: str) -> int:
        return int(value)

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) == value)

    def operation(self) -> Any:
        return IS


class TextEqualFilter(BaseSQLAFilter):
    """Equals a short code typed in full (an audit action or entity)."""

    def validate(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value.strip()) <= 60

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) == value.strip())

    def operation(self) -> Any:
        return IS


# -- formatters ----------------------------------------------------------------------------
def _case_link(view: Any, context: Any, model: Any, name: str) -> Any:
    if model.case_id is None:
        return "—"
    case = getattr(model, "case", None)  # records load their case; audit rows have only its id
    text = (
        f"#{model.case_id} {_shorten(case.title, 60)}" if case is not None else f"#{model.case_id}"
    )
    return Markup('<a href="{}">{}</a>').format(
        url_for("case.details_view", id=model.case_id), text
    )


def _account(view: Any, context: Any, model: Any, name: str) -> Any:
    account = getattr(model, name)
    if account is None:
        return "—"
    return Markup('{} <small class="text-muted">({})</small>').format(
        account.full_name, account.username
    )


def _instant(view: Any, context: Any, model: Any, name: str) -> str:
    return local_time(getattr(model, name))


def _day(view: Any, context: Any, model: Any, name: str) -> str:
    return long_date(getattr(model, name))


def _short_text(view: Any, context: Any, model: Any, name: str) -> str:
    return _shorten(getattr(model, name), LIST_TEXT_LIMIT)


def _full_text(view: Any, context: Any, model: Any, name: str) -> Any:
    return Markup('<div class="prewrap">{}</div>').format(getattr(model, name))


def _kind(view: Any, context: Any, model: Any, name: str) -> str:
    return labels.record_kind(model.kind)


def _corrects(view: Any, context: Any, model: Any, name: str) -> Any:
    if model.corrects_id is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(
        url_for(f"{view.endpoint}.details_view", id=model.corrects_id),
        _("mengoreksi #%(id)s", id=model.corrects_id),
    )


def _corrected_by(view: Any, context: Any, model: Any, name: str) -> Any:
    """The records that correct this one (details only: one small indexed query per page)."""
    ids = db.session.scalars(
        view.scope(
            sa.select(view.model.id)
            .where(view.model.corrects_id == model.id)
            .order_by(view.model.id)
            .limit(50)
        )
    ).all()
    if not ids:
        return "—"
    return Markup(", ").join(
        Markup('<a href="{}">#{}</a>').format(url_for(f"{view.endpoint}.details_view", id=i), i)
        for i in ids
    )


def _json(view: Any, context: Any, model: Any, name: str) -> Any:
    value = getattr(model, name)
    if value is None:
        return "—"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    return Markup('<pre class="mb-0 small">{}</pre>').format(text)  # format() escapes


# -- views ---------------------------------------------------------------------------------
def _narrow_account(relation: Any) -> Any:
    """Join an account for its name only (not its password hash, not its roles)."""
    return joinedload(relation).options(
        load_only(Account.id, Account.username, Account.full_name), lazyload(Account.roles)
    )


def _narrow_case(relation: Any) -> Any:
    """Join a case for its title only (not its SOP version, which it would join by default)."""
    return joinedload(relation).options(load_only(Case.id, Case.title), lazyload(Case.sop_version))


class ReadOnlyHistoryView(SecureModelView):
    """A history screen: rows of the cases the user may see, always in a stable order."""

    column_display_actions = True
    # Flask-Admin would join every relation in the list in full; `loads` joins narrowly instead.
    column_auto_select_related = False
    loads: tuple[str, ...] = ("case", "author")

    def get_query(self) -> Any:
        query = super().get_query()
        for name in self.loads:
            relation = getattr(self.model, name)
            target = relation.property.mapper.class_
            query = query.options(
                _narrow_case(relation) if target is Case else _narrow_account(relation)
            )
        return query

    def scope(self, query: Any) -> Any:
        if sees_all_cases(current_user):
            return query
        return query.filter(self.model.case_id.in_(visible_case_ids(current_user)))

    def _apply_sorting(self, query: Any, joins: Any, sort_column: Any, sort_desc: bool) -> Any:
        # Flask-Admin drops ORDER BY for a column that is not sortable (?sort=N); fall back to
        # the default, index-backed order instead of an unordered (and unstable) page.
        if sort_column not in self._sortable_columns:
            sort_column = None
        return super()._apply_sorting(query, joins, sort_column, sort_desc)


_RECORD_LABELS = {
    "id": _l("No"),
    "case": CASE,
    "case_id": CASE,
    "kind": _l("Jenis"),
    "text": _l("Isi"),
    "author": _l("Penulis"),
    "addressee": _l("Ditujukan kepada"),
    "priority": _l("Prioritas"),
    "created_at": _l("Dibuat"),
    "corrects": _l("Koreksi"),
    "corrected_by": _l("Dikoreksi oleh"),
}
_RECORD_FORMATTERS = {
    "case": _case_link,
    "kind": _kind,
    "text": _short_text,
    "author": _account,
    "addressee": _account,
    "created_at": _instant,
    "corrects": _corrects,
}
_RECORD_DETAIL_FORMATTERS = {
    **_RECORD_FORMATTERS,
    "text": _full_text,
    "priority": lambda v, c, m, n: labels.label(labels.PRIORITY, m.priority),
    "corrected_by": _corrected_by,
}


class _StepOutputView(ReadOnlyHistoryView):
    """What the instruction and report screens share: labels, formats, order and search."""

    column_labels = _RECORD_LABELS
    column_formatters = _RECORD_FORMATTERS
    column_formatters_detail = _RECORD_DETAIL_FORMATTERS
    column_sortable_list = ("id", "created_at")
    column_default_sort = [("created_at", True), ("id", True)]
    column_searchable_list = ("text",)


class InstructionView(_StepOutputView):
    """Instruksi: the instructions the SOPs' steps give (the portal's policy, order, direction)."""

    screen = Screen.INSTRUCTIONS
    loads = ("case", "author", "addressee")
    column_list = ("id", "case", "kind", "text", "author", "addressee", "created_at", "corrects")
    column_details_list = (
        "id",
        "case",
        "kind",
        "text",
        "author",
        "addressee",
        "priority",
        "created_at",
        "corrects",
        "corrected_by",
    )
    column_filters = (
        ChoiceFilter(
            Instruction.kind, _l("Jenis"), options=record_kind_choices(OutputKind.INSTRUCTION)
        ),
        UsernameFilter(Instruction.author_id, _l("Penulis")),
        NumberFilter(Instruction.case_id, CASE),
        CaseSopFilter(Instruction.case_id, _l("SOP")),
        LocalDateBetweenFilter(Instruction.created_at, _l("Tanggal")),
    )


class ReportView(_StepOutputView):
    """Laporan: the reports the SOPs' steps write, and returns for rework."""

    screen = Screen.REPORTS
    column_list = ("id", "case", "kind", "text", "author", "created_at", "corrects")
    column_details_list = (
        "id",
        "case",
        "kind",
        "text",
        "author",
        "created_at",
        "corrects",
        "corrected_by",
    )
    column_filters = (
        ChoiceFilter(Report.kind, _l("Jenis"), options=record_kind_choices(OutputKind.REPORT)),
        UsernameFilter(Report.author_id, _l("Penulis")),
        NumberFilter(Report.case_id, CASE),
        CaseSopFilter(Report.case_id, _l("SOP")),
        LocalDateBetweenFilter(Report.created_at, _l("Tanggal")),
    )


class DailyLogView(CsvExportMixin, ReadOnlyHistoryView):
    """Log kegiatan harian, grouped by day, newest day first (ix_log_entries_day)."""

    screen = Screen.DAILY_LOG
    export_kind = ExportKind.LOGS
    list_template = "admin/daily_log_list.html"
    column_list = ("id", "case", "text", "author", "created_at", "corrects")
    column_details_list = (
        "id",
        "log_date",
        "case",
        "text",
        "author",
        "created_at",
        "corrects",
        "corrected_by",
    )
    column_labels = {
        **_RECORD_LABELS,
        "log_date": _l("Tanggal"),
        "author": _l("Pelaksana"),
        "created_at": _l("Dicatat"),
    }
    column_formatters = {**_RECORD_FORMATTERS, "created_at": _instant}
    column_formatters_detail = {**_RECORD_DETAIL_FORMATTERS, "log_date": _day}
    # The day grouping needs day order, so the list is not re-sortable; (log_date, id) walks
    # the index backwards and stops after one page.
    column_sortable_list = ()
    column_default_sort = [("log_date", True), ("id", True)]
    column_searchable_list = ("text",)
    column_filters = (
        LocalDateBetweenFilter(LogEntry.log_date, _l("Tanggal")),
        UsernameFilter(LogEntry.author_id, _l("Pelaksana")),
        NumberFilter(LogEntry.case_id, CASE),
        CaseSopFilter(LogEntry.case_id, _l("SOP")),
    )

    @staticmethod
    def day_heading(day: date) -> str:
        """The heading of a day's group in the list."""
        return long_date(day)


class AuditView(CsvExportMixin, ReadOnlyHistoryView):
    """Jejak audit: every change with the state before and after, newest first."""

    screen = Screen.AUDIT
    export_kind = ExportKind.AUDIT
    loads = ("actor",)
    column_list = ("occurred_at", "actor", "action", "entity", "entity_id", "case_id")
    column_details_list = (
        "id",
        "occurred_at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "case_id",
        "before",
        "after",
    )
    column_labels = {
        "id": _l("No"),
        "occurred_at": _l("Waktu"),
        "actor": _l("Pelaku"),
        "action": _l("Tindakan"),
        "entity": _l("Entitas"),
        "entity_id": _l("ID entitas"),
        "case_id": CASE,
        "before": _l("Sebelum"),
        "after": _l("Sesudah"),
    }
    column_formatters = {"occurred_at": _instant, "actor": _account, "case_id": _case_link}
    column_formatters_detail = {**column_formatters, "before": _json, "after": _json}
    # (occurred_at, id) in one direction is ix_audit_events_occurred_at read backwards.
    column_sortable_list = (("occurred_at", ("occurred_at", "id")),)
    column_default_sort = [("occurred_at", True), ("id", True)]
    column_filters = (
        TextEqualFilter(AuditEvent.action, _l("Tindakan")),
        TextEqualFilter(AuditEvent.entity, _l("Entitas")),
        UsernameFilter(AuditEvent.actor_id, _l("Pelaku")),
        LocalDateBetweenFilter(AuditEvent.occurred_at, _l("Waktu")),
        NumberFilter(AuditEvent.case_id, CASE),
    )

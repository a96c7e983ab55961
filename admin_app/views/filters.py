"""List filters of our own: choices that refuse unknown values, Jakarta dates, SOP flags."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.model.filters import BaseDateBetweenFilter
from flask_babel import lazy_gettext as _l

from models import Account, Case, SopVersion, StepRun, VersionState, db
from models.services.days import between_days
from models.services.sop_library import library, longest_sop, stored_definitions
from rules import RETURN_RECORD_KIND, OutputKind, is_plausible_day

from .. import clock, labels
from ..labels import YES_NO

# Operations are lazy: Flask-Admin asks for them once, when the view is built. Their msgids also
# make the filters' URL keys (SecureModelView.get_filter_arg), so changing one breaks links.
IS = _l("adalah")
BETWEEN = _l("antara")
USERNAME = _l("nama pengguna")


class LiveOptions:
    """Options given as a function are read when a list is shown, not once when the view is
    built: positions, SOPs and their steps are data (SecureModelView asks each request)."""

    options: Any

    def get_options(self, view: Any) -> Any:
        if callable(self.options):
            return self.options() if has_request_context() else None
        return self.options

    def current_options(self) -> list[tuple[str, Any]]:
        """The options as they are now."""
        return list(self.options() if callable(self.options) else self.options or ())


class ChoiceFilter(LiveOptions, FilterEqual):
    """Equals one of a set of choices (fixed, or read when asked); any other is refused (400)."""

    def validate(self, value: Any) -> bool:
        return value in {str(key) for key, _text in self.current_options()}

    def operation(self) -> Any:
        return IS


class LocalDateBetweenFilter(BaseSQLAFilter, BaseDateBetweenFilter):
    """Between two calendar days (inclusive) in Asia/Jakarta, on a timestamptz or date column."""

    def __init__(self, column: Any, name: Any) -> None:
        super().__init__(column, name, data_type="daterangepicker")

    def validate(self, value: Any) -> bool:
        """Two days in order, both plausible (a period ending 9999-12-31 would overflow)."""
        return super().validate(value) and all(map(is_plausible_day, self.clean(value)))

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        first, last = value
        days = between_days(self.get_column(alias), first, last, current_app.config["TIMEZONE"])
        return query.filter(*days)

    def operation(self) -> Any:
        return BETWEEN


class OverStandardFilter(BaseSQLAFilter):
    """Cases with a step over its standard: finished over, or in progress past its due time."""

    def __init__(self, column: Any, name: Any) -> None:
        super().__init__(column, name, options=YES_NO)

    def validate(self, value: Any) -> bool:
        return value in ("ya", "tidak")

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        case_id = self.get_column(alias)
        over = sa.exists().where(
            StepRun.case_id == case_id,
            sa.or_(
                StepRun.working_minutes > StepRun.standard_minutes,
                sa.and_(StepRun.completed_at.is_(None), StepRun.due_at < clock.now()),
            ),
        )
        return query.filter(over if value == "ya" else ~over)

    def operation(self) -> Any:
        return IS


class PerformerFilter(BaseSQLAFilter):
    """Cases in which the account with this username performed a step."""

    def validate(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value.strip()) <= 50

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        case_id = self.get_column(alias)
        performed = (
            sa.select(StepRun.id)
            .join(Account, Account.id == StepRun.performer_id)
            .where(
                StepRun.case_id == case_id, sa.func.lower(Account.username) == value.strip().lower()
            )
        )
        return query.filter(performed.exists())

    def operation(self) -> Any:
        return USERNAME


def step_choices() -> list[tuple[str, Any]]:
    """Step numbers up to the longest SOP stored, for a step filter."""
    return [(str(n), _l("Langkah %(n)s", n=n)) for n in range(1, longest_sop(db.session) + 1)]


def sop_choices() -> list[tuple[str, Any]]:
    """The SOPs cases may run on (a version published once), by key, in the reader's language."""
    choices = []
    for sop in library(db.session):
        ran = [v for v in sop.versions if v.state is not VersionState.DRAFT]
        if ran:
            choices.append((sop.key, labels.sop_name(ran[-1].sop)))
    return choices


def record_kind_choices(output_kind: OutputKind) -> Any:
    """The record kinds the stored SOPs give outputs of this kind (and a return, for reports)."""

    def choices() -> list[tuple[str, str]]:
        kinds = {
            step.record_kind
            for version in stored_definitions(db.session)
            for step in version.sop.steps
            if step.output_kind is output_kind and step.record_kind
        }
        if output_kind is OutputKind.REPORT:
            kinds.add(RETURN_RECORD_KIND)
        return [(kind, labels.record_kind(kind)) for kind in sorted(kinds)]

    return choices


class SopFilter(LiveOptions, BaseSQLAFilter):
    """Cases (or their records) of one SOP of the library, by its key."""

    def __init__(self, column: Any, name: Any) -> None:
        super().__init__(column, name, options=sop_choices)

    def validate(self, value: Any) -> bool:
        return value in {key for key, _name in self.current_options()}

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias).in_(self.chosen(value)))

    @staticmethod
    def chosen(value: str) -> Any:
        """The ids the filtered column holds for this SOP: its versions."""
        return sa.select(SopVersion.id).where(SopVersion.key == value)

    def operation(self) -> Any:
        return IS


class CaseSopFilter(SopFilter):
    """Records of the cases of one SOP (on a case id column)."""

    @staticmethod
    def chosen(value: str) -> Any:
        return sa.select(Case.id).where(Case.sop_version_id.in_(SopFilter.chosen(value)))

"""List filters of our own: choices that refuse unknown values, Jakarta dates, SOP flags."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.model.filters import BaseDateBetweenFilter
from flask_babel import lazy_gettext as _l

from models import Account, StepRun
from models.services.days import between_days
from rules import is_plausible_day

from .. import clock
from ..labels import YES_NO

# Operations are lazy: Flask-Admin asks for them once, when the view is built. Their msgids also
# make the filters' URL keys (SecureModelView.get_filter_arg), so changing one breaks links.
IS = _l("adalah")
BETWEEN = _l("antara")
USERNAME = _l("nama pengguna")


class ChoiceFilter(FilterEqual):
    """Equals one of a fixed set of choices; any other value is refused (400)."""

    def validate(self, value: Any) -> bool:
        return value in {str(key) for key, _text in self.options}

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

"""Administrasi → Hari libur: days off added to the working calendar (cuti bersama, closures)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from models import Account, NonWorkingDay, NonWorkingKind, db
from models.services.calendar import add_day_off, remove_day_off
from rules import EARLIEST_DAY, LATEST_DAY
from rules.payload import whole_number

from .. import labels
from ..formatting import local_time
from ..forms import plausible_day
from ..permissions import Screen
from .base import SecureModelView
from .filters import ChoiceFilter, LocalDateBetweenFilter
from .service_call import REQUIRED, Form, commit_or_refuse


def _day(value: date) -> str:
    return f"{value.strftime('%d-%m-%Y')} ({format_date(value, 'EEEE')})"


class YearFilter(BaseSQLAFilter):
    """Days off in one calendar year."""

    def validate(self, value: Any) -> bool:
        return EARLIEST_DAY.year <= (whole_number(value, digits=4) or 0) <= LATEST_DAY.year

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        year = int(value)
        column = self.get_column(alias)
        return query.filter(column.between(date(year, 1, 1), date(year, 12, 31)))

    def operation(self) -> Any:
        return _l("sama dengan")


class NonWorkingDayForm(Form):
    """A day off: the date, what it is called, and why it is not worked."""

    day = DateField(
        _l("Tanggal"),
        validators=[DataRequired(message=_l("Tanggal wajib diisi.")), plausible_day],
    )
    name = StringField(
        _l("Nama"),
        validators=[DataRequired(message=REQUIRED), Length(max=200)],
        description=_l("Mis. Cuti bersama Idulfitri, atau Penutupan kantor (pemadaman listrik)."),
    )
    kind = SelectField(
        _l("Jenis"),
        choices=[SelectChoice(v, t) for v, t in labels.choices(labels.NON_WORKING_KIND)],
        default=NonWorkingKind.CUTI_BERSAMA.value,
    )


def _day_fmt(view: Any, context: Any, model: NonWorkingDay, name: str) -> Any:
    if name == "day":
        return _day(model.day)
    if name == "kind":
        return labels.label(labels.NON_WORKING_KIND, model.kind)
    if name == "created_by_id":
        account = db.session.get(Account, model.created_by_id) if model.created_by_id else None
        return account.full_name if account else "—"
    if name == "created_at":
        return local_time(model.created_at)
    return getattr(model, name)


class NonWorkingDayView(SecureModelView):
    """Days off beyond the national holidays: managers look, superusers add and remove."""

    screen = Screen.NON_WORKING_DAYS
    form = NonWorkingDayForm
    column_list = ("day", "name", "kind", "created_by_id")
    column_details_list = ("id", "day", "name", "kind", "created_by_id", "created_at")
    column_labels = {
        "id": _l("No"),
        "day": _l("Tanggal"),
        "name": _l("Nama"),
        "kind": _l("Jenis"),
        "created_by_id": _l("Ditambahkan oleh"),
        "created_at": _l("Ditambahkan pada"),
    }
    column_formatters = {name: _day_fmt for name in ("day", "kind", "created_by_id", "created_at")}
    column_sortable_list = ("day", "name", "kind")
    column_default_sort = ("day", True)
    column_searchable_list = ("name",)
    column_filters = (
        ChoiceFilter(
            NonWorkingDay.kind, _l("Jenis"), options=labels.choices(labels.NON_WORKING_KIND)
        ),
        YearFilter(NonWorkingDay.day, _l("Tahun")),
        LocalDateBetweenFilter(NonWorkingDay.day, _l("Tanggal")),
    )
    # Flask-Admin's bulk delete would remove rows without moving the due times back.
    action_disallowed_list = ["delete"]
    list_template = "admin/holiday_list.html"
    create_template = "admin/holiday_create.html"

    @staticmethod
    def _calendar_settings() -> dict[str, Any]:
        cfg = current_app.config["SOPDESK"]
        return {"tz_name": cfg.TIMEZONE, "week_spec": cfg.work_week}

    def create_model(self, form: Any) -> NonWorkingDay | bool:
        """Add the day through the service, which moves the due times of steps in progress."""
        ok, row = commit_or_refuse(
            self,
            lambda: add_day_off(
                db.session,
                actor_id=current_user.id,
                day=form.day.data,
                name=form.name.data or "",
                kind=NonWorkingKind(form.kind.data),
                **self._calendar_settings(),
            ),
        )
        return row if ok and row else False

    def delete_model(self, model: NonWorkingDay) -> bool:
        """Remove the day through the service, which moves the due times back."""
        ok, _result = commit_or_refuse(
            self,
            lambda: remove_day_off(
                db.session, actor_id=current_user.id, row=model, **self._calendar_settings()
            ),
        )
        return ok

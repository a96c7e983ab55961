"""Administrasi: accounts and their roles, and the days off added to the working calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.form import BaseForm
from flask_admin.helpers import get_form_data
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from models import Account, NonWorkingDay, NonWorkingKind, Role, db
from models.errors import ServiceError
from models.passwords import MAX_LENGTH, MIN_LENGTH
from models.services import account_admin
from models.services.accounts import create_account
from models.services.calendar import add_day_off, remove_day_off
from rules import EARLIEST_DAY, LATEST_DAY
from rules.enums import Role as RoleCode

from .. import labels
from ..formatting import local_time
from ..forms import AppForm, plausible_day
from ..i18n import error_message
from ..permissions import Perm, Screen
from .base import SecureModelView
from .filters import IS, ChoiceFilter, LocalDateBetweenFilter

T = TypeVar("T")

PASSWORD_HINT = _l(
    "Minimal %(min_length)s karakter, tidak memuat nama pengguna, dan bukan kata sandi yang umum.",
    min_length=MIN_LENGTH,
)
EMAIL_FORMAT = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Alamat email tidak sah."))
REQUIRED = _l("Wajib diisi.")


def _choices(table: dict) -> list[tuple[str, Any]]:
    return labels.choices(table)


def _select(table: dict) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in _choices(table)]


class Form(AppForm, BaseForm):
    """Flask-Admin's form base, with every message in the user's language."""


def _apply(view: SecureModelView, work: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call and commit: (True, its result); on refusal show why and roll back."""
    try:
        result = work()
        db.session.commit()
    except ServiceError as err:
        db.session.rollback()
        flash(error_message(err), "error")
        return False, None
    except SQLAlchemyError as exc:
        view.handle_view_exception(exc)  # rolls back and shows a plain message
        return False, None
    return True, result


def _day(value: date) -> str:
    return f"{value.strftime('%d-%m-%Y')} ({format_date(value, 'EEEE')})"


# -- accounts ---------------------------------------------------------------------------------


class RoleFilter(BaseSQLAFilter):
    """Accounts holding one role; an unknown role is refused (400)."""

    def __init__(self, name: Any) -> None:
        super().__init__(Account.id, name, options=_choices(labels.ROLE))

    def validate(self, value: Any) -> bool:
        return value in {code.value for code in RoleCode}

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(Account.roles.any(Role.code == RoleCode(value)))

    def operation(self) -> Any:
        return IS


class ActiveFilter(BaseSQLAFilter):
    """Active or inactive accounts."""

    def __init__(self, name: Any) -> None:
        super().__init__(Account.active, name, options=labels.YES_NO)

    def validate(self, value: Any) -> bool:
        return value in ("ya", "tidak")

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias).is_(value == "ya"))

    def operation(self) -> Any:
        return IS


def _role_field(label: Any) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=_select(labels.ROLE),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Centang satu peran atau lebih."),
    )


def _password_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message=REQUIRED), Length(max=MAX_LENGTH)],
        description=PASSWORD_HINT,
    )


def _password_again_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("Kedua kata sandi tidak sama.")),
        ],
    )


class AccountCreateForm(Form):
    """A new account: who, which roles, and a first password typed twice."""

    username = StringField(
        _l("Nama pengguna"),
        validators=[DataRequired(message=REQUIRED), Length(max=50)],
        description=_l("3–50 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."),
    )
    full_name = StringField(
        _l("Nama lengkap"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EMAIL_FORMAT])
    roles = _role_field(_l("Peran"))
    password = _password_field(_l("Kata sandi"))
    password_confirm = _password_again_field(_l("Ulangi kata sandi"))


class AccountEditForm(Form):
    """What a superuser may change on an account; no username, password or timestamps."""

    full_name = StringField(
        _l("Nama lengkap"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EMAIL_FORMAT])
    roles = _role_field(_l("Peran"))
    active = BooleanField(
        _l("Aktif"),
        description=_l(
            "Akun tidak pernah dihapus: hapus centang untuk menonaktifkannya. "
            "Akun nonaktif tidak dapat masuk dan sesinya berakhir."
        ),
    )


class PasswordResetForm(Form):
    """A new password, typed twice."""

    password = _password_field(_l("Kata sandi baru"))
    password_confirm = _password_again_field(_l("Ulangi kata sandi baru"))


def _account_fmt(view: Any, context: Any, model: Account, name: str) -> Any:
    if name == "roles":
        return ", ".join(sorted(labels.label(labels.ROLE, code) for code in model.role_codes))
    if name == "active":
        return _("Ya") if model.active else _("Tidak")
    if name in ("last_login_at", "created_at"):
        return local_time(getattr(model, name))
    return getattr(model, name) or "—"


class AccountView(SecureModelView):
    """Accounts and their roles: create, edit, deactivate (never delete), reset a password."""

    screen = Screen.ACCOUNTS
    column_list = ("username", "full_name", "email", "roles", "active", "last_login_at")
    column_details_list = (
        "id",
        "username",
        "full_name",
        "email",
        "roles",
        "active",
        "created_at",
        "last_login_at",
    )
    column_labels = {
        "id": _l("No"),
        "username": _l("Nama pengguna"),
        "full_name": _l("Nama lengkap"),
        "email": _l("Email"),
        "roles": _l("Peran"),
        "active": _l("Aktif"),
        "created_at": _l("Dibuat"),
        "last_login_at": _l("Terakhir masuk"),
    }
    column_formatters = {
        name: _account_fmt for name in ("email", "roles", "active", "last_login_at", "created_at")
    }
    column_sortable_list = ("username", "full_name", "email", "active", "last_login_at")
    column_default_sort = "username"
    column_searchable_list = ("username", "full_name")
    column_filters = (ActiveFilter(_l("Aktif")), RoleFilter(_l("Peran")))
    column_extra_row_actions = [
        EndpointLinkRowAction(
            "fa fa-key", ".reset_password_view", title=_l("Setel ulang kata sandi")
        )
    ]
    action_disallowed_list = ["delete"]
    form_widget_args = {"roles": {"class": "list-unstyled mb-0"}}
    edit_template = "admin/account_edit.html"
    password_template = "admin/account_password.html"

    # The forms hold only the fields a superuser may set: a posted id, username, password_hash,
    # created_at or last_login_at has no field to land in and is ignored.
    def get_create_form(self) -> type[BaseForm]:
        return AccountCreateForm

    def get_edit_form(self) -> type[BaseForm]:
        return AccountEditForm

    def edit_form(self, obj: Account | None = None) -> BaseForm:
        data = {}
        if obj is not None:
            data = {
                "full_name": obj.full_name,
                "email": obj.email,
                "roles": sorted(code.value for code in obj.role_codes),
                "active": obj.active,
            }
        return self._edit_form_class(get_form_data(), data=data)

    def create_model(self, form: Any) -> Account | bool:
        """Create through the service: username and password policy, roles, audit."""
        ok, account = _apply(
            self,
            lambda: create_account(
                db.session,
                username=form.username.data or "",
                full_name=form.full_name.data or "",
                roles=form.roles.data or [],
                password=form.password.data or "",
                email=form.email.data,
                actor_id=current_user.id,
            ),
        )
        return account if ok and account else False

    def update_model(self, form: Any, model: Account) -> bool:
        """Edit through the service; it refuses self-deactivation and losing the last superuser."""
        ok, _result = _apply(
            self,
            lambda: account_admin.update_account(
                db.session,
                current_user.id,
                model,
                full_name=form.full_name.data or "",
                email=form.email.data,
                roles=form.roles.data or [],
                active=bool(form.active.data),
            ),
        )
        return ok

    def delete_model(self, model: Account) -> bool:
        abort(403)  # accounts are deactivated, never deleted (the matrix grants no DELETE)

    @expose("/password/", methods=("GET", "POST"))
    def reset_password_view(self) -> Any:
        """Setel ulang kata sandi: a new password that meets the policy ends the old sessions."""
        if not self.may(Perm.EDIT):
            abort(403)
        account = self.get_one(request.args.get("id", ""))
        form = PasswordResetForm(get_form_data())
        status = 200
        if request.method == "POST":
            if form.validate() and self._reset(account, form.password.data or ""):
                return redirect(url_for(".index_view"))
            status = 422
        body = self.render(self.password_template, account=account, form=form)
        return (body, status) if status != 200 else body

    def _reset(self, account: Account, password: str) -> bool:
        ok, _result = _apply(
            self,
            lambda: account_admin.reset_password(db.session, current_user.id, account, password),
        )
        if not ok:
            return False
        if account.id == current_user.id:
            login_user(account)  # keep this session going, under the new fingerprint
        flash(
            _(
                "Kata sandi %(username)s telah disetel ulang; sesi lain akun ini berakhir.",
                username=account.username,
            ),
            "success",
        )
        return True


# -- non-working days -------------------------------------------------------------------------


class YearFilter(BaseSQLAFilter):
    """Days off in one calendar year."""

    def validate(self, value: Any) -> bool:
        return (
            isinstance(value, str)
            and value.isdecimal()
            and len(value) == 4
            and EARLIEST_DAY.year <= int(value) <= LATEST_DAY.year
        )

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
        choices=_select(labels.NON_WORKING_KIND),
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
        ChoiceFilter(NonWorkingDay.kind, _l("Jenis"), options=_choices(labels.NON_WORKING_KIND)),
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
        ok, row = _apply(
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
        ok, _result = _apply(
            self,
            lambda: remove_day_off(
                db.session, actor_id=current_user.id, row=model, **self._calendar_settings()
            ),
        )
        return ok

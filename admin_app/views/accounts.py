"""Administrasi → Akun & peran: accounts, the positions they hold, their passwords."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.form import BaseForm
from flask_admin.helpers import get_form_data
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from models import Account, Role, db
from models.passwords import MAX_LENGTH, MIN_LENGTH
from models.services import account_admin
from models.services.accounts import create_account
from models.services.positions import cases_waiting_on

from .. import labels
from ..formatting import local_time
from ..permissions import Perm, Screen
from .base import SecureModelView
from .filters import IS, LiveOptions
from .service_call import REQUIRED, Form, commit_or_refuse

PASSWORD_HINT = _l(
    "Minimal %(min_length)s karakter, tidak memuat nama pengguna, dan bukan kata sandi yang umum.",
    min_length=MIN_LENGTH,
)
EMAIL_FORMAT = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Alamat email tidak sah."))

# -- accounts ---------------------------------------------------------------------------------


class RoleFilter(LiveOptions, BaseSQLAFilter):
    """Accounts holding one position; an unknown position is refused (400)."""

    def __init__(self, name: Any) -> None:
        super().__init__(Account.id, name, options=labels.position_choices)

    def validate(self, value: Any) -> bool:
        return value in {code for code, _name in self.current_options()}

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(Account.roles.any(Role.code == value))

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
    # The choices are the positions there are now, set on each form (positions are data).
    return SelectMultipleField(
        label,
        choices=[],
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
    confirm_stuck = BooleanField(
        _l("Saya mengerti: kasus-kasus di atas perlu ditunjuk pelaksana lain."),
    )


class PasswordResetForm(Form):
    """A new password, typed twice."""

    password = _password_field(_l("Kata sandi baru"))
    password_confirm = _password_again_field(_l("Ulangi kata sandi baru"))


def _position_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in labels.position_choices()]


def _account_fmt(view: Any, context: Any, model: Account, name: str) -> Any:
    if name == "roles":
        return ", ".join(sorted(labels.position(code) for code in model.role_codes))
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

    def create_form(self, obj: Any = None) -> BaseForm:
        form = super().create_form(obj)
        form.roles.choices = _position_choices()
        return form

    def edit_form(self, obj: Account | None = None) -> BaseForm:
        data = {}
        if obj is not None:
            data = {
                "full_name": obj.full_name,
                "email": obj.email,
                "roles": sorted(obj.role_codes),
                "active": obj.active,
            }
        form = self._edit_form_class(get_form_data(), data=data)
        form.roles.choices = _position_choices()
        stuck = cases_waiting_on(db.session, obj.id) if obj is not None else []
        self._template_args["stuck_cases"] = stuck
        if not stuck:
            del form.confirm_stuck
        return form

    def create_model(self, form: Any) -> Account | bool:
        """Create through the service: username and password policy, roles, audit."""
        ok, account = commit_or_refuse(
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
        """Edit through the service; it refuses self-deactivation and losing the last superuser.

        Deactivating an account, or taking a position from it, that a running case waits on
        (its named performer) asks for a confirmation first: the case then needs another
        performer, named on the case page.
        """
        if self._strands_cases(form, model) and not form.confirm_stuck.data:
            flash(
                _(
                    "Kasus yang menunggu akun ini akan terhenti. Centang konfirmasi di bawah, "
                    "lalu tunjuk pelaksana lain pada halaman kasusnya."
                ),
                "warning",
            )
            return False
        ok, _result = commit_or_refuse(
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

    @staticmethod
    def _strands_cases(form: Any, model: Account) -> bool:
        """True when the edit leaves a case waiting on this account unable to go on."""
        stuck = cases_waiting_on(db.session, model.id)
        if not stuck:
            return False
        if not form.active.data:
            return True
        kept = set(form.roles.data or [])
        return any(
            case.sop_version.sop.step(n).role not in kept
            for case in stuck
            for n in case.sop_version.sop.named_steps
        )

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
        ok, _result = commit_or_refuse(
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

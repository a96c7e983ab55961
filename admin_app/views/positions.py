"""Administrasi → Jabatan: the positions accounts hold and SOP steps name (superusers add them)."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_admin.form import BaseForm
from flask_admin.helpers import get_form_data
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from models import Role, db
from models.services import positions
from rules.enums import Visibility

from .. import labels
from ..permissions import NEW_POSITION_GRANTS, Screen
from .base import SecureModelView
from .service_call import REQUIRED, Form, commit_or_refuse

_SCOPES = [
    SelectChoice(v.value, text) for v, text in labels.CASE_SCOPE.items() if v is not Visibility.NONE
]
SAME_AS_NEW = ""


class PositionEditForm(Form):
    """What may change on a position: its names and the cases its holders see."""

    name = StringField(
        _l("Nama jabatan"),
        validators=[DataRequired(message=REQUIRED), Length(max=positions.NAME_LIMIT)],
        description=_l("Seperti tertulis di kolom pelaksana SOP, mis. Kasi Jaringan."),
    )
    name_en = StringField(
        _l("Nama (Inggris)"),
        validators=[Optional(), Length(max=positions.NAME_LIMIT)],
    )
    case_scope = SelectField(_l("Kasus yang dilihat"), choices=_SCOPES, default="all")


class PositionCreateForm(PositionEditForm):
    """A new position: its code (which never changes), names, scope and first grants."""

    code = StringField(
        _l("Kode"),
        validators=[Optional(), Length(max=50)],
        description=_l("Huruf kecil dan tanda hubung, mis. kasi-jaringan; kosongkan: dari nama."),
    )
    grants_from = SelectField(
        _l("Hak akses awal"),
        choices=[],
        description=_l("Salin hak akses jabatan lain, atau hak pelaksana langkah saja."),
    )


def _fmt(view: Any, context: Any, model: Role, name: str) -> Any:
    if name == "case_scope":
        return labels.label(labels.CASE_SCOPE, model.case_scope)
    if name == "built_in":
        return _("Bawaan") if model.built_in else _("Ditambahkan")
    if name == "name":  # as the SOPs name it, in Indonesian
        return Markup('<a href="{}" lang="id">{}</a>').format(
            url_for("permissions.edit_view", role=model.code), model.name
        )
    if name == "code":
        return Markup("<code>{}</code>").format(model.code)
    return getattr(model, name) or "—"


class PositionView(SecureModelView):
    """Positions: add, rename, choose the cases they see; grants on the permission matrix."""

    screen = Screen.POSITIONS
    column_list = ("code", "name", "name_en", "case_scope", "built_in")
    column_details_list = column_list
    column_labels = {
        "code": _l("Kode"),
        "name": _l("Nama jabatan"),
        "name_en": _l("Nama (Inggris)"),
        "case_scope": _l("Kasus yang dilihat"),
        "built_in": _l("Asal"),
    }
    column_formatters = {
        name: _fmt for name in ("code", "name", "name_en", "case_scope", "built_in")
    }
    column_sortable_list = ("code", "name")
    column_default_sort = "name"
    column_searchable_list = ("code", "name")
    action_disallowed_list = ["delete"]

    def get_create_form(self) -> type[BaseForm]:
        return PositionCreateForm

    def get_edit_form(self) -> type[BaseForm]:
        return PositionEditForm

    def create_form(self, obj: Any = None) -> BaseForm:
        form = super().create_form(obj)
        form.grants_from.choices = [
            SelectChoice(SAME_AS_NEW, str(_l("Pelaksana langkah saja"))),
            *(SelectChoice(code, name) for code, name in labels.position_choices()),
        ]
        return form

    def edit_form(self, obj: Role | None = None) -> BaseForm:
        data = {}
        if obj is not None:
            data = {"name": obj.name, "name_en": obj.name_en, "case_scope": obj.case_scope}
        return self._edit_form_class(get_form_data(), data=data)

    def create_model(self, form: Any) -> Role | bool:
        """Add the position through the service (audited), with the grants chosen to start."""
        source = form.grants_from.data
        grants: Any = NEW_POSITION_GRANTS
        if source != SAME_AS_NEW:
            template = db.session.scalars(db.select(Role).where(Role.code == source)).one()
            grants = positions.grants_of(db.session, [template.id])
        ok, role = commit_or_refuse(
            self,
            lambda: positions.create_position(
                db.session,
                current_user.id,
                code=form.code.data or positions.suggested_code(form.name.data or ""),
                name=form.name.data or "",
                name_en=form.name_en.data,
                case_scope=Visibility(form.case_scope.data),
                grants=grants,
            ),
        )
        return role if ok and role else False

    def update_model(self, form: Any, model: Role) -> bool:
        ok, _result = commit_or_refuse(
            self,
            lambda: positions.update_position(
                db.session,
                current_user.id,
                model,
                name=form.name.data or "",
                name_en=form.name_en.data,
                case_scope=Visibility(form.case_scope.data),
            ),
        )
        return ok

    def delete_model(self, model: Role) -> bool:
        abort(403)  # a position is history's too: cases and step runs name it

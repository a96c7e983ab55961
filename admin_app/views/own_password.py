"""Kata sandi saya: every signed-in person changes their own password (the current one first)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.helpers import get_form_data
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from models import db
from models.passwords import MAX_LENGTH
from models.services import account_admin

from ..throttle import throttle
from .accounts import PasswordResetForm
from .base import SecureView
from .service_call import REQUIRED, commit_or_refuse


class OwnPasswordForm(PasswordResetForm):
    """The current password, then the new one typed twice."""

    current_password = PasswordField(
        _l("Kata sandi saat ini"),
        validators=[DataRequired(message=REQUIRED), Length(max=MAX_LENGTH)],
    )


class OwnPasswordView(SecureView):
    """For anyone signed in, whatever their positions; reached from the navbar."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated)

    def is_visible(self) -> bool:
        return False

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        """The form; a wrong current password counts as a failed login for the throttle."""
        form = OwnPasswordForm(get_form_data())
        status = 200
        if request.method == "POST":
            status = 422
            wait = throttle().wait(current_user.username)
            if wait:
                flash(_("Terlalu banyak percobaan masuk. Coba lagi dalam %(n)s detik.", n=wait))
                status = 429
            elif form.validate() and self._change(form):  # type: ignore[arg-type]
                return redirect(url_for("admin.index"))
        body = self.render("admin/own_password.html", form=form)
        return (body, status) if status != 200 else body

    def _change(self, form: OwnPasswordForm) -> bool:
        account = current_user._get_current_object()
        current = form.current_password.data or ""
        ok, _result = commit_or_refuse(
            self,
            lambda: account_admin.change_own_password(
                db.session, account, current, form.password.data or ""
            ),
        )
        if not ok:
            if not account.check_password(current):
                throttle().failed(account.username)
                db.session.commit()
            return False
        login_user(account)  # this session goes on under the new fingerprint; others end
        flash(_("Kata sandi Anda telah diubah; sesi Anda di tempat lain berakhir."), "success")
        return True

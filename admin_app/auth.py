"""Login and logout (Flask-Login), with argon2-hashed passwords checked by the Account model."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from models import Account, db
from models.accounts import password_opens
from rules.payload import whole_number

from . import session_limits
from .extensions import login_manager
from .forms import AppForm
from .i18n import LANGUAGES, get_locale_language
from .request_guard import safe_next
from .throttle import throttle

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l("Nama pengguna atau kata sandi salah, atau akun tidak aktif.")


class LoginForm(AppForm, FlaskForm):
    """Username and password."""

    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """Load the account for a session; a changed password or a deactivation ends the session."""
    account_id, _sep, fingerprint = session_id.partition(":")
    number = whole_number(account_id)
    account = None if number is None else db.session.get(Account, number)
    if account is None or not account.active or account.session_fingerprint != fingerprint:
        return None
    return account


def find_account(username: str) -> Account | None:
    """The account with this username, case-insensitively."""
    return db.session.execute(
        db.select(Account).where(db.func.lower(Account.username) == username.strip().lower())
    ).scalar_one_or_none()


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_next(target, url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    """Show the login form; on success, start a fresh session."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = (form.username.data or "").strip().lower()
        wait = throttle().wait(username)
        if wait:
            flash(
                _("Terlalu banyak percobaan masuk. Coba lagi dalam %(n)s detik.", n=wait), "error"
            )
            return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
        account = find_account(username)
        if password_opens(account, form.password.data or "") and account is not None:
            throttle().succeeded(username)
            session.clear()  # a new session at login: no fixation
            # The language remembered on the account (not the one this browser last used).
            session["lang"] = account.language if account.language in LANGUAGES else "id"
            login_user(account)
            session_limits.start()
            account.last_login_at = datetime.now(UTC)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        throttle().failed(username)
        db.session.commit()
        flash(str(LOGIN_FAILED), "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End the session, here and wherever a copy of its cookie still lives."""
    current_user.end_sessions()
    db.session.commit()
    lang = get_locale_language()
    logout_user()
    session.clear()
    session["lang"] = lang  # the login page stays in the language the user was reading
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))

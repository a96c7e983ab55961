"""Login and logout (Flask-Login), with argon2-hashed passwords checked by the Account model."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from models import Account, db

from .extensions import login_manager
from .forms import AppForm
from .i18n import LANGUAGES, get_locale_language, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l("Nama pengguna atau kata sandi salah, atau akun tidak aktif.")
# Checked against when the username is unknown, so both failures take the same time.
_DUMMY = Account(password_hash=PasswordHasher().hash("tidak-ada-akun-seperti-ini"))


class LoginForm(AppForm, FlaskForm):
    """Username and password."""

    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """Load the account for a session; a changed password or a deactivation ends the session."""
    account_id, _sep, fingerprint = session_id.partition(":")
    if not account_id.isdigit():
        return None
    account = db.session.get(Account, int(account_id))
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


def login_username() -> str:
    """The username a login attempt names (a rate-limit key beside the client address)."""
    return (request.form.get("username") or "").strip().lower()[:50]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Show the login form; on success, start a fresh session."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        account = find_account(form.username.data or "")
        if (
            account is not None
            and account.active
            and account.check_password(form.password.data or "")
        ):
            session.clear()  # a new session at login: no fixation
            # The language remembered on the account (not the one this browser last used).
            session["lang"] = account.language if account.language in LANGUAGES else "id"
            login_user(account)
            account.last_login_at = datetime.now(UTC)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
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

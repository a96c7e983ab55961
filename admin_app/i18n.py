"""Languages and time zone: Bahasa Indonesia by default, English per user (Flask-Babel).

Source strings are Indonesian, wrapped with `gettext`/`lazy_gettext` (Python) and `_()`
(templates); `translations/en/LC_MESSAGES/messages.po` holds their English. Flask-Admin's own
strings are English with an Indonesian catalog (`translations/id/LC_MESSAGES/admin.po`), and
WTForms' validation messages likewise (`translations/id/LC_MESSAGES/wtforms.po`: WTForms ships
no Indonesian). The language is chosen per session with the switch in the menu and remembered
on the account.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import Babel, Domain, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.i18n import messages_path

from models import db
from models.errors import ServiceError
from models.services.accounts import set_language as remember_language
from rules.errors import RuleError

from .request_guard import safe_next

LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
"""Each language in its own words, as language switches show them (never translated)."""
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

bp = Blueprint("i18n", __name__)


def _default() -> str:
    return str(current_app.config["DEFAULT_LANGUAGE"]) if has_app_context() else LANGUAGES[0]


def select_locale() -> str:
    """The language chosen in this session, else the signed-in account's, else the default."""
    if not has_request_context():  # the CLI and the mail thread
        return _default()
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    # Only an account Flask-Login already loaded for this request: choosing a language must
    # not query the database (error pages are rendered while it may be down).
    account = g.get("_login_user")
    language = getattr(account, "language", None)
    return language if language in LANGUAGES else _default()


def get_locale_language() -> str:
    """The language of this request ("id" or "en"); the default outside a request."""
    if not has_request_context():
        return _default()
    locale = get_locale()
    language = locale.language if locale is not None else None
    return language if language in LANGUAGES else _default()


# Names of payload fields as the refusals name them, for readers in English.
FIELD_NAMES = {
    "text": "output",
    "title": "title",
    "description": "description",
    "channel": "channel",
    "priority": "priority",
    "kelengkapan": "required inputs",
    "reason": "reason",
    "note": "note",
    "assignee_id": "named performer",
    "step": "step",
    "nama": "name",
}


def error_message(err: RuleError) -> str:
    """A refusal (RuleError, ServiceError) in the reader's language, SOP words included.

    The rules keep their parameters as the SOP writes them (kelengkapan items, role codes,
    field names); in English those are shown with their English labels.
    """
    lang = get_locale_language()
    params = {key: _shown_param(key, value, lang) for key, value in err.params.items()}
    shown = (ServiceError if isinstance(err, ServiceError) else RuleError)(err.code, params)
    return shown.message(lang)


def _shown_param(key: str, value: Any, lang: str) -> Any:
    from . import labels

    if isinstance(value, list | tuple):
        return [_shown_param(key, item, lang) for item in value]
    if key == "role":  # a position by its name, in either language
        return labels.position(value)
    if lang == "id":
        return value
    if key == "missing":
        return labels.word(labels.KELENGKAPAN, str(value))
    if key == "field":
        return FIELD_NAMES.get(str(value), value)
    if key == "status":
        return labels.label(labels.STATUS, value)
    return value


def msgid(text: object) -> str:
    """The untranslated text of a lazy translation (its Indonesian msgid); any other as str."""
    if isinstance(text, LazyString) and text._args:
        return str(text._args[-1])  # (msgid,) or, from lazy_pgettext, (context, msgid)
    return str(text)


def select_timezone() -> str:
    """Every date is shown in the configured zone (Asia/Jakarta by default)."""
    return str(current_app.config["TIMEZONE"])


# WTForms' own messages ("This field is required.", "Not a valid date value.", ...): ours for
# Indonesian, WTForms' catalogs for everything else.
_wtforms_domain = Domain([str(TRANSLATIONS), messages_path()], domain="wtforms")


class WTFormsTranslations:
    """The gettext object WTForms asks for its messages, in the request's language."""

    def gettext(self, string: str) -> str:
        return str(_wtforms_domain.get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_domain.get_translations().ungettext(singular, plural, n))


WTFORMS_TRANSLATIONS = WTFormsTranslations()


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    """Switch the language for this session and, when signed in, remember it on the account."""
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        remember_language(db.session, current_user, lang)
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("admin.index")))


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the app and add the language switch."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.register_blueprint(bp)
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = get_locale_language

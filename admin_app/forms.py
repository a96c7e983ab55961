"""What every SOP Desk form shares: messages in the user's language, no NUL characters."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import Field, Form, ValidationError

from rules import EARLIEST_DAY, LATEST_DAY, is_plausible_day

from .i18n import WTFORMS_TRANSLATIONS, WTFormsTranslations


def _holds_nul(field: Field) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ())


class AppForm:
    """Mixed into every SOP Desk form (before its WTForms base).

    WTForms' own messages come from WTFORMS_TRANSLATIONS. Our validators' messages are lazy
    translations, which Flask-Admin would not show (it looks for `str` errors), so after
    validating they are turned into text in the request's language. A NUL character, which
    PostgreSQL cannot store in text, is refused in any field.
    """

    class Meta:
        def get_translations(self, form: Any) -> WTFormsTranslations:
            return WTFORMS_TRANSLATIONS

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))  # type: ignore[misc]
        for field in self:  # type: ignore[attr-defined]
            if not isinstance(field.errors, list):
                continue
            if _holds_nul(field):
                field.errors.append(_("Tidak boleh memuat karakter NUL."))
                valid = False
            field.errors = [str(error) for error in field.errors]
        return valid


def plausible_day(form: Form, field: Field) -> None:
    """A date validator: the day lies between EARLIEST_DAY and LATEST_DAY."""
    if field.data is not None and not is_plausible_day(field.data):
        raise ValidationError(day_range_message())


def day_range_message() -> str:
    """Why a day outside EARLIEST_DAY … LATEST_DAY is refused, in the user's language."""
    return _(
        "Tanggal harus antara %(first)s dan %(last)s.",
        first=EARLIEST_DAY.strftime("%d-%m-%Y"),
        last=LATEST_DAY.strftime("%d-%m-%Y"),
    )

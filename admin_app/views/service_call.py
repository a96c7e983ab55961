"""Calling a service from a screen: commit what it did, or roll back and say why it refused."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_admin.form import BaseForm
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from models import db
from rules.errors import RuleError

from ..forms import AppForm
from ..i18n import error_message

T = TypeVar("T")
log = logging.getLogger(__name__)

REQUIRED = _l("Wajib diisi.")


class Form(AppForm, BaseForm):
    """Flask-Admin's form base, with every message in the user's language."""


def commit_or_refuse(view: Any, work: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call and commit: (True, its result); on refusal show why and roll back.

    A refusal (a RuleError or ServiceError) is flashed in the reader's language; a database
    failure as a plain message, never as SQL. Either way nothing is kept.
    """
    from .base import DB_ERROR_MESSAGE

    try:
        result = work()
        db.session.commit()
    except RuleError as err:
        db.session.rollback()
        flash(error_message(err), "error")
        return False, None
    except SQLAlchemyError:
        log.exception("database error in %s", type(view).__name__)
        db.session.rollback()
        flash(str(DB_ERROR_MESSAGE), "error")
        return False, None
    return True, result

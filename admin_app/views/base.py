"""One secure base for every screen: login, the permission matrix, row scoping, safe defaults."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_admin.model.base import filter_char_re, filter_compact_re
from flask_admin.model.filters import BaseFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from models import db
from rules.payload import whole_number

from ..formatting import local_time
from ..i18n import msgid
from ..permissions import Perm, Screen, user_may

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_PAGES = 200
"""Lists page through at most this many pages; deeper than that, filters narrow the list."""

DB_ERROR_MESSAGE = _l(
    "Terjadi gangguan pada basis data; perubahan tidak disimpan. Silakan coba lagi."
)

# Flask-Admin view functions and the permission each one needs beyond seeing the screen.
_VIEW_PERMS = {
    "create_view": Perm.CREATE,
    "edit_view": Perm.EDIT,
    "delete_view": Perm.DELETE,
    "action_view": Perm.EDIT,
    "ajax_update": Perm.EDIT,
    "export": Perm.EXPORT,
}


class SecureMixin:
    """Login required; the grants decide who enters, who sees the menu, who acts."""

    screen: ClassVar[Screen]
    guard: ClassVar[Perm] = Perm.VIEW
    """What the user must be granted on the screen to enter this view at all."""
    in_menu: ClassVar[bool] = True

    def may(self, perm: Perm) -> bool:
        """True when the signed-in user may do `perm` on this screen."""
        return user_may(self.screen, perm)

    def is_accessible(self) -> bool:
        return self.may(self.guard)

    def is_visible(self) -> bool:
        return self.in_menu and self.may(self.guard)

    def _run_view(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the view once: Flask-Admin's retry with `cls=` on a TypeError hid the real one."""
        return fn(self, *args, **kwargs)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)


class SecureView(SecureMixin, BaseView):
    """A custom (non-model) screen."""

    @staticmethod
    def requested(model: type[T]) -> T:
        """The row whose id the request's `id` names (ASCII digits); 404 when there is none."""
        number = whole_number(request.args.get("id", ""), digits=9)
        row = None if number is None else db.session.get(model, number)
        if row is None:
            abort(404)
        return row


def _instant(view: Any, value: datetime) -> str:
    return local_time(value)


def _day(view: Any, value: date) -> str:
    return value.strftime("%d-%m-%Y")


# Instants in the app's time zone and dates the Indonesian way, on every list and detail page.
TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: _instant, date: _day}
DETAIL_TYPE_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, datetime: _instant, date: _day}


class SecureModelView(SecureMixin, ModelView):
    """A model screen: scoped rows, server-side permissions, bounded pages, no full COUNT(*)."""

    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    page_size = 25
    can_set_page_size = False
    simple_list_pager = True
    can_view_details = True
    can_export = False
    details_modal = False
    edit_modal = False
    create_modal = False
    named_filter_urls = True
    column_display_pk = True
    list_template = "admin/sopdesk_list.html"

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)

    # What the user may do follows the matrix, for the buttons and on the server alike.
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.may(Perm.CREATE)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self.may(Perm.EDIT)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.may(Perm.DELETE)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        perm = _VIEW_PERMS.get(name)
        if perm is not None and not self.may(perm):
            abort(403)
        return None

    # Row scoping: lists, counts and single rows alike (Flask-Admin's get_one is not scoped).
    def scope(self, query: Any) -> Any:
        """Limit a query to the rows the current user may see; all rows by default."""
        return query

    def get_query(self) -> Any:
        return self.scope(super().get_query())

    def get_count_query(self) -> Any:
        return self.scope(super().get_count_query())

    def get_one(self, id: Any) -> Any:
        """The row with this id if the user may see it; 404 for a malformed or foreign id."""
        number = whole_number(id)
        if number is None:
            abort(404)
        row = self.get_query().filter(self.model.id == number).one_or_none()
        if row is None:
            abort(404)
        return row

    def get_list(self, page: int | None, *args: Any, **kwargs: Any) -> Any:
        if page is not None and not 0 <= page < MAX_PAGES:
            abort(
                400,
                description=_(
                    "Halaman di luar batas (maksimal %(pages)s); gunakan filter.", pages=MAX_PAGES
                ),
            )
        return super().get_list(page, *args, **kwargs)

    def _get_list_filter_args(self) -> Any:
        """Refuse unknown filters and invalid filter values with 400 instead of ignoring them."""
        for arg in request.args:
            if not arg.startswith("flt"):
                continue
            _position, _sep, key = arg[3:].partition("_")
            known = self._filter_args.get(key) if self._filter_args else None
            if known is None:
                abort(400, description=_("Filter tidak dikenal: %(arg)s", arg=arg))
            if not known[1].validate(request.args[arg]):
                abort(
                    400, description=_("Nilai filter tidak sah untuk %(name)s.", name=known[1].name)
                )
        return super()._get_list_filter_args()

    def _get_filter_groups(self) -> Any:
        """The filters and their options as they are now (positions and SOPs are data)."""
        groups = super()._get_filter_groups()
        for items in (groups or {}).values():
            for item in items:
                options = self._filters[item["index"]].get_options(self)
                item["options"] = [(key, str(text)) for key, text in options] if options else None
        return groups

    def get_filter_arg(self, index: int, flt: BaseFilter) -> str:
        """The URL key of a filter, from its untranslated (Indonesian) name and operation.

        Flask-Admin derives it from the name it is given; the names are lazy translations, so
        the key is taken from their msgids: `flt0_status_adalah` is the same in every language
        and a link copied from an English page works in an Indonesian one.
        """
        name = f"{msgid(flt.name)} {msgid(flt.operation())}".lower()
        return filter_compact_re.sub("_", filter_char_re.sub("", name))

    def handle_view_exception(self, exc: Exception) -> bool:
        """Show a database failure as a plain message, never as SQL."""
        if isinstance(exc, SQLAlchemyError):
            log.exception("database error in %s", type(self).__name__)
            db.session.rollback()
            flash(str(DB_ERROR_MESSAGE), "error")
            return True
        return super().handle_view_exception(exc)

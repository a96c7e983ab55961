"""Matriks hak akses: who may do what on which screen, shown from the grants that enforce it,
and edited one position at a time by superusers (audited)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from models import Role, db
from models.services import positions

from .. import labels
from ..permissions import PERM_LABELS, PROTECTED, SCREEN_LABELS, SCREEN_PERMS, Perm, Screen
from .base import SecureView
from .service_call import commit_or_refuse


def matrix_rows(roles: list[Role]) -> list[dict[str, Any]]:
    """One row per screen: its label and, per position, the labels of what it may do."""
    grants = positions.matrix(db.session)
    return [
        {
            "screen": screen.value,
            "label": SCREEN_LABELS[screen],
            "cells": [
                [
                    PERM_LABELS[perm]
                    for perm in SCREEN_PERMS[screen]
                    if (screen.value, perm.value) in grants.get(role.id, ())
                ]
                for role in roles
            ],
        }
        for screen in Screen
    ]


class PermissionsView(SecureView):
    """Who may do what on which screen; superusers change a position's grants."""

    screen = Screen.PERMISSIONS

    @expose("/")
    def index(self) -> str:
        roles = positions.all_positions(db.session)
        columns = [{"code": role.code, "label": labels.position(role.code)} for role in roles]
        return self.render(
            "admin/permissions.html",
            roles=columns,
            rows=matrix_rows(roles),
            can_edit=self.may(Perm.EDIT),
        )

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self) -> Any:
        """One position's grants as checkboxes; the protected ones cannot be unticked."""
        if not self.may(Perm.EDIT):
            abort(403)
        role = db.session.scalars(
            db.select(Role).where(Role.code == request.args.get("role", ""))
        ).one_or_none()
        if role is None:
            abort(404)
        protected = PROTECTED.get(role.code, frozenset())
        if request.method == "POST":
            wanted = {
                (screen.value, perm.value)
                for screen, perms in SCREEN_PERMS.items()
                for perm in perms
                if f"{screen.value}:{perm.value}" in request.form.getlist("grant")
            }
            ok, changed = commit_or_refuse(
                self,
                lambda: positions.set_grants(
                    db.session, current_user.id, role, wanted | protected, protected=protected
                ),
            )
            if ok:
                flash(
                    _("Hak akses %(name)s disimpan.", name=labels.position(role.code))
                    if changed
                    else _("Tidak ada yang berubah."),
                    "success",
                )
                return redirect(url_for(".index"))
        granted = positions.grants_of(db.session, [role.id])
        rows = [
            {
                "label": SCREEN_LABELS[screen],
                "cells": [
                    {
                        "value": f"{screen.value}:{perm.value}",
                        "label": PERM_LABELS[perm],
                        "checked": (screen.value, perm.value) in granted,
                        "locked": (screen.value, perm.value) in protected,
                    }
                    for perm in perms
                ],
            }
            for screen, perms in SCREEN_PERMS.items()
        ]
        return self.render("admin/permissions_edit.html", role=role, rows=rows)

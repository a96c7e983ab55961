"""Matriks hak akses: the permission matrix as a page, generated from the data that enforces it."""

from __future__ import annotations

from typing import Any

from flask_admin import expose

from rules.enums import Role

from .. import labels
from ..permissions import MATRIX, PERM_LABELS, SCREEN_LABELS, Perm, Screen
from .base import SecureView


def matrix_rows() -> list[dict[str, Any]]:
    """One row per screen: its label and, per role, the labels of what that role may do."""
    return [
        {
            "screen": screen.value,
            "label": SCREEN_LABELS[screen],
            "cells": [
                [PERM_LABELS[perm] for perm in Perm if perm in MATRIX.get(screen, {}).get(role, ())]
                for role in Role
            ],
        }
        for screen in Screen
    ]


class PermissionsView(SecureView):
    """Who may do what on which screen (superusers only)."""

    screen = Screen.PERMISSIONS

    @expose("/")
    def index(self) -> str:
        roles = [{"code": role.value, "label": labels.label(labels.ROLE, role)} for role in Role]
        return self.render("admin/permissions.html", roles=roles, rows=matrix_rows())

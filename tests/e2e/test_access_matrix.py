"""Every role against every screen: allowed (200), hidden from the menu and refused (403)."""

from __future__ import annotations

import pytest
from flask import url_for
from flask_admin.contrib.sqla import ModelView

from admin_app.permissions import Perm, Screen
from rules.enums import Role
from tests.support.access import EXPECTED
from tests.support.access import expected as allowed


def _screens(app):
    """(view, list URL) for every registered screen."""
    admin = app.extensions["admin"][0]
    screens = []
    with app.test_request_context():
        for view in admin._views:
            if hasattr(view, "screen"):
                endpoint = "index_view" if isinstance(view, ModelView) else "index"
                screens.append((view, url_for(f"{view.endpoint}.{endpoint}")))
    return screens


def test_every_registered_screen_has_an_expectation(app):
    assert {view.screen for view, _ in _screens(app)} <= set(EXPECTED) == set(Screen)
    assert len(_screens(app)) >= 2


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_screens_the_matrix_grants(app, client, login_as, role):
    login_as(role)
    home = client.get("/").get_data(as_text=True)
    for view, url in _screens(app):
        may_view = allowed({role}, view.screen, view.guard)
        status = client.get(url).status_code
        assert status == (200 if may_view else 403), (role, url, status)
        if url != "/":
            assert (f'href="{url}"' in home) is (may_view and view.in_menu), (role, url, "menu")
        if isinstance(view, ModelView) and may_view:
            create = client.get(url + "new/").status_code
            assert create == (200 if allowed({role}, view.screen, Perm.CREATE) else 403), (
                role,
                url,
                "create",
            )


def test_anonymous_visitors_are_sent_to_login_from_every_screen(app, client):
    for _, url in _screens(app):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url

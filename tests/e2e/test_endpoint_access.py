"""Every endpoint of the URL map, GET and POST, for every role and for anonymous visitors.

The expectation table below is the contract: an endpoint that is not in it fails the test,
so a new screen or action cannot ship without someone deciding who may use it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from flask import url_for

from admin_app.permissions import Perm, Screen
from rules.enums import Role
from tests.conftest import csrf_token
from tests.support.access import expected as allowed

# View endpoint prefix -> the screen of the permission matrix that guards it.
VIEW_SCREENS = {
    "admin": Screen.QUEUE,
    "case": Screen.CASES,
    "instruction": Screen.INSTRUCTIONS,
    "report": Screen.REPORTS,
    "log_entry": Screen.DAILY_LOG,
    "audit": Screen.AUDIT,
    "account": Screen.ACCOUNTS,
    "position": Screen.POSITIONS,
    "sop": Screen.SOPS,
    "sop_import": Screen.SOPS,
    "non_working_day": Screen.NON_WORKING_DAYS,
    "permissions": Screen.PERMISSIONS,
    "dashboard": Screen.DASHBOARD,
    "notice": Screen.NOTICES,
}
# View function -> what it needs on its screen.
FUNCTION_PERMS = {
    "index": Perm.VIEW,
    "index_view": Perm.VIEW,
    "details_view": Perm.VIEW,
    "ajax_lookup": Perm.VIEW,
    "csv": Perm.EXPORT,
    "export_csv": Perm.EXPORT,
    "export": Perm.EXPORT,
    "create_view": Perm.CREATE,
    "edit_view": Perm.EDIT,
    "reset_password_view": Perm.EDIT,
    "ajax_update": Perm.EDIT,
    "action_view": Perm.EDIT,
    "delete_view": Perm.DELETE,
    "act_view": Perm.ACT,
    "mark_read": Perm.VIEW,
    "version_view": Perm.VIEW,
    "publish_view": Perm.EDIT,
    "retire_view": Perm.EDIT,
    "default_view": Perm.EDIT,
    "discard_view": Perm.EDIT,
    "revise_view": Perm.CREATE,
}
# Endpoints whose guard is not their function's name alone.
GUARDS = {
    "sop_import.index": (Screen.SOPS, Perm.CREATE),
    "sop_import.mapping_view": (Screen.SOPS, Perm.CREATE),
    "permissions.edit_view": (Screen.PERMISSIONS, Perm.EDIT),
}
# Endpoints outside the matrix: who may use them.
PUBLIC = {"auth.login", "health.healthz", "static", "admin.static", "i18n.set_language"}
SIGNED_IN = {"auth.logout", "own_password.index"}

ROLES = [*Role, None]  # None: an anonymous visitor
URL_VALUES = {"export_type": "csv", "chart": "open_by_step", "filename": "sopdesk.css"}


def expectation(endpoint: str) -> tuple[str, object]:
    """How an endpoint is guarded; fails for an endpoint nobody decided about."""
    if endpoint in PUBLIC:
        return "public", None
    if endpoint in SIGNED_IN:
        return "signed_in", None
    if endpoint in GUARDS:
        return "matrix", GUARDS[endpoint]
    prefix, _, function = endpoint.partition(".")
    assert prefix in VIEW_SCREENS and function in FUNCTION_PERMS, (
        f"new endpoint without an expectation: {endpoint} — add it to the table in "
        "tests/e2e/test_endpoint_access.py (and to the permission matrix)"
    )
    return "matrix", (VIEW_SCREENS[prefix], FUNCTION_PERMS[function])


def test_every_endpoint_has_an_expectation(app):
    for rule in app.url_map.iter_rules():
        expectation(rule.endpoint)


@pytest.mark.parametrize("role", ROLES, ids=[r.value if r else "anonymous" for r in ROLES])
def test_every_endpoint_answers_each_role_as_the_table_says(app, client, login_as, case_at, role):
    case_id = case_at(8)
    if role is not None:
        login_as(role)
    token = csrf_token(client, "/login") if role is None else csrf_token(client, "/notices/")
    checked: Counter[str] = Counter()
    with app.test_request_context():
        rules = [
            (r, url_for(r.endpoint, **{a: URL_VALUES[a] for a in r.arguments}))
            for r in app.url_map.iter_rules()
        ]
    for rule, url in rules:
        if rule.endpoint in ("auth.logout", "auth.login", "i18n.set_language"):
            continue  # they change the session itself; covered by their own tests
        if "details" in url or "act" in rule.endpoint or "edit" in url:
            url += f"?id={case_id}" if rule.endpoint.startswith("case.") else "?id=1"
        kind, guard = expectation(rule.endpoint)
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token} if method == "POST" else None
            status = client.open(url, method=method, data=data).status_code
            checked[method] += 1
            where = f"{method} {url} as {role}"
            assert status < 500, f"{where}: {status}"
            if kind == "public":
                assert status != 403, where
            elif role is None:
                assert status in (302, 401), f"{where}: {status} (anonymous must sign in)"
            elif kind == "signed_in":
                assert status != 403, where
            else:
                screen, perm = guard
                if allowed({role}, screen, perm):
                    assert status != 403, f"{where}: refused, but the matrix allows {perm}"
                else:
                    assert status == 403, f"{where}: {status}, but the matrix refuses {perm}"
    assert checked["GET"] > 40 and checked["POST"] > 30

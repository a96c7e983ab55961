"""Four eyes, through the screens: nobody names themself, accepts their own fix, or grants
themself a position (the audit's kasi+jfu account and self-made direktur)."""

from __future__ import annotations

import sqlalchemy as sa

from models import Account, AuditEvent, Case
from models.services import cases as svc
from rules.enums import Role
from tests.e2e.conftest import page_text, post_form
from tests.support.walk import CALENDAR, MONDAY_0800, Team, complete_step, step_payload, walk_to


def _edit(account: Account, roles: list[str]) -> dict:
    return {"full_name": account.full_name, "roles": roles, "active": "y"}


def test_a_superuser_cannot_give_themself_a_position_but_another_superuser_can(
    app, client, login_as, db_session, make_account
):
    me = login_as(Role.SUPERUSER)
    path = f"/accounts/edit/?id={me.id}"
    refused = post_form(client, path, _edit(me, ["superuser", "direktur"]), path)
    assert refused.status_code == 200
    assert "tidak dapat memberi diri sendiri jabatan Direktur" in page_text(refused)
    db_session.expire_all()
    assert db_session.get(Account, me.id).role_codes == {"superuser"}
    # Positive control: a second superuser gives it, and the grant is in the audit trail.
    other = make_account(Role.SUPERUSER)
    second = app.test_client()
    from tests.conftest import TEST_PASSWORD, csrf_token

    second.post(
        "/login",
        data={
            "username": other.username,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(second),
        },
    )
    granted = post_form(second, path, _edit(me, ["superuser", "direktur"]), path)
    assert granted.status_code == 302
    db_session.expire_all()
    assert db_session.get(Account, me.id).role_codes == {"superuser", "direktur"}
    event = db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.update", entity_id=me.id)
    ).one()
    assert event.actor_id == other.id
    assert (event.before["roles"], event.after["roles"]) == (
        ["superuser"],
        ["direktur", "superuser"],
    )


def _both(make_account) -> Account:
    return make_account(Role.KASI, Role.JFU)


def test_a_kasi_who_is_also_a_jfu_cannot_name_themself_at_step_6(
    client, login_as, db_session, team, make_account
):
    both = _both(make_account)
    case_id = walk_to(db_session, team, 6)
    db_session.flush()
    login_as(account=both)
    data = {**step_payload(6), "step": "6", "action": "complete", "assignee_id": str(both.id)}
    refused = post_form(client, f"/cases/act/?id={case_id}", data, f"/cases/details/?id={case_id}")
    assert refused.status_code == 422
    assert "Pelaksana langkah 6 kasus ini tidak boleh ditunjuk untuk langkah 7" in page_text(
        refused
    )
    db_session.expire_all()
    assert db_session.get(Case, case_id).current_step == 6
    named = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {**data, "assignee_id": str(team.jfu.id)},
        f"/cases/details/?id={case_id}",
    )
    assert named.status_code == 302  # positive control: naming someone else goes through
    db_session.expire_all()
    assert db_session.get(Case, case_id).assignee_id == team.jfu.id


def test_who_fixed_the_portal_cannot_accept_the_fix(
    client, login_as, db_session, team, make_account
):
    both = _both(make_account)
    fixer_team = Team(team.pengguna, team.direktur, team.kasubdit, team.kasi, both, team.jfu2)
    case_id = walk_to(db_session, fixer_team, 8)  # the kasi+jfu account named at 6, fixed at 7
    db_session.flush()
    login_as(account=both)
    page = client.get(f"/cases/details/?id={case_id}")
    assert page.status_code == 200 and 'value="complete"' not in page.get_data(as_text=True)
    data = {**step_payload(8), "step": "8", "action": "complete"}
    refused = post_form(client, f"/cases/act/?id={case_id}", data, f"/cases/details/?id={case_id}")
    assert refused.status_code == 422
    assert "Langkah 8 tidak boleh dikerjakan oleh pelaksana langkah 7" in page_text(refused)
    # Positive control: another kasi accepts it.
    complete_step(db_session, team.kasi, case_id, 8, step_payload(8), MONDAY_0800, CALENDAR)
    db_session.flush()
    db_session.expire_all()
    assert db_session.get(Case, case_id).current_step == 9
    assert svc.state_of(db_session.get(Case, case_id)).performers_of([7]) == {both.id}

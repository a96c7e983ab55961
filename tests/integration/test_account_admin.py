"""Superusers changing accounts through the services: guards, audit, password resets."""

from __future__ import annotations

import json
import threading
from string import Formatter

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Account, AuditEvent, db
from models.errors import SERVICE_MESSAGES, ServiceError
from models.services import account_admin
from models.services.accounts import create_account
from rules.enums import Role
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "Baru-dan-kuat-2026"


def _events(session: Session, account: Account) -> list[AuditEvent]:
    return list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "account", AuditEvent.entity_id == account.id)
            .order_by(AuditEvent.id)
        )
    )


def _edit(session: Session, actor: Account, account: Account, **changes: object) -> bool:
    values = {
        "full_name": account.full_name,
        "email": account.email,
        "roles": sorted(account.role_codes),
        "active": account.active,
        **changes,
    }
    return account_admin.update_account(session, actor.id, account, **values)


def test_an_edit_changes_name_email_and_roles_and_audits_only_what_changed(
    db_session, make_account
):
    admin = make_account(Role.SUPERUSER)
    kasi = make_account(Role.KASI)
    original = kasi.full_name
    assert _edit(
        db_session,
        admin,
        kasi,
        full_name="  Sri Wahyuni ",
        email="sri@dgip.go.id",
        roles=["kasi", "kasubdit"],
    )
    assert kasi.full_name == "Sri Wahyuni" and kasi.email == "sri@dgip.go.id"
    assert kasi.role_codes == {Role.KASI, Role.KASUBDIT}
    (event,) = _events(db_session, kasi)
    assert (event.action, event.actor_id) == ("account.update", admin.id)
    assert event.before == {"full_name": original, "email": None, "roles": ["kasi"]}
    assert event.after == {
        "full_name": "Sri Wahyuni",
        "email": "sri@dgip.go.id",
        "roles": ["kasi", "kasubdit"],
    }


def test_an_edit_that_changes_nothing_writes_no_audit_event(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    assert _edit(db_session, admin, jfu) is False
    assert _events(db_session, jfu) == []


def test_deactivating_an_account_is_audited_and_the_account_is_kept(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    _edit(db_session, admin, jfu, active=False)
    db_session.expire_all()
    assert db_session.get(Account, jfu.id).active is False
    (event,) = _events(db_session, jfu)
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_a_superuser_cannot_deactivate_themself(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    make_account(Role.SUPERUSER)  # not the last superuser: the self rule alone refuses
    with pytest.raises(ServiceError) as refused:
        _edit(db_session, admin, admin, active=False)
    assert refused.value.code == "cannot_deactivate_self"
    assert admin.active is True
    assert _events(db_session, admin) == []


def test_the_last_active_superuser_cannot_lose_the_superuser_role(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    make_account(Role.SUPERUSER, active=False)  # an inactive superuser does not count
    with pytest.raises(ServiceError) as refused:
        _edit(db_session, admin, admin, roles=["kasi"], full_name="Nama Baru")
    assert refused.value.code == "last_superuser"
    assert admin.username in refused.value.message()
    assert admin.role_codes == {Role.SUPERUSER} and admin.full_name != "Nama Baru"


def test_the_last_active_superuser_cannot_be_deactivated_by_anyone(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    other = make_account(Role.KASI)
    with pytest.raises(ServiceError) as refused:
        _edit(db_session, other, admin, active=False)
    assert refused.value.code == "last_superuser"
    assert admin.active is True


def test_one_of_two_superusers_may_be_demoted_but_then_not_the_other(db_session, make_account):
    first, second = make_account(Role.SUPERUSER), make_account(Role.SUPERUSER)
    assert _edit(db_session, first, second, roles=["direktur"])
    assert second.role_codes == {Role.DIREKTUR}
    with pytest.raises(ServiceError) as refused:
        _edit(db_session, second, first, roles=["direktur"])
    assert refused.value.code == "last_superuser"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"full_name": "   "}, "full_name_required"),
        ({"email": "bukan-email"}, "invalid_email"),
        ({"roles": []}, "role_required"),
        ({"roles": ["raja"]}, "unknown_role"),
    ],
)
def test_invalid_edits_are_refused_before_anything_changes(db_session, make_account, changes, code):
    admin = make_account(Role.SUPERUSER)
    kasi = make_account(Role.KASI)
    original = kasi.full_name
    with pytest.raises(ServiceError) as refused:
        _edit(db_session, admin, kasi, **{"full_name": "Diubah", **changes})
    assert refused.value.code == code
    assert kasi.full_name == original


def test_a_blank_email_is_stored_as_none(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    kasi = make_account(Role.KASI)
    _edit(db_session, admin, kasi, email="kasi@dgip.go.id")
    _edit(db_session, admin, kasi, email="   ")
    assert kasi.email is None


def test_a_password_reset_changes_the_hash_and_the_session_fingerprint(db_session, make_account):
    admin = make_account(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    old_hash, old_session = jfu.password_hash, jfu.get_id()
    account_admin.reset_password(db_session, admin.id, jfu, NEW_PASSWORD)
    assert jfu.check_password(NEW_PASSWORD) and not jfu.check_password(TEST_PASSWORD)
    assert jfu.get_id() != old_session
    (event,) = _events(db_session, jfu)
    assert event.action == "account.password_reset" and event.actor_id == admin.id
    recorded = json.dumps([event.before, event.after])
    for secret in (NEW_PASSWORD, jfu.password_hash, old_hash, "hash"):
        assert secret not in recorded


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("pendek", "password_too_short"),
        ("Passw0rd!!12", "password_too_common"),
        ("rahasia12345", "password_too_common"),
        ("iloveyou1234", "password_too_common"),
        ("{username}-rahasia-99", "password_contains_username"),
        ("x" * 201, "password_too_long"),
    ],
)
def test_a_reset_password_must_meet_the_policy(db_session, make_account, password, code):
    admin = make_account(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    with pytest.raises(ServiceError) as refused:
        account_admin.reset_password(
            db_session, admin.id, jfu, password.format(username=jfu.username)
        )
    assert refused.value.code == code
    assert jfu.check_password(TEST_PASSWORD)
    assert _events(db_session, jfu) == []


@pytest.mark.parametrize("code", ["invalid_email", "cannot_deactivate_self", "last_superuser"])
def test_the_new_refusals_read_well_in_both_languages(code):
    params = {"email": "x@", "username": "admin"}
    for lang in ("id", "en"):
        template = SERVICE_MESSAGES[code][lang]
        fields = {name for _, name, _, _ in Formatter().parse(template) if name}
        assert fields <= set(params)
        assert "{" not in ServiceError(code, **params).message(lang)


def test_two_superusers_demoting_each_other_at_once_leave_one_superuser(committed_app):
    """Without the lock each would still count the other and both would lose the role."""
    with committed_app.app_context():
        engine = db.engine
        session = db.session
        first, second = (
            create_account(
                session,
                username=f"super-{n}",
                full_name=f"Super {n}",
                roles=[Role.SUPERUSER],
                password=TEST_PASSWORD,
            )
            for n in (1, 2)
        )
        session.commit()
        ids = (first.id, second.id)
        session.remove()

    result: dict[str, object] = {}
    started = threading.Event()

    def demote_first_by_second() -> None:
        with Session(bind=engine) as other:
            target = other.get(Account, ids[0])
            started.set()
            try:
                account_admin.update_account(
                    other, ids[1], target, target.full_name, None, ["kasi"], True
                )
                other.commit()
                result["ok"] = True
            except ServiceError as err:
                other.rollback()
                result["error"] = err

    with Session(bind=engine) as mine:
        target = mine.get(Account, ids[1])
        account_admin.update_account(mine, ids[0], target, target.full_name, None, ["kasi"], True)
        thread = threading.Thread(target=demote_first_by_second)
        thread.start()
        started.wait(5)
        thread.join(0.5)
        assert thread.is_alive(), "the second demotion did not wait for the first one's lock"
        mine.commit()
    thread.join(10)

    assert "ok" not in result
    assert result["error"].code == "last_superuser"
    with Session(bind=engine) as check:
        assert Role.SUPERUSER in check.get(Account, ids[0]).role_codes
        assert Role.SUPERUSER not in check.get(Account, ids[1]).role_codes

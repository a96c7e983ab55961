"""Positions and their grants are rows: created, granted and scoped by superusers, audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from admin_app.permissions import NEW_POSITION_GRANTS, PROTECTED
from models import AuditEvent, Role
from models.errors import ServiceError
from models.services import positions
from rules.enums import Role as RoleCode
from rules.enums import Visibility
from tests.support.access import EXPECTED


def _role(session, code: str) -> Role:
    return session.scalars(sa.select(Role).where(Role.code == code)).one()


def test_the_shipped_positions_and_grants_are_seeded_as_the_readme_says(db_session):
    seeded = positions.matrix(db_session)
    for screen, perms in EXPECTED.items():
        for perm, codes in perms.items():
            for role in positions.all_positions(db_session):
                granted = (screen, perm) in seeded.get(role.id, ())
                assert granted == (role.code in codes), (role.code, screen, perm)
    scopes = {role.code: role.case_scope for role in positions.all_positions(db_session)}
    assert scopes == {
        "pengguna": "own_reports",
        "direktur": "all",
        "kasubdit": "all",
        "kasi": "all",
        "jfu": "assigned",
        "superuser": "all",
    }


def test_a_new_position_gets_its_grants_and_is_audited(db_session):
    role = positions.create_position(
        db_session,
        None,
        code="kasi-jaringan",
        name="  Kasi   Jaringan ",
        name_en="Network Section Head",
        case_scope=Visibility.ASSIGNED,
        grants=NEW_POSITION_GRANTS,
    )
    assert (role.name, role.case_scope, role.built_in) == ("Kasi Jaringan", "assigned", False)
    assert positions.grants_of(db_session, [role.id]) == NEW_POSITION_GRANTS
    event = db_session.scalars(sa.select(AuditEvent).filter_by(action="position.create")).one()
    assert event.after["code"] == "kasi-jaringan" and ["queue", "view"] in event.after["grants"]


@pytest.mark.parametrize(
    ("code", "name", "error"),
    [
        ("kasi", "Kasi Lain", "position_exists"),
        ("kasi-lain", "kasi portal web", "position_exists"),
        ("Kasi Lain", "Kasi Lain", "position_code_invalid"),
        ("kasi--lain", "Kasi Lain", "position_code_invalid"),
        ("kasi-lain", "  ", "position_name_required"),
        ("kasi-lain", "x" * 101, "position_name_too_long"),
    ],
)
def test_a_position_that_cannot_be_is_refused(db_session, code, name, error):
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Role))
    with pytest.raises(ServiceError) as refused:
        positions.create_position(db_session, None, code=code, name=name)
    assert refused.value.code == error
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Role)) == before


def test_grants_change_exactly_and_the_superusers_own_access_cannot_be_taken(db_session):
    kasi = _role(db_session, RoleCode.KASI)
    current = positions.grants_of(db_session, [kasi.id])
    assert positions.set_grants(db_session, None, kasi, current - {("dashboard", "view")})
    assert ("dashboard", "view") not in positions.grants_of(db_session, [kasi.id])
    assert not positions.set_grants(db_session, None, kasi, current - {("dashboard", "view")})
    event = db_session.scalars(sa.select(AuditEvent).filter_by(action="position.grants")).one()
    assert event.before["removed"] == [["dashboard", "view"]] and event.after["added"] == []
    superuser = _role(db_session, RoleCode.SUPERUSER)
    protected = PROTECTED[RoleCode.SUPERUSER]
    with pytest.raises(ServiceError) as refused:
        positions.set_grants(db_session, None, superuser, set(), protected=protected)
    assert refused.value.code == "grant_protected"
    assert protected <= positions.grants_of(db_session, [superuser.id])
    # The same grants without the lock may be changed, keeping the locked ones.
    assert positions.set_grants(db_session, None, superuser, protected, protected=protected)
    assert positions.grants_of(db_session, [superuser.id]) == protected


def test_renaming_a_position_keeps_its_code_and_audits_what_changed(db_session):
    jfu = _role(db_session, RoleCode.JFU)
    assert positions.update_position(
        db_session,
        None,
        jfu,
        name="JFU Teknisi",
        name_en="Technician",
        case_scope=Visibility.ASSIGNED,
    )
    assert (jfu.code, jfu.name, jfu.name_en) == ("jfu", "JFU Teknisi", "Technician")
    assert not positions.update_position(
        db_session,
        None,
        jfu,
        name="JFU Teknisi",
        name_en="Technician",
        case_scope=Visibility.ASSIGNED,
    )
    with pytest.raises(ServiceError) as clash:
        positions.update_position(
            db_session, None, jfu, name="Kasi Portal Web", name_en=None, case_scope=Visibility.ALL
        )
    assert clash.value.code == "position_exists"
    event = db_session.scalars(sa.select(AuditEvent).filter_by(action="position.update")).one()
    assert event.before == {"name": "JFU", "name_en": "JFU"}
    assert event.after == {"name": "JFU Teknisi", "name_en": "Technician"}

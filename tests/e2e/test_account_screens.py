"""Administrasi over HTTP: accounts and roles, password resets, and the added days off."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from models import Account, AuditEvent, NonWorkingDay, NonWorkingKind, StepRun
from models.services.calendar import add_day_off
from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.e2e.conftest import page_text, post_form

JAKARTA = ZoneInfo("Asia/Jakarta")
STRONG = "Kuat-sekali-2026!"
NEW_PASSWORD = "Sandi-baru-yang-Panjang-7"
MANAGERS = (Role.DIREKTUR, Role.KASUBDIT, Role.KASI)
NOT_SUPERUSER = (Role.PENGGUNA, *MANAGERS, Role.JFU)


def _count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def _log_in(client, username: str, password: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def _edit_data(account: Account, **changes) -> dict:
    data = {
        "full_name": account.full_name,
        "email": account.email or "",
        "roles": sorted(account.role_codes),
        "active": "y" if account.active else "",
        **changes,
    }
    return {key: value for key, value in data.items() if value not in ("", None)}


def _new_account(**changes) -> dict:
    return {
        "username": "budi.santoso",
        "full_name": "Budi Santoso",
        "email": "budi@dgip.go.id",
        "roles": ["kasi", "jfu"],
        "password": STRONG,
        "password_confirm": STRONG,
        **changes,
    }


# -- accounts --------------------------------------------------------------------------------


def test_a_superuser_creates_an_account_with_roles_hashed_and_audited(
    app, client, login_as, db_session
):
    admin = login_as(Role.SUPERUSER)
    response = post_form(client, "/accounts/new/", _new_account(), token_page="/accounts/new/")
    assert response.status_code == 302, page_text(response)[:500]
    account = db_session.scalars(sa.select(Account).filter_by(username="budi.santoso")).one()
    assert account.role_codes == {Role.KASI, Role.JFU}
    assert account.email == "budi@dgip.go.id"
    assert account.password_hash.startswith("$argon2") and STRONG not in account.password_hash
    event = db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.create", entity_id=account.id)
    ).one()
    assert event.actor_id == admin.id
    assert STRONG not in json.dumps(event.after) and "hash" not in json.dumps(event.after)
    newcomer = app.test_client()
    assert _log_in(newcomer, "budi.santoso", STRONG).status_code == 302


def test_the_create_form_asks_for_the_password_twice_and_offers_the_six_roles(client, login_as):
    login_as(Role.SUPERUSER)
    html = client.get("/accounts/new/").get_data(as_text=True)
    assert 'name="password"' in html and 'name="password_confirm"' in html
    for role in Role:
        assert f'value="{role.value}"' in html
    assert 'type="checkbox"' in html
    for read_only in ("password_hash", "created_at", "last_login_at", 'name="id"'):
        assert read_only not in html


def test_a_weak_password_is_refused_with_the_policy_message_and_nothing_is_created(
    client, login_as, db_session
):
    login_as(Role.SUPERUSER)
    before = (_count(db_session, Account), _count(db_session, AuditEvent))
    response = post_form(
        client,
        "/accounts/new/",
        _new_account(password="pendek", password_confirm="pendek"),
        token_page="/accounts/new/",
    )
    assert response.status_code == 200
    assert "Kata sandi terlalu pendek: minimal 12 karakter." in page_text(response)
    assert 'value="Budi Santoso"' in response.get_data(as_text=True)  # the form as typed
    assert (_count(db_session, Account), _count(db_session, AuditEvent)) == before


def test_a_password_containing_the_username_is_refused(client, login_as, db_session):
    login_as(Role.SUPERUSER)
    weak = "budi.santoso-2026"
    response = post_form(
        client,
        "/accounts/new/",
        _new_account(password=weak, password_confirm=weak),
        token_page="/accounts/new/",
    )
    assert "Kata sandi tidak boleh memuat nama pengguna." in page_text(response)
    assert db_session.scalars(sa.select(Account).filter_by(username="budi.santoso")).first() is None


def test_a_mistyped_confirmation_creates_nothing(client, login_as, db_session):
    login_as(Role.SUPERUSER)
    response = post_form(
        client,
        "/accounts/new/",
        _new_account(password_confirm=STRONG + "x"),
        token_page="/accounts/new/",
    )
    assert "Kedua kata sandi tidak sama." in page_text(response)
    assert db_session.scalars(sa.select(Account).filter_by(username="budi.santoso")).first() is None


def test_a_taken_username_is_refused(client, login_as, make_account, db_session):
    login_as(Role.SUPERUSER)
    taken = make_account(Role.KASI)
    response = post_form(
        client,
        "/accounts/new/",
        _new_account(username=taken.username.upper()),
        token_page="/accounts/new/",
    )
    assert f"Nama pengguna {taken.username} sudah dipakai." in page_text(response)


def test_a_superuser_changes_an_accounts_roles_and_the_change_is_audited(
    client, login_as, make_account, db_session
):
    admin = login_as(Role.SUPERUSER)
    kasi = make_account(Role.KASI)
    response = post_form(
        client,
        f"/accounts/edit/?id={kasi.id}",
        _edit_data(kasi, roles=["kasi", "kasubdit"], email="kasi@dgip.go.id"),
    )
    assert response.status_code == 302, page_text(response)[:500]
    db_session.expire_all()
    assert kasi.role_codes == {Role.KASI, Role.KASUBDIT} and kasi.email == "kasi@dgip.go.id"
    event = db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.update", entity_id=kasi.id)
    ).one()
    assert event.actor_id == admin.id
    assert event.before == {"email": None, "roles": ["kasi"]}
    assert event.after == {"email": "kasi@dgip.go.id", "roles": ["kasi", "kasubdit"]}


def test_the_edit_form_has_no_password_or_username_field(client, login_as, make_account):
    login_as(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    html = client.get(f"/accounts/edit/?id={jfu.id}").get_data(as_text=True)
    assert 'name="full_name"' in html and 'name="active"' in html
    for absent in ('name="password', 'name="username"', 'name="id"', "password_hash"):
        assert absent not in html
    assert f"/accounts/password/?id={jfu.id}" in html  # the reset is a separate action


def test_posted_id_username_password_hash_and_timestamps_are_ignored_on_edit(
    client, login_as, make_account, db_session
):
    login_as(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    original = (jfu.id, jfu.username, jfu.password_hash, jfu.created_at)
    response = post_form(
        client,
        f"/accounts/edit/?id={jfu.id}",
        {
            **_edit_data(jfu, full_name="Nama Baru"),
            "id": "99999",
            "username": "penyusup",
            "password_hash": "$argon2id$palsu",
            "created_at": "2000-01-01 00:00",
            "last_login_at": "2000-01-01 00:00",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    account = db_session.get(Account, jfu.id)
    assert account.full_name == "Nama Baru"
    assert (account.id, account.username, account.password_hash, account.created_at) == original
    assert account.last_login_at is None


def test_a_deactivated_account_cannot_log_in_and_its_open_session_ends(
    app, client, login_as, make_account, db_session
):
    jfu = make_account(Role.JFU)
    theirs = app.test_client()
    assert _log_in(theirs, jfu.username, TEST_PASSWORD).status_code == 302
    assert theirs.get("/").status_code == 200
    login_as(Role.SUPERUSER)
    response = post_form(client, f"/accounts/edit/?id={jfu.id}", _edit_data(jfu, active=""))
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Account, jfu.id).active is False
    assert theirs.get("/").status_code == 302  # back to the login page
    assert "Nama pengguna atau kata sandi salah" in page_text(
        _log_in(theirs, jfu.username, TEST_PASSWORD)
    )


def test_a_superuser_cannot_deactivate_themself(client, login_as, make_account, db_session):
    make_account(Role.SUPERUSER)
    admin = login_as(Role.SUPERUSER)
    response = post_form(client, f"/accounts/edit/?id={admin.id}", _edit_data(admin, active=""))
    assert response.status_code == 200
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in page_text(response)
    db_session.expire_all()
    assert db_session.get(Account, admin.id).active is True
    assert client.get("/accounts/").status_code == 200


def test_the_last_superuser_cannot_give_up_the_superuser_role(client, login_as, db_session):
    admin = login_as(Role.SUPERUSER)
    before = _count(db_session, AuditEvent)
    response = post_form(
        client,
        f"/accounts/edit/?id={admin.id}",
        _edit_data(admin, roles=["kasi"], full_name="Nama Ketikan"),
    )
    assert response.status_code == 200
    assert "satu-satunya superuser aktif" in page_text(response)
    assert 'value="Nama Ketikan"' in response.get_data(as_text=True)  # the form as typed
    db_session.expire_all()
    account = db_session.get(Account, admin.id)
    assert account.role_codes == {Role.SUPERUSER} and account.full_name != "Nama Ketikan"
    assert _count(db_session, AuditEvent) == before


def test_with_a_second_superuser_one_may_hand_over_the_role(
    client, login_as, make_account, db_session
):
    make_account(Role.SUPERUSER)
    admin = login_as(Role.SUPERUSER, Role.KASI)  # the kasi position given by another superuser
    response = post_form(
        client, f"/accounts/edit/?id={admin.id}", _edit_data(admin, roles=["kasi"])
    )
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 403  # no longer a superuser


def test_a_password_reset_sets_the_new_password_and_ends_the_users_other_sessions(
    app, client, login_as, make_account, db_session
):
    jfu = make_account(Role.JFU)
    theirs = app.test_client()
    assert _log_in(theirs, jfu.username, TEST_PASSWORD).status_code == 302
    admin = login_as(Role.SUPERUSER)
    page = client.get(f"/accounts/password/?id={jfu.id}")
    assert page.status_code == 200 and "Setel ulang kata sandi" in page_text(page)
    response = post_form(
        client,
        f"/accounts/password/?id={jfu.id}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "telah disetel ulang" in page_text(client.get(response.headers["Location"]))
    assert theirs.get("/").status_code == 302  # the old session is over
    assert _log_in(theirs, jfu.username, TEST_PASSWORD).status_code == 200  # refused
    assert _log_in(theirs, jfu.username, NEW_PASSWORD).status_code == 302
    event = db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.password_reset", entity_id=jfu.id)
    ).one()
    assert event.actor_id == admin.id
    db_session.expire_all()
    recorded = json.dumps([event.before, event.after])
    assert NEW_PASSWORD not in recorded
    assert db_session.get(Account, jfu.id).password_hash not in recorded


def test_a_weak_reset_password_is_refused_and_the_old_one_still_works(
    app, client, login_as, make_account, db_session
):
    jfu = make_account(Role.JFU)
    old_hash = jfu.password_hash
    login_as(Role.SUPERUSER)
    response = post_form(
        client,
        f"/accounts/password/?id={jfu.id}",
        {"password": "rahasia12345", "password_confirm": "rahasia12345"},
    )
    assert response.status_code == 422
    assert "Kata sandi terlalu umum" in page_text(response)
    db_session.expire_all()
    assert db_session.get(Account, jfu.id).password_hash == old_hash
    assert _log_in(app.test_client(), jfu.username, TEST_PASSWORD).status_code == 302


def test_a_superuser_resetting_their_own_password_stays_signed_in(client, login_as, db_session):
    admin = login_as(Role.SUPERUSER)
    response = post_form(
        client,
        f"/accounts/password/?id={admin.id}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200


def test_the_password_reset_needs_a_csrf_token(client, login_as, make_account, db_session):
    jfu = make_account(Role.JFU)
    login_as(Role.SUPERUSER)
    response = client.post(
        f"/accounts/password/?id={jfu.id}",
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.get(Account, jfu.id).check_password(TEST_PASSWORD)


def test_accounts_are_never_deleted(client, login_as, make_account, db_session):
    login_as(Role.SUPERUSER)
    jfu = make_account(Role.JFU)
    assert "/accounts/delete/" not in client.get("/accounts/").get_data(as_text=True)
    assert post_form(client, "/accounts/delete/", {"id": str(jfu.id)}).status_code == 403
    assert db_session.get(Account, jfu.id) is not None


def test_the_account_list_shows_roles_and_filters_by_role_active_and_search(
    client, login_as, make_account
):
    login_as(Role.SUPERUSER)
    jfu = make_account(Role.JFU, username="teknisi.andi")
    gone = make_account(Role.KASI, username="kasi.lama", active=False)
    listing = page_text(client.get("/accounts/"))
    assert "teknisi.andi" in listing and "JFU" in listing and "Kasi Portal Web" in listing
    by_role = page_text(client.get("/accounts/?flt0_peran_adalah=jfu"))
    assert jfu.username in by_role and gone.username not in by_role
    inactive = page_text(client.get("/accounts/?flt0_aktif_adalah=tidak"))
    assert gone.username in inactive and jfu.username not in inactive
    searched = page_text(client.get("/accounts/?search=andi"))
    assert jfu.username in searched and gone.username not in searched
    assert client.get("/accounts/?flt0_peran_adalah=raja").status_code == 400


@pytest.mark.parametrize("role", NOT_SUPERUSER)
def test_non_superusers_are_refused_every_account_url(client, login_as, make_account, role):
    login_as(role)
    target = make_account(Role.JFU)
    for path in (
        "/accounts/",
        "/accounts/new/",
        f"/accounts/edit/?id={target.id}",
        f"/accounts/details/?id={target.id}",
        f"/accounts/password/?id={target.id}",
    ):
        assert client.get(path).status_code == 403, path
    for path, data in (
        ("/accounts/new/", _new_account()),
        (f"/accounts/edit/?id={target.id}", _edit_data(target, active="")),
        (f"/accounts/password/?id={target.id}", {"password": STRONG, "password_confirm": STRONG}),
        ("/accounts/delete/", {"id": str(target.id)}),
    ):
        assert post_form(client, path, data).status_code == 403, path
    assert "/accounts/" not in client.get("/").get_data(as_text=True)  # not in the menu


# -- non-working days --------------------------------------------------------------------------


def _add(client, day: str, name: str = "Cuti bersama uji", kind: str = "cuti_bersama"):
    return post_form(client, "/holidays/new/", {"day": day, "name": name, "kind": kind})


def _open_due(db_session, case_id: int):
    db_session.expire_all()
    return db_session.scalars(
        sa.select(StepRun.due_at).where(StepRun.case_id == case_id, StepRun.completed_at.is_(None))
    ).one()


def test_adding_a_day_off_moves_an_open_steps_due_time_and_removing_it_moves_it_back(
    client, login_as, case_at, db_session
):
    case_id = case_at(4)  # step 4 became actionable on Monday 23 November 2026, 08:06
    due = _open_due(db_session, case_id)
    assert due.astimezone(JAKARTA).date() == date(2026, 11, 23)
    login_as(Role.SUPERUSER)
    response = _add(client, "2026-11-23")
    assert response.status_code == 302, page_text(response)[:500]
    moved = _open_due(db_session, case_id)
    assert moved.astimezone(JAKARTA).date() == date(2026, 11, 24)
    row = db_session.scalars(sa.select(NonWorkingDay).filter_by(day=date(2026, 11, 23))).one()
    assert client.get(f"/holidays/delete/?id={row.id}").status_code == 405  # a POST, confirmed
    response = post_form(client, "/holidays/delete/", {"id": str(row.id), "url": "/holidays/"})
    assert response.status_code == 302
    assert _count(db_session, NonWorkingDay) == 0
    assert _open_due(db_session, case_id) == due


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_off_outside_the_plausible_years_is_refused(client, login_as, db_session, day):
    login_as(Role.SUPERUSER)
    response = _add(client, day)
    assert response.status_code == 200
    assert "Tanggal harus antara 01-01-1900 dan 31-12-2999." in page_text(response)
    assert _count(db_session, NonWorkingDay) == 0


def test_a_day_already_recorded_is_refused(client, login_as, db_session):
    login_as(Role.SUPERUSER)
    assert _add(client, "2026-12-24").status_code == 302
    response = _add(client, "2026-12-24", name="Lagi")
    assert response.status_code == 200
    assert "Tanggal 2026-12-24 sudah tercatat sebagai hari libur." in page_text(response)
    assert _count(db_session, NonWorkingDay) == 1


def test_the_holiday_list_shows_newest_first_who_added_and_the_national_holiday_note(
    client, login_as, db_session
):
    admin = login_as(Role.SUPERUSER)
    for day, name in ((date(2026, 12, 24), "Cuti Natal"), (date(2027, 3, 9), "Pemadaman listrik")):
        add_day_off(
            db_session, actor_id=admin.id, day=day, name=name, kind=NonWorkingKind.CUTI_BERSAMA
        )
    db_session.flush()
    response = client.get("/holidays/")
    assert "/holidays/action/" not in response.get_data(as_text=True)  # no bulk delete
    text = page_text(response)
    assert text.index("09-03-2027") < text.index("24-12-2026")
    assert admin.full_name in text and "Cuti bersama" in text
    assert "holidays" in text and "otomatis" in text
    this_year = page_text(client.get("/holidays/?flt0_tahun_sama_dengan=2027"))
    assert "Pemadaman listrik" in this_year and "Cuti Natal" not in this_year
    december = page_text(client.get("/holidays/?flt0_tanggal_antara=2026-12-01+to+2026-12-31"))
    assert "Cuti Natal" in december and "Pemadaman listrik" not in december
    assert client.get("/holidays/?flt0_tahun_sama_dengan=duaribu").status_code == 400
    assert client.get("/holidays/edit/?id=1").status_code == 403  # no editing


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_see_the_days_off_but_cannot_add_or_remove_them(
    client, login_as, make_account, db_session, role
):
    superuser = make_account(Role.SUPERUSER)
    row = add_day_off(
        db_session,
        actor_id=superuser.id,
        day=date(2026, 12, 24),
        name="Cuti Natal",
        kind=NonWorkingKind.CUTI_BERSAMA,
    )
    db_session.flush()
    login_as(role)
    listing = client.get("/holidays/")
    assert listing.status_code == 200 and "Cuti Natal" in page_text(listing)
    assert "/holidays/new/" not in listing.get_data(as_text=True)
    assert "/holidays/delete/" not in listing.get_data(as_text=True)
    assert client.get("/holidays/new/").status_code == 403
    assert _add(client, "2026-12-31").status_code == 403
    assert post_form(client, "/holidays/delete/", {"id": str(row.id)}).status_code == 403
    assert _count(db_session, NonWorkingDay) == 1


@pytest.mark.parametrize("role", (Role.PENGGUNA, Role.JFU))
def test_reporters_and_technicians_cannot_open_the_days_off(client, login_as, role):
    login_as(role)
    assert client.get("/holidays/").status_code == 403

"""`create-user` and `seed-demo`: good input creates; bad input exits non-zero, creates nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import Account, AuditEvent, Case

STRONG = "sandi-yang-cukup-panjang-7"


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


def _count(db_session, model) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_user_with_roles_and_password_from_stdin(runner, db_session):
    result = runner.invoke(
        args=["create-user", "budi.kasi", "--role", "kasi", "--role", "jfu", "--password-stdin"],
        input=STRONG + "\n",
    )
    assert result.exit_code == 0, result.output
    account = db_session.scalars(sa.select(Account).filter_by(username="budi.kasi")).one()
    assert {r.code for r in account.roles} == {"kasi", "jfu"}
    assert account.check_password(STRONG)
    assert STRONG not in account.password_hash
    assert account.password_hash.startswith("$argon2id$")
    assert db_session.scalars(
        sa.select(AuditEvent).filter_by(action="account.create", entity_id=account.id)
    ).one()


def test_create_user_prompts_for_the_password_twice(runner, db_session):
    result = runner.invoke(
        args=["create-user", "sari", "--role", "pengguna"], input=f"{STRONG}\n{STRONG}\n"
    )
    assert result.exit_code == 0, result.output
    assert STRONG not in result.output


@pytest.mark.parametrize(
    ("args", "password", "reason"),
    [
        (["create-user", "x.user", "--role", "raja"], STRONG, "Peran tidak dikenal: raja"),
        (["create-user", "x.user", "--role", "kasi"], "pendek", "terlalu pendek"),
        (["create-user", "x.user", "--role", "kasi"], "Passw0rd!!12", "terlalu umum"),
        (["create-user", "x.user", "--role", "kasi"], "aaaaaaaaaaaa", "terlalu umum"),
        (["create-user", "x.user", "--role", "kasi"], "x.user-rahasia-99", "nama pengguna"),
        (["create-user", "X User!", "--role", "kasi"], STRONG, "Nama pengguna harus"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_creates_nothing(
    runner, db_session, args, password, reason
):
    before = (_count(db_session, Account), _count(db_session, AuditEvent))
    result = runner.invoke(args=[*args, "--password-stdin"], input=password + "\n")
    assert result.exit_code != 0
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (_count(db_session, Account), _count(db_session, AuditEvent)) == before


def test_a_duplicate_username_is_refused(runner, db_session, make_account):
    make_account(username="ganda")
    result = runner.invoke(
        args=["create-user", "GANDA", "--role", "kasi", "--password-stdin"], input=STRONG + "\n"
    )
    assert result.exit_code != 0
    assert "sudah dipakai" in result.output
    assert _count(db_session, Account) == 1


def test_seed_demo_twice_changes_nothing_the_second_time(runner, db_session):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "kata sandi" in first.output
    cases = db_session.scalars(sa.select(Case).order_by(Case.id)).all()
    assert [(c.status.value, c.current_step, c.rework_rounds) for c in cases] == [
        ("open", 2, 0),
        ("open", 4, 0),
        ("open", 6, 0),
        ("open", 7, 0),
        ("open", 7, 1),
        ("closed", None, 0),
        ("closed_early", None, 0),
    ]
    snapshot = (_count(db_session, Account), _count(db_session, AuditEvent))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "kata sandi" not in second.output
    assert (_count(db_session, Account), _count(db_session, AuditEvent)) == snapshot

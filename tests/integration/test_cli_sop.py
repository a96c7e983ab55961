"""`flask sop show|import` and `flask case timeline` on the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from models import SopVersion
from rules.enums import Role
from tests.support import walk
from tests.support.walk import CALENDAR, MONDAY_0800, Team, step_payload, walk_to

SOP_TABLE = Path(__file__).resolve().parents[1] / "unit" / "data" / "sop_pemeliharaan_portal.txt"
ALL_NINE = [
    f"--performer={n}={r}"
    for n, r in enumerate(
        ["pengguna", "direktur", "kasubdit", "kasi", "kasi", "kasi", "jfu", "kasi", "kasi"], start=1
    )
]


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


def test_sop_show_prints_the_nine_steps_and_the_59_minute_total(runner):
    result = runner.invoke(args=["sop", "show"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    steps = [line for line in lines if line[:2].strip().isdigit()]
    assert [int(line.split()[0]) for line in steps] == list(range(1, 10))
    assert "Menerima laporan dari JFU" in result.output
    assert "komputer, printer, internet" in result.output
    assert lines[-1] == "Total waktu standar: 59 menit kerja"


def test_sop_import_publishes_a_new_sop_that_sop_show_can_print(runner, db_session):
    result = runner.invoke(
        args=["sop", "import", str(SOP_TABLE), "--name", "Salinan Portal", *ALL_NINE]
    )
    assert result.exit_code == 0, result.output
    assert "salinan-portal versi 1 (diterbitkan)" in result.output
    stored = db_session.scalars(sa.select(SopVersion).filter_by(key="salinan-portal")).one()
    assert (stored.version, stored.state, len(stored.definition["steps"])) == (1, "published", 9)
    shown = runner.invoke(args=["sop", "show", "--name", "Salinan Portal"])
    assert "Total waktu standar: 59 menit kerja" in shown.output
    listed = runner.invoke(args=["sop", "list"])
    assert "salinan-portal" in listed.output and "pemeliharaan-portal" in listed.output


def test_sop_import_refuses_to_shadow_an_sop_unless_told_to_make_a_new_version(runner, db_session):
    first = ["sop", "import", str(SOP_TABLE), "--name", "Salinan Portal", *ALL_NINE]
    assert runner.invoke(args=first).exit_code == 0
    again = runner.invoke(args=first)
    assert again.exit_code != 0 and "Sudah ada SOP" in again.output
    # The shipped SOP's own name (and key) is refused too: it is not silently replaced.
    shadow = ["sop", "import", str(SOP_TABLE), "--name", "Pemeliharaan Portal", *ALL_NINE]
    refused = runner.invoke(args=shadow)
    assert refused.exit_code != 0 and "pemeliharaan-portal" in refused.output
    assert (
        db_session.scalars(
            sa.select(sa.func.count()).select_from(SopVersion).filter_by(key="pemeliharaan-portal")
        ).one()
        == 2  # the shipped versions 1 and 2, and no third
    )
    newer = runner.invoke(args=[*first, "--new-version"])
    assert newer.exit_code == 0, newer.output
    assert "salinan-portal versi 2 (diterbitkan)" in newer.output
    states = db_session.execute(
        sa.select(SopVersion.version, SopVersion.state)
        .filter_by(key="salinan-portal")
        .order_by(SopVersion.version)
    ).all()
    assert [tuple(row) for row in states] == [(1, "retired"), (2, "published")]


def test_sop_import_sets_the_behaviours_it_is_told(runner, db_session):
    result = runner.invoke(
        args=[
            "sop",
            "import",
            str(SOP_TABLE),
            "--name",
            "Dengan Perilaku",
            *ALL_NINE,
            "--names=6=7",
            "--return=8=7",
            "--priority=2",
            "--kind=9=log_entry",
            "--draft",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "(draf)" in result.output
    assert "menunjuk pelaksana langkah 7" in result.output
    assert "dapat mengembalikan ke langkah 7" in result.output
    draft = db_session.scalars(sa.select(SopVersion).filter_by(key="dengan-perilaku")).one()
    assert draft.state == "draft"
    assert (draft.sop.step(7).named_by, draft.sop.step(8).may_return_to) == (6, 7)
    published = runner.invoke(args=["sop", "publish", "Dengan Perilaku"])
    assert published.exit_code == 0, published.output
    db_session.refresh(draft)
    assert draft.state == "published"


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (ALL_NINE[:8], "Baris 25: pelaksana langkah 9 belum dipilih"),
        ([*ALL_NINE[:8], "--performer=9=raja"], "Jabatan berikut belum ada: raja"),
        ([*ALL_NINE[:8], "--performer=sembilan=kasi"], "is not a step number"),
        ([*ALL_NINE, "--return=8=9"], "Baris 24:"),
        ([*ALL_NINE, "--names=6=12"], "langkah 12, yang tidak ada"),
        ([*ALL_NINE, "--performer=2=superuser"], "superuser"),
    ],
)
def test_sop_import_refuses_bad_choices_and_stores_nothing(runner, db_session, arguments, reason):
    result = runner.invoke(args=["sop", "import", str(SOP_TABLE), "--name", "Buruk", *arguments])
    assert result.exit_code != 0
    assert reason in result.output
    assert db_session.scalars(sa.select(SopVersion).filter_by(key="buruk")).first() is None


@pytest.mark.parametrize(
    ("name", "arguments", "reason"),
    [
        ("Panjang " * 40, ALL_NINE, "nama SOP terlalu panjang (paling banyak 300 karakter)"),
        ("Belum Pernah Ada", [*ALL_NINE, "--new-version"], "SOP Belum Pernah Ada belum ada."),
        ("Dua Penunjuk", [*ALL_NINE, "--names=4=7", "--names=6=8"], "langkah 4 sudah menunjuknya"),
    ],
)
def test_sop_import_refuses_a_bad_name_version_or_naming_in_one_line(
    runner, db_session, name, arguments, reason
):
    before = db_session.scalars(sa.select(sa.func.count()).select_from(SopVersion)).one()
    result = runner.invoke(args=["sop", "import", str(SOP_TABLE), "--name", name, *arguments])
    assert result.exit_code != 0
    assert reason in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert db_session.scalars(sa.select(sa.func.count()).select_from(SopVersion)).one() == before
    # Positive control: the same table and name without the fault is imported.
    fixed = [a for a in arguments if a not in ("--new-version", "--names=6=8")]
    accepted = runner.invoke(args=["sop", "import", str(SOP_TABLE), "--name", name[:40], *fixed])
    assert accepted.exit_code == 0, accepted.output


def test_sop_import_names_the_line_of_an_unreadable_time(runner, db_session, tmp_path):
    broken = tmp_path / "rusak.txt"
    broken.write_text(SOP_TABLE.read_text().replace("10 menit", "sepuluh menit", 1))
    result = runner.invoke(args=["sop", "import", str(broken), "--name", "Rusak", *ALL_NINE])
    assert result.exit_code != 0
    assert "Baris 20: waktu 'sepuluh menit' tidak terbaca" in result.output
    assert db_session.scalars(sa.select(SopVersion).filter_by(key="rusak")).first() is None


def test_sop_show_of_an_unknown_sop_fails_clearly(runner):
    result = runner.invoke(args=["sop", "show", "--name", "Tidak Ada"])
    assert result.exit_code != 0
    assert "Tidak Ada" in result.output


def test_position_add_makes_a_position_an_sop_can_name(runner, db_session):
    result = runner.invoke(args=["position", "add", "kasi-jaringan", "--name", "Kasi Jaringan"])
    assert result.exit_code == 0, result.output
    twice = runner.invoke(args=["position", "add", "kasi-jaringan", "--name", "Lain"])
    assert twice.exit_code != 0 and "Sudah ada jabatan kasi-jaringan" in twice.output
    bad = runner.invoke(args=["position", "add", "Kasi Jaringan", "--name", "X"])
    assert bad.exit_code != 0 and "huruf kecil" in bad.output


def test_case_timeline_prints_steps_standards_actuals_flags_and_forecast(
    runner, db_session, make_account
):
    team = Team(
        *(
            make_account(r)
            for r in (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU, Role.JFU)
        )
    )
    case_id = walk_to(db_session, team, 5, minutes_per_step=15)
    walk.complete_step(
        db_session, team.kasi, case_id, 5, step_payload(5), MONDAY_0800.replace(hour=10), CALENDAR
    )
    db_session.flush()
    result = runner.invoke(args=["case", "timeline", str(case_id)])
    assert result.exit_code == 0, result.output
    assert f"Kasus #{case_id}" in result.output
    rows = [line.split() for line in result.output.splitlines() if line[:1].isdigit()]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert "MELEBIHI STANDAR" in result.output  # 15 working minutes against a 3-minute step 3
    assert "perkiraan" in result.output


def test_case_timeline_of_an_unknown_case_fails(runner):
    result = runner.invoke(args=["case", "timeline", "999999"])
    assert result.exit_code != 0 and "tidak ditemukan" in result.output

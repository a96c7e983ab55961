"""`flask sop show|import` and `flask case timeline` on the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from models import SopVersion
from models.services import cases as svc
from rules.enums import Role
from tests.integration.sop_walk import CALENDAR, MONDAY_0800, Team, step_payload, walk_to

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


def test_sop_import_stores_a_new_sop_that_sop_show_can_print(runner, db_session):
    result = runner.invoke(
        args=["sop", "import", str(SOP_TABLE), "--name", "Salinan Portal", *ALL_NINE]
    )
    assert result.exit_code == 0, result.output
    stored = db_session.scalars(sa.select(SopVersion).filter_by(key="salinan-portal")).one()
    assert stored.version == 1 and len(stored.definition["steps"]) == 9
    shown = runner.invoke(args=["sop", "show", "--name", "Salinan Portal"])
    assert "Total waktu standar: 59 menit kerja" in shown.output
    again = runner.invoke(
        args=["sop", "import", str(SOP_TABLE), "--name", "Salinan Portal", *ALL_NINE]
    )
    assert "versi 2" in again.output


@pytest.mark.parametrize(
    ("performers", "reason"),
    [
        (ALL_NINE[:8], "baris"),
        ([*ALL_NINE[:8], "--performer=9=raja"], "unknown role"),
        ([*ALL_NINE[:8], "--performer=sembilan=kasi"], "is not like"),
    ],
)
def test_sop_import_refuses_bad_mappings_and_stores_nothing(runner, db_session, performers, reason):
    result = runner.invoke(args=["sop", "import", str(SOP_TABLE), "--name", "Buruk", *performers])
    assert result.exit_code != 0
    assert reason in result.output
    assert db_session.scalars(sa.select(SopVersion).filter_by(key="buruk")).first() is None


def test_sop_import_names_the_line_of_an_unreadable_time(runner, db_session, tmp_path):
    broken = tmp_path / "rusak.txt"
    broken.write_text(SOP_TABLE.read_text().replace("10 menit", "sepuluh menit", 1))
    result = runner.invoke(args=["sop", "import", str(broken), "--name", "Rusak", *ALL_NINE])
    assert result.exit_code != 0
    assert "baris 20" in result.output
    assert db_session.scalars(sa.select(SopVersion).filter_by(key="rusak")).first() is None


def test_sop_show_of_an_unknown_sop_fails_clearly(runner):
    result = runner.invoke(args=["sop", "show", "--name", "Tidak Ada"])
    assert result.exit_code != 0
    assert "tidak-ada" in result.output


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
    svc.propose_solution(
        db_session, team.kasi, case_id, step_payload(5), MONDAY_0800.replace(hour=10), CALENDAR
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

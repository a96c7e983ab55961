"""SOPs the developers never saw: uploaded, mapped, published, and cases run under them.

A 6-step network SOP (as .docx: one step untimed, one of "1 jam", the performer named at step
3, a return 5 → 4) and a 12-step data-request SOP (as .xlsx: two return loops, a performer
named at step 5 for steps 6 and 8) walk from report to daily log through the services, the
portal SOP beside them untouched; versions never change once published.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from models import AuditEvent, Case, LogEntry, Report, Sop, SopVersion
from models.errors import ServiceError
from models.services import cases as svc
from models.services import export as ex
from models.services import sop_import, sop_library
from models.services.timing import case_timing
from rules.enums import Action, CaseStatus
from rules.errors import RuleError
from tests.support.library import choices_for, publish_shape, staff
from tests.support.sop_tables import DATA_REQUEST, NETWORK, write_docx, write_tsv, write_xlsx
from tests.support.walk import CALENDAR, MONDAY_0800, payload_for, report_payload, walk_sop


@pytest.fixture
def network(db_session, tmp_path):
    return publish_shape(db_session, NETWORK, write_docx(NETWORK, tmp_path / "jaringan.docx"))


@pytest.fixture
def data_request(db_session, tmp_path):
    path = write_xlsx(DATA_REQUEST, tmp_path / "permohonan-data.xlsx")
    return publish_shape(db_session, DATA_REQUEST, path)


def _report(session, reporter, key: str):
    return svc.report(session, reporter, report_payload(), MONDAY_0800, CALENDAR, sop_key=key).case


def test_an_uploaded_docx_becomes_a_published_sop_with_its_own_shape(db_session, network):
    sop = network.sop
    assert (network.key, network.version, network.state) == (
        "penanganan-gangguan-jaringan",
        1,
        "published",
    )
    assert len(sop.steps) == 6 and sop.total_standard_minutes == 93
    assert [s.standard_minutes for s in sop.steps] == [3, None, 15, 60, 10, 5]
    assert [s.role for s in sop.steps] == [NETWORK.position_of(n) for n in range(1, 7)]
    assert (sop.step(4).named_by, sop.step(5).may_return_to, sop.step(2).sets_priority) == (
        3,
        4,
        True,
    )
    assert sop.step(6).output_kind.value == "log_entry"
    library = {sop.key: sop for sop in sop_library.library(db_session)}
    assert library["pemeliharaan-portal"].is_default and not library[network.key].is_default


def test_a_case_under_the_6_step_sop_runs_to_the_daily_log_with_one_return(
    db_session, network, make_account
):
    people = staff(NETWORK, make_account)
    case = _report(db_session, people["pengguna"][0], network.key)
    assert (case.sop_version_id, case.current_step, case.waiting_role) == (
        network.id,
        2,
        "kasubdit-infrastruktur",
    )
    # The untimed step has no due time; the "1 jam" step is due 60 working minutes after it starts.
    walk_sop(db_session, case.id, people, until=4)
    live = next(run for run in case.step_runs if run.completed_at is None)
    assert (live.step, live.standard_minutes) == (4, 60)
    assert CALENDAR.working_minutes(live.actionable_at, live.due_at) == 60
    assert next(r for r in case.step_runs if r.step == 2).due_at is None
    # Only the technician named at step 3 may fix; the other holder of the position may not.
    named, other = people["staf-jaringan"]
    assert (case.assignee_id, case.waiting_account_id) == (named.id, named.id)
    with pytest.raises(RuleError) as refused:
        svc.act(
            db_session,
            other,
            case.id,
            Action.COMPLETE,
            payload_for(network.sop, 4),
            MONDAY_0800 + timedelta(hours=1),
            CALENDAR,
        )
    assert refused.value.code == "not_named_performer"
    walk_sop(
        db_session,
        case.id,
        people,
        return_once_at=frozenset({5}),
        start=MONDAY_0800 + timedelta(hours=1),
    )
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status is CaseStatus.CLOSED and case.rework_rounds == 1
    assert [(r.step, r.round, r.outcome) for r in case.step_runs] == [
        (1, 0, "completed"), (2, 0, "completed"), (3, 0, "completed"), (4, 0, "completed"),
        (5, 0, "returned"), (4, 1, "completed"), (5, 1, "completed"), (6, 1, "completed"),
    ]  # fmt: skip
    log = db_session.scalars(sa.select(LogEntry).where(LogEntry.case_id == case.id)).one()
    assert log.author_id == people["kasi-jaringan"][0].id
    kinds = db_session.scalars(sa.select(Report.kind).where(Report.case_id == case.id)).all()
    assert "pengembalian" in kinds and "berita-acara" in kinds
    timing = case_timing(case, MONDAY_0800 + timedelta(hours=3), CALENDAR)
    assert timing.standard_total == 93 and timing.rework_rounds == 1


def test_a_case_under_the_12_step_sop_takes_both_return_loops_and_the_named_performer(
    db_session, data_request, make_account
):
    people = staff(DATA_REQUEST, make_account)
    case = _report(db_session, people["pengguna"][1], data_request.key)
    walk_sop(db_session, case.id, people, return_once_at=frozenset({7, 9}))
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status is CaseStatus.CLOSED and case.rework_rounds == 2
    runs = [(r.step, r.outcome) for r in case.step_runs]
    assert runs.count((6, "completed")) == 2 and runs.count((8, "completed")) == 2
    assert (7, "returned") in runs and (9, "returned") in runs and runs[-1] == (12, "completed")
    named = people["petugas-layanan-data"][0]
    performers = {r.step: r.performer_id for r in case.step_runs}
    assert performers[6] == performers[8] == named.id
    assert data_request.sop.total_standard_minutes == 385


def test_new_cases_choose_their_sop_and_the_default_is_the_portal(db_session, network, team):
    portal = _report(db_session, team.pengguna, None)
    assert portal.sop_version.key == "pemeliharaan-portal" and portal.waiting_role == "direktur"
    other = _report(db_session, team.pengguna, network.key)
    assert other.sop_version.key == network.key
    with pytest.raises(ServiceError) as refused:
        _report(db_session, team.pengguna, "tidak-ada")
    assert refused.value.code == "sop_unknown"


def test_a_new_version_leaves_running_cases_on_the_version_they_started_on(
    db_session, network, make_account, tmp_path
):
    people = staff(NETWORK, make_account)
    running = _report(db_session, people["pengguna"][0], network.key)
    sop = sop_library.sop_by_key_or_name(db_session, network.key, "")
    upload = sop_import.start(
        db_session, None, "v2.txt", write_tsv(NETWORK, tmp_path / "v2.txt").read_bytes()
    )
    table = sop_import.table_of(upload)
    definition, problems = sop_import.build(
        db_session,
        table,
        name=NETWORK.title,
        choices=choices_for(NETWORK, table.performers),
        new_version_of=sop,
    )
    assert problems == () and definition.version == 2
    second = sop_library.publish(
        db_session,
        None,
        sop_library.save_draft(db_session, None, definition, new_version_of=sop),
        MONDAY_0800,
    )
    db_session.refresh(network)
    assert (network.state, second.state) == ("retired", "published")
    newer = _report(db_session, people["pengguna"][0], network.key)
    assert (running.sop_version_id, newer.sop_version_id) == (network.id, second.id)
    walk_sop(db_session, running.id, people)  # the running case finishes on version 1
    assert db_session.get(Case, running.id).status is CaseStatus.CLOSED
    events = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity == "sop_version")
    ).all()
    assert events.count("sop.publish") >= 2 and "sop.draft" in events


def test_a_published_version_never_changes_and_only_a_draft_may_be_thrown_away(db_session, network):
    for statement in (
        sa.update(SopVersion).where(SopVersion.id == network.id).values(definition={"steps": []}),
        sa.update(SopVersion).where(SopVersion.id == network.id).values(state="draft"),
        sa.delete(SopVersion).where(SopVersion.id == network.id),
    ):
        with pytest.raises(DBAPIError) as refused, db_session.begin_nested():
            db_session.execute(statement)
        assert any(why in str(refused.value) for why in ("never changes", "cannot go", "only a"))
    # Retiring is the one change a published version takes.
    sop = db_session.get(Sop, network.sop_id)
    sop_library.retire(db_session, None, sop, MONDAY_0800)
    assert db_session.get(SopVersion, network.id).state == "retired"


def test_the_library_refuses_a_clash_an_unknown_position_and_retiring_the_default(
    db_session, network, tmp_path
):
    upload = sop_import.start(
        db_session, None, "x.txt", write_tsv(NETWORK, tmp_path / "x.txt").read_bytes()
    )
    table = sop_import.table_of(upload)
    again, _ = sop_import.build(
        db_session, table, name=NETWORK.title, choices=choices_for(NETWORK, table.performers)
    )
    with pytest.raises(ServiceError) as clash:
        sop_library.save_draft(db_session, None, again)
    assert clash.value.code == "sop_exists"
    unknown = {**NETWORK.positions, "Staf Jaringan": "teknisi-luar"}
    shape = replace(NETWORK, positions=unknown, title="Jaringan Lain")
    other, _ = sop_import.build(
        db_session, table, name=shape.title, choices=choices_for(shape, table.performers)
    )
    with pytest.raises(ServiceError) as missing:
        sop_library.save_draft(db_session, None, other)
    assert (
        missing.value.code == "sop_unknown_positions"
        and "teknisi-luar" in missing.value.message("en")
    )
    portal = sop_library.default_sop(db_session)
    with pytest.raises(ServiceError) as default:
        sop_library.retire(db_session, None, portal, MONDAY_0800)
    assert default.value.code == "sop_default_retire"
    sop_library.make_default(db_session, None, db_session.get(Sop, network.sop_id))
    assert sop_library.default_sop(db_session).key == network.key
    assert sop_library.version_for_new_case(db_session, None).id == network.id


def test_each_sops_cases_export_has_that_sops_own_step_columns(
    db_session, network, data_request, make_account
):
    people = {**staff(NETWORK, make_account), **staff(DATA_REQUEST, make_account)}
    walk_sop(db_session, _report(db_session, people["pengguna"][0], network.key).id, people)
    walk_sop(
        db_session, _report(db_session, people["pengguna"][0], data_request.key).id, people, until=4
    )
    db_session.flush()
    for version, steps in ((network, 6), (data_request, 12)):
        stmt = ex.cases_select(ex.CsvOptions(), steps=steps, sop_key=version.key)
        header = [column.name for column in stmt.selected_columns]
        rows = db_session.execute(stmt).all()
        assert len(rows) == 1 and rows[0][1] == version.key
        assert f"step{steps}_performer" in header and f"step{steps + 1}_performer" not in header
    network_row = (
        db_session.execute(ex.cases_select(ex.CsvOptions(), steps=6, sop_key=network.key))
        .one()
        ._mapping
    )
    assert (
        network_row["step2_standard_minutes"] is None
        and network_row["step4_standard_minutes"] == 60
    )


def test_a_named_performer_can_be_replaced_for_the_step_in_progress(
    db_session, network, make_account
):
    people = staff(NETWORK, make_account)
    case = _report(db_session, people["pengguna"][0], network.key)
    walk_sop(db_session, case.id, people, until=4)
    first, second = people["staf-jaringan"]
    kasi = people["kasi-jaringan"][0]
    with pytest.raises(RuleError) as refused:  # only the naming position may name another
        svc.act(
            db_session,
            second,
            case.id,
            Action.REASSIGN,
            {"assignee_id": second.id, "reason": "x"},
            MONDAY_0800,
            CALENDAR,
        )
    assert refused.value.code == "wrong_role"
    with pytest.raises(ServiceError) as not_eligible:  # someone who does not hold the position
        svc.act(
            db_session,
            kasi,
            case.id,
            Action.REASSIGN,
            {"assignee_id": kasi.id, "reason": "x"},
            MONDAY_0800,
            CALENDAR,
        )
    assert not_eligible.value.code == "assignee_not_eligible"
    before = len(case.step_runs)
    svc.act(
        db_session,
        kasi,
        case.id,
        Action.REASSIGN,
        {"step": 4, "assignee_id": second.id, "reason": "cuti sakit"},
        MONDAY_0800 + timedelta(minutes=30),
        CALENDAR,
    )
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert (case.current_step, case.assignee_id, case.waiting_account_id) == (
        4,
        second.id,
        second.id,
    )
    assert len(case.step_runs) == before  # the step's clock runs on: same run
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "case.reassign")
    ).one()
    assert (
        event.after["fields"]["previous_assignee_id"] == first.id
        and event.after["fields"]["reason"] == "cuti sakit"
    )
    with pytest.raises(RuleError):
        svc.act(
            db_session,
            first,
            case.id,
            Action.COMPLETE,
            payload_for(network.sop, 4),
            MONDAY_0800 + timedelta(hours=1),
            CALENDAR,
        )
    svc.act(
        db_session,
        second,
        case.id,
        Action.COMPLETE,
        payload_for(network.sop, 4),
        MONDAY_0800 + timedelta(hours=1),
        CALENDAR,
    )
    assert db_session.get(Case, case.id).current_step == 5


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("kosong.txt", b"  \n ", "sop_file_empty"),
        ("biner.txt", b"\x00\x01\x02PK\x03\x04" * 10, "sop_file_binary"),
        ("besar.txt", b"a\tb\n" * 600_000, "sop_file_too_large"),
        ("tanpa-tab.txt", b"Ini hanya paragraf biasa tanpa tabel.", "sop_file_not_table"),
        ("rusak.docx", b"bukan zip", "sop_file_unreadable"),
        ("rusak.xlsx", b"PK\x03\x04 bukan xlsx", "sop_file_unreadable"),
        ("gambar.png", b"\x89PNG", "sop_file_kind"),
    ],
)
def test_an_upload_that_is_not_an_sop_table_is_refused_and_nothing_is_stored(
    db_session, name, data, code
):
    before = db_session.scalar(sa.select(sa.func.count()).select_from(SopVersion))
    with pytest.raises(ServiceError) as refused:
        sop_import.start(db_session, None, name, data)
    assert refused.value.code == code
    for lang in ("id", "en"):
        assert name in refused.value.message(lang) or code == "sop_file_too_large"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SopVersion)) == before


def test_every_problem_of_a_bad_table_comes_with_its_row_and_nothing_is_stored(
    db_session, tmp_path
):
    rows = NETWORK.rows()
    rows[6][rows[6].index("15 menit")] = "sebentar"  # step 3, on line 7
    rows.append(["4", "Langkah ganda", "", "", "", "√", "", "5 menit", "", ""])
    rows.append(["9", "Langkah melompat", "", "", "", "√", "", "5 menit", "", ""])
    path = tmp_path / "buruk.txt"
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    upload = sop_import.start(db_session, None, path.name, path.read_bytes())
    table = sop_import.table_of(upload)
    found = sorted((p.line, p.reason.code) for p in table.problems)
    assert (7, "sop_import_bad_time") in found
    assert (11, "sop_import_duplicate_number") in found
    assert {(12, "sop_import_missing_number")} <= set(found)
    definition, problems = sop_import.build(
        db_session, table, name="Buruk", choices=choices_for(NETWORK, table.performers)
    )
    assert definition is None and len(problems) >= 4
    assert db_session.scalars(sa.select(Sop).where(Sop.name == "Buruk")).first() is None

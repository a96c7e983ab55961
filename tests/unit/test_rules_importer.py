"""Importing an SOP from the tab-separated text of its table."""

from pathlib import Path

import pytest

from rules import OutputKind, Role, SopImportError, parse_sop_table, portal_sop

REAL_TABLE = (Path(__file__).parent / "data" / "sop_pemeliharaan_portal.txt").read_text(
    encoding="utf-8"
)
PORTAL_PERFORMERS = {step.number: step.role for step in portal_sop().steps}
HEADER = "No\tKegiatan\tPELAKSANA\t\tMUTU BAKU\t\t\tKETERANGAN"
SUB_HEADER = "\t\tPelapor\tPetugas\tKelengkapan\tWaktu\tOutput\t"
TWO = {1: Role.PENGGUNA, 2: Role.KASI}
THREE = {**TWO, 3: Role.KASI}


def row(number: object, waktu: str = "5 menit", kelengkapan: str = "", output: str = "") -> str:
    return f"{number}\tKegiatan {number}\t\t\t{kelengkapan}\t{waktu}\t{output}\t"


def table(*rows: str) -> str:
    """A small SOP table: title on line 1, header on 2, sub-header on 3, rows from 4."""
    return "\n".join(["SOP Contoh", HEADER, SUB_HEADER, *rows])


def import_error(text: str, performers: dict[int, Role] = THREE) -> SopImportError:
    with pytest.raises(SopImportError) as caught:
        parse_sop_table(text, key="contoh", name="Contoh", performers=performers)
    return caught.value


def test_the_real_sop_table_imports_as_the_nine_portal_steps() -> None:
    sop = parse_sop_table(
        REAL_TABLE, key="portal-impor", name="Pemeliharaan Portal", performers=PORTAL_PERFORMERS
    )
    portal = portal_sop()
    assert (sop.key, sop.name, sop.version) == ("portal-impor", "Pemeliharaan Portal", 1)
    assert sop.total_standard_minutes == 59
    for imported, shipped in zip(sop.steps, portal.steps, strict=True):
        assert imported.number == shipped.number
        assert imported.activity_id == shipped.activity_id
        assert imported.role == shipped.role
        assert imported.kelengkapan == shipped.kelengkapan
        assert imported.standard_minutes == shipped.standard_minutes
        assert imported.output_label == shipped.output_label
    assert [step.output_kind for step in sop.steps] == [OutputKind.CASE] + [
        OutputKind.REPORT
    ] * 7 + [OutputKind.LOG_ENTRY]
    assert not any(s.names_assignee or s.by_assignee or s.may_return_to for s in sop.steps)


@pytest.mark.parametrize(
    ("waktu", "minutes"),
    [
        ("3 menit", 3),
        ("3 Menit", 3),
        ("1 jam", 60),
        ("1,5 jam", 90),
        ("0.25 jam", 15),
        ("2 jam 30 menit", 150),
        ("", None),
    ],
)
def test_waktu_is_read_as_whole_minutes(waktu: str, minutes: int | None) -> None:
    sop = parse_sop_table(table(row(1), row(2, waktu)), key="c", name="C", performers=TWO)
    assert sop.step(2).standard_minutes == minutes


def test_kelengkapan_is_split_on_commas_and_trimmed() -> None:
    text = table(row(1, kelengkapan="komputer,printer, internet ,"), row(2))
    sop = parse_sop_table(text, key="c", name="C", performers=TWO)
    assert sop.step(1).kelengkapan == ("komputer", "printer", "internet")


def test_the_last_step_is_a_log_entry_only_when_its_output_mentions_a_log() -> None:
    logged = parse_sop_table(
        table(row(1), row(2, output="Log harian")), key="c", name="C", performers=TWO
    )
    reported = parse_sop_table(
        table(row(1), row(2, output="laporan")), key="c", name="C", performers=TWO
    )
    assert logged.step(2).output_kind is OutputKind.LOG_ENTRY
    assert reported.step(2).output_kind is OutputKind.REPORT


def test_blank_lines_between_rows_are_skipped() -> None:
    sop = parse_sop_table(table(row(1), "", "  ", row(2)), key="c", name="C", performers=TWO)
    assert len(sop.steps) == 2


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("just some text\nno table here", 1, "no header row"),
        (table(row(1), row(2, "sebentar")), 5, "unreadable time 'sebentar'"),
        (table(row(1), row(2, "0 menit")), 5, "unreadable time '0 menit'"),
        (table(row(1), row(2, "0,01 jam")), 5, "unreadable time '0,01 jam'"),
        (table(row(1), row(2, "30 detik")), 5, "unreadable time '30 detik'"),
        (table(row(1), row("dua")), 5, "step number 'dua' is not a number"),
        (table(row(1), row(3)), 5, "expected 2, found 3"),
        (table(row(1), row(2), row(2)), 6, "expected 3, found 2"),
        (table(row(1), "2\tKegiatan 2\t\t"), 5, "too few columns"),
        (table(row(1), row(2), row(3), row(4)), 7, "no performer mapping for step 4"),
        (table(row(1), row(2)).replace("MUTU BAKU", "MUTU"), 2, "no 'MUTU BAKU' column"),
        (
            table(row(1), row(2)).replace("Waktu", "Durasi"),
            3,
            "expected Kelengkapan, Waktu, Output",
        ),
    ],
)
def test_a_bad_table_is_refused_with_its_line_number(text: str, line: int, reason: str) -> None:
    error = import_error(text)
    assert error.line == line
    assert reason in error.reason
    assert f"baris {line}" in str(error)
    assert f"line {line}" in error.message("en")


def test_a_performer_mapping_for_a_step_the_table_lacks_is_refused() -> None:
    error = import_error(table(row(1), row(2)), {**TWO, 5: Role.KASI})
    assert (error.line, error.reason) == (2, "performer mapping for step 5, not in the table")


def test_a_table_of_one_step_is_refused() -> None:
    error = import_error(table(row(1)), {1: Role.PENGGUNA})
    assert (error.line, error.reason) == (2, "'steps' must be a list of at least two steps")


def test_a_step_refused_by_the_definition_check_is_reported_at_its_line() -> None:
    error = import_error(table(row(1), row(2), row(3)), {**TWO, 3: Role.SUPERUSER})
    assert error.line == 6
    assert "'role' must be one of" in error.reason

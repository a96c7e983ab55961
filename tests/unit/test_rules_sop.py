"""The SOP as data: the shipped portal SOP, and how definitions are checked and round-trip."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from rules import (
    OutputKind,
    Role,
    RuleError,
    SopDefinition,
    SopDefinitionError,
    load_sop_file,
    sop_from_dict,
    sop_to_dict,
)
from tests.support.sop_shapes import sop_definitions
from tests.support.sops import PORTAL_FILE as PORTAL_TOML
from tests.support.sops import PORTAL_KEY, portal_sop


def portal_dict() -> dict[str, Any]:
    return copy.deepcopy(sop_to_dict(portal_sop()))


def test_portal_sop_has_the_nine_steps_of_the_sop_table() -> None:
    sop = portal_sop()
    assert (sop.key, sop.name, sop.version) == (
        PORTAL_KEY,
        "Pemeliharaan Portal Website DJKI",
        2,
    )
    assert [step.number for step in sop.steps] == list(range(1, 10))
    # Version 2 (migration 0012) shares the fix report with the reporter, nothing else.
    assert [step.number for step in sop.steps if step.shared_with_reporter] == [7]
    assert [step.role for step in sop.steps] == [
        Role.PENGGUNA,
        Role.DIREKTUR,
        Role.KASUBDIT,
        Role.KASI,
        Role.KASI,
        Role.KASI,
        Role.JFU,
        Role.KASI,
        Role.KASI,
    ]
    assert [step.standard_minutes for step in sop.steps] == [3, None, 3, 10, 10, 5, 20, 3, 5]
    assert sop.step(1).activity_id.startswith("Menemukan permasalahan dengan portal website DJKI")
    assert sop.step(8).activity_en == "Receives the report from the JFU"


def test_portal_sop_kelengkapan_and_outputs_follow_the_table() -> None:
    sop = portal_sop()
    assert sop.step(1).kelengkapan == ("telepon",)
    assert sop.step(2).kelengkapan == ()
    assert sop.step(3).kelengkapan == ("komputer", "printer", "internet")
    assert sop.step(9).kelengkapan == ("laporan", "log kegiatan")
    assert sop.step(7).output_label == "permasalahan portal web sudah diperbaiki"
    assert [(step.output_kind, step.record_kind) for step in sop.steps] == [
        (OutputKind.CASE, None),
        (OutputKind.INSTRUCTION, "kebijakan"),
        (OutputKind.INSTRUCTION, "perintah"),
        (OutputKind.REPORT, "analisa"),
        (OutputKind.REPORT, "solusi"),
        (OutputKind.INSTRUCTION, "pengarahan"),
        (OutputKind.REPORT, "perbaikan"),
        (OutputKind.REPORT, "penerimaan"),
        (OutputKind.LOG_ENTRY, None),
    ]


def test_portal_sop_semantic_flags_sit_on_the_right_steps() -> None:
    sop = portal_sop()
    assert [s.number for s in sop.steps if s.sets_priority] == [2]
    assert [(s.number, s.names_performer_for) for s in sop.steps if s.names_assignee] == [(6, (7,))]
    assert [(s.number, s.named_by) for s in sop.steps if s.by_assignee] == [(7, 6)]
    assert sop.named_steps == (7,)
    assert [(s.number, s.may_return_to) for s in sop.steps if s.may_return_to] == [(8, 7)]


def test_portal_sop_names_who_records_for_others_and_who_closes_early() -> None:
    sop = portal_sop()
    assert sop.record_for_others == {Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU}
    assert sop.close_early_by == {Role.DIREKTUR, Role.KASUBDIT, Role.KASI}
    assert sop.positions == set(Role) - {Role.SUPERUSER}


def test_without_lists_the_later_performers_record_and_the_unnamed_ones_close() -> None:
    data = portal_dict()
    del data["record_for_others"], data["close_early_by"]
    sop = sop_from_dict(data, "portal.toml")
    assert sop == portal_sop()
    data["steps"][5]["names_performer_for"] = []
    assert Role.JFU in sop_from_dict(data, "portal.toml").close_early_by


def test_portal_sop_standards_total_59_minutes() -> None:
    sop = portal_sop()
    assert sop.total_standard_minutes == 59
    assert sop.standard_after(1) == 56
    assert sop.standard_after(2) == 56
    assert sop.standard_after(7) == 8
    assert sop.standard_after(9) == 0


def test_step_navigation_runs_from_first_to_last() -> None:
    sop = portal_sop()
    assert (sop.first_step, sop.last_step) == (1, 9)
    assert sop.next_step(1) == 2
    assert sop.next_step(8) == 9
    assert sop.next_step(9) is None


@pytest.mark.parametrize("number", [0, 10, -1])
def test_an_unknown_step_is_a_rule_error_not_a_key_error(number: int) -> None:
    sop = portal_sop()
    for call in (sop.step, sop.next_step, sop.standard_after):
        with pytest.raises(RuleError) as caught:
            call(number)
        assert (caught.value.code, caught.value.params) == ("unknown_step", {"step": number})


def test_portal_sop_round_trips_through_plain_data_and_json() -> None:
    data = sop_to_dict(portal_sop())
    assert sop_from_dict(json.loads(json.dumps(data)), "json") == portal_sop()


def test_plain_data_has_no_none_so_it_can_be_written_as_toml() -> None:
    def values(node: object) -> list[object]:
        if isinstance(node, dict):
            return [v for value in node.values() for v in values(value)]
        if isinstance(node, list):
            return [v for item in node for v in values(item)]
        return [node]

    assert None not in values(sop_to_dict(portal_sop()))


@settings(max_examples=150, deadline=None)
@given(sop_definitions(2, 15))
def test_any_valid_sop_round_trips_through_plain_data(sop: SopDefinition) -> None:
    assert sop_from_dict(json.loads(json.dumps(sop_to_dict(sop))), "again") == sop
    assert sop.total_standard_minutes == sop.standard_after(sop.first_step) + (
        sop.steps[0].standard_minutes or 0
    )


def _set(step: int, key: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["steps"][step - 1][key] = value

    return change


def _drop(step: int, key: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        del data["steps"][step - 1][key]

    return change


def _names(step: int, targets: object) -> Any:
    """Another step naming the performer instead of step 6."""

    def change(data: dict[str, Any]) -> None:
        data["steps"][5]["names_performer_for"] = []
        data["steps"][step - 1]["names_performer_for"] = targets

    return change


def _top(key: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


BROKEN = [
    (_top("name", ""), None, "sop_empty_text"),
    (_top("key", "Pemeliharaan Portal"), None, "sop_not_a_code"),
    (_top("version", 0), None, "sop_not_positive"),
    (_top("steps", []), None, "sop_too_few_steps"),
    (_top("owner", "kasi"), None, "sop_unknown_key"),
    (_top("close_early_by", "kasi"), None, "sop_not_a_list"),
    (_top("record_for_others", ["Kasi Portal"]), None, "sop_not_a_code"),
    (_top("close_early_by", ["superuser"]), None, "sop_superuser_performs"),
    (_drop(4, "role"), 4, "sop_missing_key"),
    (_set(4, "standard_minute", 10), 4, "sop_unknown_key"),
    (_set(4, "by_assignee", True), 4, "sop_unknown_key"),
    (_set(2, "role", "superuser"), 2, "sop_superuser_performs"),
    (_set(2, "role", "Kepala Dinas"), 2, "sop_not_a_code"),
    (_set(2, "role", 7), 2, "sop_not_text"),
    (_set(5, "number", 6), 5, "sop_step_order"),
    (_set(5, "number", 5.0), 5, "sop_step_order"),
    (_set(4, "standard_minutes", 0), 4, "sop_not_positive"),
    (_set(4, "standard_minutes", 2.5), 4, "sop_not_positive"),
    (_set(4, "standard_minutes", True), 4, "sop_not_positive"),
    (_set(4, "output_kind", "memo"), 4, "sop_bad_choice"),
    (_set(4, "output_kind", "closure"), 4, "sop_bad_choice"),
    (_set(9, "output_kind", "case"), 9, "sop_case_not_first"),
    (_set(1, "output_kind", "report"), 1, "sop_first_not_case"),
    (_set(1, "sets_priority", True), 1, "sop_first_behaviour"),
    (_names(1, [2]), 1, "sop_first_behaviour"),
    (_names(4, [12]), 4, "sop_names_missing"),
    (_names(4, [3]), 4, "sop_names_not_later"),
    (_names(4, [4]), 4, "sop_names_not_later"),
    (_set(4, "names_performer_for", [7]), 6, "sop_two_naming_steps"),
    (_set(4, "names_performer_for", [5]), 6, "sop_two_naming_steps"),
    (_names(4, "7"), 4, "sop_not_a_list"),
    (_set(8, "may_return_to", 9), 8, "sop_return_target"),
    (_set(8, "may_return_to", 8), 8, "sop_return_target"),
    (_set(8, "may_return_to", 1), 8, "sop_return_target"),
    (_set(8, "record_kind", "pengembalian"), 8, "sop_record_kind_reserved"),
    (_set(8, "record_kind", "Penerimaan Laporan"), 8, "sop_not_a_code"),
    (_set(9, "record_kind", "analisa"), 9, "sop_record_kind_unused"),
    (_set(3, "kelengkapan", "komputer"), 3, "sop_not_a_list"),
    (_set(3, "kelengkapan", ["komputer", "Komputer"]), 3, "sop_kelengkapan_twice"),
    (_set(3, "sets_priority", "yes"), 3, "sop_not_a_flag"),
    (_set(3, "activity_id", "  "), 3, "sop_empty_text"),
]


@pytest.mark.parametrize(("change", "step", "reason"), BROKEN)
def test_a_malformed_definition_is_refused_naming_the_step_and_reason(
    change: Any, step: int | None, reason: str
) -> None:
    data = portal_dict()
    change(data)
    with pytest.raises(SopDefinitionError) as caught:
        sop_from_dict(data, "portal.toml")
    assert (caught.value.source, caught.value.step) == ("portal.toml", step)
    assert caught.value.reason.code == reason
    # Said in both languages, naming the file and, when there is one, the step.
    for lang in ("id", "en"):
        message = caught.value.message(lang)
        assert "portal.toml" in message and "{" not in message
        assert step is None or f" {step}" in message
    assert caught.value.message("id") != caught.value.message("en")


def test_one_step_names_the_performer_of_several_later_steps() -> None:
    data = portal_dict()
    data["steps"][5]["names_performer_for"] = [9, 7, 7]
    sop = sop_from_dict(data, "portal.toml")
    assert sop.step(6).names_performer_for == (7, 9) and sop.named_steps == (7, 9)
    assert (sop.step(7).named_by, sop.step(9).named_by, sop.step(8).named_by) == (6, 6, None)


def test_a_missing_record_kind_is_filed_under_the_output_label() -> None:
    data = portal_dict()
    del data["steps"][3]["record_kind"]
    data["steps"][4]["output_label"] = ""
    del data["steps"][4]["record_kind"]
    sop = sop_from_dict(data, "portal.toml")
    assert (sop.step(4).record_kind, sop.step(5).record_kind) == ("hasil-analisa", "langkah-5")


def test_a_definition_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(SopDefinitionError) as caught:
        sop_from_dict(["steps"], "list.json")  # type: ignore[arg-type]
    assert caught.value.step is None


def test_the_shipped_toml_file_loads_as_the_portal_sop() -> None:
    assert load_sop_file(PORTAL_TOML) == portal_sop()


def test_a_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rusak.toml"
    path.write_text('key = "x"\nname = \n', encoding="utf-8")
    with pytest.raises(SopDefinitionError) as caught:
        load_sop_file(path)
    assert caught.value.source == str(path)
    assert caught.value.step is None
    assert caught.value.reason.code == "sop_not_toml"
    assert str(path) in caught.value.message("en")
    assert "is not valid TOML" in caught.value.message("en")


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(SopDefinitionError) as caught:
        load_sop_file(tmp_path / "absent.toml")
    assert caught.value.reason.code == "sop_unreadable"
    assert "tidak dapat dibaca" in caught.value.message("id")


def test_a_toml_file_with_a_bad_step_names_file_and_step(tmp_path: Path) -> None:
    text = PORTAL_TOML.read_text(encoding="utf-8").replace(
        "standard_minutes = 20", "standard_minutes = -20"
    )
    path = tmp_path / "portal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SopDefinitionError) as caught:
        load_sop_file(path)
    assert (caught.value.source, caught.value.step) == (str(path), 7)

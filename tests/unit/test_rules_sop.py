"""The SOP as data: the shipped portal SOP, and how definitions are checked and round-trip."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    PORTAL_SOP_KEY,
    InstructionKind,
    OutputKind,
    ReportKind,
    Role,
    RuleError,
    SopDefinition,
    SopDefinitionError,
    load_sop_file,
    portal_sop,
    sop_from_dict,
    sop_to_dict,
)

PORTAL_TOML = Path(__file__).resolve().parents[2] / "rules" / "sops" / "pemeliharaan_portal.toml"


def portal_dict() -> dict[str, Any]:
    return copy.deepcopy(sop_to_dict(portal_sop()))


def test_portal_sop_has_the_nine_steps_of_the_sop_table() -> None:
    sop = portal_sop()
    assert (sop.key, sop.name, sop.version) == (
        PORTAL_SOP_KEY,
        "Pemeliharaan Portal Website DJKI",
        1,
    )
    assert [step.number for step in sop.steps] == list(range(1, 10))
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
        (OutputKind.INSTRUCTION, InstructionKind.KEBIJAKAN),
        (OutputKind.INSTRUCTION, InstructionKind.PERINTAH),
        (OutputKind.REPORT, ReportKind.ANALISA),
        (OutputKind.REPORT, ReportKind.SOLUSI),
        (OutputKind.INSTRUCTION, InstructionKind.PENGARAHAN),
        (OutputKind.REPORT, ReportKind.PERBAIKAN),
        (OutputKind.REPORT, ReportKind.PENERIMAAN),
        (OutputKind.LOG_ENTRY, None),
    ]


def test_portal_sop_semantic_flags_sit_on_the_right_steps() -> None:
    sop = portal_sop()
    assert [s.number for s in sop.steps if s.sets_priority] == [2]
    assert [s.number for s in sop.steps if s.names_assignee] == [6]
    assert [s.number for s in sop.steps if s.by_assignee] == [7]
    assert [(s.number, s.may_return_to) for s in sop.steps if s.may_return_to] == [(8, 7)]


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


@st.composite
def sop_definitions(draw: st.DrawFn) -> SopDefinition:
    """Valid SOPs of 2..8 steps with every optional feature drawn at random."""
    count = draw(st.integers(2, 8))
    words = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8)
    naming = draw(st.none() | st.integers(2, count - 1)) if count > 2 else None
    steps = []
    for number in range(1, count + 1):
        if number == 1:
            kind, record = OutputKind.CASE, None
        else:
            kind = draw(
                st.sampled_from([OutputKind.INSTRUCTION, OutputKind.REPORT, OutputKind.LOG_ENTRY])
            )
            record = {
                OutputKind.INSTRUCTION: draw(st.sampled_from(list(InstructionKind))),
                OutputKind.REPORT: draw(
                    st.none() | st.sampled_from([ReportKind.ANALISA, ReportKind.SOLUSI])
                ),
                OutputKind.LOG_ENTRY: None,
            }[kind]
        step: dict[str, Any] = {
            "number": number,
            "activity_id": draw(words),
            "activity_en": draw(words),
            "role": draw(st.sampled_from([r for r in Role if r is not Role.SUPERUSER])).value,
            "kelengkapan": draw(st.lists(words, max_size=3, unique_by=str.casefold)),
            "output_kind": kind.value,
            "output_label": draw(st.just("") | words),
            "names_assignee": number == naming,
            "by_assignee": naming is not None and number > naming and draw(st.booleans()),
            "sets_priority": draw(st.booleans()),
        }
        if record is not None:
            step["record_kind"] = record.value
        if draw(st.booleans()):
            step["standard_minutes"] = draw(st.integers(1, 600))
        if number > 2 and draw(st.booleans()):
            step["may_return_to"] = draw(st.integers(2, number - 1))
        steps.append(step)
    data = {
        "key": "sop-x",
        "name": draw(words),
        "version": draw(st.integers(1, 99)),
        "steps": steps,
    }
    return sop_from_dict(data, "drawn")


@settings(max_examples=150, deadline=None)
@given(sop_definitions())
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


def _top(key: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


BROKEN = [
    (_top("name", ""), None, "'name' must not be empty"),
    (_top("key", "Pemeliharaan Portal"), None, "lower-case slug"),
    (_top("version", 0), None, "'version' must be a positive whole number"),
    (_top("steps", []), None, "at least two steps"),
    (_top("owner", "kasi"), None, "unknown key 'owner'"),
    (_drop(4, "role"), 4, "missing key 'role'"),
    (_set(4, "standard_minute", 10), 4, "unknown key 'standard_minute'"),
    (_set(2, "role", "superuser"), 2, "'role' must be one of"),
    (_set(2, "role", "boss"), 2, "'role' must be one of"),
    (_set(5, "number", 6), 5, "expected 5, found 6"),
    (_set(5, "number", 5.0), 5, "expected 5"),
    (_set(4, "standard_minutes", 0), 4, "'standard_minutes' must be a positive whole number"),
    (_set(4, "standard_minutes", 2.5), 4, "'standard_minutes' must be a positive whole number"),
    (_set(4, "standard_minutes", True), 4, "'standard_minutes' must be a positive whole number"),
    (_set(4, "output_kind", "memo"), 4, "'output_kind' must be one of"),
    (_set(9, "output_kind", "case"), 9, "only the first step outputs the case"),
    (_set(1, "output_kind", "report"), 1, "the first step must output the case"),
    (_set(5, "by_assignee", True), 5, "by_assignee needs an earlier step"),
    (_set(4, "names_assignee", True), 6, "only one step may name an assignee"),
    (_set(8, "may_return_to", 9), 8, "may_return_to must point to an earlier step"),
    (_set(8, "may_return_to", 1), 8, "may_return_to must point to an earlier step"),
    (_set(8, "record_kind", "pengembalian"), 8, "'record_kind' for output_kind 'report'"),
    (_drop(2, "record_kind"), 2, "'record_kind' for output_kind 'instruction'"),
    (_set(9, "record_kind", "analisa"), 9, "'record_kind' for output_kind 'log_entry'"),
    (_set(3, "kelengkapan", "komputer"), 3, "'kelengkapan' must be a list"),
    (_set(3, "kelengkapan", ["komputer", "Komputer"]), 3, "lists an item twice"),
    (_set(3, "sets_priority", "yes"), 3, "'sets_priority' must be true or false"),
    (_set(3, "activity_id", "  "), 3, "'activity_id' must not be empty"),
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
    assert reason in caught.value.reason
    assert "portal.toml" in str(caught.value)


def test_the_last_step_cannot_name_an_assignee() -> None:
    data = portal_dict()
    data["steps"][5]["names_assignee"] = False
    data["steps"][6]["by_assignee"] = False
    data["steps"][8]["names_assignee"] = True
    with pytest.raises(SopDefinitionError) as caught:
        sop_from_dict(data, "portal.toml")
    assert caught.value.step == 9


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
    assert "not valid TOML" in caught.value.reason
    assert str(path) in caught.value.message("en")


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(SopDefinitionError) as caught:
        load_sop_file(tmp_path / "absent.toml")
    assert "cannot be read" in caught.value.reason


def test_a_toml_file_with_a_bad_step_names_file_and_step(tmp_path: Path) -> None:
    text = PORTAL_TOML.read_text(encoding="utf-8").replace(
        "standard_minutes = 20", "standard_minutes = -20"
    )
    path = tmp_path / "portal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SopDefinitionError) as caught:
        load_sop_file(path)
    assert (caught.value.source, caught.value.step) == (str(path), 7)

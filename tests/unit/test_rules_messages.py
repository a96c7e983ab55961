"""Every refusal code has a message in both languages that formats with its parameters."""

import ast
from pathlib import Path
from string import Formatter

import pytest

from rules import MESSAGES, Role, RuleError, SopDefinitionError, SopImportError

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
# Each class that is built with a message code, and the position of that code in its arguments.
ERROR_CLASSES = {"RuleError": 0, "SopDefinitionError": 2}
SERVICE_CODES: dict[str, set[str]] = {
    "already_done": {"by", "step"},
    "stale_case": set(),
    "not_found": set(),
    "forbidden": set(),
}


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def raise_sites() -> list[tuple[str, str, set[str]]]:
    """(where, code, keyword names) of every RuleError(...) built in the rules package."""
    sites = []
    for path in sorted(RULES_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ERROR_CLASSES
            ):
                at = ERROR_CLASSES[node.func.id]
                first = node.args[at] if len(node.args) > at else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names = {keyword.arg for keyword in node.keywords if keyword.arg}
                    sites.append((f"{path.name}:{node.lineno}", first.value, names))
    return sites


def test_the_rules_raise_refusals_from_many_places() -> None:
    # Guards the scan below: if it found nothing it would prove nothing.
    assert len(raise_sites()) > 60


@pytest.mark.parametrize(("where", "code", "params"), raise_sites())
def test_every_refusal_raised_by_the_rules_has_both_languages_using_its_params(
    where: str, code: str, params: set[str]
) -> None:
    assert code in MESSAGES, where
    for lang in ("id", "en"):
        assert fields_of(MESSAGES[code][lang]) <= params, (where, lang)


@pytest.mark.parametrize(("code", "params"), sorted(SERVICE_CODES.items()))
def test_codes_used_by_the_services_have_both_languages(code: str, params: set[str]) -> None:
    for lang in ("id", "en"):
        assert fields_of(MESSAGES[code][lang]) == params


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_has_indonesian_and_english_text(code: str) -> None:
    assert set(MESSAGES[code]) == {"id", "en"}
    assert MESSAGES[code]["id"].strip() and MESSAGES[code]["en"].strip()
    assert MESSAGES[code]["id"] != MESSAGES[code]["en"]


def test_an_error_reads_in_indonesian_by_default_and_in_english_on_request() -> None:
    error = RuleError("wrong_role", step=4, role=Role.KASI)
    assert str(error) == "Tindakan ini pada langkah 4 hanya untuk peran: kasi."
    assert error.message("en") == "This action at step 4 is only for the role: kasi."
    assert error.message("fr") == str(error)
    assert (error.code, error.params) == ("wrong_role", {"step": 4, "role": Role.KASI})


def test_params_may_be_given_as_a_mapping_as_the_services_do() -> None:
    error = RuleError("already_done", {"by": "Siti", "step": 5})
    assert error.message("en") == "Step 5 has already been completed by Siti."


def test_a_list_param_reads_as_a_comma_separated_list() -> None:
    error = RuleError("kelengkapan_incomplete", step=3, missing=["printer", "internet"])
    assert error.message("en").endswith("not all confirmed: printer, internet.")


def test_a_missing_param_shows_its_placeholder_instead_of_failing() -> None:
    assert RuleError("wrong_role", step=2).message("en").endswith("the role: {role}.")


def test_a_definition_error_names_the_file_the_step_and_the_reason_in_each_language() -> None:
    error = SopDefinitionError("sops/x.toml", 4, "sop_bad_choice", name="role", choices=["kasi"])
    assert error.code == "sop_step_invalid"
    assert error.reason.code == "sop_bad_choice"
    assert error.message("id") == (
        "Definisi SOP sops/x.toml, langkah 4, tidak valid: role harus salah satu dari: kasi."
    )
    assert error.message("en") == (
        "The SOP definition sops/x.toml, step 4, is invalid: role must be one of: kasi."
    )
    whole = SopDefinitionError("x.toml", None, "sop_too_few_steps")
    assert (
        whole.message("en")
        == "The SOP definition x.toml is invalid: an SOP needs at least two steps."
    )


def test_an_import_error_names_the_row_and_the_reason_in_each_language() -> None:
    error = SopImportError(17, RuleError("sop_import_bad_time", value="sebentar"))
    assert (error.line, error.reason.code) == (17, "sop_import_bad_time")
    assert str(error).startswith("Baris 17: waktu 'sebentar' tidak terbaca")
    assert error.message("en").startswith("Row 17: the time 'sebentar' cannot be read")
    assert isinstance(error, RuleError)

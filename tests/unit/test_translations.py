"""Every message on SOP Desk's screens has English; the catalogs are compiled; refusals too.

The msgids are extracted from the code and the templates the way `pybabel extract -F babel.cfg`
does, so a string wrapped for translation but missing from the English catalog fails here.
"""

from __future__ import annotations

import ast
import functools
import gettext
import os
import re
from io import BytesIO
from pathlib import Path
from string import Formatter

import pytest
import wtforms
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from models.errors import SERVICE_MESSAGES
from models.services import notices
from rules import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "admin_app/translations"
EN_PO = TRANSLATIONS / "en/LC_MESSAGES/messages.po"
EN_MO = TRANSLATIONS / "en/LC_MESSAGES/messages.mo"
ID_WTFORMS_PO = TRANSLATIONS / "id/LC_MESSAGES/wtforms.po"
ID_WTFORMS_MO = TRANSLATIONS / "id/LC_MESSAGES/wtforms.mo"
WTFORMS_POT = Path(os.path.dirname(wtforms.__file__)) / "locale/wtforms.pot"
# What the code calls to translate: Babel's defaults plus Flask-Babel's lazy forms.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%[sd]")

Key = tuple[str | tuple[str, ...], str | None]  # (msgid, context)


@functools.cache
def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def extracted() -> dict[Key, list[str]]:
    """Every translatable message in the code and templates, with where it is used."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: (
            Path(path).relative_to(ROOT).parts[0] in ("admin_app", "models")
        ),
    ):
        found.setdefault((message, context), []).append(f"{filename}:{lineno}")
    return found


MESSAGES_FOUND = extracted()


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def placeholders(texts: tuple[str, ...]) -> set[str]:
    return {match for text in texts for match in PLACEHOLDER.findall(text)}


def test_the_extraction_finds_the_messages_of_code_and_templates() -> None:
    # Guards the parametrized check below: an empty extraction would prove nothing.
    where = {
        place.split(":")[0].rsplit(".", 1)[-1]
        for places in MESSAGES_FOUND.values()
        for place in places
    }
    assert len(MESSAGES_FOUND) > 300
    assert {"py", "html"} <= where


@pytest.mark.parametrize(
    ("msgid", "context"), sorted(MESSAGES_FOUND, key=repr), ids=lambda value: repr(value)[:60]
)
def test_every_message_has_an_english_translation_keeping_its_placeholders(
    msgid: str | tuple[str, ...], context: str | None
) -> None:
    message = read_catalog(EN_PO).get(msgid, context=context)
    where = MESSAGES_FOUND[(msgid, context)]
    assert message is not None, f"no English for {msgid!r} (used at {where[0]})"
    assert message.id == msgid, "singular and plural msgids must both match"
    translations = forms(message.string)
    assert len(translations) == len(forms(msgid)), "English has a singular and a plural"
    assert all(text.strip() for text in translations), f"empty translation at {where[0]}"
    assert not message.fuzzy
    for text in translations:
        assert placeholders((text,)) == placeholders(forms(msgid)), text


def test_the_english_catalog_holds_no_message_the_code_no_longer_uses() -> None:
    catalog = read_catalog(EN_PO)
    stale = [(m.id, m.context) for m in catalog if m.id and (m.id, m.context) not in MESSAGES_FOUND]
    assert stale == [], "remove them (pybabel update drops them)"
    assert not catalog.obsolete
    assert str(catalog.locale) == "en" and catalog.num_plurals == 2


def compiled(po: Path) -> gettext.GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, read_catalog(po))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def committed(mo: Path) -> gettext.GNUTranslations:
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def messages_of(translations: gettext.GNUTranslations) -> dict[object, str]:
    # The "" entry is the header (revision date, generator); only the messages must agree.
    return {key: text for key, text in translations._catalog.items() if key != ""}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("po", "mo", "command"),
    [
        (EN_PO, EN_MO, "pybabel compile -d admin_app/translations -l en"),
        (
            ID_WTFORMS_PO,
            ID_WTFORMS_MO,
            "pybabel compile -d admin_app/translations -D wtforms -l id",
        ),
    ],
    ids=["en-messages", "id-wtforms"],
)
def test_committed_mo_holds_exactly_the_messages_of_its_po(
    po: Path, mo: Path, command: str
) -> None:
    expected, current = compiled(po), committed(mo)
    assert messages_of(current) == messages_of(expected), f"{mo.name} is stale: run {command}"
    assert [current.plural(n) for n in range(3)] == [expected.plural(n) for n in range(3)]


def test_the_english_catalog_translates_plurals_and_contexts() -> None:
    english = committed(EN_MO)
    assert english.gettext("Kotak kerja") == "Work queue"
    assert english.pgettext("column", "Kasus") == "Case"
    assert english.gettext("Kasus") == "Cases"
    one = "%(num)s pemberitahuan belum dibaca"
    assert english.ngettext(one, one, 1) == "%(num)s unread notice"
    assert english.ngettext(one, one, 3) == "%(num)s unread notices"


def wtforms_msgids() -> list[str | tuple[str, ...]]:
    return [message.id for message in read_catalog(WTFORMS_POT) if message.id]


@pytest.mark.parametrize("msgid", wtforms_msgids(), ids=lambda msgid: forms(msgid)[0][:50])
def test_every_wtforms_message_has_an_indonesian_translation(
    msgid: str | tuple[str, ...],
) -> None:
    # WTForms ships no Indonesian catalog; without ours its messages would be English.
    message = read_catalog(ID_WTFORMS_PO).get(msgid)
    assert message is not None and message.id == msgid
    translations = forms(message.string)
    assert len(translations) == 1 and translations[0].strip() and not message.fuzzy
    assert placeholders(translations) == placeholders(forms(msgid))


def test_the_wtforms_catalog_is_indonesian_with_one_plural_form() -> None:
    catalog = read_catalog(ID_WTFORMS_PO)
    assert (str(catalog.locale), catalog.num_plurals, catalog.plural_expr) == ("id", 1, "0")


# -- refusals and notices: tables with both languages -----------------------------------------


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(SERVICE_MESSAGES))
def test_every_service_refusal_has_indonesian_and_english_with_the_same_fields(code: str) -> None:
    texts = SERVICE_MESSAGES[code]
    assert set(texts) == {"id", "en"}
    assert texts["id"].strip() and texts["en"].strip() and texts["id"] != texts["en"]
    assert fields_of(texts["id"]) == fields_of(texts["en"])


def refusal_codes_raised_by_the_services() -> list[tuple[str, str]]:
    """(where, code) of every ServiceError("...") / RuleError("...") built under models/."""
    sites = []
    for path in sorted((ROOT / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("ServiceError", "RuleError")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                sites.append((f"{path.name}:{node.lineno}", node.args[0].value))
    return sites


def test_the_services_raise_refusals_from_many_places() -> None:
    assert len(refusal_codes_raised_by_the_services()) > 10


@pytest.mark.parametrize(("where", "code"), refusal_codes_raised_by_the_services())
def test_every_refusal_raised_by_the_services_has_english(where: str, code: str) -> None:
    texts = SERVICE_MESSAGES.get(code) or MESSAGES.get(code)
    assert texts is not None, f"{where}: {code} has no message"
    assert texts.get("en", "").strip(), where


def test_password_policy_refusals_have_english() -> None:
    from models.passwords import password_problem

    problems = {
        password_problem(password, "budi")
        for password in ("short", "x" * 1000, "budi-the-long-one", "aaaaaaaaaaaa")
    }
    problems.discard(None)
    assert problems, "the policy refuses something"
    for code in problems:
        assert SERVICE_MESSAGES[code]["en"].strip()


@pytest.mark.parametrize(
    "table",
    [
        *notices.HEADLINES.values(),
        notices.SUBJECT,
        notices.BODY,
        notices.DUE_LINE,
    ],
    ids=repr,
)
def test_every_notice_text_is_written_in_both_languages(table: dict[str, str]) -> None:
    assert set(table) == {"id", "en"}
    assert table["id"].strip() and table["en"].strip() and table["id"] != table["en"]
    assert fields_of(table["id"]) == fields_of(table["en"])

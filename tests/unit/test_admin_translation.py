"""The Indonesian Flask-Admin catalog covers every message Flask-Admin ships; its .mo is current."""

import gettext
import os
import re
from io import BytesIO
from pathlib import Path

import flask_admin
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

MESSAGES_DIR = Path(__file__).resolve().parents[2] / "admin_app/translations/id/LC_MESSAGES"
PO_PATH = MESSAGES_DIR / "admin.po"
MO_PATH = MESSAGES_DIR / "admin.mo"
# Flask-Admin ships no Indonesian catalog and no .pot; its German catalog lists every msgid.
REFERENCE_PO = Path(os.path.dirname(flask_admin.__file__)) / "translations/de/LC_MESSAGES/admin.po"
# A %-style named placeholder with its conversion, e.g. %(name)s or %(num)d.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def placeholders(texts: tuple[str, ...]) -> set[str]:
    return {match for text in texts for match in PLACEHOLDER.findall(text)}


def reference_msgids() -> list[str | tuple[str, ...]]:
    return [message.id for message in read_catalog(REFERENCE_PO) if message.id]


def test_the_reference_catalog_lists_flask_admin_messages() -> None:
    # Guards the parametrized check below: an empty reference would prove nothing.
    msgids = reference_msgids()
    assert len(msgids) > 100
    assert any(isinstance(msgid, tuple) for msgid in msgids)


@pytest.mark.parametrize("msgid", reference_msgids(), ids=lambda msgid: forms(msgid)[0])
def test_every_flask_admin_message_has_an_indonesian_translation_keeping_its_placeholders(
    msgid: str | tuple[str, ...],
) -> None:
    message = read_catalog(PO_PATH).get(msgid)
    assert message is not None, "missing from the Indonesian catalog"
    assert message.id == msgid, "singular and plural msgids must both match"
    translations = forms(message.string)
    # Indonesian has one plural form, used for every count.
    assert len(translations) == 1
    assert translations[0].strip(), "empty translation"
    assert not message.fuzzy
    # The single form serves the singular and the plural, so it carries the plural's fields.
    assert placeholders(translations) == placeholders(forms(msgid))


def test_catalog_is_indonesian_with_one_plural_form_and_nothing_fuzzy_or_obsolete() -> None:
    catalog = read_catalog(PO_PATH)
    assert str(catalog.locale) == "id"
    assert catalog.num_plurals == 1
    assert catalog.plural_expr == "0"
    assert not catalog.fuzzy
    assert [message.id for message in catalog if message.fuzzy] == []
    assert not catalog.obsolete


def compiled_po() -> gettext.GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, read_catalog(PO_PATH))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def committed_mo() -> gettext.GNUTranslations:
    with MO_PATH.open("rb") as f:
        return gettext.GNUTranslations(f)


def messages_of(translations: gettext.GNUTranslations) -> dict[object, str]:
    # The "" entry is the header (revision date, generator); only the messages must agree.
    return {key: text for key, text in translations._catalog.items() if key != ""}


def test_committed_mo_holds_exactly_the_messages_of_the_po() -> None:
    expected, committed = compiled_po(), committed_mo()
    assert messages_of(committed) == messages_of(expected), (
        "admin.mo is stale: run pybabel compile -d admin_app/translations -D admin -l id"
    )
    assert [committed.plural(n) for n in range(3)] == [expected.plural(n) for n in range(3)]


@pytest.mark.parametrize("count", [1, 2, 20])
def test_committed_mo_uses_the_one_indonesian_plural_form_for_every_count(count: int) -> None:
    text = committed_mo().ngettext(
        "Record was successfully deleted.", "%(count)s records were successfully deleted.", count
    )
    assert text % {"count": count} == f"{count} data berhasil dihapus."

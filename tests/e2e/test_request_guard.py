"""Request values no view can use are refused before the view runs, with the reason: a file sent
in a text field, an id written in other than ASCII digits."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from models import Account, Case, NonWorkingDay
from rules.enums import Role
from tests.conftest import csrf_token
from tests.e2e.conftest import page_text

STRONG = "Kuat-dan-panjang-2026"
FORMS = [
    (
        Role.PENGGUNA,
        "/cases/new/",
        Case,
        "title",
        {
            "title": "Portal lambat",
            "description": "Halaman utama butuh 30 detik.",
            "channel": "telepon",
            "priority": "sedang",
        },
    ),
    (
        Role.SUPERUSER,
        "/accounts/new/",
        Account,
        "username",
        {
            "username": "budi.santoso",
            "full_name": "Budi Santoso",
            "roles": "jfu",
            "password": STRONG,
            "password_confirm": STRONG,
        },
    ),
    (
        Role.SUPERUSER,
        "/holidays/new/",
        NonWorkingDay,
        "name",
        {"day": "2026-12-28", "name": "Cuti bersama uji", "kind": "cuti_bersama"},
    ),
]


def _count(db_session, model) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(("role", "path", "model", "field", "form"), FORMS)
def test_a_file_sent_in_a_text_field_is_a_400_and_stores_nothing(
    client, login_as, db_session, role, path, model, field, form
):
    login_as(role)
    before = _count(db_session, model)
    token = csrf_token(client, path)
    fields = {k: v for k, v in form.items() if k != field}
    upload = (io.BytesIO(b"MZ\x90\x00"), "a.exe")
    refused = client.post(path, data={**fields, field: upload, "csrf_token": token})
    assert refused.status_code == 400
    assert "Formulir ini tidak menerima berkas" in page_text(refused)
    assert _count(db_session, model) == before
    # Positive control: the same form with the field as text is saved.
    saved = client.post(path, data={**form, "csrf_token": token})
    assert saved.status_code == 302, page_text(saved)[:400]
    assert _count(db_session, model) == before + 1


def test_the_sop_upload_takes_its_file_but_no_file_in_its_other_fields(client, login_as):
    login_as(Role.SUPERUSER)
    token = csrf_token(client, "/sops/import/")
    table = (io.BytesIO(b"No\tKegiatan\n"), "sop.txt")
    stray = client.post(
        "/sops/import/",
        data={"file": table, "new_version_of": (io.BytesIO(b"x"), "x.txt"), "csrf_token": token},
    )
    assert stray.status_code == 400 and "tidak menerima berkas" in page_text(stray)
    table = (io.BytesIO(b"No\tKegiatan\n"), "sop.txt")
    taken = client.post("/sops/import/", data={"file": table, "csrf_token": token})
    # The file reached the importer, which shows the rows as read on the mapping page.
    assert taken.status_code == 302 and "/sops/import/mapping/?id=" in taken.headers["Location"]


OTHER_DIGITS = {
    "fullwidth": str.maketrans(
        "0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19"
    ),
    "arabic-indic": str.maketrans(
        "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
    ),
}


@pytest.mark.parametrize("script", sorted(OTHER_DIGITS))
@pytest.mark.parametrize("path", ["/accounts/details/", "/accounts/edit/", "/positions/details/"])
def test_an_id_in_other_digits_than_ascii_finds_nothing(client, login_as, db_session, script, path):
    superuser = login_as(Role.SUPERUSER)
    row_id = str(superuser.id if path.startswith("/accounts") else superuser.roles[0].id)
    shown = client.get(path, query_string={"id": row_id})
    assert shown.status_code == 200 and "superuser" in page_text(shown).lower()
    written = row_id.translate(OTHER_DIGITS[script])
    assert written != row_id and int(written) == int(row_id)  # Python would read it as the same
    refused = client.get(path, query_string={"id": written})
    assert refused.status_code == 404, refused.status_code

"""The SOP library screens: upload, preview every row, map, publish; then cases under that SOP
through the case screens, with forms generated from each step's properties."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import Case, Role, Sop, SopImport, SopVersion
from rules.enums import Role as RoleCode
from tests.conftest import csrf_token
from tests.e2e.conftest import page_text, post_form
from tests.support.sop_tables import NETWORK, Shape, write_docx, write_xlsx


def upload(client, path: Path, new_version_of: str = ""):
    data = {
        "file": (io.BytesIO(path.read_bytes()), path.name),
        "new_version_of": new_version_of,
        "csrf_token": csrf_token(client, "/sops/import/"),
    }
    return client.post("/sops/import/", data=data, content_type="multipart/form-data")


def mapping_form(shape: Shape, action: str, **overrides: str) -> dict[str, str]:
    """What a superuser fills in on the mapping page for a shape (new positions included)."""
    form = {"name": shape.title, "name_en": "", "new_version_of": "", "action": action}
    for i, column in enumerate(shape.columns):
        code = shape.positions[column]
        form[f"column-map-{i}"] = code if code in ("pengguna", "kasubdit") else f"new:{code}"
    for n in range(1, len(shape.steps) + 1):
        form[f"kind-{n}"] = shape.kinds.get(n, "case" if n == 1 else "")
        form[f"names-{n}"] = ",".join(map(str, shape.names.get(n, ())))
        form[f"return-{n}"] = str(shape.returns.get(n, ""))
        if n in shape.priority:
            form[f"priority-{n}"] = "1"
    return {**form, **overrides}


def _mapping_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert "/sops/import/mapping/?id=" in location
    return location


def post_mapping(client, url: str, form: dict[str, str]):
    return client.post(url, data={**form, "csrf_token": csrf_token(client, url)})


def test_a_superuser_uploads_maps_and_publishes_an_sop_table(
    client, login_as, db_session, tmp_path
):
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "jaringan.docx")))
    preview = client.get(url)
    text = page_text(preview)
    assert preview.status_code == 200
    for _column, activity, *_ in NETWORK.steps:  # every row as read, with its row number
        assert activity in text
    assert 'data-line="3"' in preview.get_data(as_text=True)  # the first step's table row
    checked = post_mapping(client, url, mapping_form(NETWORK, "check"))
    assert checked.status_code == 200
    shown = page_text(checked)
    assert "SOP yang akan disimpan" in shown and "93 mnt" in shown
    assert "menunjuk pelaksana langkah 4" in shown and "dapat mengembalikan ke langkah 4" in shown
    assert "tanpa standar" in shown  # step 2 is untimed
    assert "Belum ada akun aktif untuk jabatan" in shown  # new positions: a warning, not a bar
    assert db_session.scalars(sa.select(Sop).filter_by(name=NETWORK.title)).first() is None
    saved = post_mapping(client, url, mapping_form(NETWORK, "save"))
    assert saved.status_code == 302 and "/sops/version/?id=" in saved.headers["Location"]
    draft = db_session.scalars(sa.select(SopVersion).filter_by(name=NETWORK.title)).one()
    assert draft.state == "draft"
    assert {"kasi-jaringan", "staf-jaringan", "kasubdit-infrastruktur"} <= set(
        db_session.scalars(sa.select(Role.code))
    )
    page = client.get(saved.headers["Location"])
    assert page.status_code == 200 and 'data-state="draft"' in page.get_data(as_text=True)
    published = post_form(client, f"/sops/publish/?id={draft.id}", {}, "/sops/")
    assert published.status_code == 302
    db_session.expire_all()
    assert db_session.get(SopVersion, draft.id).state == "published"
    library = page_text(client.get("/sops/"))
    assert NETWORK.title in library and "Pemeliharaan Portal Website DJKI" in library


def test_managers_read_the_library_but_only_superusers_change_it(client, login_as, db_session):
    login_as(RoleCode.KASI)
    assert client.get("/sops/").status_code == 200
    portal = db_session.scalars(
        sa.select(SopVersion).filter_by(key="pemeliharaan-portal", state="published")
    ).one()
    page = client.get(f"/sops/version/?id={portal.id}")
    assert page.status_code == 200 and "Total waktu standar" in page_text(page)
    assert 'data-testid="revise"' not in page.get_data(as_text=True)
    assert client.get("/sops/import/").status_code == 403
    assert post_form(client, f"/sops/retire/?id={portal.id}", {}, "/sops/").status_code == 403
    assert db_session.get(SopVersion, portal.id).state == "published"


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("kosong.txt", b"", 422, "kosong"),
        ("biner.txt", b"\x00\x01" * 50, 422, "bukan teks"),
        ("gambar.png", b"\x89PNG....", 422, "jenis yang diterima"),
        ("besar.txt", b"a\tb\n" * 700_000, 413, "terlalu besar"),
        ("paragraf.txt", b"Tidak ada tabel di sini.", 422, "tidak memuat tabel"),
    ],
)
def test_an_upload_that_is_no_sop_table_is_refused_with_the_reason(
    client, login_as, db_session, tmp_path, name, data, status, message
):
    login_as(RoleCode.SUPERUSER)
    path = tmp_path / name
    path.write_bytes(data)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(SopImport))
    response = upload(client, path)
    assert response.status_code == status
    assert message in page_text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SopImport)) == before


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"column-map-3": ""}, "belum dipetakan ke jabatan"),
        ({"return-5": "5"}, "hanya dapat mengembalikan ke langkah sebelumnya"),
        ({"names-3": "9"}, "langkah 9, yang tidak ada"),
        ({"waktu-4": "sebentar"}, "sebentar&#39; tidak terbaca"),
        ({"name": "Pemeliharaan Portal Website DJKI"}, "Sudah ada SOP"),
    ],
)
def test_a_mapping_that_cannot_make_an_sop_is_refused_with_its_row_and_saves_nothing(
    client, login_as, db_session, tmp_path, overrides, problem
):
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "jaringan.docx")))
    response = post_mapping(client, url, mapping_form(NETWORK, "save", **overrides))
    assert response.status_code == 422
    assert problem in page_text(response)
    assert db_session.scalars(sa.select(SopVersion).filter_by(name=NETWORK.title)).first() is None
    assert db_session.scalars(sa.select(Role).filter_by(code="staf-jaringan")).first() is None


def test_a_superuser_changes_a_positions_grants_and_cannot_lock_superusers_out(
    client, login_as, make_account
):
    kasi = make_account(RoleCode.KASI)
    login_as(RoleCode.SUPERUSER)
    page = client.get("/permissions/edit/?role=kasi")
    assert page.status_code == 200 and 'value="dashboard:view"' in page.get_data(as_text=True)
    kept = re.findall(r'name="grant" value="([^"]+)"[^>]*checked', page.get_data(as_text=True))
    assert "dashboard:view" in kept
    saved = post_form(
        client,
        "/permissions/edit/?role=kasi",
        {"grant": [g for g in kept if g != "dashboard:view"]},
        "/permissions/",
    )
    assert saved.status_code == 302
    # The superuser's own access to accounts and to the matrix stays, whatever is posted.
    assert client.get("/dashboard/").status_code == 200
    post_form(client, "/permissions/edit/?role=superuser", {"grant": []}, "/permissions/")
    assert client.get("/dashboard/").status_code == 403  # everything not locked went
    assert client.get("/accounts/").status_code == 200
    assert client.get("/permissions/edit/?role=superuser").status_code == 200
    assert post_form(client, "/logout", {}, "/accounts/").status_code == 302
    login_as(account=kasi)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/cases/").status_code == 200


def test_a_superuser_adds_a_position_and_gives_it_to_an_account(client, login_as, db_session):
    login_as(RoleCode.SUPERUSER)
    created = post_form(
        client,
        "/positions/new/",
        {
            "name": "Kasi Jaringan",
            "name_en": "Network Section Head",
            "code": "",
            "case_scope": "assigned",
            "grants_from": "",
        },
        "/positions/new/",
    )
    assert created.status_code == 302, page_text(created)[:400]
    role = db_session.scalars(sa.select(Role).filter_by(code="kasi-jaringan")).one()
    assert (role.name_en, role.case_scope, role.built_in) == (
        "Network Section Head",
        "assigned",
        False,
    )
    listed = page_text(client.get("/positions/"))
    assert "Kasi Jaringan" in listed and "kasi-jaringan" in listed
    accounts = client.get("/accounts/new/").get_data(as_text=True)
    assert 'value="kasi-jaringan"' in accounts
    again = post_form(
        client,
        "/positions/new/",
        {"name": "Kasi Jaringan", "code": "", "case_scope": "all", "grants_from": ""},
        "/positions/new/",
    )
    assert again.status_code == 200 and "Sudah ada jabatan" in page_text(again)
    assert client.get("/positions/new/").status_code == 200


def test_a_case_opened_under_the_chosen_sop_shows_that_sops_forms(
    client, login_as, db_session, tmp_path, make_account, team
):
    from tests.support.library import publish_shape, staff

    version = publish_shape(db_session, NETWORK, write_xlsx(NETWORK, tmp_path / "jaringan.xlsx"))
    people = staff(NETWORK, make_account)
    login_as(account=team.pengguna)
    form = client.get("/cases/new/").get_data(as_text=True)
    assert 'name="sop"' in form and f'value="{version.key}"' in form
    created = post_form(
        client,
        "/cases/new/",
        {
            "sop": version.key,
            "title": "Wifi lantai 3 mati",
            "description": "Sejak pagi.",
            "channel": "telepon",
            "priority": "sedang",
        },
        "/cases/new/",
    )
    assert created.status_code == 302
    case = db_session.scalars(sa.select(Case).filter_by(title="Wifi lantai 3 mati")).one()
    assert case.sop_version_id == version.id and case.waiting_role == "kasubdit-infrastruktur"
    assert post_form(client, "/logout", {}).status_code == 302
    login_as(account=people["kasubdit-infrastruktur"][0])
    page = client.get(f"/cases/details/?id={case.id}").get_data(as_text=True)
    assert 'name="priority"' in page and "Menetapkan prioritas penanganan gangguan" in page
    done = post_form(
        client,
        f"/cases/act/?id={case.id}",
        {"action": "complete", "step": "2", "text": "Segera", "priority": "tinggi"},
        f"/cases/details/?id={case.id}",
    )
    assert done.status_code == 302
    assert post_form(client, "/logout", {}).status_code == 302
    login_as(account=people["kasi-jaringan"][0])
    page = client.get(f"/cases/details/?id={case.id}").get_data(as_text=True)
    assert 'name="assignee_id"' in page and 'value="komputer"' in page
    for person in people["staf-jaringan"]:
        assert f'value="{person.id}"' in page  # the position's accounts to name
    assert (
        f'value="{people["kasi-jaringan"][1].id}"'
        not in page.split('name="assignee_id"')[1].split("</select>")[0]
    )
    listed = client.get(f"/cases/?flt0_sop_adalah={version.key}").get_data(as_text=True)
    assert "Wifi lantai 3 mati" in listed
    other = client.get("/cases/?flt0_sop_adalah=pemeliharaan-portal").get_data(as_text=True)
    assert "Wifi lantai 3 mati" not in other
    assert client.get("/cases/?flt0_sop_adalah=tidak-ada").status_code == 400


def test_an_over_long_name_is_a_problem_not_an_error(client, login_as, db_session, tmp_path):
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "jaringan.docx")))
    response = post_mapping(client, url, mapping_form(NETWORK, "save", name="N" * 400))
    assert response.status_code == 422 and "terlalu panjang" in page_text(response)
    assert db_session.scalars(sa.select(Sop).filter(Sop.name.startswith("NNN"))).first() is None


def test_a_new_sops_draft_can_be_edited_again_and_positions_get_a_narrow_scope(
    client, login_as, db_session, tmp_path
):
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "jaringan.docx")))
    assert post_mapping(client, url, mapping_form(NETWORK, "save")).status_code == 302
    again = post_mapping(client, url, mapping_form(NETWORK, "save", **{"waktu-4": "2 jam"}))
    assert again.status_code == 302, page_text(again)[:300]
    draft = db_session.scalars(sa.select(SopVersion).filter_by(name=NETWORK.title)).one()
    assert (draft.version, draft.state, draft.sop.step(4).standard_minutes) == (1, "draft", 120)
    scopes = dict(
        db_session.execute(
            sa.select(Role.code, Role.case_scope).where(
                Role.code.in_(["kasi-jaringan", "staf-jaringan", "kasubdit-infrastruktur"])
            )
        ).all()
    )
    assert set(scopes.values()) == {"assigned"}


def test_a_new_version_keeps_what_its_table_cannot_hold(client, login_as, db_session):
    login_as(RoleCode.SUPERUSER)
    portal = db_session.scalars(
        sa.select(SopVersion).filter_by(key="pemeliharaan-portal", state="published")
    ).one()
    revised = post_form(client, f"/sops/revise/?id={portal.id}", {}, "/sops/")
    url = _mapping_url(revised)
    page = client.get(url)
    assert page.status_code == 200 and 'value="pemeliharaan-portal" selected' in page.get_data(
        as_text=True
    )
    saved = post_mapping(
        client,
        url,
        {
            "name": portal.name,
            "name_en": portal.sop.name_en,
            "new_version_of": "pemeliharaan-portal",
            "action": "save",
            **{
                f"column-map-{i}": code
                for i, code in enumerate(dict.fromkeys(s.role for s in portal.sop.steps))
            },
            **{f"kind-{s.number}": s.output_kind.value for s in portal.sop.steps},
            "names-6": "7",
            "return-8": "7",
            "priority-2": "1",
            "shared-7": "1",
        },
    )
    assert saved.status_code == 302, page_text(saved)[:400]
    draft = db_session.scalars(
        sa.select(SopVersion).filter_by(key="pemeliharaan-portal", state="draft")
    ).one()
    old, new = portal.sop, draft.sop
    assert draft.version == portal.version + 1
    for before, after in zip(old.steps, new.steps, strict=True):
        assert (after.activity_en, after.record_kind, after.role, after.shared_with_reporter) == (
            before.activity_en,
            before.record_kind,
            before.role,
            before.shared_with_reporter,
        )
    assert (new.record_for_others, new.close_early_by) == (
        old.record_for_others,
        old.close_early_by,
    )
    assert new.total_standard_minutes == old.total_standard_minutes == 59


def test_a_new_version_may_not_take_another_sops_name(client, login_as, db_session, tmp_path):
    from tests.support.library import publish_shape

    publish_shape(db_session, NETWORK, write_docx(NETWORK, tmp_path / "jaringan.docx"))
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "lagi.docx")))
    form = mapping_form(
        NETWORK,
        "save",
        new_version_of="penanganan-gangguan-jaringan",
        name="Pemeliharaan Portal Website DJKI",
    )
    for i, column in enumerate(NETWORK.columns):
        form[f"column-map-{i}"] = NETWORK.positions[column]
    response = post_mapping(client, url, form)
    assert response.status_code == 422 and "Sudah ada SOP" in page_text(response)
    assert db_session.scalars(sa.select(SopVersion).filter_by(state="draft")).first() is None


def test_the_dashboard_refuses_an_sop_that_never_ran(client, login_as, db_session, tmp_path):
    login_as(RoleCode.SUPERUSER)
    url = _mapping_url(upload(client, write_docx(NETWORK, tmp_path / "jaringan.docx")))
    assert post_mapping(client, url, mapping_form(NETWORK, "save")).status_code == 302
    key = db_session.scalars(sa.select(Sop.key).filter_by(name=NETWORK.title)).one()
    assert client.get(f"/dashboard/?sop={key}").status_code == 400
    assert client.get(f"/dashboard/open.csv?sop={key}").status_code == 400
    assert client.get("/dashboard/?sop=pemeliharaan-portal").status_code == 200

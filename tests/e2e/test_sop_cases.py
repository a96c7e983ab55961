"""Cases under an uploaded SOP through the screens: a stuck named performer, the dashboard and
the export of that SOP, each with its own steps."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from models import Case
from rules.enums import Role as RoleCode
from tests.e2e.conftest import page_text, post_form
from tests.support.library import publish_shape, staff
from tests.support.sop_tables import DATA_REQUEST, NETWORK, write_docx, write_xlsx
from tests.support.walk import CALENDAR, MONDAY_0800, report_payload, walk_sop


@pytest.fixture
def network(db_session, tmp_path, make_account):
    version = publish_shape(db_session, NETWORK, write_docx(NETWORK, tmp_path / "jaringan.docx"))
    return version, staff(NETWORK, make_account)


def _case_at(db_session, version, people, step: int) -> Case:
    from models.services import cases as svc

    reporter = people["pengguna"][0]
    case = svc.report(
        db_session, reporter, report_payload(), MONDAY_0800, CALENDAR, sop_key=version.key
    ).case
    walk_sop(db_session, case.id, people, until=step)
    db_session.flush()
    return case


def test_deactivating_the_named_performer_warns_first_then_a_kasi_names_another(
    client, login_as, db_session, network
):
    version, people = network
    case = _case_at(db_session, version, people, 4)
    named, other = people["staf-jaringan"]
    assert case.waiting_account_id == named.id
    login_as(RoleCode.SUPERUSER)
    edit = client.get(f"/accounts/edit/?id={named.id}")
    assert 'data-testid="stuck-cases"' in edit.get_data(as_text=True) and case.title in page_text(
        edit
    )
    form = {"full_name": named.full_name, "email": "", "roles": "staf-jaringan"}
    refused = post_form(
        client, f"/accounts/edit/?id={named.id}", form, f"/accounts/edit/?id={named.id}"
    )
    assert refused.status_code == 200 and "akan terhenti" in page_text(refused)
    db_session.refresh(named)
    assert named.active  # nothing changed without the confirmation
    confirmed = post_form(
        client,
        f"/accounts/edit/?id={named.id}",
        {**form, "confirm_stuck": "y"},
        f"/accounts/edit/?id={named.id}",
    )
    assert confirmed.status_code == 302
    db_session.refresh(named)
    assert not named.active
    assert post_form(client, "/logout", {}, "/accounts/").status_code == 302

    login_as(account=people["kasi-jaringan"][0])
    page = client.get(f"/cases/details/?id={case.id}")
    html = page.get_data(as_text=True)
    assert 'data-testid="waiting-inactive"' in html and 'data-testid="reassign-form"' in html
    assert f'<option value="{other.id}">' in html.split('data-testid="reassign-form"')[1]
    missing_reason = post_form(
        client,
        f"/cases/act/?id={case.id}",
        {"action": "reassign", "step": "4", "assignee_id": str(other.id)},
        f"/cases/details/?id={case.id}",
    )
    assert missing_reason.status_code == 422 and "Alasan wajib diisi" in page_text(missing_reason)
    done = post_form(
        client,
        f"/cases/act/?id={case.id}",
        {"action": "reassign", "step": "4", "assignee_id": str(other.id), "reason": "Cuti"},
        f"/cases/details/?id={case.id}",
    )
    assert done.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert (case.assignee_id, case.waiting_account_id, case.current_step) == (other.id, other.id, 4)
    assert post_form(client, "/logout", {}, "/").status_code == 302
    login_as(account=other)
    assert case.title in page_text(client.get("/"))  # now in the new performer's queue


def test_only_the_naming_position_sees_the_form_to_name_another(
    client, login_as, db_session, network
):
    version, people = network
    case = _case_at(db_session, version, people, 4)
    login_as(account=people["kasubdit-infrastruktur"][0])
    page = client.get(f"/cases/details/?id={case.id}").get_data(as_text=True)
    assert 'data-testid="reassign-form"' not in page
    refused = post_form(
        client,
        f"/cases/act/?id={case.id}",
        {"action": "reassign", "step": "4", "assignee_id": "1", "reason": "x"},
        f"/cases/details/?id={case.id}",
    )
    # The refusal names the position by its name, not its code, in Indonesian as in English.
    assert refused.status_code == 422
    assert "pada langkah 3 hanya untuk peran: Kasi Jaringan." in page_text(refused)
    assert "kasi-jaringan" not in page_text(refused)


def test_the_dashboard_shows_the_chosen_sops_steps(client, login_as, db_session, network):
    version, people = network
    _case_at(db_session, version, people, 3)
    login_as(RoleCode.DIREKTUR)
    portal = client.get("/dashboard/")
    assert portal.status_code == 200 and 'data-testid="sop-select"' in portal.get_data(as_text=True)
    chosen = client.get(f"/dashboard/?sop={version.key}")
    text = page_text(chosen)
    assert chosen.status_code == 200 and NETWORK.title in text
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/dashboard/open.csv?sop={version.key}").get_data(as_text=True))
        )
    )
    assert [row[0] for row in rows[1:]] == ["2", "3", "4", "5", "6"]
    assert {row[0]: row[2] for row in rows[1:]}["3"] == "1"  # the one open case, at step 3
    portal_rows = list(
        csv.reader(io.StringIO(client.get("/dashboard/open.csv").get_data(as_text=True)))
    )
    assert [row[0] for row in portal_rows[1:]] == [str(n) for n in range(2, 10)]
    assert client.get("/dashboard/?sop=tidak-ada").status_code == 400


def test_the_cases_export_carries_the_filtered_sops_own_step_columns(
    client, login_as, db_session, network, tmp_path
):
    version, _people = network
    publish_shape(db_session, DATA_REQUEST, write_xlsx(DATA_REQUEST, tmp_path / "data.xlsx"))
    login_as(RoleCode.KASI)

    def header(query: str) -> list[str]:
        response = client.get(f"/cases/export.csv{query}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        body = response.get_data().decode()
        assert body.startswith("\ufeff")  # the screens' export opens right in a spreadsheet
        return next(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))

    for query, steps in (
        (f"?flt0_sop_adalah={version.key}", 6),
        ("?flt0_sop_adalah=pemeliharaan-portal", 9),
        ("", 12),  # no SOP chosen: as many step columns as the longest SOP has
    ):
        columns = header(query)
        assert f"langkah{steps}_pelaksana" in columns, (query, columns)
        assert f"langkah{steps + 1}_pelaksana" not in columns
        assert columns[:3] == ["no", "sop", "versi_sop"]


def test_a_position_that_sees_only_cases_directed_to_it_sees_those(
    client, login_as, db_session, network
):
    version, people = network
    case = _case_at(db_session, version, people, 4)
    from models import Role

    db_session.scalars(
        sa.select(Role).filter_by(code="staf-jaringan")
    ).one().case_scope = "assigned"
    db_session.flush()
    named, other = people["staf-jaringan"]
    login_as(account=named)
    assert client.get(f"/cases/details/?id={case.id}").status_code == 200
    assert post_form(client, "/logout", {}, "/").status_code == 302
    login_as(account=other)
    assert client.get(f"/cases/details/?id={case.id}").status_code == 404


def test_the_history_lists_filter_by_sop(client, login_as, db_session, network):
    version, people = network
    _case_at(db_session, version, people, 6)
    login_as(RoleCode.KASI)
    for path, text in (
        ("/instructions/", "Keluaran langkah 3"),
        ("/reports/", "Keluaran langkah 4"),
    ):
        mine = client.get(f"{path}?flt0_sop_adalah={version.key}")
        assert mine.status_code == 200 and text in page_text(mine)
        portal = client.get(f"{path}?flt0_sop_adalah=pemeliharaan-portal")
        assert portal.status_code == 200 and text not in page_text(portal)
        assert client.get(f"{path}?flt0_sop_adalah=tidak-ada").status_code == 400
    assert client.get(f"/daily-log/?flt0_sop_adalah={version.key}").status_code == 200

"""The case screens over HTTP: queue, case page, action form, new case, scoping, bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import AuditEvent, Case, Report, StepRun
from rules.enums import CaseStatus, Role
from tests.e2e.conftest import page_text, post_form
from tests.support.walk import kelengkapan


def _counts(db_session) -> tuple[int, ...]:
    db_session.expire_all()
    return tuple(
        db_session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Case, StepRun, Report, AuditEvent)
    )


def test_the_queue_lists_only_cases_waiting_for_my_role(client, login_as, team, case_at):
    at_analysis, at_policy = case_at(4), case_at(2)
    login_as(account=team.kasi)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'data-case="{at_analysis}"' in html
    assert f'data-case="{at_policy}"' not in html
    assert "Menganalisa keluhan" in page_text(response)


def test_a_jfu_queue_holds_only_the_cases_directed_to_them(client, login_as, team, case_at):
    directed = case_at(7)
    login_as(account=team.jfu2)
    assert f'data-case="{directed}"' not in client.get("/").get_data(as_text=True)


def test_the_case_page_shows_the_timeline_and_one_action_form_for_the_performer(
    client, login_as, team, case_at
):
    case_id = case_at(3)
    login_as(account=team.kasubdit)
    response = client.get(f"/cases/details/?id={case_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-testid="action-form"') == 1
    for item in ("komputer", "printer", "internet"):
        assert f'value="{item}"' in html
    assert 'data-step="1"' in html and 'data-step="2"' in html and 'data-step="3"' in html


def test_other_roles_see_the_case_without_an_action_form(client, login_as, team, case_at):
    case_id = case_at(3)
    login_as(account=team.kasi)
    html = client.get(f"/cases/details/?id={case_id}").get_data(as_text=True)
    assert 'data-testid="action-form"' not in html
    assert 'data-testid="waiting"' in html


def test_completing_a_step_through_the_form_moves_the_case_on(
    client, login_as, team, case_at, db_session
):
    case_id = case_at(3)
    login_as(account=team.kasubdit)
    response = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {
            "action": "complete",
            "step": "3",
            "text": "Kasi, tolong perbaiki segera.",
            "kelengkapan": kelengkapan(3),
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, case_id).current_step == 4
    assert "Langkah 3 selesai dicatat" in page_text(client.get(response.headers["Location"]))


def test_a_refused_action_shows_the_rules_message_keeps_the_text_and_changes_nothing(
    client, login_as, team, case_at, db_session
):
    case_id = case_at(3)
    login_as(account=team.kasubdit)
    before = _counts(db_session)
    response = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {
            "action": "complete",
            "step": "3",
            "text": "Teks yang diketik pengguna",
            "kelengkapan": ["komputer"],
        },
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "printer" in text and "Kelengkapan" in text
    assert "Teks yang diketik pengguna" in response.get_data(as_text=True)
    assert _counts(db_session) == before
    assert db_session.get(Case, case_id).current_step == 3


def test_a_stale_form_for_a_step_already_done_says_by_whom(
    client, login_as, team, case_at, make_account
):
    case_id = case_at(5)
    login_as(account=make_account(Role.KASI))
    response = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {"action": "complete", "step": "4", "text": "analisa lagi"},
    )
    assert response.status_code == 422
    assert f"sudah diselesaikan oleh {team.kasi.full_name}" in page_text(response)


def test_the_kasi_returns_a_fix_for_rework_with_a_reason(
    client, login_as, team, case_at, db_session
):
    case_id = case_at(8)
    login_as(account=team.kasi)
    response = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {
            "action": "return_for_rework",
            "step": "8",
            "reason": "Masih galat di ponsel",
            "kelengkapan": ["laporan"],
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case_id)
    assert (case.current_step, case.rework_rounds) == (7, 1)


def test_closing_early_needs_a_reason(client, login_as, team, case_at, db_session):
    case_id = case_at(4)
    login_as(account=team.direktur)
    refused = post_form(
        client, f"/cases/act/?id={case_id}", {"action": "close_early", "step": "4", "reason": ""}
    )
    assert refused.status_code == 422
    done = post_form(
        client,
        f"/cases/act/?id={case_id}",
        {"action": "close_early", "step": "4", "reason": "duplikat"},
    )
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, case_id).status is CaseStatus.CLOSED_EARLY


def test_a_pengguna_reports_a_problem_with_the_new_case_form(client, login_as, db_session):
    account = login_as(Role.PENGGUNA)
    response = post_form(
        client,
        "/cases/new/",
        {
            "title": "Portal lambat",
            "description": "Halaman utama butuh 30 detik.",
            "page_url": "https://dgip.go.id/",
            "channel": "web",
            "priority": "sedang",
        },
        token_page="/cases/new/",
    )
    assert response.status_code == 302, page_text(response)[:500]
    case = db_session.scalars(sa.select(Case).filter_by(title="Portal lambat")).one()
    assert case.reporter_id == account.id and case.current_step == 2
    assert case.url == "https://dgip.go.id/"
    assert response.headers["Location"].endswith(f"/cases/details/?id={case.id}")


def test_staff_recording_a_phone_report_must_name_the_reporter(client, login_as, db_session):
    login_as(Role.KASI)
    data = {
        "title": "Telepon masuk",
        "description": "Formulir gagal.",
        "channel": "telepon",
        "priority": "tinggi",
    }
    refused = post_form(client, "/cases/new/", data, token_page="/cases/new/")
    assert refused.status_code == 200
    assert "nama dan kontak pelapor" in page_text(refused).lower()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    accepted = post_form(
        client,
        "/cases/new/",
        {**data, "reporter_name": "Bu Sri", "reporter_contact": "021-555"},
        token_page="/cases/new/",
    )
    assert accepted.status_code == 302


def test_a_pengguna_sees_only_their_own_cases(client, login_as, team, case_at, make_account):
    own = case_at(4)
    login_as(account=team.pengguna)
    assert client.get(f"/cases/details/?id={own}").status_code == 200
    other_reporter = make_account(Role.PENGGUNA)
    assert post_form(client, "/logout", {}).status_code == 302
    login_as(account=other_reporter)
    assert client.get(f"/cases/details/?id={own}").status_code == 404
    assert f"?id={own}" not in client.get("/cases/").get_data(as_text=True)


def test_a_jfu_sees_only_cases_directed_to_them(client, login_as, team, case_at):
    directed, not_yet = case_at(7), case_at(5)
    login_as(account=team.jfu)
    assert client.get(f"/cases/details/?id={directed}").status_code == 200
    assert client.get(f"/cases/details/?id={not_yet}").status_code == 404
    listing = client.get("/cases/").get_data(as_text=True)
    assert f"?id={directed}" in listing and f"?id={not_yet}" not in listing


def test_a_foreign_id_cannot_be_acted_on(client, login_as, team, case_at):
    not_directed = case_at(7)
    login_as(account=team.jfu2)
    response = post_form(
        client, f"/cases/act/?id={not_directed}", {"action": "complete", "step": "7", "text": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["id=2,4", "id=abc", "id=-1", "id=", "id=99999999999999999999"])
def test_malformed_ids_answer_404(client, login_as, query):
    login_as(Role.KASI)
    assert client.get(f"/cases/details/?{query}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "flt0_nope=1",
        "flt0_status_adalah=hilang",
        "flt0_tanggal_lapor_antara=kemarin",
        "flt0_melebihi_standar_adalah=mungkin",
        "page=100000",
        "page=-3",
    ],
)
def test_unknown_filters_bad_values_and_deep_pages_answer_400(client, login_as, query):
    login_as(Role.KASI)
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 400
    assert "Permintaan tidak sah" in page_text(response)


def test_list_filters_search_and_the_over_standard_flag(client, login_as, team, case_at):
    slow, fresh = case_at(4), case_at(2)
    login_as(account=team.kasi)
    html = client.get("/cases/?flt0_langkah_adalah=4").get_data(as_text=True)
    assert f"?id={slow}" in html and f"?id={fresh}" not in html
    # walk_to spends 2 working minutes per step: step 3 (3-minute standard) is within
    over = client.get("/cases/?flt0_melebihi_standar_adalah=ya").get_data(as_text=True)
    assert f"?id={slow}" in over  # its step 4 has been in progress for days by now
    searched = client.get("/cases/?search=pencarian+merek").get_data(as_text=True)
    assert f"?id={slow}" in searched


def test_the_action_form_refuses_a_post_without_csrf_token(client, login_as, team, case_at):
    case_id = case_at(3)
    login_as(account=team.kasubdit)
    response = client.post(f"/cases/act/?id={case_id}", data={"action": "complete", "step": "3"})
    assert response.status_code == 400
    assert "CSRF" in page_text(response)


def test_editing_and_deleting_cases_is_refused_for_everyone(client, login_as, team, case_at):
    case_id = case_at(4)
    login_as(account=team.kasi)
    assert client.get(f"/cases/edit/?id={case_id}").status_code == 403
    response = post_form(client, "/cases/delete/", {"id": str(case_id)})
    assert response.status_code == 403


def test_a_database_error_is_shown_as_a_plain_message_never_as_sql(
    app, client, login_as, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    from admin_app.views import queue

    def broken(*args, **kwargs):
        raise IntegrityError("INSERT INTO cases (secret) VALUES (1)", {}, Exception("boom"))

    login_as(Role.KASI)
    monkeypatch.setattr(queue, "work_queue", broken)
    response = client.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "INSERT" not in body and "secret" not in body
    assert "Terjadi kesalahan" in body

"""What a reporter sees of their case is the SOP's decision: progress, times and the outputs it
shares with the reporter (the portal SOP: step 7's fix report), never internal outputs or the
audit trail; staff see everything."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, csrf_token
from tests.e2e.conftest import page_text

INTERNAL = [2, 3, 4, 5, 6, 8, 9]  # policy, order, analysis, solution, direction, acceptance, log


def _page(app, account, case_id: int) -> tuple[int, str, str]:
    client = app.test_client()
    login = client.post(
        "/login",
        data={
            "username": account.username,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert login.status_code == 302
    response = client.get(f"/cases/details/?id={case_id}")
    return response.status_code, response.get_data(as_text=True), page_text(response)


@pytest.mark.parametrize("viewer", ["pengguna", "kasi"])
def test_the_reporter_sees_the_fix_report_and_the_times_while_staff_see_everything(
    app, db_session, team, case_at, viewer
):
    case_id = case_at(10)  # walked through step 9: closed
    status, html, text = _page(app, getattr(team, viewer), case_id)
    assert status == 200
    assert "Keluaran langkah 7" in text  # the fix report: shared
    assert 'data-testid="timeline"' in html and html.count('data-step="') == 9  # progress
    assert 'data-testid="case-status">Selesai<' in html  # the closure
    internal_outputs = [f"Keluaran langkah {n}" in text for n in INTERNAL]
    if viewer == "pengguna":
        assert internal_outputs == [False] * len(INTERNAL)
        assert 'data-testid="audit"' not in html and 'data-testid="reporter-view"' in html
        assert team.jfu.full_name not in text and team.kasi.full_name not in text
    else:  # positive control: staff read every output, the performers and the audit trail
        assert internal_outputs == [True] * len(INTERNAL)
        assert 'data-testid="audit"' in html and 'data-testid="reporter-view"' not in html
        assert team.jfu.full_name in text

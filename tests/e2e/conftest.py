"""HTTP fixtures: a team with one account per SOP role and cases walked to given steps."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.support.walk import walk_to


@pytest.fixture
def case_at(db_session, team):
    """Walk a new case until the given step is current; return its id."""

    def make(step: int) -> int:
        case_id = walk_to(db_session, team, step)
        db_session.flush()
        return case_id

    return make


def page_text(response) -> str:
    """The visible text of an HTML response, whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def post_form(client, path: str, data: dict, token_page: str = "/"):
    """POST a form with a valid CSRF token taken from a page the user can open."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})

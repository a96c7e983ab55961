"""One case walk against a local SMTP server: a notice and an email for every hand-off.

The app really commits (mail goes out only after commit), on its own migrated database, with
MAIL_SERVER pointing at aiosmtpd on a free loopback port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

import admin_app.notices as web_notices
from admin_app import create_app
from models import Notice, db
from models.notices import NoticeKind
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.integration.test_notices import (
    HANDOFFS,
    SmtpSink,
    committed_people,
    load_people,
    take,
    walk,
)
from tests.support.walk import MONDAY_0800, report_payload

BASE_URL = "https://sopdesk.contoh.go.id/portal"
TITLE = report_payload()["title"]


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def mail_app(pg_server, smtp) -> Iterator[Flask]:
    """Like `committed_app`, with notices mailed to the local SMTP server."""
    url = pg_server.create_database("sopdesk_mail")
    app = create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SECRET_KEY": "test-key",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "MAIL_FROM": "SOP Desk <sopdesk@contoh.go.id>",
            "BASE_URL": BASE_URL,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    web_notices.mailer(app).wait_idle(timeout=20)
    with app.app_context():
        db.engine.dispose()
    pg_server.drop_database(url)


def _settle(app: Flask) -> None:
    assert web_notices.mailer(app).wait_idle(timeout=20), "mail queue did not drain"


def _email(prefix: str, key: str) -> str:
    return f"{prefix}.{key}@contoh.go.id"


def test_a_notice_and_an_email_arrive_for_each_hand_off_of_one_walk(mail_app, smtp):
    ids = committed_people(mail_app, "jalan", {})
    by_id = {account_id: key for key, account_id in ids.items()}
    seen_notices: set[int] = set()
    checked = []

    def after(label: str, case_id: int) -> None:
        db.session.commit()  # the action's transaction ends here; mail follows it
        _settle(mail_app)
        new = [
            n
            for n in db.session.scalars(sa.select(Notice).filter_by(case_id=case_id))
            if n.id not in seen_notices
        ]
        seen_notices.update(n.id for n in new)
        sent = smtp.messages[:]
        smtp.messages.clear()
        if label not in HANDOFFS:
            assert (new, sent) == ([], []), label
            return
        kind, who, headline = HANDOFFS[label]
        assert sorted((n.kind, by_id[n.recipient_id]) for n in new) == sorted(
            (kind, key) for key in who
        ), label
        assert all(n.email_sent_at is not None and n.email_error is None for n in new), label
        assert sorted(rcpt for rcpts, _ in sent for rcpt in rcpts) == sorted(
            _email("jalan", key) for key in who
        ), label
        for rcpts, message in sent:
            assert message["To"] == rcpts[0]
            assert message["From"] == "SOP Desk <sopdesk@contoh.go.id>"
            assert message["Subject"] == f"[SOP Desk] {headline}: kasus #{case_id} {TITLE}"
            body = message.get_body(("plain",)).get_content()
            assert f"{BASE_URL}/cases/details/?id={case_id}" in body, body
            assert f"{BASE_URL}/notices/" in body and headline in body
        checked.append(label)

    with mail_app.app_context():
        walk(db.session, load_people(ids), after_each=after)

    # The five hand-offs of the walk, the rework return and the second fix.
    assert checked == ["report", "policy", "order", "direct", "fix", "return", "fix again"]
    assert {HANDOFFS[label][0] for label in checked} == {
        NoticeKind.LANDED,
        NoticeKind.ORDERED,
        NoticeKind.DIRECTED,
        NoticeKind.RETURNED,
    }


# -- the navbar count and the notices page over HTTP ---------------------------------------------
def _login(app: Flask, username: str):
    """A test client signed in as `username`."""
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _count(client) -> str:
    html = client.get("/notices/").get_data(as_text=True)
    match = re.search(r'data-testid="notice-count">([^<]*)<', html)
    assert match, "no notice count in the navbar"
    return match.group(1)


def _notice_ids(html: str, unread: bool | None = None) -> list[int]:
    flag = {None: r"\d", True: "1", False: "0"}[unread]
    return [int(i) for i in re.findall(rf'data-notice="(\d+)"[^>]*data-unread="{flag}"', html)]


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/notices/")})


def test_the_navbar_counts_unread_notices_and_the_page_shows_only_ones_own(mail_app):
    ids = committed_people(mail_app, "layar", {})
    with mail_app.app_context():
        case_id = walk(db.session, load_people(ids))
        db.session.commit()
        theirs = db.session.scalars(
            sa.select(Notice.id).filter_by(recipient_id=ids["kasi2"]).order_by(Notice.id)
        ).all()
    _settle(mail_app)

    client = _login(mail_app, "layar-kasi")
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="notice-count">3<' in home and 'href="/notices/"' in home
    page = client.get("/notices/")
    html = page.get_data(as_text=True)
    own = _notice_ids(html)
    assert page.status_code == 200 and len(own) == 3 == len(_notice_ids(html, unread=True))
    assert not set(own) & set(theirs)
    assert html.count(f'href="/cases/details/?id={case_id}"') == 3
    assert "Kasus menunggu langkah Anda" in html and "Instruksi untuk menangani kasus" in html

    # Another user's notice: 404, and it stays unread for them.
    assert _post(client, "/notices/read/", {"id": theirs[0]}).status_code == 404
    assert _post(client, "/notices/read/", {"id": "abc"}).status_code == 400
    assert client.post("/notices/read/", data={"id": own[0]}).status_code == 400  # no CSRF
    assert client.get("/notices/?page=x").status_code == 400

    assert _post(client, "/notices/read/", {"id": own[0]}).status_code == 302
    assert _count(client) == "2"
    assert _notice_ids(client.get("/notices/").get_data(as_text=True), unread=False) == [own[0]]
    assert _post(client, "/notices/read/", {"all": "1"}).status_code == 302
    assert _count(client) == "0"
    assert 'data-unread="1"' not in client.get("/notices/").get_data(as_text=True)

    client = _login(mail_app, "layar-kasi2")
    assert _count(client) == "3"

    client = _login(mail_app, "layar-pengguna")
    html = client.get("/notices/").get_data(as_text=True)
    assert 'data-testid="notices-empty"' in html and _count(client) == "0"


# -- overruns: lazily on the work queue, and by the cron command ------------------------------
def _open_case(mail_app, ids, until: str) -> int:
    """Walk a case (in the past) up to, not including, the action labelled `until`."""
    from tests.integration.test_notices import WALK

    with mail_app.app_context():
        people = load_people(ids)
        case_id, now = None, MONDAY_0800
        for label, _ in WALK:
            if label == until:
                break
            case_id = take(db.session, people, case_id, label, now).case.id
            now += timedelta(minutes=2)
        db.session.commit()
    _settle(mail_app)
    return case_id


def test_opening_the_work_queue_notifies_and_mails_ones_own_overdue_steps_once(mail_app, smtp):
    ids = committed_people(mail_app, "telat", {})
    case_id = _open_case(mail_app, ids, until="analyse")  # waits for the kasi since Monday
    smtp.messages.clear()

    _login(mail_app, "telat-direktur").get("/")  # not the direktur's step: nothing
    _settle(mail_app)
    assert smtp.messages == []

    client = _login(mail_app, "telat-kasi")
    before = int(_count(client))
    assert 'data-testid="notice-count">' in client.get("/").get_data(as_text=True)
    _settle(mail_app)
    assert int(_count(client)) == before + 1
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == sorted(
        [_email("telat", "kasi"), _email("telat", "kasi2")]
    )
    subject = smtp.messages[0][1]["Subject"]
    assert subject == f"[SOP Desk] Langkah melewati waktu standar: kasus #{case_id} {TITLE}"
    assert "sudah terlewati" in smtp.messages[0][1].get_body(("plain",)).get_content()

    smtp.messages.clear()
    client.get("/")
    _settle(mail_app)
    assert smtp.messages == [] and int(_count(client)) == before + 1


def test_the_cron_command_notifies_every_overdue_step_once(mail_app, smtp):
    ids = committed_people(mail_app, "cron", {})
    case_id = _open_case(mail_app, ids, until="fix")  # waits for the named JFU since Monday
    smtp.messages.clear()
    runner = mail_app.test_cli_runner()

    result = runner.invoke(args=["notices", "check-overdue"])
    assert result.exit_code == 0, result.output
    assert "1 pemberitahuan" in result.output
    assert [rcpts for rcpts, _ in smtp.messages] == [[_email("cron", "jfu")]]
    assert f"kasus #{case_id}" in smtp.messages[0][1]["Subject"]

    smtp.messages.clear()
    again = runner.invoke(args=["notices", "check-overdue"])
    assert again.exit_code == 0 and "0 pemberitahuan" in again.output
    assert smtp.messages == []

"""English: the switch in the menu turns every page English, and the choice is remembered.

The sweep visits every GET route of the app (the list is checked against the URL map, so a new
screen without an entry here fails), with real ids from cases walked through the SOP, signed in
as a role that may see it, after switching to English through the menu's own POST form. Each
page's visible text (plus tooltips, placeholders, button values and the filter menus Flask-Admin
draws from hidden JSON) must hold no Indonesian UI word. The words come from our catalogs: every
word of four letters or more in an Indonesian message that no English message uses.

Test data is English-neutral ("Case ALPHA", "Alice Reporter") so user data cannot trip the check.
The audit trail's before/after JSON (in <pre>) is stored data, shown verbatim, and is skipped.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from models import (
    Account,
    AuditEvent,
    Instruction,
    LogEntry,
    NonWorkingKind,
    Notice,
    Report,
    Role,
    SopVersion,
    VersionState,
)
from models.errors import SERVICE_MESSAGES
from models.services import cases as svc
from models.services import notices, sop_import
from models.services.calendar import add_day_off
from rules import MESSAGES
from rules.enums import CloseReason
from rules.enums import Role as RoleCode
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.support import walk
from tests.support.sops import DATA
from tests.support.walk import CALENDAR, MONDAY_0800, kelengkapan

TABLE = DATA / "sop_pemeliharaan_portal.txt"

TRANSLATIONS = Path(__file__).resolve().parents[2] / "admin_app/translations"
EN_PO = TRANSLATIONS / "en/LC_MESSAGES/messages.po"
ADMIN_ID_PO = TRANSLATIONS / "id/LC_MESSAGES/admin.po"
WTFORMS_ID_PO = TRANSLATIONS / "id/LC_MESSAGES/wtforms.po"
WEEK = "from=2026-11-23&to=2026-11-29"
CHARTS = ("open", "steps", "times", "lead", "rework", "conformance", "named", "weekly")
NOT_PAGES = {"static", "admin.static", "health.healthz"}  # files and a JSON probe
# The list exports stream from their own connection (and audit themselves in another), so they
# read committed data only: test_list_exports_write_their_header_row_in_the_language covers them
# on the committed database.
EXPORTS = {
    "case.export_csv": "/cases/export.csv",
    "log_entry.export_csv": "/daily-log/export.csv",
    "audit.export_csv": "/audit/export.csv",
}
PLACEHOLDERS = re.compile(r"%\(\w+\)[a-z]|\{\w+\}|<[^>]+>")


# -- the Indonesian words no English page may show ------------------------------------------


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", PLACEHOLDERS.sub(" ", text).lower()))


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def _catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


@functools.cache
def indonesian_words() -> frozenset[str]:
    """Words of our Indonesian texts that none of their English counterparts use."""
    indonesian: set[str] = set()
    english: set[str] = set()
    for message in _catalog(EN_PO):  # msgid Indonesian, msgstr English
        if message.id:
            indonesian |= {w for text in forms(message.id) for w in words(text)}
            english |= {w for text in forms(message.string) for w in words(text)}
    for path in (ADMIN_ID_PO, WTFORMS_ID_PO):  # msgid English, msgstr Indonesian
        for message in _catalog(path):
            if message.id:
                english |= {w for text in forms(message.id) for w in words(text)}
                indonesian |= {w for text in forms(message.string) for w in words(text)}
    tables = [*MESSAGES.values(), *SERVICE_MESSAGES.values(), *notices.HEADLINES.values()]
    tables += [notices.SUBJECT, notices.BODY]
    for table in tables:
        indonesian |= words(table["id"])
        english |= words(table["en"])
    return frozenset(word for word in indonesian - english if len(word) >= 4)


def test_the_word_list_holds_the_words_of_the_indonesian_screens() -> None:
    found = indonesian_words()
    assert len(found) > 300
    sample = {"langkah", "kasus", "laporan", "kotak", "kerja", "simpan", "batal", "pengguna"}
    sample |= {"kata", "sandi", "berjalan", "selesai", "menit", "keluar", "dasbor", "wajib"}
    assert sample <= found, sample - found
    # English words that our Indonesian shares stay out of it.
    assert not {"status", "email", "median", "portal", "superuser", "total"} & found


# -- what a page shows ----------------------------------------------------------------------


def visible_text(html: str) -> str:
    """Text a person reads: the page's text, tooltips, placeholders, buttons and filter menus."""
    html = re.sub(r"(?is)<(script|style|pre)\b.*?</\1>", " ", html)
    # Data, not words of the screens: codes, and what the page marks as Indonesian (an SOP's
    # own text as uploaded, a position as the SOPs name it).
    html = re.sub(r"(?is)<code\b[^>]*>.*?</code>", " ", html)
    html = re.sub(r'(?is)<(?!html\b)(\w+)\b[^>]*\blang="id"[^>]*>.*?</\1>', " ", html)
    extra: list[str] = []
    groups = re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)
    if groups:  # Flask-Admin's filter menus, drawn by its script from this JSON
        for name, items in json.loads(groups.group(1)).items():
            extra.append(name)
            for item in items:
                extra.append(item["operation"])
                extra += [label for _, label in item["options"] or ()]
    html = re.sub(r'<div id="(?:filter-groups|active-filters)-data"[^>]*>.*?</div>', " ", html)
    for attribute in ("title", "placeholder", "aria-label", "alt"):
        extra += re.findall(rf'\s{attribute}="([^"]*)"', html)
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(r'type="(?:submit|button|reset)"', tag):
            extra += re.findall(r'\svalue="([^"]*)"', tag)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(" ".join([text, *extra])))


def indonesian_in(text: str) -> list[str]:
    """The Indonesian UI words in a text, each with a little context to find it."""
    lowered = text.lower()
    hits = []
    for word in sorted(words(text) & indonesian_words()):
        at = re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", lowered)
        start = at.start() if at else 0
        hits.append(f"{word!r} in …{text[max(0, start - 40) : start + 40]}…")
    return hits


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def csv_labels(url: str, response) -> str:
    """A CSV's header row; for a dashboard table of named measures also the measure codes."""
    rows = csv_rows(response)
    labels = list(rows[0])
    if "/dashboard/" in url and labels and labels[-1] in ("nilai", "value"):
        labels += [row[0] for row in rows[1:]]
    return " ".join(labels)


# -- the world the pages show -------------------------------------------------------------------


@dataclass
class World:
    accounts: dict[str, Account]
    cases: dict[str, int]
    ids: dict[str, int] = field(default_factory=dict)


PEOPLE = {
    "alice": (RoleCode.PENGGUNA, "Alice Reporter"),
    "dora": (RoleCode.DIREKTUR, "Dora Director"),
    "kurt": (RoleCode.KASUBDIT, "Kurt Planner"),
    "kim": (RoleCode.KASI, "Kim Webmaster"),
    "jack": (RoleCode.JFU, "Jack Technician"),
    "jill": (RoleCode.JFU, "Jill Technician"),
    "root": (RoleCode.SUPERUSER, "Root Admin"),
}


def _performer(world_accounts: dict[str, Account], step: int) -> Account:
    key = {2: "dora", 3: "kurt", 7: "jack"}.get(step, "kim")
    return world_accounts[key]


def _walk(session, people: dict[str, Account], title: str, to_step: int, start) -> int:
    """Report a case with English text and complete steps until `to_step` is current."""
    now = start
    case = svc.report(
        session,
        people["alice"],
        {
            "title": title,
            "description": "The search page fails on every query.",
            "url": "https://example.org/search",
            "channel": "web",
            "kelengkapan": kelengkapan(1),
        },
        now,
        CALENDAR,
    ).case
    for step in range(2, to_step):
        now += timedelta(minutes=2)
        payload = {"text": f"Output of step {step}", "kelengkapan": kelengkapan(step)}
        if step == 6:
            payload["assignee_id"] = people["jack"].id
        walk.complete_step(session, _performer(people, step), case.id, step, payload, now, CALENDAR)
    return case.id


@pytest.fixture
def world(db_session, make_account) -> World:
    """Accounts of every role; cases at steps 2, 6 and 8, one closed after rework, one early."""
    people = {}
    for username, (role, full_name) in PEOPLE.items():
        account = make_account(role, username=username)
        account.full_name = full_name
        people[username] = account
    db_session.flush()
    start = MONDAY_0800
    closed = _walk(db_session, people, "Case ALPHA", 8, start)
    back = start + timedelta(hours=1)
    walk.return_for_rework(
        db_session,
        people["kim"],
        closed,
        {"reason": "Still broken on phones"},
        back,
        CALENDAR,
        step=8,
    )
    for step, minutes in ((7, 5), (8, 7), (9, 9)):
        payload = {"text": f"Output of step {step}", "kelengkapan": kelengkapan(step)}
        walk.complete_step(
            db_session,
            _performer(people, step),
            closed,
            step,
            payload,
            back + timedelta(minutes=minutes),
            CALENDAR,
        )
    cases = {
        "closed": closed,
        "at2": _walk(db_session, people, "Case BRAVO", 2, start + timedelta(hours=2)),
        "at6": _walk(db_session, people, "Case CHARLIE", 6, start + timedelta(hours=2)),
        "at8": _walk(db_session, people, "Case DELTA", 8, start + timedelta(hours=2)),
        "early": _walk(db_session, people, "Case ECHO", 4, start + timedelta(hours=3)),
    }
    walk.close_early(
        db_session,
        people["kim"],
        cases["early"],
        {"step": 4, "reason": CloseReason.DUPLIKAT.value, "note": "Same as ALPHA"},
        start + timedelta(hours=4),
        CALENDAR,
    )
    holiday = add_day_off(
        db_session,
        actor_id=people["root"].id,
        day=date(2026, 12, 24),
        name="Year-end retreat",
        kind=NonWorkingKind.CUTI_BERSAMA,
    )
    db_session.flush()

    def first(model, *where) -> int:
        return db_session.scalars(sa.select(model.id).where(*where).order_by(model.id)).first()

    ids = {
        "instruction": first(Instruction, Instruction.case_id == closed),
        "report": first(Report, Report.case_id == closed),
        "log_entry": first(LogEntry, LogEntry.case_id == closed),
        "audit": first(AuditEvent, AuditEvent.case_id == closed),
        "notice": first(Notice, Notice.recipient_id == people["kim"].id),
        "holiday": holiday.id,
        "sop_version": first(SopVersion, SopVersion.state == VersionState.PUBLISHED),
        "position": first(Role, Role.code == RoleCode.JFU),
        "sop_import": sop_import.start(
            db_session, people["root"].id, "portal.txt", TABLE.read_bytes()
        ).id,
    }
    assert all(ids.values()), ids
    return World(people, cases, ids)


# -- every page ---------------------------------------------------------------------------


def pages(world: World) -> dict[str, list[tuple[str, str]]]:
    """endpoint → [(who, url)]: every GET route with real ids; who is an account or "anon"."""
    case, ids = world.cases, world.ids
    alice = world.accounts["alice"].id

    def model_routes(prefix: str, who: str, record: int):
        routes = {
            "index_view": [(who, f"/{prefix}/")],
            "details_view": [(who, f"/{prefix}/details/?id={record}")],
            "create_view": [(who, f"/{prefix}/new/")],
            "edit_view": [(who, f"/{prefix}/edit/?id={record}")],
            "ajax_lookup": [(who, f"/{prefix}/ajax/lookup/?name=nothing&query=x")],
            "export": [(who, f"/{prefix}/export/csv/")],
        }
        return routes

    spec: dict[str, list[tuple[str, str]]] = {
        "auth.login": [("anon", "/login")],
        "admin.index": [("kim", "/"), ("alice", "/"), ("root", "/"), ("jack", "/")],
        "dashboard.index": [("dora", f"/dashboard/?{WEEK}"), ("kim", "/dashboard/")],
        "dashboard.csv": [("kurt", f"/dashboard/{chart}.csv?{WEEK}") for chart in CHARTS],
        "notice.index": [("kim", "/notices/"), ("root", "/notices/")],
        "own_password.index": [("alice", "/my-password/")],
        "permissions.index": [("root", "/permissions/")],
        "permissions.edit_view": [("root", "/permissions/edit/?role=kasi")],
        "sop.index": [("root", "/sops/"), ("kim", "/sops/")],
        "sop.version_view": [("root", f"/sops/version/?id={ids['sop_version']}")],
        "sop_import.index": [("root", "/sops/import/")],
        "sop_import.mapping_view": [("root", f"/sops/import/mapping/?id={ids['sop_import']}")],
    }
    for endpoint, routes in {
        "case": model_routes("cases", "kim", case["closed"]),
        "instruction": model_routes("instructions", "kim", ids["instruction"]),
        "report": model_routes("reports", "kim", ids["report"]),
        "log_entry": model_routes("daily-log", "kim", ids["log_entry"]),
        "audit": model_routes("audit", "root", ids["audit"]),
        "account": model_routes("accounts", "root", alice),
        "position": model_routes("positions", "root", ids["position"]),
        "non_working_day": model_routes("holidays", "root", ids["holiday"]),
    }.items():
        for view, urls in routes.items():
            spec[f"{endpoint}.{view}"] = urls
    spec["account.reset_password_view"] = [("root", f"/accounts/password/?id={alice}")]
    spec["case.index_view"] += [
        ("kim", "/cases/?flt0_status_adalah=open&flt1_langkah_adalah=6"),
        ("kim", "/cases/?flt0_melebihi_standar_adalah=ya"),
        ("dora", "/cases/?flt0_tanggal_lapor_antara=2026-11-23+to+2026-11-29"),
        ("kim", "/cases/?flt0_bogus=1"),  # the 400 page
    ]
    spec["case.details_view"] += [
        ("dora", f"/cases/details/?id={case['at2']}"),  # step 2: priority, close early
        ("kim", f"/cases/details/?id={case['at6']}"),  # step 6: choose the JFU
        ("kim", f"/cases/details/?id={case['at8']}"),  # step 8: receive or send back
        ("alice", f"/cases/details/?id={case['at8']}"),  # waiting for someone else
        ("kim", f"/cases/details/?id={case['early']}"),  # closed early
        ("kim", "/cases/details/?id=999999999"),  # the 404 page
    ]
    spec["case.create_view"] += [("alice", "/cases/new/")]
    spec["log_entry.index_view"] += [("kim", "/daily-log/?flt0_pelaksana_nama_pengguna=kim")]
    spec["audit.index_view"] += [("dora", f"/audit/?flt0_kasus_adalah={case['closed']}")]
    spec["account.edit_view"] = [("root", f"/accounts/edit/?id={alice}")]
    spec["account.create_view"] = [("root", "/accounts/new/")]
    spec |= {endpoint: [("committed", url)] for endpoint, url in EXPORTS.items()}
    return spec


def log_in(app: Flask, account: Account | None) -> FlaskClient:
    """A client signed in as `account` (or anonymous), in whatever language it gets."""
    client = app.test_client()
    if account is not None:
        response = client.post(
            "/login",
            data={
                "username": account.username,
                "password": TEST_PASSWORD,
                "csrf_token": csrf_token(client),
            },
        )
        assert response.status_code == 302
    return client


def sign_in(app: Flask, account: Account | None, lang: str) -> FlaskClient:
    """A client signed in as `account` (or anonymous), in `lang` through the menu's switch."""
    client = log_in(app, account)
    page = "/" if account else "/login"
    if switch_form(client, page)[1]["lang"] == lang:  # the switch offers the other language
        switch_language(client, page, lang)
    return client


def switch_form(client: FlaskClient, page: str) -> tuple[str, dict[str, str]]:
    """The language switch of `page`: where it posts and its hidden fields."""
    html = client.get(page).get_data(as_text=True)
    form = re.search(r'<form[^>]*data-testid="language-switch"[^>]*>.*?</form>', html, re.S)
    assert form, f"no language switch on {page}"
    action = re.search(r'action="([^"]+)"', form.group(0)).group(1)
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    return action, {key: unescape(value) for key, value in data.items()}


def switch_language(client: FlaskClient, page: str, lang: str):
    """Submit the language switch form of `page`, as a person clicking it would."""
    action, data = switch_form(client, page)
    assert data["lang"] == lang, f"the switch on {page} offers {data['lang']}"
    response = client.post(action, data=data)
    assert response.status_code == 302
    return response


def get_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_PAGES
    }


def sweep(app: Flask, world: World, lang: str) -> dict[str, str]:
    """Visit every page in `lang`; the text each shows (a CSV: its labels), by who and URL."""
    clients: dict[str, FlaskClient] = {}
    seen = {}
    for _endpoint, routes in sorted(pages(world).items()):
        for who, url in routes:
            if who == "committed":
                continue
            if who not in clients:
                account = None if who == "anon" else world.accounts[who]
                clients[who] = sign_in(app, account, lang)
            response = clients[who].get(url, follow_redirects=True)
            assert response.status_code in (200, 400, 403, 404), (who, url, response.status_code)
            if response.mimetype == "text/csv":
                seen[f"{who} {url}"] = csv_labels(url, response)
            else:
                assert response.mimetype == "text/html", (who, url)
                seen[f"{who} {url}"] = visible_text(response.get_data(as_text=True))
    return seen


def test_the_sweep_covers_every_get_route_of_the_app(app, world) -> None:
    assert set(pages(world)) == get_endpoints(app)


def test_switching_to_english_leaves_no_indonesian_word_on_any_page(app, world) -> None:
    seen = sweep(app, world, "en")
    assert len(seen) > 70
    leaks = {page: hits for page, text in seen.items() if (hits := indonesian_in(text))}
    assert leaks == {}


def test_in_indonesian_the_same_pages_show_indonesian(app, world) -> None:
    seen = sweep(app, world, "id")
    silent = [page for page, text in seen.items() if not words(text) & indonesian_words()]
    assert silent == []


# -- the switch ---------------------------------------------------------------------------


def test_the_language_choice_is_remembered_on_the_account(app, world, db_session) -> None:
    kim = world.accounts["kim"]
    client = sign_in(app, kim, "en")
    assert "Work queue" in visible_text(client.get("/").get_data(as_text=True))
    db_session.refresh(kim)
    assert kim.language == "en"
    logged_out = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_page = visible_text(client.get(logged_out.headers["Location"]).get_data(as_text=True))
    assert "You have signed out." in login_page and "Sign in" in login_page
    # A new browser, no session at all: the account's language decides.
    again = log_in(app, kim)
    page = visible_text(again.get("/").get_data(as_text=True))
    assert "Work queue" in page and "Kotak kerja" not in page
    switch_language(again, "/", "id")
    db_session.refresh(kim)
    assert kim.language == "id"
    assert "Kotak kerja" in visible_text(again.get("/").get_data(as_text=True))


def test_english_chosen_on_the_login_page_before_signing_in(app, world) -> None:
    client = sign_in(app, None, "en")
    assert "Sign in" in visible_text(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": "alice", "password": "wrong-password", "csrf_token": csrf_token(client)},
    )
    text = visible_text(response.get_data(as_text=True))
    assert "Wrong username or password, or the account is inactive." in text
    assert indonesian_in(text) == []
    # Signing in, the account's own language (Indonesian) takes over.
    client.post(
        "/login",
        data={"username": "alice", "password": TEST_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert "Kotak kerja" in visible_text(client.get("/").get_data(as_text=True))


def test_the_switch_refuses_an_unknown_language_and_a_foreign_next(app, world) -> None:
    client = sign_in(app, world.accounts["kim"], "id")
    token = csrf_token(client, "/")
    assert client.post("/language", data={"lang": "fr", "csrf_token": token}).status_code == 400
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/language", data={"lang": "en", "next": target, "csrf_token": token}
        )
        assert response.headers["Location"] == "/", target
    response = client.post("/language", data={"lang": "en", "next": "/cases/?page=1"})
    assert response.status_code == 400  # no CSRF token: refused, nothing switched
    assert "Kotak kerja" not in visible_text(client.get("/").get_data(as_text=True))


# -- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "required"), [("en", "This field is required."), ("id", "Isian ini wajib diisi.")]
)
def test_form_validation_messages_follow_the_language(app, world, lang, required) -> None:
    client = sign_in(app, world.accounts["alice"], lang)
    response = client.post(
        "/cases/new/",
        data={"title": "", "description": "", "csrf_token": csrf_token(client, "/cases/new/")},
    )
    text = visible_text(response.get_data(as_text=True))
    assert required in text
    if lang == "en":
        assert indonesian_in(text) == []


def test_refusals_and_confirmations_are_english(app, world) -> None:
    client = sign_in(app, world.accounts["kim"], "en")
    case_id = world.cases["at6"]
    token = csrf_token(client, f"/cases/details/?id={case_id}")
    refused = client.post(
        f"/cases/act/?id={case_id}",
        data={"action": "complete", "step": "6", "text": "Go", "csrf_token": token},
    )
    text = visible_text(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "The required inputs of step 6 are not all confirmed: computer" in text
    assert indonesian_in(text) == []
    done = client.post(
        f"/cases/act/?id={case_id}",
        data={
            "action": "complete",
            "step": "6",
            "text": "Go",
            "assignee_id": str(world.accounts["jack"].id),
            "kelengkapan": kelengkapan(6),
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "Step 6 recorded as completed." in visible_text(done.get_data(as_text=True))


def test_service_refusals_and_the_csrf_page_are_english(app, world) -> None:
    client = sign_in(app, world.accounts["root"], "en")
    form = {
        "username": "newbie",
        "full_name": "New Person",
        "roles": "jfu",
        "password": "short",
        "password_confirm": "short",
        "csrf_token": csrf_token(client, "/accounts/new/"),
    }
    text = visible_text(client.post("/accounts/new/", data=form).get_data(as_text=True))
    assert "The password is too short: at least 12 characters." in text
    assert indonesian_in(text) == []
    expired = client.post(f"/cases/act/?id={world.cases['at6']}", data={"action": "complete"})
    text = visible_text(expired.get_data(as_text=True))
    assert expired.status_code == 400 and "The form has expired or is not valid" in text
    assert indonesian_in(text) == []


def test_the_daily_log_writes_its_days_out_in_english(app, world) -> None:
    client = sign_in(app, world.accounts["kim"], "en")
    text = visible_text(client.get("/daily-log/").get_data(as_text=True))
    assert "Monday, 23 November 2026" in text


def test_csv_headers_follow_the_language(app, world) -> None:
    for lang, expected in (("en", ["step", "activity", "open_cases"]), ("id", ["langkah"])):
        client = sign_in(app, world.accounts["kurt"], lang)
        response = client.get(f"/dashboard/open.csv?{WEEK}")
        assert csv_rows(response)[0][: len(expected)] == expected
        disposition = response.headers["Content-Disposition"]
        assert ("dashboard-open" if lang == "en" else "dasbor-open") in disposition


@pytest.fixture(scope="module")
def exporter(committed_app) -> str:
    """A committed account that may export every list (direktur: cases, log and audit)."""
    from sqlalchemy.orm import Session

    from models import db
    from models.services.accounts import create_account

    with committed_app.app_context(), Session(db.engine) as session:
        create_account(
            session,
            username="eng-exporter",
            full_name="Export Reader",
            roles=["direktur"],
            password=TEST_PASSWORD,
        )
        session.commit()
    return "eng-exporter"


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_list_exports_write_their_header_row_in_the_language(committed_app, exporter, endpoint):
    from admin_app.exports import csv_options

    account = Account(username=exporter)
    with committed_app.app_context():
        HEADERS = {lang: csv_options(lang, steps=15).headers for lang in ("en", "id")}  # noqa: N806
    for lang in ("en", "id"):
        client = sign_in(committed_app, account, lang)
        response = client.get(EXPORTS[endpoint])
        assert response.status_code == 200 and response.mimetype == "text/csv"
        header = csv_rows(response)[0]
        assert header and set(header) <= set(HEADERS[lang].values()), (lang, header)
        if lang == "en":
            assert indonesian_in(" ".join(header)) == []
        else:
            assert words(" ".join(header)) & indonesian_words()


# -- filters: URL keys are the same in every language ---------------------------------------


def filter_args(html: str) -> list[str]:
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)[1])
    # The groups are keyed by their (translated) names, so their order follows the language.
    return sorted(item["arg"] for items in groups.values() for item in items)


@pytest.mark.parametrize("path", ["/cases/", "/daily-log/", "/audit/", "/holidays/", "/accounts/"])
def test_filter_url_keys_do_not_change_with_the_language(app, world, path) -> None:
    who = world.accounts["root"]
    keys = {
        lang: filter_args(sign_in(app, who, lang).get(path).get_data(as_text=True))
        for lang in ("id", "en")
    }
    assert keys["en"] == keys["id"] and keys["id"]


def test_links_with_indonesian_filter_keys_work_in_english(app, world) -> None:
    client = sign_in(app, world.accounts["kim"], "en")
    closed = world.cases["closed"]
    for url, present, absent in (
        ("/cases/?flt0_status_adalah=open", "Case BRAVO", "Case ALPHA"),
        ("/cases/?flt0_langkah_adalah=6", "Case CHARLIE", "Case DELTA"),
        ("/cases/?flt0_melebihi_standar_adalah=ya", "Case CHARLIE", "Case BRAVO"),
        ("/cases/?flt0_melebihi_standar_adalah=tidak", "Case BRAVO", "Case CHARLIE"),
        ("/cases/?flt0_pelaksana_nama_pengguna=jack", "Case ALPHA", "Case CHARLIE"),
        (f"/audit/?flt0_kasus_adalah={closed}", "case.return_for_rework", "Case BRAVO"),
    ):
        reader = sign_in(app, world.accounts["root"], "en") if "/audit/" in url else client
        response = reader.get(url)
        text = visible_text(response.get_data(as_text=True))
        assert response.status_code == 200, url
        assert present in text and absent not in text, url
    response = client.get("/daily-log/?flt0_tanggal_antara=2026-11-23+to+2026-11-23")
    assert response.status_code == 200 and "Monday, 23 November 2026" in visible_text(
        response.get_data(as_text=True)
    )
    response = sign_in(app, world.accounts["root"], "en").get(
        "/audit/?flt0_tindakan_adalah=case.report"
    )
    assert response.status_code == 200


# -- notices: in the recipient's language ------------------------------------------------------


def test_a_notice_email_is_written_in_the_recipients_language(world, db_session) -> None:
    kim = world.accounts["kim"]
    kim.email = "kim@example.org"
    notice_id = world.ids["notice"]
    for lang, subject, line in (
        ("en", "case #", "Open the case:"),
        ("id", "kasus #", "Buka kasus:"),
    ):
        kim.language = lang
        db_session.flush()
        email = notices.email_for(
            db_session, notice_id, lambda case_id: f"/cases/{case_id}", "/notices/", "Asia/Jakarta"
        )
        assert email is not None and subject in email.subject and line in email.body
        if lang == "en":
            assert indonesian_in(email.subject + " " + email.body.replace("DJKI", "")) == []

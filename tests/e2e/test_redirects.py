"""No open redirect: every endpoint of the URL map, with every return-address probe.

The audit sent `?url=http:attacker.invalid` to Flask-Admin's details view and got
`Location: http:///attacker.invalid`, which a browser follows to attacker.invalid. Here every
probe shape goes to every endpoint, as `url` and as `next`, and any Location must be a path on
this site as a browser reads it.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for

from rules.enums import Role
from tests.conftest import TEST_PASSWORD, csrf_token

EVIL = "attacker.invalid"
# The shapes of the audit's 55 probes: scheme tricks, slash and backslash runs, whitespace
# browsers drop, encodings, credentials, control characters and malformed hosts.
PROBES = (
    f"http:{EVIL}",
    f"http:/{EVIL}",
    f"http:///{EVIL}",
    f"https:{EVIL}",
    f"https://{EVIL}",
    f"HTTP://{EVIL}",
    f"hTtPs:\\\\{EVIL}",
    f"//{EVIL}",
    f"///{EVIL}",
    f"////{EVIL}/",
    f"\\\\{EVIL}",
    f"\\/{EVIL}",
    f"/\\{EVIL}",
    f"/\\/{EVIL}",
    f"/\t/{EVIL}",
    f"/\n/{EVIL}",
    f"/\r/{EVIL}",
    f" //{EVIL}",
    f"\t//{EVIL}",
    f"\x0c//{EVIL}",
    f"%2F%2F{EVIL}",
    f"/%2F{EVIL}",
    f"/%5C{EVIL}",
    f"%5C%5C{EVIL}",
    f"//{EVIL}%2F..",
    f"//{EVIL}/%2e%2e",
    f"//localhost@{EVIL}",
    f"http://localhost@{EVIL}",
    f"http://{EVIL}\\@localhost",
    f"http://{EVIL}#@localhost",
    f"http://{EVIL}?@localhost",
    f"http://localhost.{EVIL}",
    f"//{EVIL}:80",
    f"http://{EVIL}:443/",
    "//[::1]/",
    "http://[::1",
    "https://[x]/",
    "http://]/",
    "http://127.0.0.1:1/",
    "http://0x7f000001/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    f"ftp://{EVIL}/",
    f"mailto:x@{EVIL}",
    "\r\nSet-Cookie: x=1",
    "/cases/\r\nLocation: http://attacker.invalid/",
    "%0D%0A",
    "/\x00",
    f"。{EVIL}",
    f"//{EVIL}\u3002",
    f"/\u2215\u2215{EVIL}",
)
SAME_SITE = "/cases/?page=0"
URL_VALUES = {"export_type": "csv", "chart": "open_by_step", "filename": "sopdesk.css"}


def stays_here(location: str) -> bool:
    """A Location a browser keeps on this site: a plain path, or this very host."""
    if re.search(r"[\x00-\x20\\]", location):
        return False  # browsers drop or turn these into slashes: no telling where it lands
    if location.startswith("http://localhost/"):
        location = location.removeprefix("http://localhost")
    return location.startswith("/") and not location.startswith("//")


def _endpoints(app) -> list[tuple[str, set[str]]]:
    with app.test_request_context():
        return [
            (
                url_for(rule.endpoint, **{a: URL_VALUES[a] for a in rule.arguments}),
                set(rule.methods or ()) & {"GET", "POST"},
            )
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "auth.logout"
        ]


def test_no_endpoint_redirects_off_site_whatever_its_return_address(app, client, login_as):
    login_as(Role.SUPERUSER)
    token = csrf_token(client, "/notices/")
    probed = 0
    for url, methods in _endpoints(app):
        for method in sorted(methods):
            for probe in PROBES:
                data = {"csrf_token": token, "url": probe, "next": probe, "id": "1"}
                query = {"url": probe, "next": probe, "id": "1"}
                response = client.open(
                    url, method=method, query_string=query, data=data if method == "POST" else None
                )
                response.close()  # an export streams: let it end here
                probed += 1
                where = f"{method} {url} url={probe!r}: {response.status_code}"
                assert response.status_code < 500, where
                location = response.headers.get("Location")
                assert location is None or stays_here(location), f"{where} → {location!r}"
    assert probed > 60 * len(PROBES)


def test_a_return_address_off_site_is_refused_with_the_reason_and_one_here_is_followed(
    client, login_as
):
    login_as(Role.SUPERUSER)
    refused = client.get(f"/instructions/details/?url=http:{EVIL}")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Alamat kembali (url) harus berupa alamat" in body
    assert "Location" not in refused.headers
    # Positive control: a path on this site is where Flask-Admin goes back to.
    token = csrf_token(client, "/holidays/")
    kept = client.post(
        "/holidays/delete/", query_string={"url": SAME_SITE}, data={"csrf_token": token}
    )
    assert kept.status_code == 302 and kept.headers["Location"] == SAME_SITE


def test_a_signed_out_victim_sent_through_login_never_leaves_the_site(client, make_account):
    account = make_account(Role.KASI)
    chained = f"/instructions/details/?url=http:{EVIL}"
    token = csrf_token(client, "/login")
    answer = client.post(
        "/login",
        query_string={"next": chained},
        data={"username": account.username, "password": TEST_PASSWORD, "csrf_token": token},
    )
    # Signed in, sent on to the path on this site; that page then refuses the foreign url.
    assert answer.status_code == 302 and answer.headers["Location"] == chained
    followed = client.get(answer.headers["Location"])
    assert followed.status_code == 400 and "Location" not in followed.headers
    for probe in (f"//{EVIL}", f"http:{EVIL}", f"/\\{EVIL}"):
        client.post("/logout", data={"csrf_token": csrf_token(client, "/notices/")})
        token = csrf_token(client, "/login")
        answer = client.post(
            "/login",
            query_string={"next": probe},
            data={"username": account.username, "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert answer.status_code == 302 and answer.headers["Location"] == "/", probe


@pytest.mark.parametrize("probe", ["%0D%0A", "\r\n", "/\r\n/x", "http://[::1"])
def test_a_return_address_with_a_line_break_or_a_broken_host_is_a_400_not_a_500(
    client, login_as, probe
):
    login_as(Role.SUPERUSER)
    response = client.get("/accounts/", query_string={"url": probe})
    assert response.status_code == 400
    assert "Alamat kembali (url)" in response.get_data(as_text=True)
    assert client.get("/accounts/", query_string={"url": "/accounts/"}).status_code == 200

"""GET /healthz reports whether the database answers."""

from __future__ import annotations

from admin_app import create_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_down():
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere", "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"

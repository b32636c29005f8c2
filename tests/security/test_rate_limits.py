"""Rate limits: tight limits set here, and what a client of the site sees past them.
(The test configuration turns limits off; these tests turn them on.)"""
import pytest
import sqlalchemy as sa

from app.auth import tokens
from app.limits import storage_uri
from app.tickets.models import Ticket
from tests.factories import PASSWORD
from tests.helpers import text

GOOD = {"affected_system": "web-01", "title": "web-01: nginx answers 502 since 10:00", "category": "network",
        "urgency": "2", "description": "Since 10:00 every page of shop.example.com answers 502. Ping is fine."}


@pytest.fixture
def limits_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATE_LIMITS", True)

    def set_limit(name, value):
        monkeypatch.setitem(app.config, name, value)

    return set_limit


def test_the_counters_live_in_the_apps_redis(app):
    assert storage_uri(app).startswith(("redis+unix://", "redis://", "rediss://"))
    assert app.config["RATELIMIT_STORAGE_URI"] == storage_uri(app)


def test_login_attempts_from_one_address_are_limited(client, users, limits_on):
    limits_on("RATE_LIMIT_LOGIN", "3 per minute")
    for _ in range(3):
        assert client.login(users["agent"].email, "wrong password").status_code == 200
    response = client.login(users["agent"].email, PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many requests" in text(response) and "Please wait a moment and try again." in text(response)
    assert "Go to the home page" in text(response)
    assert client.get("/").status_code == 302  # not logged in
    assert client.get("/login").status_code == 200  # reading the page is not an attempt


def test_password_reset_requests_are_limited(client, users, limits_on):
    limits_on("RATE_LIMIT_PASSWORD_RESET", "2 per hour")
    for _ in range(2):
        assert client.submit("/password/forgot", {"email": users["agent"].email}).status_code == 302
    assert client.submit("/password/forgot", {"email": users["agent"].email}).status_code == 429


def test_new_tickets_from_the_portal_are_limited_per_contact(login, users, db, limits_on):
    limits_on("RATE_LIMIT_PORTAL_TICKETS", "2 per hour")
    petro, colleague = login("client_user"), login("client_admin")
    for n in range(2):
        assert petro.submit("/portal/new", {**GOOD, "title": f"web-0{n}: nginx answers 502"}).status_code == 302
    response = petro.submit("/portal/new", {**GOOD, "title": "web-09: nginx answers 502"})
    assert response.status_code == 429 and "Please wait a moment" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 2
    assert colleague.submit("/portal/new", GOOD).status_code == 302  # a limit per contact, not per company


def test_api_calls_are_limited_per_token_with_the_json_envelope(client, users, limits_on):
    limits_on("RATE_LIMIT_API", "2 per minute")
    _row, mine = tokens.create_token(users["agent"], "busy script")
    _row, other = tokens.create_token(users["manager"], "quiet script")
    for _ in range(2):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {mine}"}).status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {mine}"})
    assert response.status_code == 429
    assert response.json == {"error": {"code": 429, "message": "Please wait a moment and try again."}}
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_guessing_api_tokens_is_limited_per_address(client, users, limits_on):
    limits_on("RATE_LIMIT_API_FAILURES", "3 per minute")
    for n in range(3):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer guess-{n}"}).status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer guess-4"})
    assert response.status_code == 429 and response.json["error"]["code"] == 429


def test_the_openapi_document_tells_scripts_about_the_429(client, users, limits_on):
    spec = client.get("/api/v1/openapi.json").json
    operations = [op for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert operations and all("429" in op["responses"] for op in operations)
    assert all("Retry-After" in op["responses"]["429"]["headers"] for op in operations)

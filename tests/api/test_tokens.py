"""API tokens: made and revoked on the profile page or with `flask token`, and
the only way into the API — a session cookie opens nothing there."""
import hashlib
import re
from datetime import timedelta

import sqlalchemy as sa

from app import timeutil
from app.auth import services as accounts
from app.auth import tokens
from app.auth.models import ApiToken
from tests.helpers import text

ME = "/api/v1/me"


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def shown_token(page: str) -> str:
    match = re.search(r'<code[^>]*id="new-token"[^>]*>([^<]+)</code>', page)
    assert match, "the page shows no new token"
    return match.group(1).strip()


def test_a_token_made_on_the_profile_page_opens_the_api_once_shown(client, login, users, db):
    agent = login("agent")
    response = agent.submit("/profile/tokens", {"token-name": "Nightly backup check"}, page="/profile")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text(response)
    raw = shown_token(page)
    assert "shown only this once" in page and "Nightly backup check" in page
    assert raw not in text(agent.get("/profile"))  # never again
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in (row.token_hash, row.name)
    assert row.prefix == raw[:8] and f"{row.prefix}…" in text(agent.get("/profile"))

    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 200 and response.json["email"] == users["agent"].email
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_a_token_needs_a_name(login, db):
    agent = login("agent")
    response = agent.submit("/profile/tokens", {"token-name": "  "}, page="/profile")
    assert response.status_code == 400 and "new-token" not in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_gets_401_at_once(client, login, users, db):
    row, raw = tokens.create_token(users["client_user"], "Monitoring")
    assert client.get(ME, headers=bearer(raw)).status_code == 200
    owner = login("client_user")
    response = owner.submit("/profile/tokens/revoke", {"token_id": row.id}, page="/profile")
    assert response.status_code == 302
    assert "has been revoked" in text(owner.get("/profile")) and "Revoked" in text(owner.get("/profile"))
    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 401
    assert response.json["error"]["message"] == "This API token is not valid, or it has been revoked."
    assert response.headers["WWW-Authenticate"] == "Bearer realm=zayavka, error=invalid_token"


def test_nobody_revokes_another_users_token(client, login, users, db):
    row, raw = tokens.create_token(users["agent"], "Agent's script")
    response = login("client_admin").submit("/profile/tokens/revoke", {"token_id": row.id}, page="/profile")
    assert response.status_code == 404
    assert client.get(ME, headers=bearer(raw)).status_code == 200


def test_a_deactivated_users_tokens_stop_working(client, users, db):
    _row, raw = tokens.create_token(users["agent"], "Script")
    accounts.set_user_active(users["agent"], False, actor=users["admin"])
    assert client.get(ME, headers=bearer(raw)).status_code == 401


def test_without_a_token_or_with_a_wrong_one_the_api_answers_401_in_json(client, users):
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic YWdlbnQ6cHc="}, {"Authorization": "Bearer"}):
        response = client.get("/api/v1/tickets", headers=headers)
        assert response.status_code == 401, headers
        assert response.json["error"]["code"] == 401 and response.json["error"]["message"]
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_the_session_cookie_opens_nothing_in_the_api(login, users):
    agent = login("agent")
    assert agent.get("/profile").status_code == 200  # logged in for the web pages
    response = agent.get(ME)
    assert response.status_code == 401
    response = agent.post("/api/v1/tickets", json={"kind": "incident", "title": "Via cookie", "organization": "ACME"})
    assert response.status_code == 401


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(api, org_a):
    response = api("agent").post("/api/v1/tickets", json={"kind": "incident", "title": "Disk full", "organization": "ACME"})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_last_use_is_written_at_most_every_few_minutes(client, users, db, monkeypatch):
    row, raw = tokens.create_token(users["agent"], "Script")
    client.get(ME, headers=bearer(raw))
    db.session.expire_all()
    first = db.session.get(ApiToken, row.id).last_used_at
    client.get(ME, headers=bearer(raw))
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at == first
    later = timeutil.utcnow() + tokens.TOUCH_EVERY + timedelta(seconds=1)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    client.get(ME, headers=bearer(raw))
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at == later


# -- the command line ------------------------------------------------------------------------

def test_cli_prints_the_token_alone_on_its_last_line(app, client, users, db):
    result = app.test_cli_runner().invoke(args=["token", "create", "agent@provider.test", "--name", "deploy bot"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", raw)
    assert client.get(ME, headers=bearer(raw)).json["email"] == "agent@provider.test"
    assert db.session.scalar(sa.select(ApiToken.name)) == "deploy bot"


def test_cli_lists_and_revokes(app, client, users, db):
    runner = app.test_cli_runner()
    raw = runner.invoke(args=["token", "create", "boss@acme.test"]).output.strip().splitlines()[-1]
    row = db.session.scalar(sa.select(ApiToken))
    listing = runner.invoke(args=["token", "list", "boss@acme.test"]).output
    assert f"{row.id}\t{raw[:8]}…\tcommand line\t" in listing and listing.rstrip().endswith("active")
    result = runner.invoke(args=["token", "revoke", "boss@acme.test", str(row.id)])
    assert result.exit_code == 0, result.output
    assert client.get(ME, headers=bearer(raw)).status_code == 401
    assert runner.invoke(args=["token", "list", "boss@acme.test"]).output.rstrip().endswith("revoked")


def test_cli_explains_what_it_cannot_do(app, users, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["token", "create", "nobody@provider.test"])
    assert result.exit_code != 0 and "no user with e-mail nobody@provider.test" in result.output
    accounts.set_user_active(users["agent"], False, actor=users["admin"])
    result = runner.invoke(args=["token", "create", "agent@provider.test"])
    assert result.exit_code != 0 and "deactivated" in result.output
    result = runner.invoke(args=["token", "revoke", "admin@provider.test", "12345"])
    assert result.exit_code != 0 and "has no token 12345" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0

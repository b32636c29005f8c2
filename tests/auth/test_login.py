"""Logging in and out, throttling and CSRF on the login form."""
from datetime import timedelta

import pytest

from app import timeutil
from app.auth.models import LoginThrottle, User
from tests.factories import PASSWORD
from tests.helpers import text

INVALID = "Invalid e-mail or password."


def test_login_page_renders_with_csrf_token(client):
    page = text(client.get("/login"))
    assert "Log in to Zayavka" in page
    assert 'name="csrf_token"' in page


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/organizations/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_then_logout(client, users):
    response = client.login(users["agent"].email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Agent workspace" in text(client.get("/"))
    response = client.submit("/logout", page="/")
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_login_records_last_login(client, users, db):
    assert users["agent"].last_login_at is None
    client.login(users["agent"].email, PASSWORD)
    assert db.session.get(User, users["agent"].id).last_login_at is not None


def test_login_email_is_case_insensitive(client, users):
    assert client.login("  AGENT@Provider.test ", PASSWORD).status_code == 302


@pytest.mark.parametrize("email,password", [
    ("agent@provider.test", "wrong password"),
    ("nobody@provider.test", PASSWORD),
])
def test_wrong_password_and_unknown_email_get_the_same_message(client, users, email, password):
    response = client.login(email, password)
    assert response.status_code == 200
    assert INVALID in text(response)
    assert client.get("/").status_code == 302  # still logged out


def test_login_redirects_only_to_local_next(client, users):
    client.get("/login")
    token = client.csrf_token()
    for target, expected in [("/teams/", "/teams/"), ("https://evil.test/x", "/"), ("//evil.test", "/")]:
        response = client.post(f"/login?next={target}", data={
            "email": users["agent"].email, "password": PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == expected
        client.submit("/logout", page="/")
        token = client.csrf_token()


def test_login_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"email": users["agent"].email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in text(response)
    assert client.get("/").status_code == 302


def test_logout_is_post_only_and_needs_csrf(login):
    agent = login("agent")
    assert agent.get("/logout").status_code == 405
    assert agent.post("/logout").status_code == 400
    assert agent.get("/").status_code == 200  # still logged in


def test_deactivated_user_cannot_log_in(client, users, db):
    users["agent"].active = False
    db.session.commit()
    response = client.login(users["agent"].email, PASSWORD)
    assert INVALID in text(response) and "deactivated" not in text(response)
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client, users):
    response = client.submit("/login", {"email": users["agent"].email, "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only


class Clock:
    def __init__(self, monkeypatch):
        self.now = timeutil.utcnow()
        monkeypatch.setattr(timeutil, "utcnow", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.mark.parametrize("email", ["agent@provider.test", "nobody@provider.test"])
def test_repeated_failures_slow_down_then_lock_the_address(app, client, users, monkeypatch, email):
    clock = Clock(monkeypatch)
    slow_after, lock_after = app.config["LOGIN_SLOW_AFTER"], app.config["LOGIN_LOCK_AFTER"]
    for _ in range(slow_after):
        assert INVALID in text(client.login(email, "wrong"))
    # Slowed: the next try right away is refused without checking the password…
    assert "Try again in 1 seconds" in text(client.login(email, "wrong"))
    # …and after the wait it is checked again, with a doubled wait after each failure.
    failures = slow_after
    while failures < lock_after:
        clock.advance(seconds=61)
        assert INVALID in text(client.login(email, "wrong"))
        failures += 1
    # Locked: even the right password is refused for LOGIN_LOCK_MINUTES.
    clock.advance(seconds=61)
    page = text(client.login(email, PASSWORD))
    assert "Too many failed attempts" in page
    assert client.get("/").status_code == 302
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"])
    if email.startswith("agent"):
        assert client.login(email, PASSWORD).status_code == 302
        assert client.get("/").status_code == 200


def test_successful_login_forgives_earlier_failures(client, users, db):
    client.login(users["agent"].email, "wrong")
    assert db.session.get(LoginThrottle, users["agent"].email).failures == 1
    client.login(users["agent"].email, PASSWORD)
    db.session.expire_all()
    assert db.session.get(LoginThrottle, users["agent"].email) is None

"""Logging in and out, throttling, CSRF, profiles, passwords and languages."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

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
    assert "This account has been deactivated" in text(response)
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


# -- profile and password ----------------------------------------------------------

def test_profile_saves_name_language_and_time_zone(login, users, db):
    agent = login("agent")
    response = agent.submit("/profile", {"name": "Ivan B.", "phone": "+380 1", "locale": "uk",
                                         "timezone": "America/New_York"})
    assert response.status_code == 302
    user = db.session.get(User, users["agent"].id)
    assert (user.name, user.locale, user.timezone) == ("Ivan B.", "uk", "America/New_York")
    assert "Ваш профіль" in text(agent.get("/profile"))


def test_profile_rejects_unknown_time_zone(login, users, db):
    agent = login("agent")
    response = agent.submit("/profile", {"name": "X", "locale": "", "timezone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Not a valid choice" in text(response)
    assert db.session.get(User, users["agent"].id).timezone is None


def test_change_password_checks_the_current_one(login, users, db):
    agent = login("agent")
    response = agent.submit("/profile/password", {"current_password": "nope", "new_password": "brand new password",
                                                  "confirm": "brand new password"}, page="/profile")
    assert "The current password is not correct." in text(response)
    response = agent.submit("/profile/password", {"current_password": PASSWORD, "new_password": "short",
                                                  "confirm": "short"}, page="/profile")
    assert "at least 10 characters" in text(response)
    hash_before = users["agent"].password_hash
    db.session.expire_all()
    assert db.session.get(User, users["agent"].id).password_hash == hash_before


def test_change_password_logs_out_other_sessions(app, login, users):
    here, elsewhere = login("agent"), login("agent")
    response = here.submit("/profile/password", {"current_password": PASSWORD, "new_password": "brand new password",
                                                 "confirm": "brand new password"}, page="/profile")
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    fresh = app.test_client()
    assert fresh.login(users["agent"].email, "brand new password").status_code == 302


# -- languages ------------------------------------------------------------------------

def test_language_follows_the_browser_then_the_choice(client):
    assert "Log in to Zayavka" in text(client.get("/login", headers={"Accept-Language": "en-US,en"}))
    assert "Увійти до Zayavka" in text(client.get("/login", headers={"Accept-Language": "uk-UA,uk;q=0.9"}))
    client.submit("/language", {"locale": "uk", "next": "/login"}, page="/login")
    assert "Увійти до Zayavka" in text(client.get("/login", headers={"Accept-Language": "en"}))


def test_profile_language_wins_over_the_browser(login, users, db):
    agent = login("agent")
    agent.submit("/language", {"locale": "uk", "next": "/"}, page="/")
    assert db.session.get(User, users["agent"].id).locale == "uk"
    assert "Робоче місце агента" in text(agent.get("/", headers={"Accept-Language": "en"}))


def test_unknown_language_changes_nothing(login, users, db):
    agent = login("agent")
    agent.submit("/language", {"locale": "xx", "next": "/"}, page="/")
    assert db.session.get(User, users["agent"].id).locale is None


def test_times_are_shown_in_the_users_time_zone(login, users, db):
    user = db.session.get(User, users["admin"].id)
    user.timezone = "Asia/Tokyo"
    db.session.commit()
    admin = login("admin")
    stamp = db.session.scalar(sa.select(User.last_login_at).where(User.id == user.id))
    tokyo_hour = (stamp + timedelta(hours=9)).strftime("%-I:%M")
    assert tokyo_hour in text(admin.get("/profile"))

"""A user's own profile: name, time zone, password and language."""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from tests.factories import PASSWORD
from tests.helpers import text

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

"""Logging out ends the login: a saved session cookie or remember-me cookie opens nothing
afterwards, each login's cookies differ, and no CSRF token outlives the session it was made for."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import sqlalchemy as sa

from app.auth.models import LoginSession
from tests.factories import PASSWORD
from tests.helpers import text


def log_in(app, email, remember=False):
    client = app.test_client()
    response = client.submit("/login", {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})})
    assert response.status_code == 302
    return client


def replay(app, name, value):
    """A new browser with only this saved cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_a_saved_session_cookie_opens_nothing_after_logout(app, users, db):
    client = log_in(app, users["client_user"].email)
    saved = client.get_cookie("session").value
    assert replay(app, "session", saved).get("/portal/").status_code == 200  # the cookie is the login …
    client.submit("/logout", page="/portal/")
    response = replay(app, "session", saved).get("/portal/")  # … and logging out ends it
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_saved_remember_cookie_opens_nothing_after_logout(app, users, db):
    client = log_in(app, users["client_user"].email, remember=True)
    saved = client.get_cookie("remember_token").value
    assert replay(app, "remember_token", saved).get("/portal/").status_code == 200
    response = client.submit("/logout", page="/portal/")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))  # deleted
    assert replay(app, "remember_token", saved).get("/portal/").status_code == 302


def test_every_login_has_its_own_remember_cookie_and_other_browsers_stay_logged_in(app, users, db):
    first = log_in(app, users["agent"].email, remember=True)
    second = log_in(app, users["agent"].email, remember=True)
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value
    second.submit("/logout", page="/")
    assert first.get("/").status_code == 200  # logging out of one browser leaves the other alone
    assert second.get("/").status_code == 302


def test_the_remember_cookie_lasts_thirty_days_not_a_year(app, users):
    client = app.test_client()
    response = client.submit("/login", {"email": users["agent"].email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)


def test_a_login_expires_on_the_server_too(app, users, db):
    client = log_in(app, users["agent"].email)
    db.session.execute(sa.update(LoginSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_a_csrf_token_from_before_login_is_dead_after_it(app, users, db):
    client = app.test_client()
    anonymous_token = client.csrf_token("/login")
    response = client.post("/login", data={"email": users["agent"].email, "password": PASSWORD,
                                           "csrf_token": anonymous_token})
    assert response.status_code == 302
    response = client.post("/profile", data={"name": "Fixated", "phone": "", "locale": "", "timezone": "",
                                             "csrf_token": anonymous_token})
    assert response.status_code == 400 and "The form expired" in text(response)


def test_a_csrf_token_of_the_logged_in_session_is_dead_after_logout(app, users, db):
    client = log_in(app, users["agent"].email)
    token = client.csrf_token("/profile")
    client.submit("/logout", page="/")
    response = client.post("/login", data={"email": users["agent"].email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_csrf_tokens_and_logins_have_finite_lifetimes(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


def test_a_new_password_ends_the_other_logins_and_keeps_this_one(app, users, db):
    here = log_in(app, users["agent"].email, remember=True)
    elsewhere = log_in(app, users["agent"].email, remember=True)
    saved_remember = elsewhere.get_cookie("remember_token").value
    response = here.submit("/profile/password", {"current_password": PASSWORD, "new_password": "a brand new password",
                                                 "confirm": "a brand new password"}, page="/profile")
    assert response.status_code == 302
    assert here.get("/profile").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert replay(app, "remember_token", saved_remember).get("/").status_code == 302
    assert replay(app, "remember_token", here.get_cookie("remember_token").value).get("/").status_code == 200


def test_logging_in_clears_away_ended_logins(app, users, db):
    for _ in range(3):
        log_in(app, users["agent"].email).submit("/logout", page="/")
    log_in(app, users["agent"].email)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 1


def test_two_people_are_never_equal_whatever_their_logins(users):
    assert users["agent"] != users["manager"] and users["agent"] not in [users["manager"], users["admin"]]
    assert users["agent"] == users["agent"]

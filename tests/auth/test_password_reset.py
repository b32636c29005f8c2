"""Password reset by e-mail, end to end: form → RQ job → SMTP → link → new password."""
import re
from pathlib import Path

from app.auth import services
from tests.factories import PASSWORD
from tests.helpers import run_jobs, text
from tests.mail.headers import assert_ours

ROOT = Path(__file__).resolve().parents[2]  # the project, where wsgi.py is
LINK = re.compile(r"http://zayavka\.test(/password/reset/\S+)")

FORGOT_MESSAGE = "If this address belongs to an account, a link to reset the password is on its way."


def reset_link(mailbox) -> str:
    assert len(mailbox.messages) == 1
    return LINK.search(mailbox.body(mailbox.messages[0])).group(1)


def test_reset_by_mail_end_to_end(app, client, users, mailbox):
    response = client.submit("/password/forgot", {"email": users["client_user"].email})
    assert response.headers["Location"] == "/login"
    assert FORGOT_MESSAGE in text(client.get("/login"))
    assert mailbox.messages == []  # nothing is sent inside the request
    assert run_jobs(app) == 1
    message = mailbox.messages[0]
    assert message["To"] == users["client_user"].email
    assert message["Subject"] == "Reset your Zayavka password"
    assert_ours(message)
    link = reset_link(mailbox)

    assert "Choose a new password" in text(client.get(link))
    response = client.submit(link, {"password": "a fresh password", "confirm": "a fresh password"})
    assert response.headers["Location"] == "/login"
    assert client.login(users["client_user"].email, "a fresh password").status_code == 302
    assert app.test_client().login(users["client_user"].email, PASSWORD).status_code == 200  # old one is gone

    # The link works once.
    response = client.get(link, follow_redirects=True)
    assert "This link has already been used" in text(response)


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, users, mailbox):
    response = client.submit("/password/forgot", {"email": "stranger@nowhere.test"}, follow_redirects=True)
    assert FORGOT_MESSAGE in text(response)
    assert run_jobs(app) == 0
    assert mailbox.messages == []


def test_reset_mail_comes_in_the_users_language(app, client, users, mailbox, db):
    users["client_user"].locale = "uk"
    db.session.commit()
    client.submit("/password/forgot", {"email": users["client_user"].email})
    run_jobs(app)
    assert mailbox.messages[0]["Subject"] != "Reset your Zayavka password"
    assert "zayavka.test/password/reset/" in mailbox.body(mailbox.messages[0])


def test_forged_token_is_refused(client, users):
    response = client.get("/password/reset/not-a-real-token", follow_redirects=True)
    assert "This link is not valid" in text(response)


def test_expired_token_is_refused(app, client, users, db):
    token = services.make_reset_token(users["agent"])
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/password/reset/{token}", follow_redirects=True)
        assert "This link has expired" in text(response)
        response = client.post(f"/password/reset/{token}", data={"password": "x" * 12, "confirm": "x" * 12})
        assert response.status_code in (302, 400)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert client.login(users["agent"].email, PASSWORD).status_code == 302  # password unchanged


def test_reset_rejects_a_short_or_mismatched_password(client, users):
    link = f"/password/reset/{services.make_reset_token(users['agent'])}"
    assert "at least 10 characters" in text(client.submit(link, {"password": "short", "confirm": "short"}))
    assert "The passwords do not match." in text(client.submit(link, {"password": "long enough 1", "confirm": "long enough 2"}))
    assert client.login(users["agent"].email, PASSWORD).status_code == 302


def test_reset_is_mailed_by_a_forked_worker_process(app, users, mailbox, redis_url, tmp_path):
    """The production path: `flask worker` in a process of its own picks the job up."""
    import os
    import subprocess
    import sys

    from app.auth import services as accounts

    with app.app_context():
        accounts.request_password_reset(users["manager"].email)
    env = dict(os.environ, REDIS_URL=redis_url, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               MAIL_PORT=str(app.config["MAIL_PORT"]), BASE_URL="http://zayavka.test", FLASK_APP="wsgi")
    result = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert LINK.search(mailbox.body(mailbox.messages[0]))

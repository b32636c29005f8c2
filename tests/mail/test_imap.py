"""The IMAP poller against a real Dovecot (Debian's dovecot-imapd), started on 127.0.0.1 with a
throwaway configuration and a passwd-file user."""
import grp
import os
import pathlib
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import sqlalchemy as sa

from app import jobs
from app.mail import gateway, imap
from app.mail.models import InboundMail
from app.tickets.models import Ticket
from tests.helpers import count, run_jobs
from tests.mail.conftest import mail

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dovecot():
    """A running Dovecot; yields the URL of user support's INBOX."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="zayavka-dovecot-"))
    os.chmod(root, 0o755)  # Dovecot's own users read the passwd file and the mail below
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir(parents=True)
    os.chmod(root / "run", 0o755)
    port = free_port()
    if os.getuid() == 0:  # Dovecot runs its helpers, logins and mail as its own users, never as root
        user, group, login = "dovecot", "dovecot", "dovenull"
        uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    else:
        user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
        login, uid, gid = user, os.getuid(), os.getgid()
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, uid=uid, gid=gid,
                                                     user=user, group=group, login=login))
    (root / "passwd").write_text("support:{PLAIN}imap secret\n")
    os.chmod(root / "passwd", 0o644)
    if os.getuid() == 0:
        for folder in ("mail", "home"):
            os.chmod(root / folder, 0o777)
    process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start: {process.stdout.read()!r} {log}") from None
            time.sleep(0.1)
    yield f"imap://support:imap%20secret@127.0.0.1:{port}/INBOX"
    process.terminate()
    process.wait(timeout=20)
    shutil.rmtree(root, ignore_errors=True)


def deliver(url: str, *messages: bytes) -> None:
    connection = imap._connect(url)
    for raw in messages:
        connection.append("INBOX", None, None, raw)
    connection.logout()


def unseen(url: str) -> int:
    connection = imap._connect(url)
    _status, data = connection.uid("SEARCH", None, "UNSEEN")
    connection.logout()
    return len(data[0].split())


def test_the_periodic_poll_stores_unseen_mail_and_marks_it_seen(app, db, users, dovecot, mailbox):
    deliver(dovecot, mail(message_id="imap-1@acme.test"), mail(subject="Second problem", message_id="imap-2@acme.test"))
    app.config["MAIL_IMAP"] = f"support={dovecot}"
    try:
        assert "mail-poll" in jobs.enqueue_due_periodic()
        run_jobs(app)  # the poll itself, on a real RQ worker
    finally:
        app.config["MAIL_IMAP"] = ""
    db.session.expire_all()
    assert count(db, Ticket) == 2 and unseen(dovecot) == 0
    assert set(db.session.scalars(sa.select(InboundMail.mailbox))) == {"support"}
    run_jobs(app)
    acknowledged = [m for m in mailbox.messages if m["To"] == "user@acme.test"]
    assert len(acknowledged) == 2  # each acknowledged (the routed team's address hears of each too)


def test_a_mail_whose_store_failed_stays_unseen_and_comes_again(app, db, users, dovecot, monkeypatch):
    deliver(dovecot, mail(message_id="ok@acme.test"), mail(subject="Unlucky", message_id="unlucky@acme.test"))
    real_ingest = gateway.ingest

    def crash_on_the_second(raw, mailbox="pipe"):
        if b"unlucky@" in raw:
            raise ConnectionError("the database went away")
        return real_ingest(raw, mailbox)

    monkeypatch.setattr(gateway, "ingest", crash_on_the_second)
    with pytest.raises(ConnectionError):
        imap.poll("support", dovecot)
    assert unseen(dovecot) == 1 and count(db, InboundMail) == 1
    monkeypatch.setattr(gateway, "ingest", real_ingest)
    assert imap.poll("support", dovecot) == 1
    assert unseen(dovecot) == 0 and count(db, InboundMail) == 2 and count(db, Ticket) == 2


def test_a_mailbox_that_refuses_the_login_does_not_stop_the_others(app, db, users, dovecot):
    deliver(dovecot, mail(message_id="other@acme.test"))
    app.config["MAIL_IMAP"] = f"wrong={dovecot.replace('imap%20secret', 'nope')} support={dovecot}"
    try:
        assert imap.poll_all() == {"wrong": -1, "support": 1}
    finally:
        app.config["MAIL_IMAP"] = ""

"""The IMAP poller: every configured mailbox's unseen mail, fetched by UID, stored by the
gateway, and marked \\Seen only after the store committed — a crash in between fetches
the mail again (and the Message-ID keeps it one row), it never loses one."""
import imaplib
import logging
from urllib.parse import unquote, urlsplit

from flask import current_app

from app.jobs import job
from app.mail import gateway

log = logging.getLogger(__name__)


def mailboxes() -> dict[str, str]:
    """MAIL_IMAP "name=imaps://user:pw@host:993/INBOX other=…" as {name: url}."""
    found = {}
    for entry in (current_app.config.get("MAIL_IMAP") or "").split():
        name, _eq, url = entry.partition("=")
        if url:
            found[name] = url
    return found


def _connect(url: str):
    parts = urlsplit(url)
    secure = parts.scheme == "imaps"
    port = parts.port or (993 if secure else 143)
    connection = (imaplib.IMAP4_SSL if secure else imaplib.IMAP4)(parts.hostname, port, timeout=30)
    connection.login(unquote(parts.username or ""), unquote(parts.password or ""))
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    status, _data = connection.select(folder)
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open folder {folder}")
    return connection


def poll(name: str, url: str) -> int:
    """Fetch, store and mark seen every unseen mail of one mailbox; how many were stored."""
    connection = _connect(url)
    stored = 0
    try:
        status, data = connection.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split() if status == "OK" else []:
            status, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), None) if status == "OK" else None
            if raw is None:
                continue
            gateway.ingest(raw, mailbox=name)  # stored (committed) before the flag is set
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            stored += 1
    finally:
        try:
            connection.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return stored


def poll_all() -> dict[str, int]:
    results = {}
    for name, url in mailboxes().items():
        try:
            results[name] = poll(name, url)
        except (OSError, imaplib.IMAP4.error) as error:  # one mailbox down does not stop the others
            log.warning("mailbox %s: %s", name, error)
            results[name] = -1
    return results


@job
def poll_job() -> None:
    """Periodic (app/jobs/worker.py PERIODIC): every configured mailbox."""
    poll_all()


@job
def purge_job() -> None:
    """Periodic: the raw source of mail discarded longer ago than MAIL_RETENTION_DAYS."""
    gateway.purge_discarded()

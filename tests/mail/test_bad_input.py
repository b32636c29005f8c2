"""Mail nobody should send: none crashes the gateway, none is lost."""
import os

import sqlalchemy as sa

from app.mail.models import InboundMail
from app.tickets.models import Ticket
from tests.helpers import count, run_jobs
from tests.mail.conftest import mail


def stored(db, result) -> InboundMail:
    return db.session.get(InboundMail, result.mail_id)


def test_an_empty_mail_is_kept_in_the_quarantine(db, ingest):
    result = ingest(b"")
    assert result.as_json() == {"quarantined": result.mail_id, "reason": "empty"}
    assert stored(db, result).raw == b""


def test_a_mail_over_the_limit_is_kept_quarantined_and_its_sender_told(app, db, users, ingest, mailbox):
    app.config["MAIL_MAX_BYTES"] = 50_000
    try:
        result = ingest(mail(body="x" * 80 + "\n" + ("y" * 76 + "\n") * 1000, message_id="big@acme.test"))
    finally:
        app.config["MAIL_MAX_BYTES"] = 25 * 1024 * 1024
    assert result.reason == "too large" and len(stored(db, result).raw) > 50_000 and count(db, Ticket) == 0
    run_jobs(app)
    [told] = mailbox.messages
    assert told["To"] == "user@acme.test" and "too large" in told["Subject"]
    assert told["In-Reply-To"] == "<big@acme.test>" and told["Auto-Submitted"] == "auto-replied"


def test_binary_garbage_is_kept_in_the_quarantine(db, ingest):
    garbage = os.urandom(4096).replace(b"\n\n", b"\n")
    result = ingest(garbage)
    assert result.status == "quarantined" and stored(db, result).raw == garbage


def test_a_header_only_mail_opens_a_ticket_that_says_it_had_no_text(db, users, ingest):
    result = ingest(b"From: user@acme.test\r\nSubject: Only headers\r\nMessage-ID: <h@acme.test>\r\n")
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket))
    assert ticket.title == "Only headers" and "no text" in ticket.description


def test_a_subject_of_ten_thousand_characters_is_cut_for_the_title(db, users, ingest):
    result = ingest(mail(subject="Disk " * 2000, message_id="long@acme.test"))
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket))
    assert len(ticket.title) == 200 and ticket.title.endswith("…")
    assert len(stored(db, result).subject) == 255


def test_a_hundred_nested_messages_are_one_attachment(db, users, ingest):
    inner = b"From: someone@else.test\nSubject: level 0\n\ninnermost\n"
    for level in range(1, 101):
        inner = (b"From: someone@else.test\nSubject: level %d\nMIME-Version: 1.0\n"
                 b"Content-Type: message/rfc822\n\n" % level) + inner
    raw = (b"From: user@acme.test\nSubject: Forwarded chain\nMessage-ID: <nested@acme.test>\nMIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee below.\n--b\n"
           b"Content-Type: message/rfc822\n\n" + inner + b"\n--b--\n")
    result = ingest(raw)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket))
    assert result.created and "See below." in ticket.description
    assert [a.filename for a in ticket.attachments] == ["level 100.eml.txt"]  # named after its subject


def test_a_refused_file_is_named_in_the_message_and_the_rest_kept(db, users, ingest):
    raw = (b"From: user@acme.test\nSubject: Program\nMessage-ID: <exe@acme.test>\nMIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nRun this.\n--b\n"
           b"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=tool.exe\n"
           b"Content-Transfer-Encoding: base64\n\nf0VMRgIBAQAAAAAAAAAAAAAAAAAAAAAAAAAA\n--b--\n")
    result = ingest(raw)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket))
    assert ticket.attachments == [] and "tool.exe" in ticket.description and "Run this." in ticket.description

"""Outgoing mail: render a template pair (text and HTML), then deliver() it — the one way every
mail of Zayavka leaves (ticket mails, password and invitation mails, change windows, incident
updates, escalations, monthly reports, answers to senders): our Message-ID, Auto-Submitted on
automatic mail, the ticket's threading headers when it is about a ticket, and SMTP with retries
(app/mail/delivery.py).

Only jobs call deliver(): mail never goes out inside a web request or a database transaction.
"""
import email.policy
import email.utils
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, render_template, url_for

from app.extensions import db
from app.mail import delivery, threads
from app.mail.models import MailReference
from app.tickets import attachments
from app.transactions import unit_of_work

AUTO_REPLIED = "auto-replied"  # an answer to a mail (received, status, too large) — RFC 3834
AUTO_GENERATED = "auto-generated"  # a mail no one's mail started (reminders, updates, reports)


def external_url(endpoint: str, **values) -> str:
    """An absolute link into the site, built from BASE_URL (no request needed)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def sender_domain() -> str:
    address = email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2].lower() or "zayavka"


def mark_automatic(message: EmailMessage, kind: str = AUTO_REPLIED) -> None:
    """An automatic mail: mail programs must not answer it (RFC 3834), nor must we answer their answers."""
    message["Auto-Submitted"] = kind
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Loop"] = email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def thread(message: EmailMessage, ticket, to: str) -> None:
    """Thread a ticket's mail: In-Reply-To the ticket's latest mail, References to its
    mails and to the ticket's stable pseudo-reference; this mail's Message-ID recorded."""
    recent = list(db.session.scalars(sa.select(MailReference.message_id).where(
        MailReference.ticket_id == ticket.id).order_by(MailReference.id.desc()).limit(10)))
    incoming = db.session.scalar(sa.select(MailReference.message_id).where(
        MailReference.ticket_id == ticket.id, MailReference.direction == "in").order_by(MailReference.id.desc()).limit(1))
    pseudo = threads.pseudo_reference(ticket.number, sender_domain())
    if incoming or recent:
        message["In-Reply-To"] = f"<{incoming or recent[0]}>"
    message["References"] = " ".join(f"<{ref}>" for ref in [pseudo, *reversed(recent)])
    with unit_of_work():
        db.session.add(MailReference(ticket_id=ticket.id, message_id=message["Message-ID"].strip("<> "),
                                     direction="out", address=to[:254]))


def build(to: str, subject: str, template: str, **context) -> EmailMessage:
    # Headers up to RFC 5322's 998 characters: folding at 78 puts a long subject on its own line, which
    # some readers (Python's parser among them) then show with a leading space.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender_domain())
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def files_that_fit(files, limit: int) -> tuple[list, list]:
    """The files (oldest first) whose sizes add up to at most ``limit``, and those left out."""
    carried, left_out, total = [], [], 0
    for item in files:
        if total + item.size <= limit:
            carried.append(item)
            total += item.size
        else:
            left_out.append(item)
    return carried, left_out


def attach(message: EmailMessage, files) -> None:
    """Attach stored files (app/tickets/attachments.py) under the names they are downloaded by."""
    for item in files:
        with open(attachments.path_for(item.sha256), "rb") as f:
            data = f.read()
        maintype, _slash, subtype = item.content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachments.stored_name(item.filename, item.content_type))


def deliver(message: EmailMessage, *, ticket=None, automatic: str | None = None,
            thread_key: str | None = None) -> bool:
    """Send one built mail. ``ticket``: threaded with the ticket's mail and recorded on it (its
    failure shows there too); ``automatic``: AUTO_REPLIED or AUTO_GENERATED; ``thread_key``: a
    stable pseudo-reference for mail that is not the ticket's conversation (an incident's public
    updates), so mail programs group it without a reply joining any ticket. True when SMTP took it
    at once; otherwise it waits for its next attempt (delivery.py)."""
    if automatic:
        mark_automatic(message, automatic)
    if ticket is not None:
        thread(message, ticket, message["To"])
    elif thread_key:
        message["References"] = f"<{thread_key}@{sender_domain()}>"
    return delivery.send(message, ticket.id if ticket is not None else None)

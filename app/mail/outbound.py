"""Outgoing mail: render a template pair (text and HTML) and hand it to SMTP.

Only jobs call send(): mail never goes out inside a web request or a
database transaction.
"""
import email.policy
import email.utils
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, render_template, url_for

from app.extensions import db
from app.mail import threads
from app.mail.models import MailReference
from app.tickets.services import record
from app.transactions import unit_of_work


def external_url(endpoint: str, **values) -> str:
    """An absolute link into the site, built from BASE_URL (no request needed)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def sender_domain() -> str:
    address = email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2].lower() or "zayavka"


def mark_automatic(message: EmailMessage) -> None:
    """An automatic mail: mail programs must not answer it (RFC 3834), nor must we answer their answers."""
    message["Auto-Submitted"] = "auto-replied"
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


def send_about(message: EmailMessage, ticket) -> None:
    """Send a ticket's mail; a failure is written on the ticket (and the job fails, to be retried)."""
    try:
        send(message)
    except (OSError, smtplib.SMTPException) as error:
        db.session.rollback()
        with unit_of_work():
            record(ticket, None, "mail_failed", None, f"{message['To']}: {error}"[:500], version=ticket.version)
        raise


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


def send(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
